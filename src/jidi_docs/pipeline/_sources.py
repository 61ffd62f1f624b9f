"""The 佐证材料 of one application as the bundle holds them: files found, and the tree of parts.

Kept apart from `jidi_docs.pipeline._bundle` (which makes the bundle) so that a batch's planning
can look at an application's files without it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError
from ..forms import fmt_date
from ..pdf import EvidencePdf, OnPreviousPage, PairedImages, Part, resolve_evidence_path
from ..schema import Application

if TYPE_CHECKING:
    import pikepdf

__all__ = [
    "MAX_MB",
    "EvidenceFile",
    "cover_date_notice",
    "evidence_files",
    "evidence_part",
    "keep_apart",
    "size_notice",
]

logger = logging.getLogger("jidi_docs")

#: Bundles larger than this (MB) get a notice: upload platforms commonly cap files at tens of MB.
MAX_MB = 50.0


@dataclass(frozen=True)
class EvidenceFile:
    """One file named by a 佐证材料 entry, resolved against the YAML file's folder."""

    entry: str
    indicator: str
    rel: str
    path: Path | None
    exists: bool


def evidence_files(app: Application, *, allow_outside_paths: bool = False) -> list[EvidenceFile]:
    """Return every evidence file of `app`, resolved, with whether it exists.

    Raises:
        EvidenceError: a path leads outside the YAML file's folder (unless allowed).
    """
    out = []
    for entry in app.evidence:
        for rel in entry.files:
            path = resolve_evidence_path(
                app.base_dir, rel, allow_outside=allow_outside_paths, entry=entry.name
            )
            out.append(EvidenceFile(entry.name, entry.indicator, rel, path, path.is_file()))
    return out


@dataclass(frozen=True)
class _Slot:
    """One evidence file of the bundle, read from its place in the job's lists when used.

    Why: the bundle's tree is laid out before the images are decoded (while LibreOffice
    converts), and decoding replaces each item in its list with one that holds its frames as
    encoded for the page; through its slot, the tree uses what decoding made.
    """

    items: list[EvidencePdf]
    index: int

    @property
    def item(self) -> EvidencePdf:
        return self.items[self.index]

    @property
    def page_count(self) -> int:
        return self.item.page_count

    @property
    def reaches_bottom(self) -> bool:
        return self.item.reaches_bottom

    def open(self) -> pikepdf.Pdf:
        return self.item.open()

    def page_image(self) -> bytes | Path:
        return self.item.page_image()

    @property
    def pairs(self) -> bool:
        """True for a landscape photo that may share its page with another."""
        item = self.item
        return item.images is not None and item.images.two_per_page and item.is_landscape_photo


def evidence_part(app: Application, evidence: dict[int, list[EvidencePdf]]) -> Part:
    """The 佐证材料 part: one child per indicator (基本情况 first), each entry's files in order.

    With `jidi_docs.pdf.ImageOptions.two_per_page`, two landscape photos share a page: within an
    entry, and between two entries of one indicator that are a single photo each (as the files
    of an indicator's folder are); the second entry's bookmark and contents line then point at
    that shared page.
    """
    groups: dict[str, list[Part]] = {g: [] for g in app.profile.evidence_groups}
    for i, entry in enumerate(app.evidence):
        items = evidence.setdefault(i, [])
        slots = [_Slot(items, n) for n in range(len(items))]
        groups[entry.indicator].append(Part(entry.name, sources=_paired(slots)))
    for parts in groups.values():
        k = 0
        while k + 1 < len(parts):
            a, b = _one_photo(parts[k].sources), _one_photo(parts[k + 1].sources)
            if a is not None and b is not None:
                parts[k].sources = [PairedImages(a, b)]
                parts[k + 1].sources = [OnPreviousPage()]
                k += 2
            else:
                k += 1
    return Part("佐证材料", children=[Part(g, children=items) for g, items in groups.items()])


def _paired(slots: list[_Slot]) -> list[_Slot | PairedImages]:
    """`slots` with each two consecutive landscape photos on one page."""
    out: list[_Slot | PairedImages] = []
    for slot in slots:
        last = out[-1] if out else None
        if isinstance(last, _Slot) and last.pairs and slot.pairs:
            out[-1] = PairedImages(last, slot)
        else:
            out.append(slot)
    return out


def _one_photo(sources: Sequence[object]) -> _Slot | None:
    """The one landscape photo of an entry that may share its page, else None."""
    only = sources[0] if len(sources) == 1 else None
    return only if isinstance(only, _Slot) and only.pairs else None


def cover_date_notice(app: Application, date: dt.date | None) -> None:
    """Log a notice when the cover's date (`date`, or today when None) is after the 认定批次's
    申报截止日期: an application dated after the deadline looks late."""
    day = date or dt.date.today()
    deadline = app.profile.deadline
    if day <= deadline:
        return
    how = "（默认是生成的当天）" if date is None else ""
    logger.warning(
        "封面日期 %s%s晚于“%s”的申报截止日期 %s。要用其他日期，请加 --date，例如 --date %s。",
        fmt_date(day).replace(" ", ""),
        how,
        app.profile.name,
        fmt_date(deadline).replace(" ", ""),
        deadline.isoformat(),
    )


def size_notice(path: Path, max_mb: float | None) -> None:
    """Log a notice when the bundle at `path` is larger than `max_mb` megabytes (None: never)."""
    size = path.stat().st_size / 2**20
    if max_mb is None or size <= max_mb:
        return
    logger.warning(
        "申报材料 %s 有 %.0f MB，超过 %.0f MB：报送平台常常限制上传文件的大小。"
        "可以降低照片的分辨率或质量后重新生成（例如 --image-dpi 150 --image-quality 75），"
        "或把大的 PDF 扫描件用较低的分辨率重新扫描。",
        path.name,
        size,
        max_mb,
    )


def keep_apart(out_dir: Path, evidence: Sequence[EvidenceFile]) -> None:
    """Refuse an output folder that holds this application's evidence files.

    Why: outputs written among the evidence could replace a scan of the same name, and would
    be picked up as evidence by the next run.

    Raises:
        OutputError: naming the folder and one of the evidence files in it.
    """
    target = out_dir.resolve()
    for item in evidence:
        if item.path is not None and item.path.resolve().parent == target:
            raise OutputError(
                f"输出文件夹 {out_dir} 里放着佐证材料（如 {item.rel}），不能把生成的文件写在那里："
                "它们可能覆盖同名的佐证材料，下次还会被当成佐证材料读入。请换一个输出文件夹。"
            )
