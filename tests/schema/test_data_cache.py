"""Test the JSON cache of the package's YAML data (`read_data_file`): an entry gives exactly what
parsing the file gives, and a cache that cannot help is only a miss."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

import jidi_docs
from jidi_docs.schema import _registry
from jidi_docs.schema._registry import read_data_file

SCHEMA = Path(jidi_docs.schema.__file__).parent
SHIPPED = [SCHEMA / "sections.yaml", *sorted((SCHEMA / "profiles").glob("*.yaml"))]


@pytest.fixture
def entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder of the data entries, in a cache of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "jidi-docs" / "data"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(_registry.yaml, "load", refuse)


def _typed(data: Any) -> Any:
    """`data` with the type of every value beside it (``1 == 1.0 == True`` would hide a change)."""
    if isinstance(data, dict):
        return {k: _typed(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_typed(v) for v in data]
    return (type(data).__name__, data)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_data_from_the_cache_is_what_parsing_gives(
    path: Path, entries: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = yaml.load(path.read_text("utf-8"), Loader=yaml.SafeLoader)

    first = read_data_file(path)
    assert len(list(entries.iterdir())) == 1
    _no_parsing(monkeypatch)
    second = read_data_file(path)

    assert _typed(first) == _typed(second) == _typed(parsed)


def test_dates_and_timestamps_come_back_as_themselves(
    tmp_path: Path, entries: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("截止: 2021-08-17\n时刻: 2021-08-17 09:30:00\n文字: '2021-08-17'\n", "utf-8")

    read_data_file(path)
    _no_parsing(monkeypatch)
    data = read_data_file(path)

    assert _typed(data) == {
        "截止": ("date", dt.date(2021, 8, 17)),
        "时刻": ("datetime", dt.datetime(2021, 8, 17, 9, 30)),
        "文字": ("str", "2021-08-17"),
    }


def test_an_edited_file_gets_its_own_entry(tmp_path: Path, entries: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("值: 1\n", "utf-8")
    assert read_data_file(path) == {"值": 1}

    path.write_text("值: 2\n", "utf-8")

    assert read_data_file(path) == {"值": 2}
    assert len(list(entries.iterdir())) == 2


@pytest.mark.parametrize(
    "text",
    ["1: 数字键\n", "日期: {$date: '2021-08-17'}\n", "值: .nan\n"],
    ids=["number key", "looks tagged", "nan"],
)
def test_data_json_would_change_is_returned_but_not_stored(
    text: str, tmp_path: Path, entries: Path
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(text, "utf-8")
    parsed = yaml.load(text, Loader=yaml.SafeLoader)

    data = read_data_file(path)

    assert not entries.exists() or not list(entries.iterdir())
    if text.startswith("值"):
        assert math.isnan(data["值"])
    else:
        assert _typed(data) == _typed(parsed)


def test_a_damaged_entry_is_parsed_again_and_replaced(tmp_path: Path, entries: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("值: [1, 2]\n", "utf-8")
    read_data_file(path)
    (entry,) = entries.iterdir()
    entry.write_bytes(b'{"\xe5')

    assert read_data_file(path) == {"值": [1, 2]}
    assert entry.read_text("utf-8") == '{"值": [1, 2]}'


def test_a_cache_that_cannot_be_written_is_only_a_miss(tmp_path: Path, entries: Path) -> None:
    entries.parent.parent.mkdir(parents=True)
    entries.parent.write_text("not a folder")  # unwritable even for root
    path = SCHEMA / "sections.yaml"

    assert read_data_file(path) == yaml.load(path.read_text("utf-8"), Loader=yaml.SafeLoader)
