"""Test the page-number font kept on disk (jidi_docs._cache): same font, no fontTools import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jidi_docs.pdf import _numberfont

_SCRIPT = """
import sys
from jidi_docs.pdf._numberfont import number_font
font = number_font()
print("fontTools" in sys.modules, font.name, font.program.hex(), sorted(font.widths.items()))
"""


def test_a_second_process_takes_the_font_from_the_cache(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    first, second = (
        subprocess.run(
            [sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, check=True
        ).stdout.split(" ", 1)
        for _ in range(2)
    )

    assert first[0] == "True"  # subset with fontTools
    assert second[0] == "False"  # read back, fontTools not imported
    assert first[1] == second[1]
    assert len(list((tmp_path / "cache" / "jidi-docs" / "fonts").iterdir())) == 1


def test_a_damaged_entry_is_subset_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _numberfont.number_font.cache_clear()
    font = _numberfont.number_font()
    (entry,) = (tmp_path / "cache" / "jidi-docs" / "fonts").iterdir()
    entry.write_bytes(b'{"name": "X", "program": "not base64!"}')
    _numberfont.number_font.cache_clear()

    again = _numberfont.number_font()

    assert again == font
    assert entry.read_bytes() != b'{"name": "X", "program": "not base64!"}'
    _numberfont.number_font.cache_clear()
