"""The submission bundle <单位名称>-申报材料.pdf: cover, contents, both forms, every 佐证材料 in order.

Order is the notice's: 附件2《申报表》, 附件1《评价表》, then the evidence grouped by the 评价表's
indicators (基本情况 first), each group in YAML order. Building takes one LibreOffice call: the
forms and the cover + contents together, the contents laid out with the forms' predicted page
counts (`jidi_docs.pipeline._pages`); only when LibreOffice gives other counts is the cover
converted once more. The steps are exposed separately (`prepare` → `BundleJob.first_round` →
`BundleJob.accept` → [`BundleJob.cover_docx`] → `BundleJob.finish`) so that batch runs convert
the documents of many applications in one LibreOffice start.

While LibreOffice converts, `bundle` checks the images' pixels and merges and numbers the evidence
for the predicted page counts (`BundleJob.merge_ahead`); after it, only the front pages are put
before them. On the 1000-page benchmark about 0.15 s of work is left after LibreOffice (it was
0.5 s).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import logging
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _procs
from .._fs import check_targets, safe_filename, write_files
from ..errors import BundleError, EvidenceError, InternalError
from ..forms import FORM_TITLES, build_cover_docx, fmt_date, form_paths, render_forms_bytes
from ..input import as_application, as_date, as_path
from ..pdf import (
    AssembleResult,
    Converter,
    EvidencePdf,
    ImageOptions,
    Part,
    PdfFile,
    PdfSource,
    SofficeConverter,
    Tail,
    assemble,
    contents_lines,
    decode_image,
    load_evidence,
    make_pdfa,
    merge_tail,
    resolve_evidence_path,
    undrawable_warnings,
)
from ..schema import Application
from . import _pages
from ._edited import edited_forms, edited_notice
from ._sources import (
    MAX_MB,
    EvidenceFile,
    cover_date_notice,
    evidence_files,
    evidence_part,
    keep_apart,
    size_notice,
)

if TYPE_CHECKING:
    import pikepdf

__all__ = [
    "BUNDLE_NAME",
    "MAX_MB",
    "BundleJob",
    "EvidenceFile",
    "bundle",
    "bundle_path",
    "evidence_files",
    "keep_apart",
    "prepare",
]

logger = logging.getLogger(__name__)

#: File name of the bundle after the 单位名称 (so bundles of several units can share a folder).
BUNDLE_NAME = "申报材料.pdf"
#: Leading pages that carry no page number: the cover and the contents.
_COVER_PAGES = 1


def bundle_path(app: Application, out_dir: Path) -> Path:
    """Return where the bundle of `app` goes in `out_dir`: ``<单位名称>-申报材料.pdf``."""
    return Path(out_dir) / f"{safe_filename(app.basic.name, max_bytes=120)}-{BUNDLE_NAME}"


@dataclass(frozen=True)
class _Planned:
    """A PDF not made yet, known only by its predicted page count (for laying out the contents)."""

    page_count: int
    reaches_bottom: bool = False

    def open(self) -> pikepdf.Pdf:  # pragma: no cover - planning never opens a source
        raise InternalError("a predicted PDF was opened before it was converted")


@dataclass
class BundleJob:
    """One application's bundle in the making; its files live in `work_dir` until `finish`."""

    app: Application
    work_dir: Path
    forms: dict[str, Path]
    evidence: dict[int, list[EvidencePdf]]
    missing: list[EvidenceFile] = field(default_factory=list)
    #: Forms edited by hand since they were generated, used as they are (key → the user's file).
    kept: dict[str, Path] = field(default_factory=dict)
    _form_pdfs: dict[str, PdfSource] = field(default_factory=dict)
    _predicted: _pages.FormPages | None = None
    _deferred: bool = False
    _evidence_part: Part | None = None
    _tail: Tail | None = None

    @property
    def form_docs(self) -> list[Path]:
        """The two filled forms (.docx) to convert, 附件2 first."""
        return [self.forms["附件2"], self.forms["附件1"]]

    def _tree(self, cover: Sequence[PdfSource], contents: Sequence[PdfSource]) -> list[Part]:
        f2, f1 = self._form_pdfs["附件2"], self._form_pdfs["附件1"]
        return [
            Part("封面", sources=cover, in_contents=False),
            Part("目录", sources=contents, in_contents=False),
            Part(self.form_titles[0], sources=[f2]),
            Part(self.form_titles[1], sources=[f1]),
            self._evidence_tree(),
        ]

    def _evidence_tree(self) -> Part:
        """The 佐证材料 part, made once: `merge_ahead` and `finish` must see the same object.

        (The checks run later replace items inside the lists it holds, never the lists.)
        """
        if self._evidence_part is None:
            self._evidence_part = evidence_part(self.app, self.evidence)
        return self._evidence_part

    def merge_ahead(self) -> None:
        """Merge and number the evidence now, while LibreOffice converts (see `Tail`).

        Its page numbers follow the forms' page counts as predicted (`first_round`); `finish`
        uses it when the forms came out so, and otherwise merges everything itself. Run the
        deferred checks first: the evidence merged is the evidence checked.
        """
        if self._predicted is None or self._tail is not None or self._deferred:
            return
        self._tail = merge_tail([self._evidence_tree()], first_number=sum(self._predicted) + 1)

    def drop_ahead(self) -> None:
        """Let go of what `merge_ahead` merged, if `finish` did not take it (on an error)."""
        if self._tail is not None:
            self._tail.pdf.close()
            self._tail = None

    @property
    def form_titles(self) -> tuple[str, str]:
        """The bookmark and contents titles of 附件2 and 附件1."""
        profile = self.app.profile
        return f"附件2 {profile.form_title}", f"附件1 {profile.score_title}"

    def predict_pages(self, out_dir: Path | None) -> _pages.FormPages:
        """The forms' page counts as predicted; `out_dir` may hold the previous bundle."""
        previous = bundle_path(self.app, Path(out_dir)) if out_dir is not None else None
        return _pages.predict(self._form_bytes(), previous, self.form_titles)

    def _form_bytes(self) -> tuple[bytes, bytes]:
        return self.forms["附件2"].read_bytes(), self.forms["附件1"].read_bytes()

    def first_round(self, pages: _pages.FormPages, *, date: dt.date | None = None) -> list[Path]:
        """The documents of the one LibreOffice call: both forms, then the cover laid out for
        `pages` (附件2's and 附件1's page counts, as `predict_pages` gives them)."""
        self._predicted = pages
        self._form_pdfs = {"附件2": _Planned(pages[0]), "附件1": _Planned(pages[1])}
        return [*self.form_docs, self._write_cover(date)]

    def accept(self, pdfs: Sequence[Path]) -> Path | None:
        """Take the PDFs of `first_round`'s documents; return the cover's PDF if its page
        numbers hold, None when the forms came out with other page counts (then convert
        `cover_docx` once more)."""
        f2, f1 = (PdfFile.of(Path(p)) for p in pdfs[:2])
        self._form_pdfs = {"附件2": f2, "附件1": f1}
        actual = (f2.page_count, f1.page_count)
        _pages.remember(self._form_bytes(), actual)
        return Path(pdfs[2]) if actual == self._predicted else None

    def cover_docx(self, form_pdfs: Sequence[Path], *, date: dt.date | None = None) -> Path:
        """Write the cover + contents .docx, now that the forms' PDFs give their page counts.

        Args:
            form_pdfs: the PDFs of `form_docs`, same order.
            date: the date printed on the cover (default: today).
        """
        f2, f1 = (PdfFile.of(Path(p)) for p in form_pdfs)
        self._form_pdfs = {"附件2": f2, "附件1": f1}
        return self._write_cover(date)

    def _write_cover(self, date: dt.date | None) -> Path:
        # Numbering starts after cover + contents, so the ranges do not depend on the contents'
        # own length: plan with empty placeholders and an explicit count of unnumbered pages.
        lines = contents_lines(self._tree([], []), unnumbered_pages=0)
        b = self.app.basic
        out = self.work_dir / "封面与目录.docx"
        build_cover_docx(
            out,
            title=f"{self.app.profile.form_title.removesuffix('申报表')}\n申报材料",
            unit_name=b.name,
            district=b.district,
            contact=b.contact,
            phone=b.phone,
            date_text=fmt_date(date or dt.date.today()).replace(" ", ""),
            contents=lines,
        )
        return out

    def deferred_checks(self) -> None:
        """Run the checks `prepare` left for later (``defer_checks``); nothing when none are left.

        Every pixel of the images checked from their headers only is decoded, and characters
        that no installed font can draw are logged as warnings (field and character).

        Raises:
            EvidenceError: an image is truncated or damaged (all problems at once).
        """
        if not self._deferred:
            return
        self._deferred = False
        for warning in undrawable_warnings(self.app):
            logger.warning(warning)
        problems = []
        for items in self.evidence.values():
            for n, item in enumerate(items):
                try:
                    items[n] = decode_image(item)
                except EvidenceError as e:
                    problems.append(e)
        _raise_all(problems)

    def output_paths(self, out_dir: Path) -> list[Path]:
        """The files `finish` writes into `out_dir`: the bundle, then the two forms."""
        targets = form_paths(self.app, Path(out_dir))
        return [bundle_path(self.app, Path(out_dir)), *(targets[k] for k in FORM_TITLES)]

    def finish(
        self,
        cover_pdf: Path,
        out_dir: Path,
        *,
        pdfa: bool = False,
        force: bool = False,
        max_mb: float | None = MAX_MB,
    ) -> AssembleResult:
        """Assemble the bundle into `out_dir` (`bundle_path`), the two .docx forms beside it.

        With `pdfa`, the bundle is converted to PDF/A-2b (`jidi_docs.pdf._pdfa`) before it is
        written; a bundle that cannot be made conforming is refused (BundleError). The three
        files replace the old ones together or not at all (`jidi_docs._fs.write_files`), so a
        full disk never leaves a new bundle beside old forms, or the reverse. A bundle larger
        than `max_mb` megabytes gets a notice.
        """
        self.deferred_checks()
        whole = PdfFile.of(Path(cover_pdf))
        if whole.page_count < 2:
            raise BundleError(f"封面与目录只转换出 {whole.page_count} 页，至少应有 2 页。")
        cover = [PdfFile.of(Path(cover_pdf), pages=range(_COVER_PAGES))]
        contents = [PdfFile.of(Path(cover_pdf), pages=range(_COVER_PAGES, whole.page_count))]
        parts = self._tree(cover, contents)
        out_dir = Path(out_dir)
        check_targets(self.output_paths(out_dir), force=force)
        title = (
            f"{self.app.basic.name} {self.app.profile.form_title.removesuffix('申报表')}申报材料"
        )
        author = self.app.basic.name
        raw = self.work_dir / "bundle" / "bundle.pdf"
        tail, self._tail = self._tail, None
        result = assemble(
            parts,
            raw,
            title=title,
            author=author,
            unnumbered_pages=whole.page_count,
            tail=tail,
            record=False,  # a scratch file: recorded when it is written into `out_dir`
        )
        if pdfa:
            made = self.work_dir / "bundle-pdfa.pdf"
            make_pdfa(raw, made, title=title, author=author)
            raw = made
        target, *forms = self.output_paths(out_dir)
        files: dict[Path, Path] = {target: raw}
        for key, form in zip(FORM_TITLES, forms, strict=True):
            if key not in self.kept:  # an edited form stays as the user left it
                files[form] = self.forms[key]
        write_files(files, force=force)
        size_notice(target, max_mb)
        return dataclasses.replace(result, path=target)


def prepare(
    app: Application,
    work_dir: Path,
    *,
    allow_missing: bool = False,
    allow_outside_paths: bool = False,
    defer_checks: bool = False,
    edited: Mapping[str, Path] | None = None,
    images: ImageOptions | None = None,
) -> BundleJob:
    """Check every evidence file and render both forms into `work_dir`.

    A form named in `edited` (``{"附件2": the user's edited .docx}``, see `edited_forms`) goes
    into the bundle as the user left it, with a notice; `BundleJob.finish` leaves it in place.
    `images` says how photos and scans are reduced and laid out (default `ImageOptions()`).

    Characters that no installed font can draw are logged as warnings (field and character).
    With ``defer_checks`` images are checked from their headers only, and their pixels and the
    characters by `BundleJob.deferred_checks` (at the latest in `BundleJob.finish`), so that they
    can run while LibreOffice converts.

    Raises:
        EvidenceError: a file is missing (unless `allow_missing`), outside the YAML file's folder
            (unless `allow_outside_paths`), or not a readable PDF/JPG/PNG. All problems are
            reported at once.
    """
    images = images or ImageOptions()
    problems: list[EvidenceError] = []
    missing: list[EvidenceFile] = []
    loaded: dict[int, list[EvidencePdf]] = {}
    for i, entry in enumerate(app.evidence):
        for rel in entry.files:
            try:
                path = resolve_evidence_path(
                    app.base_dir, rel, allow_outside=allow_outside_paths, entry=entry.name
                )
            except EvidenceError as e:
                problems.append(e)
                continue
            if not path.is_file():
                missing.append(EvidenceFile(entry.name, entry.indicator, rel, path, False))
                if not allow_missing:
                    problems.append(
                        EvidenceError(
                            "文件不存在。请检查路径（相对于申报文件所在的文件夹），"
                            "或用 --allow-missing 先生成标有“缺”的申报材料。",
                            entry=entry.name,
                            path=Path(rel),
                        )
                    )
                continue
            try:
                item = load_evidence(path, entry=entry.name, decode=not defer_checks, images=images)
                loaded.setdefault(i, []).append(item)
            except EvidenceError as e:
                problems.append(e)
    _raise_all(problems)
    forms_bytes, _warnings = render_forms_bytes(app)
    forms = {}
    kept = dict(edited or {})
    for key, data in forms_bytes.items():
        forms[key] = work_dir / f"{key}.docx"
        forms[key].write_bytes(kept[key].read_bytes() if key in kept else data)
    for key, path in kept.items():
        logger.warning(edited_notice(app, key, path))
    job = BundleJob(app, work_dir, forms, loaded, missing, kept, _deferred=True)
    if not defer_checks:
        job.deferred_checks()
    return job


def _raise_all(problems: Sequence[EvidenceError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise EvidenceError(
            f"共有 {len(problems)} 处问题，申报材料未生成：\n"
            + "\n".join(f"  • {p}" for p in problems)
        )


def bundle(
    app: Application | str | PathLike[str],
    out_dir: str | Path,
    *,
    converter: Converter | None = None,
    allow_missing: bool = False,
    allow_outside_paths: bool = False,
    date: dt.date | str | None = None,
    pdfa: bool = False,
    force: bool = False,
    soffice: str | Path | None = None,
    from_yaml: bool = False,
    images: ImageOptions | None = None,
    max_mb: float | None = MAX_MB,
) -> Path:
    """Write the whole submission as one PDF, `out_dir`/<单位名称>-申报材料.pdf; return its path.

    The two filled forms (.docx, the 申报表电子稿 the notice asks for) are written beside it.
    Nothing is written when any evidence file is bad. A form in `out_dir` edited by hand since
    it was generated goes into the bundle as edited and is left in place, with a notice naming
    the command that brings the edit back into the YAML; `from_yaml` rebuilds it from the YAML
    instead (the edited one is kept as a backup).

    Args:
        app: a validated application (`jidi_docs.load`).
        out_dir: the folder to write into; created if missing.
        converter: converts .docx to PDF (default: a private headless LibreOffice).
        allow_missing: build even if evidence files are missing; the contents mark them 缺.
        allow_outside_paths: accept evidence paths outside the YAML file's folder.
        date: the date printed on the cover (default: today); a date after the 认定批次's
            申报截止日期 gets a notice.
        pdfa: write PDF/A-2b (archival; needs Ghostscript): fonts embedded, sRGB output
            intent, XMP identification; evidence converted, or refused with the reason.
        force: replace files of the same names that jidi_docs did not write.
        soffice: the LibreOffice program for the default converter (see `find_soffice`).
        from_yaml: rebuild forms edited by hand from the YAML (see above).
        images: how photos and scans are reduced, encoded and laid out (default:
            `ImageOptions()`: 200 dpi as printed, JPEG quality 85, two landscape photos a page).
        max_mb: a bundle larger than this many megabytes gets a notice (None: never).

    Raises:
        OutputError: `out_dir` holds evidence of this application, or an output there is not
            ours (unless `force`), or cannot be written; checked before any conversion.
    """
    app = as_application(app)
    date = as_date(date)
    folder = as_path(out_dir, "out_dir")
    keep_apart(folder, evidence_files(app, allow_outside_paths=True))
    with contextlib.ExitStack() as stack:
        work = Path(
            stack.enter_context(
                # A conversion stopped by an error may still be letting go of its files.
                tempfile.TemporaryDirectory(prefix="jidi-bundle-", ignore_cleanup_errors=True)
            )
        )
        # Evidence first: a bad file is reported at once, before LibreOffice is even looked for;
        # only the images' pixels and the characters are checked later, while LibreOffice converts.
        job = prepare(
            app,
            work,
            allow_missing=allow_missing,
            allow_outside_paths=allow_outside_paths,
            defer_checks=True,
            edited=None if from_yaml else edited_forms(app, folder),
            images=images,
        )
        check_targets(job.output_paths(folder), force=force)
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        # On an error (a damaged image found while LibreOffice converts, Ctrl-C) the pool does
        # not wait for the conversion: the converter is stopped instead — ours right after
        # this, a caller's by the caller — which ends it at once.
        stack.push(lambda exc_type, *_: pool.shutdown(wait=exc_type is None))
        own = None
        if converter is None:
            program = None if soffice is None else str(soffice)
            own = stack.enter_context(SofficeConverter(pdfa=pdfa, soffice=program))
        conv = converter if converter is not None else own
        assert conv is not None
        docs = job.first_round(job.predict_pages(folder), date=date)
        # LibreOffice takes one core for seconds: the deferred checks run meanwhile, then the
        # evidence is merged and numbered for the forms' predicted page counts.
        converting = pool.submit(conv.convert, docs, work / "pdf")
        stack.callback(job.drop_ahead)
        job.deferred_checks()
        job.merge_ahead()
        pdfs = _procs.result(converting)  # in slices: Ctrl-C on Windows
        cover_pdf = job.accept(pdfs)
        if cover_pdf is None:  # the forms' page counts were not as predicted: lay out again
            (cover_pdf,) = conv.convert([job.cover_docx(pdfs[:2], date=date)], work / "again")
        if own is not None:  # done with LibreOffice: its profile is removed during the assembly
            pool.submit(own.close)
        done = job.finish(cover_pdf, folder, pdfa=pdfa, force=force, max_mb=max_mb).path
    cover_date_notice(app, date)  # said once the bundle is made, not before an error
    return done
