"""Assemble the submission bundle: merge PDFs, add bookmarks, page numbers and metadata.

The bundle is an ordered tree of `Part` s (cover, contents, forms, evidence by indicator, each entry
possibly several files). Because every source knows its page count before assembly, `plan` gives
the printed page ranges up front, so the contents page can list them before anything is merged.

Page numbering: the first ``unnumbered_pages`` physical pages (the cover and the contents) carry
no number and are not counted; the page after them is ``— 1 —``. Why: the contents then never
depend on their own length, so they are built once, and the numbers match the usual Chinese
practice of numbering the body of an application. Numbers follow GB/T 9704 (``— 5 —``), in 10.5 pt
of an embedded subset of the forms' Latin serif (`jidi_docs.pdf._numberfont`), centred 8 mm above
the bottom edge, in a band 15 mm high that nothing else may occupy: image scans are placed with
15 mm margins, and the pages of evidence PDFs (`PdfSource.reaches_bottom`) are shrunk about their
top centre until they clear the band — scaled, never covered. ``/PageLabels`` make a viewer show
what is printed: 封面, 目录, then 1, 2, 3 … from the first numbered page.

Why pikepdf, by measurement (``benchmarks/bundle.py``: 1000 pages from 50 PDFs + 20 JPEG scans,
38 MiB; qpdf merges the same content, the scans wrapped into PDFs beforehand; 2-core machine shared
with other jobs, medians of 5 in one run). In process, imports done: merge + bookmarks + page
numbers + write take 0.21–0.30 s, 1.1–1.2x ``qpdf --empty --pages`` (0.20–0.25 s, whose start-up is
6 ms), and the peak grows by 52 MiB (1.4x the input). End to end, a fresh process: 0.56 s / 92 MiB
(2.2x qpdf's time, 2.4x the input) when only this module's imports run, but 0.96–1.12 s / 127 MiB
through ``import jidi_docs.assemble``, because the package ``__init__`` imports the whole public
API (0.45 s, 43 MiB of it). pypdf doing the same work: 0.56–0.65 s / 143 MiB end to end (3.7x the
input), without the package import. pikepdf is the leaner of the two and close to qpdf in process.
Memory: sources are opened without mmap and closed as soon as their pages are in (pikepdf copies
page data at once), so the peak is the copied data plus one source; pikepdf's default mmap access
had added the whole input again. Page numbers are the cheapest stamp we measured: ``q``/``Q``
wrapped around each page's old content plus one small appended stream, with one shared font object.

Identical resources (the same image or embedded font program copied from several sources, or the
same file used by two entries) are stored once (`jidi_docs.pdf._dedupe`).
The file is written to a temporary name next to the target and renamed, so an error never leaves
a partial bundle behind.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pikepdf

from .._fs import atomic_write, check_targets
from ..errors import BundleError, InternalError
from ..forms import MISSING, ContentsLine
from ._dedupe import StreamIndex, deduplicate_streams
from ._inert import make_inert
from ._pagenumbers import number_pages

logger = logging.getLogger("jidi_docs")

__all__ = [
    "AssembleResult",
    "Part",
    "PdfFile",
    "PdfSource",
    "PlannedPart",
    "Tail",
    "assemble",
    "contents_lines",
    "merge_tail",
    "plan",
]


class PdfSource(Protocol):
    """A PDF whose pages can be appended; `EvidencePdf` and `PdfFile` are two."""

    @property
    def page_count(self) -> int:
        """Number of pages this source adds."""
        ...

    @property
    def reaches_bottom(self) -> bool:
        """True when its pages may have content in the page-number band (they are shrunk)."""
        ...

    def open(self) -> pikepdf.Pdf:
        """Return an open pikepdf document; the caller closes it."""
        ...


@dataclass(frozen=True)
class PdfFile:
    """A PDF on disk, or a slice of its pages (e.g. only the cover page of cover+contents).

    Use `PdfFile.of` to read the page count from the file.
    """

    path: Path
    page_count: int
    first: int = 0  # 0-based index of the first page taken
    reaches_bottom: bool = False

    @classmethod
    def of(cls, path: Path, *, pages: range | None = None, reaches_bottom: bool = False) -> PdfFile:
        """Return the source for `path` (all pages, or the 0-based `pages` range with step 1).

        Raises:
            BundleError: the file cannot be read as a PDF or `pages` is outside it.
        """
        try:
            with pikepdf.open(path, access_mode=pikepdf.AccessMode.stream) as pdf:
                total = len(pdf.pages)
        except (pikepdf.PdfError, OSError) as e:
            raise BundleError(f"无法读取 PDF 文件 {path}：{e}") from e
        if pages is None:
            return cls(path, total, reaches_bottom=reaches_bottom)
        if pages.step != 1 or pages.start < 0 or pages.stop > total or len(pages) == 0:
            raise BundleError(
                f"PDF 文件 {path} 只有 {total} 页，无法取第 {pages.start + 1}–{pages.stop} 页"
            )
        return cls(path, len(pages), pages.start, reaches_bottom)

    def open(self) -> pikepdf.Pdf:
        """Return the file opened with pikepdf, reduced to the selected pages."""
        pdf = pikepdf.open(self.path, access_mode=pikepdf.AccessMode.stream)
        # Removing from the end keeps the indices of the pages still to remove valid.
        for i in range(len(pdf.pages) - 1, -1, -1):
            if not self.first <= i < self.first + self.page_count:
                del pdf.pages[i]
        return pdf


@dataclass
class Part:
    """A titled node of the bundle: its own sources first, then its children.

    Attributes:
        title: the bookmark and contents text.
        sources: PDFs appended in order.
        children: sub-parts appended after `sources`.
        in_contents: False for the cover and the contents themselves.
    """

    title: str
    sources: Sequence[PdfSource] = ()
    children: Sequence[Part] = ()
    in_contents: bool = True

    @property
    def page_count(self) -> int:
        """Pages of this part, its children included."""
        return sum(s.page_count for s in self.sources) + sum(c.page_count for c in self.children)


@dataclass(frozen=True)
class PlannedPart:
    """Where one part lands in the bundle.

    Attributes:
        part: the part.
        level: its depth in the tree (0 for top parts).
        first_index: 0-based physical index of its first page, None when it has no page.
        page_count: pages it occupies.
        first_number: printed number of its first page, None when unnumbered or empty.
    """

    part: Part
    level: int
    first_index: int | None
    page_count: int
    first_number: int | None

    @property
    def pages_text(self) -> str:
        """The printed range as shown in the contents: ``"3–5"``, ``"7"`` or ``"缺"``."""
        if self.first_number is None or self.page_count == 0:
            return MISSING
        last = self.first_number + self.page_count - 1
        return (
            str(self.first_number) if last == self.first_number else f"{self.first_number}–{last}"
        )


@dataclass(frozen=True)
class AssembleResult:
    """What `assemble` wrote.

    Attributes:
        path: the bundle PDF.
        page_count: its physical page count.
        parts: every part with its position (as `plan` computed it).
        deduplicated: how many references to a duplicate stream now point at a shared copy.
    """

    path: Path
    page_count: int
    parts: list[PlannedPart] = field(default_factory=list)
    deduplicated: int = 0


def plan(parts: Sequence[Part], *, unnumbered_pages: int = 0) -> list[PlannedPart]:
    """Return every part (depth first, in bundle order) with its pages and printed numbers.

    Args:
        parts: the top-level parts in order.
        unnumbered_pages: leading physical pages that carry no number (cover + contents).
    """
    out: list[PlannedPart] = []

    def walk(items: Sequence[Part], level: int, index: int) -> int:
        for part in items:
            count = part.page_count
            start = index
            if not count and index and _on_previous_page(part):
                # Its photo shares the page before with the entry there: it is found on that page.
                start, count = index - 1, 1
            first = start if count else None
            number = start - unnumbered_pages + 1 if count and start >= unnumbered_pages else None
            out.append(PlannedPart(part, level, first, count, number))
            index += sum(s.page_count for s in part.sources)
            index = walk(part.children, level + 1, index)
        return index

    walk(parts, 0, 0)
    return out


def _on_previous_page(part: Part) -> bool:
    """True for a part whose only content shares the previous page (`OnPreviousPage`)."""
    return bool(part.sources) and all(getattr(s, "on_previous_page", False) for s in part.sources)


def contents_lines(parts: Sequence[Part], *, unnumbered_pages: int = 0) -> list[ContentsLine]:
    """Return the contents lines (levels 0–2) with printed page ranges, for `build_cover_docx`."""
    lines = []
    for planned in plan(parts, unnumbered_pages=unnumbered_pages):
        if planned.part.in_contents:
            level = min(planned.level, 2)
            lines.append(ContentsLine(level, planned.part.title, planned.pages_text))  # type: ignore[arg-type]
    return lines


@dataclass
class Tail:
    """The last top-level parts of a bundle, merged and page-numbered before the rest exists.

    Why: in a big bundle these (the evidence) are nearly all the pages, and their printed
    numbers depend only on how many numbered pages come before them, which the forms' predicted
    page counts give. So they are merged while LibreOffice still converts the forms
    (`jidi_docs.pipeline._bundle`), and `assemble` only puts the front pages before them — when
    the prediction held; otherwise it merges everything itself and the tail is thrown away.
    Made by `merge_tail`; `assemble` closes it.
    """

    parts: tuple[Part, ...]
    first_number: int
    pdf: pikepdf.Pdf
    version: str
    font: pikepdf.Object
    #: The streams kept when the tail was deduplicated, and how many references that replaced.
    streams: StreamIndex
    deduplicated: int

    def fits(self, parts: Sequence[Part], front_pages: int) -> bool:
        """True when these are the last of `parts` and follow `front_pages` numbered pages."""
        k = len(self.parts)
        return (
            len(parts) >= k
            and all(a is b for a, b in zip(parts[len(parts) - k :], self.parts, strict=True))
            and self.first_number == front_pages + 1
            and len(self.pdf.pages) == sum(p.page_count for p in self.parts)
        )


def merge_tail(parts: Sequence[Part], *, first_number: int) -> Tail:
    """Merge `parts` (the last of a bundle) and number their pages from `first_number` on.

    Raises:
        BundleError: a source cannot be read.
    """
    out = pikepdf.new()
    try:
        version, shrink = _append(out, plan(parts), at=0)
        font = number_pages(out, 0, shrink, first=first_number)
        streams = StreamIndex()
        deduplicated = deduplicate_streams(out, index=streams)
    except BaseException:
        out.close()
        raise
    return Tail(tuple(parts), first_number, out, version, font, streams, deduplicated)


def assemble(
    parts: Sequence[Part],
    out_path: Path,
    *,
    title: str,
    author: str,
    unnumbered_pages: int = 1,
    force: bool = False,
    tail: Tail | None = None,
    record: bool = True,
) -> AssembleResult:
    """Write one PDF made of `parts`, with bookmarks, page numbers and metadata; return what it holds.

    Args:
        parts: the bundle tree in order.
        out_path: the PDF to write (replaced atomically).
        title: document title (metadata).
        author: 单位名称 (metadata Author).
        unnumbered_pages: leading pages without a page number (the cover, and the contents when
            the contents list printed numbers); numbering starts at 1 on the next page.
        force: replace `out_path` even if jidi_docs did not write it.
        tail: the last parts, merged ahead (`merge_tail`); used when it fits, closed in any case.
        record: enter `out_path` in its folder's ledger of files jidi_docs wrote (False for a
            scratch file; see `jidi_docs._fs.write_files`).

    Raises:
        BundleError: a source cannot be read.
        OutputError: `out_path` is not ours (unless `force`) or cannot be written.
    """
    with contextlib.ExitStack() as stack:
        if tail is not None:
            stack.callback(tail.pdf.close)
        check_targets([out_path], force=force)
        planned = plan(parts, unnumbered_pages=unnumbered_pages)
        front = parts
        if tail is not None:
            ahead = parts[: len(parts) - len(tail.parts)]
            if tail.fits(parts, sum(p.page_count for p in ahead) - unnumbered_pages):
                front = ahead
            else:
                logger.debug("the tail merged ahead does not fit: merging everything anew")
                tail = None
        out = tail.pdf if tail is not None else stack.enter_context(pikepdf.new())
        version, shrink = _append(out, plan(front), at=0)
        front_pages = sum(p.page_count for p in front)
        total = len(out.pages)
        _add_bookmarks(out, planned)
        _add_page_labels(out, planned, unnumbered_pages)
        number_pages(
            out,
            unnumbered_pages,
            shrink,
            stop=front_pages,
            font=None if tail is None else tail.font,
        )
        if tail is None:
            deduplicated = deduplicate_streams(out)
        else:  # the tail's pages were done ahead: only the front's streams are new
            front_only = out.pages[:front_pages]
            deduplicated = tail.deduplicated + deduplicate_streams(
                out, pages=front_only, also=tail.streams
            )
        _set_metadata(out, title=title, author=author)
        if tail is not None:
            version = max(version, tail.version)
        with (
            atomic_write(out_path, force=force, record=record) as tmp,
            warnings.catch_warnings(record=True) as w,
        ):
            warnings.simplefilter("always")
            # Pages copied from newer PDFs may use newer features; keep the highest version.
            out.save(tmp, compress_streams=True, min_version=version)
        if w:  # pikepdf's notes are English and name its own files: say it our way
            logger.warning(
                "合并申报材料时 PDF 库提示了 %d 处不规范的内容，请核对打印效果。", len(w)
            )
    return AssembleResult(out_path, total, planned, deduplicated)


def _append(out: pikepdf.Pdf, planned: list[PlannedPart], *, at: int) -> tuple[str, set[int]]:
    """Put the pages of every source of `planned` into `out`, in order, from index `at` on.

    Returns the highest PDF version among the sources and the indices (in `out`) of the pages
    to shrink clear of the page-number band.
    """
    version = "1.4"
    shrink: set[int] = set()
    for p in planned:
        for src in p.part.sources:
            try:
                pdf = src.open()
            except (pikepdf.PdfError, OSError) as e:
                raise BundleError(f"合并「{p.part.title}」时无法读取 PDF：{e}") from e
            # pikepdf copies the data of pages taken from another PDF at once (its "immediate
            # copy"), so each source is closed as soon as its pages are in: only one source is
            # open at any time, however many files the bundle has.
            with pdf:
                if len(pdf.pages) != src.page_count:
                    raise InternalError(
                        f"{p.part.title}: source has {len(pdf.pages)} pages, planned {src.page_count}"
                    )
                _flatten_forms(pdf, p.part.title)
                if make_inert(pdf):
                    logger.warning(
                        "「%s」的 PDF 含有脚本、动作、链接或附件，已去除（页面内容不变）。",
                        p.part.title,
                    )
                if src.reaches_bottom:
                    shrink.update(range(at, at + len(pdf.pages)))
                with warnings.catch_warnings():  # what is left is said in _flatten_forms
                    warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                    if at == len(out.pages):
                        out.pages.extend(pdf.pages)
                    else:  # before a tail merged ahead
                        for n, page in enumerate(pdf.pages):
                            out.pages.insert(at + n, page)
                at += len(pdf.pages)
                version = max(version, pdf.pdf_version)
    return version, shrink


def _flatten_forms(pdf: pikepdf.Pdf, title: str) -> None:
    """Fix fillable form fields into the page as they are filled, so they print as seen.

    Why: pages copied without their form lose the fields' link to it (pikepdf then warns in
    English at save), and a field left fillable could be changed in the submitted bundle.
    """
    if "/AcroForm" not in pdf.Root:
        return
    pdf.Root.AcroForm.NeedAppearances = True  # qpdf draws the fields' looks only when asked
    pdf.generate_appearance_streams()
    pdf.flatten_annotations("print")
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
    left = sum(
        1 for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Widget"
    )
    note = f"，其中 {left} 个栏目无法固定，可能打印不出，请核对" if left else ""
    logger.warning("「%s」的 PDF 含有可填写的表单，已按当前填写的内容固定在页面上%s。", title, note)


def _add_bookmarks(pdf: pikepdf.Pdf, planned: list[PlannedPart]) -> None:
    """Add one bookmark per non-empty part, nested like the tree, pointing at its first page."""
    with pdf.open_outline() as outline:
        stack: list[tuple[int, list[pikepdf.OutlineItem]]] = [(-1, outline.root)]
        for p in planned:
            if p.first_index is None:
                continue  # a missing item has no page to point at; the contents says "缺"
            while stack[-1][0] >= p.level:
                stack.pop()
            item = pikepdf.OutlineItem(p.part.title, p.first_index)
            stack[-1][1].append(item)
            stack.append((p.level, item.children))


def _add_page_labels(pdf: pikepdf.Pdf, planned: list[PlannedPart], unnumbered: int) -> None:
    """Label pages as printed: each unnumbered top part by its title, then 1, 2, 3 …

    A front part longer than one page is labelled ``目录-1``, ``目录-2`` ….
    """
    nums: list[int | pikepdf.Dictionary] = []
    for p in planned:
        if p.level != 0 or p.first_index is None or p.first_index >= unnumbered:
            continue
        label = pikepdf.Dictionary(P=pikepdf.String(p.part.title))
        if p.page_count > 1:
            label = pikepdf.Dictionary(P=pikepdf.String(f"{p.part.title}-"), S=pikepdf.Name.D)
        nums += [p.first_index, label]
    if unnumbered < len(pdf.pages):
        nums += [unnumbered, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)]
    if nums and nums[0] != 0:
        nums = [0, pikepdf.Dictionary(S=pikepdf.Name.D), *nums]
    if nums:
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def _set_metadata(pdf: pikepdf.Pdf, *, title: str, author: str) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["dc:creator"] = [author]
        meta["xmp:CreatorTool"] = "jidi-docs"
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Author"] = author
    pdf.docinfo["/Creator"] = "jidi-docs"
