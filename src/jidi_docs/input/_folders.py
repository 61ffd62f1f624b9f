"""Evidence by folder: the files in ``佐证材料/<指标>/`` are that indicator's 佐证材料.

``jidi-docs init`` makes one folder per 评价表 indicator, and people put their scans there; that
alone is enough. Each file becomes an entry of its own, titled by its file name, in name order
(numbers compared as numbers, as Windows Explorer sorts: ``2.jpg`` before ``10.jpg``), at any
depth. A 佐证材料 list (in the YAML or 佐证材料.xlsx) is optional: when present, it names and orders
the files it lists and may add files kept elsewhere; files in the folders it does not list are
still included, after the listed ones, and a notice says which.

A file is taken when its content is one of the accepted kinds (`jidi_docs.schema.EVIDENCE_KINDS`,
by its first bytes), or when its name says it is one (a damaged ``营业执照.pdf`` is then refused
with the reason when it is read, with the same code for ``check`` and ``bundle``). Other files (a
Word document put there by mistake) and folders that are no indicator's name are reported in a
notice, never dropped in silence.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Issue
from ..schema import EVIDENCE_KINDS, HEAD_BYTES, sniff_kind

__all__ = [
    "EVIDENCE_DIR",
    "FolderEvidence",
    "folder_evidence",
    "name_key",
]

#: The folder of an application holding its scans, one subfolder per indicator.
EVIDENCE_DIR = "佐证材料"

#: File-name endings of the accepted kinds.
_SUFFIXES = frozenset(ext for kind in EVIDENCE_KINDS for ext in kind.extensions)

#: Files the system or an editor leaves beside people's own: never evidence, never mentioned.
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "icon\r"})

#: Keys of one 佐证材料 entry (from the registry's 佐证材料 section).
_NAME, _INDICATOR, _FILES = "名称", "指标", "文件"

_DIGITS = re.compile(r"(\d+)")


def name_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Return a sort key ordering names as people number them: ``2`` before ``10``."""
    parts = _DIGITS.split(unicodedata.normalize("NFC", text).casefold())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def _skipped(path: Path) -> bool:
    """Hidden files, Office lock files (``~$报告.docx``) and the system's own files."""
    name = path.name
    return name.startswith((".", "~$")) or name.casefold() in _SYSTEM_FILES


def _is_evidence(path: Path) -> bool:
    """True when `path`'s content (or, failing that, its name) is an accepted kind."""
    if path.suffix.lower() in _SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return False
    return sniff_kind(head) is not None


def _same(path: Path) -> str:
    """A form of `path` that two spellings of one file share (case on Windows and macOS)."""
    return os.path.normcase(unicodedata.normalize("NFC", str(path.resolve())))


@dataclass
class FolderEvidence:
    """What the folders added to an application's 佐证材料, and what they hold but do not give.

    Attributes:
        entries: the entries to append, as the YAML would write them (名称, 指标, 文件).
        unlisted: files a 佐证材料 list exists for but does not name (added all the same).
        unsupported: files in an indicator's folder that are no PDF or image by name.
        stray: folders under 佐证材料 that are no indicator's name, with their file counts.
        loose: files directly under 佐证材料 that no entry names.
    """

    entries: list[dict[str, Any]] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    stray: list[tuple[str, int]] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)

    def notices(self, source: str | None, groups: Sequence[str]) -> list[Issue]:
        """Return the Chinese notices for the files that were added or left out."""
        out = []

        def note(message: str) -> None:
            out.append(Issue(source, None, None, EVIDENCE_DIR, message))

        if self.unlisted:
            note(
                f"{len(self.unlisted)} 个文件放在评价指标的文件夹里，但佐证材料清单没有列出，"
                f"已按所在文件夹加入，以文件名为标题：{_listing(self.unlisted)}。"
            )
        if self.unsupported:
            note(
                f"{len(self.unsupported)} 个文件不是 PDF 或图片，没有放进申报材料："
                f"{_listing(self.unsupported)}。请另存为 PDF 后放回原文件夹。"
            )
        for folder, count in self.stray:
            note(
                f"文件夹 {folder} 不是评价指标的名称，里面的 {count} 个文件没有放进申报材料。"
                f"请把它们移到对应指标的文件夹中：{'、'.join(groups)}。"
            )
        if self.loose:
            note(
                f"{len(self.loose)} 个文件直接放在 {EVIDENCE_DIR} 文件夹里，不属于任何评价指标，"
                f"也没有列在佐证材料清单中，没有放进申报材料：{_listing(self.loose)}。"
                "请把它们移到对应指标的文件夹中。"
            )
        return out


def _listing(items: Sequence[str], limit: int = 5) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等（共 {len(items)} 个）" if len(items) > limit else "")


def _files_below(folder: Path) -> list[Path]:
    """Every file below `folder` (hidden and system files left out), in name order."""
    found = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(here) / f for f in files if not _skipped(Path(f))]
    return sorted(found, key=lambda p: [name_key(part) for part in p.relative_to(folder).parts])


def _declared(entries: Any, base_dir: Path) -> set[str]:
    """The files a 佐证材料 list names, resolved (whatever cannot be read is left to validation)."""
    out: set[str] = set()
    if not isinstance(entries, list):
        return out
    for entry in entries:
        files = entry.get(_FILES) if isinstance(entry, Mapping) else None
        for rel in files if isinstance(files, list) else [files]:
            if isinstance(rel, str) and rel.strip():
                out.add(_same(base_dir / rel.strip().replace("\\", "/")))
    return out


def folder_evidence(entries: Any, base_dir: Path, groups: Sequence[str]) -> FolderEvidence:
    """Return the entries the folders under ``base_dir/佐证材料`` add to the list `entries`.

    Args:
        entries: the 佐证材料 list as written (YAML or spreadsheet rows), or None.
        base_dir: the application's folder.
        groups: the names of the evidence groups (基本情况 and the 评价表's indicators).
    """
    result = FolderEvidence()
    root = base_dir / EVIDENCE_DIR
    if not root.is_dir():
        return result
    listed = _declared(entries, base_dir)
    has_list = isinstance(entries, list) and bool(entries)
    by_name = {unicodedata.normalize("NFC", g): g for g in groups}
    order = {g: n for n, g in enumerate(groups)}

    def place(child: Path) -> tuple[int, tuple[tuple[int, int | str], ...]]:
        group = by_name.get(unicodedata.normalize("NFC", child.name))
        return (order[group] if group is not None else len(order), name_key(child.name))

    # The indicators' folders in the 评价表's order (the bundle's), any other after them.
    for child in sorted(root.iterdir(), key=place):
        if _skipped(child):
            continue
        rel_child = f"{EVIDENCE_DIR}/{child.name}"
        if child.is_file():
            if _same(child) not in listed:
                result.loose.append(rel_child)
            continue
        if not child.is_dir():
            continue
        group = by_name.get(unicodedata.normalize("NFC", child.name))
        files = _files_below(child)
        if group is None:
            count = sum(1 for f in files if _same(f) not in listed)
            if count:
                result.stray.append((rel_child, count))
            continue
        for path in files:
            if _same(path) in listed:
                continue
            rel = path.relative_to(base_dir).as_posix()
            if not _is_evidence(path):
                result.unsupported.append(rel)
                continue
            title = path.relative_to(child).with_suffix("").as_posix()
            result.entries.append({_NAME: title, _INDICATOR: group, _FILES: [rel]})
            if has_list:
                result.unlisted.append(rel)
    return result
