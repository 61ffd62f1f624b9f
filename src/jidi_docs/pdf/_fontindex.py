"""What the fonts in the font folders hold: their characters and family names, cached per file.

Used where fontconfig is not there to ask (Windows, macOS): by the missing-character check
(`jidi_docs.pdf._glyphs`) and by the font replacement table (`jidi_docs.pdf._fonts`), which
must leave a form font alone when it is installed (a PC with the real 方正小标宋简体 keeps it).

Reading every font file takes seconds (a Windows fonts folder holds several hundred), so what
each file holds is kept in the cache (`jidi_docs._cache`, kind ``font-index``) with the file's
size and modification time: a later run reads only files that are new or changed
(``benchmarks/font_index.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import _cache, _platform

__all__ = ["FontIndex", "folder_index", "font_folders", "installed_families"]

#: Font files by suffix (the others in font folders are never read).
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
_KIND = "font-index"
#: Name table entries that hold family names (legacy and typographic), in every language.
_FAMILY_IDS = (1, 16)


def font_folders() -> list[Path]:
    """Return LibreOffice's own font folders and the usual font folders of each OS
    (`jidi_docs._platform.font_folders`)."""
    folders = []
    soffice = _platform.find_soffice().path
    if soffice:
        program = Path(soffice).resolve().parent
        folders += [program.parent / "share" / "fonts" / "truetype", program / "fonts"]
    return [*folders, *_platform.font_folders()]


@dataclass
class FontIndex:
    """The characters (inclusive ranges) and family names of the fonts in some folders."""

    ranges: list[tuple[int, int]]
    families: set[str]


def _runs(codes: list[int]) -> list[list[int]]:
    """`codes` as sorted inclusive ranges ``[lo, hi]`` (a CJK font: a few hundred, not 30,000)."""
    runs: list[list[int]] = []
    for code in sorted(set(codes)):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return runs


def _read(path: Path) -> tuple[list[int], list[str]]:
    """Return the code points and family names of the font file at `path` (a collection: its
    first face's characters, which its faces share, and every face's names)."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError  # 0.3 s to import

    def names(font: TTFont) -> list[str]:
        table = font.get("name")
        found = [] if table is None else [n for n in table.names if n.nameID in _FAMILY_IDS]
        return [str(n.toUnicode(errors="replace")) for n in found]

    suffix = path.suffix.lower()
    if suffix not in _FONT_SUFFIXES:
        return [], []
    try:
        # The file is opened here, not by fontTools: TTFont leaves the file it opened itself
        # unclosed when the file is not a font (an empty or damaged .ttf).
        with path.open("rb") as file:
            if suffix == ".ttc":
                faces = TTCollection(file, lazy=True).fonts
                return list(faces[0].getBestCmap() or {}), [n for f in faces for n in names(f)]
            font = TTFont(file, lazy=True)
            return list(font.getBestCmap() or {}), names(font)
    except (OSError, TTLibError, KeyError, AssertionError, IndexError, UnicodeError):
        return [], []


def font_files(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Every font file in `folders`: its path → (size, modification time in ns)."""
    files: dict[str, tuple[int, int]] = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.suffix.lower() in _FONT_SUFFIXES:
                    try:
                        info = path.stat()
                    except OSError:
                        continue
                    files[str(path)] = (info.st_size, info.st_mtime_ns)
    return files


def folder_index(folders: list[Path] | None = None) -> FontIndex:
    """What the fonts in `folders` (default `font_folders`) hold, each file read only when the
    cache has no entry for it with its current size and time."""
    folders = font_folders() if folders is None else folders
    name = _cache.key(_KIND, *map(str, folders))
    try:
        known = json.loads(_cache.read(_KIND, name) or b"{}")
    except ValueError:  # a damaged entry: read everything again
        known = {}
    index: dict[str, tuple[int, int, list[list[int]], list[str]]] = {}
    changed = False
    for path, (size, mtime) in font_files(folders).items():
        entry = known.get(path)
        if isinstance(entry, list) and len(entry) == 4 and entry[:2] == [size, mtime]:
            index[path] = (size, mtime, entry[2], entry[3])
        else:
            codes, families = _read(Path(path))
            index[path] = (size, mtime, _runs(codes), sorted(set(families)))
            changed = True
    if changed or len(index) != len(known):
        _cache.write(_KIND, name, json.dumps(index, separators=(",", ":")).encode())
    return FontIndex(
        [(lo, hi) for _, _, runs, _ in index.values() for lo, hi in runs],
        {family for *_, families in index.values() for family in families},
    )


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """The family names (every language) of the fonts in the font folders (once per process)."""
    return frozenset(folder_index().families)
