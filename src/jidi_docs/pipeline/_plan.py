"""Plan a batch in the parent process: each application's folder, and chunks of work."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._fs import fit_name, safe_filename
from ..pdf import ImageOptions
from ._sources import MAX_MB
from ._summary import SummaryRow

__all__ = ["Built", "Job", "Options", "Survey", "chunks", "duplicates", "folder_names"]

#: Room kept below an application's folder for its files (``<单位名称>-附件2-申报表.docx``).
_FILES_INSIDE = 60


@dataclass(frozen=True)
class Options:
    """Everything a worker needs besides the files; must pickle."""

    pdf: bool
    profile: str | None
    allow_missing: bool
    allow_outside_paths: bool
    date: dt.date
    #: Keep one LibreOffice running in each worker across its chunks, converting while the
    #: worker prepares the next applications (our own pool only); see `jidi_docs.pdf.WarmConverter`.
    warm: bool = False
    #: Per application: seconds and bytes of memory its reading, checking and building may take.
    time_limit: float | None = None
    memory_limit: int | None = None
    #: Replace same-named files jidi_docs did not write.
    force: bool = False
    soffice: str | None = None
    #: Write each bundle as PDF/A-2b.
    pdfa: bool = False
    #: Rebuild forms edited by hand from the YAML (default: use them as edited).
    from_yaml: bool = False
    #: How photos and scans go into the bundles.
    images: ImageOptions = field(default_factory=ImageOptions)
    #: Bundles larger than this many megabytes get a notice (None: never).
    max_mb: float | None = MAX_MB
    #: True when `date` was chosen (``--date``), False when it is the day of the batch.
    date_given: bool = False

    def key(self) -> str:
        """The options that change outputs, for the input hash (not the cover date)."""
        key: list[object] = [self.pdf, self.profile, self.allow_missing, self.allow_outside_paths]
        if self.pdfa:  # added only when set, so outputs of earlier versions stay up to date
            key.append("pdfa")
        if self.images != ImageOptions():  # likewise: the default adds nothing
            key.append(dataclasses.asdict(self.images))
        return json.dumps(key)


@dataclass(frozen=True)
class Survey:
    source: Path
    display: str
    unit: str | None
    digest: str | None
    row: SummaryRow
    warnings: list[str]
    error: str = ""
    #: 统一社会信用代码, when written.
    code: str | None = None


@dataclass(frozen=True)
class Job:
    source: Path
    out_dir: Path
    digest: str


@dataclass(frozen=True)
class Built:
    source: Path
    outputs: list[Path]
    warnings: list[str]
    error: str = ""
    #: The forms edited by hand that were used as they are (file names).
    kept: tuple[str, ...] = ()


def folder_names(surveys: Sequence[Survey], parent: Path | None = None) -> dict[Path, str]:
    """Return each readable application's folder name, unique in a case-insensitive way.

    With `parent` (the batch's output folder), names are shortened so that the files inside
    stay within Windows' 260-character path limit (`jidi_docs._fs.fit_name`).

    Why every holder of a shared name gets a suffix (not just the second one): adding a file
    that sorts first must not move another application's outputs to a different folder.
    """
    base = {s.source: safe_filename(s.unit, max_bytes=120) for s in surveys if s.unit}
    count: dict[str, int] = {}
    for name in base.values():
        count[name.casefold()] = count.get(name.casefold(), 0) + 1
    names: dict[Path, str] = {}
    for s in surveys:
        if s.source not in base:
            continue
        name = base[s.source]
        if count[name.casefold()] > 1:
            name = safe_filename(f"{name}-{s.source.stem}", max_bytes=150)
        names[s.source] = name
    # Still shared (same name and same file stem in different folders): use the relative path.
    seen: dict[str, int] = {}
    for n in names.values():
        seen[n.casefold()] = seen.get(n.casefold(), 0) + 1
    displays = {s.source: s.display for s in surveys}
    used: set[str] = set()
    for source, n in list(names.items()):
        if seen[n.casefold()] > 1:
            rel = Path(displays[source]).with_suffix("").as_posix().replace("/", "_")
            n = safe_filename(f"{base[source]}-{rel}", max_bytes=150)
        if parent is not None:
            n = fit_name(parent, n, reserve=_FILES_INSIDE)
        k, unique = 1, n
        while unique.casefold() in used:
            k += 1
            unique = f"{n}-{k}"
        used.add(unique.casefold())
        names[source] = unique
    return names


def duplicates(surveys: Sequence[Survey]) -> dict[Path, tuple[Path, str]]:
    """Return the applications of a unit met more than once, each → (the one kept, why).

    One unit is one 统一社会信用代码, or one 单位名称 (compared without spaces and case). Of
    each unit's files the one changed last is kept: it is the one its authors worked on.
    """
    read = [s for s in surveys if not s.error and s.digest is not None]
    parent = {s.source: s.source for s in read}

    def root(path: Path) -> Path:
        while parent[path] != path:
            path = parent[path]
        return path

    reasons: dict[tuple[Path, Path], str] = {}
    for what, key in (("统一社会信用代码", _code_key), ("单位名称", _name_key)):
        first: dict[str, Survey] = {}
        for s in read:
            k = key(s)
            if not k:
                continue
            if k in first:
                a, b = root(first[k].source), root(s.source)
                parent[b] = a
                reasons.setdefault((first[k].source, s.source), f"{what}相同")
            else:
                first[k] = s
    groups: dict[Path, list[Survey]] = {}
    for s in read:
        groups.setdefault(root(s.source), []).append(s)
    out: dict[Path, tuple[Path, str]] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        kept = max(members, key=lambda s: (_mtime(s.source), s.display))
        for s in members:
            if s is kept:
                continue
            same = "、".join(
                dict.fromkeys(r for (a, b), r in reasons.items() if s.source in (a, b))
            )
            reason = (
                f"与 {kept.display} 是同一单位（{same or '单位名称相同'}），只生成了修改时间较新的"
                f" {kept.display}；确实要用这一份时，请把另一份移出文件夹。"
            )
            out[s.source] = (kept.source, reason)
    return out


def _code_key(s: Survey) -> str:
    return (s.code or "").strip().upper()


def _name_key(s: Survey) -> str:
    return "".join((s.unit or "").split()).casefold()


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
