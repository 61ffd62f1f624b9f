"""Warn about characters that no installed font can draw, before LibreOffice drops them.

LibreOffice draws a character in the font the text asks for or, failing that, in any installed
font that has it. When none has it (an emoji such as 🚀 on a machine without an emoji font), the
character silently vanishes from the PDF or becomes an empty box. This module checks every text of
an application against the union of the installed fonts' character sets — fontconfig's own table
(``fc-list``) where fontconfig exists, else the fonts in LibreOffice's and the system's font folders
read with fontTools — and names each field and character that will not print.

Without fontconfig (Windows, macOS) the fonts are read by `jidi_docs.pdf._fontindex`, which
keeps what each file holds in the cache.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..schema import Application
from . import _fontindex

__all__ = ["Coverage", "undrawable_warnings"]

#: Fields that are never printed (file paths of the evidence).
_NOT_PRINTED = frozenset({"文件"})
#: How many places are named for one character before "等 N 处".
_PLACES_SHOWN = 3


class Coverage:
    """A set of code points, stored as sorted disjoint ranges."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        """Keep `ranges` (inclusive, any order, may overlap) merged."""
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(ranges):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        self._starts = [lo for lo, _ in merged]
        self._ranges = merged

    def __contains__(self, char: object) -> bool:
        """Whether the character (a one-character str) is covered."""
        if not isinstance(char, str) or len(char) != 1:
            return False
        code = ord(char)
        i = bisect_right(self._starts, code) - 1
        return i >= 0 and self._ranges[i][1] >= code

    def __bool__(self) -> bool:
        """False when no font was found at all (then nothing can be judged)."""
        return bool(self._ranges)


def _parse_fc_charset(text: str) -> Iterator[tuple[int, int]]:
    for token in text.split():
        lo, _, hi = token.partition("-")
        try:
            yield int(lo, 16), int(hi or lo, 16)
        except ValueError:
            continue


def _fontconfig_coverage() -> Coverage | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run(
            [fc_list, "--format", "%{charset}\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # Faces of one family mostly share a character set: parse each distinct set once.
    return Coverage([r for line in set(out.splitlines()) for r in _parse_fc_charset(line)])


@lru_cache(maxsize=1)
def installed_coverage() -> Coverage:
    """Return the characters some installed font has (read once per process)."""
    found = _fontconfig_coverage()
    return found if found else Coverage(_fontindex.folder_index().ranges)


def _invisible(char: str) -> bool:
    """True for characters that draw nothing by design (spaces, joiners, variation selectors)."""
    category = unicodedata.category(char)
    return (
        char.isspace()
        or category in ("Cc", "Cf", "Zs", "Zl", "Zp", "Co")
        or (0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF)
    )


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_PRINTED:
                yield from _texts(item, f"{path} → {key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value, start=1):
            yield from _texts(item, f"{path} → 第 {i} 项")


def undrawable_warnings(app: Application, coverage: Coverage | None = None) -> list[str]:
    """Return one Chinese warning per character of `app` that no installed font can draw.

    Each names the character, its code point and the fields it occurs in.

    Args:
        app: the application.
        coverage: the characters the fonts have (default: the installed fonts').
    """
    fonts = installed_coverage() if coverage is None else coverage
    if not fonts:
        return []  # no font found at all: the conversion itself will say so
    places: dict[str, list[str]] = {}
    for path, text in _texts(app.model_dump(by_alias=True, mode="json"), ""):
        for char in dict.fromkeys(text):
            if char not in fonts and not _invisible(char):
                places.setdefault(char, []).append(path)
    warnings = []
    for char, where in places.items():
        shown = "".join(f"「{p}」" for p in where[:_PLACES_SHOWN])
        more = f"等 {len(where)} 处" if len(where) > _PLACES_SHOWN else ""
        warnings.append(
            f"{shown}{more}中的“{char}”（U+{ord(char):04X}）没有任何已安装的字体能显示，"
            "在 PDF 中会缺失或显示为方框。请改用文字表述，或安装含有该字符的字体后重新生成。"
        )
    return warnings
