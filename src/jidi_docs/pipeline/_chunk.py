"""Build the bundles of one chunk of a batch in a worker, LibreOffice working beside Python.

A chunk's applications go through in parts of a few. While LibreOffice converts one part's
documents (both forms and the cover + contents of every application in it, in one call, documents
of one template merged), this process prepares the next part (load, evidence, forms, cover),
hands it over and assembles the bundles of the part before. The one-shot converter converts a
whole chunk in one call.

Why it is arranged so: LibreOffice reading and laying out the forms sets the pace (about 0.2 s
of its CPU per application, against about 0.1 s of ours), so it must never wait for us. The
next part waits in the running LibreOffice (`WarmConverter` takes a second job while converting
one), the first part is small, and the worker starts LibreOffice while it surveys. Measured on 2
cores (`benchmarks/batch.py`, 100 applications, one worker, in process): 34.8 s before, 30.0 s
after; LibreOffice no longer idles about 0.15 s between parts and 1–2 s at the start.

A cover laid out with page counts that LibreOffice did not confirm is laid out again and goes
with the next documents handed to LibreOffice. A failed call is repeated group by group, so a document
LibreOffice cannot convert fails only its own application.
"""

from __future__ import annotations

import collections
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..errors import ConversionError
from ..pdf import Converter
from ._bundle import BundleJob, prepare
from ._edited import edited_forms
from ._guard import capture_warnings, converting, error_text, one_application
from ._plan import Built, Job, Options, chunks
from ._publish import record
from ._sources import cover_date_notice, evidence_files, keep_apart

if TYPE_CHECKING:
    from ..schema import Application

logger = logging.getLogger("jidi_docs.pipeline._batch")

__all__ = ["build_pdf_chunk", "part_size"]

Groups = dict[int, list[Path]]
Converted = dict[int, list[Path] | Exception]


@runtime_checkable
class Submitting(Converter, Protocol):
    """A converter that takes documents and hands back their PDFs later (`SofficeConverter`)."""

    @property
    def background(self) -> bool: ...

    def submit(self, docs: Sequence[Path], out_dir: Path) -> Any: ...

    def collect(self, submitted: Any) -> list[Path]: ...


def part_size(converter: Converter, count: int) -> int:
    """Applications per LibreOffice call in a chunk of `count`.

    Why: with a running LibreOffice, small parts let conversion and Python work overlap (a part
    costs LibreOffice only ~0.1 s more); a one-shot converter pays a start (~1 s) per call.
    """
    if not getattr(converter, "background", False):
        return max(1, count)
    return max(2, min(8, -(-count // 4)))


def _parts(converter: Converter, count: int) -> list[list[int]]:
    """The chunk's applications (by index) in the parts `part_size` gives, the first one small.

    Why the small first part: LibreOffice waits for it, so it should be ready soon; after it,
    each part is filled while LibreOffice converts the one before.
    """
    size = part_size(converter, count)
    first = min(size, 2) if size < count else count
    return [list(range(first)), *chunks(range(first, count), size)] if count else []


@dataclass
class _Together:
    """One LibreOffice call on the documents of several applications (`_submit`)."""

    groups: Groups
    out_dir: Path
    submitted: Any = None
    done: list[Path] | Exception | None = None


def _submit(converter: Converter, groups: Groups, out_dir: Path) -> _Together:
    """Start converting every group's documents in one call (`_collect` takes the PDFs)."""
    together = _Together({k: docs for k, docs in groups.items() if docs}, out_dir)
    flat = [d for docs in together.groups.values() for d in docs]
    try:
        if isinstance(converter, Submitting):
            together.submitted = converter.submit(flat, out_dir / "together")
        else:
            together.done = converter.convert(flat, out_dir / "together")
    except ConversionError as exc:
        together.done = exc
    return together


def _collect(converter: Converter, together: _Together) -> Converted:
    """The PDFs of every group of a `_submit`, in its documents' order, or the error the group
    caused: a failed call is made again for each group on its own."""
    keys = list(together.groups)
    if not keys:
        return {}
    try:
        if isinstance(together.done, Exception):
            raise together.done
        if together.submitted is not None:
            assert isinstance(converter, Submitting)
            together.done = converter.collect(together.submitted)
        pdfs = together.done or []
    except ConversionError as exc:
        if len(keys) == 1:
            return {keys[0]: exc}
        logger.warning("LibreOffice 批量转换失败，改为逐个申报单位分别转换。")
        alone: Converted = {}
        for k in keys:
            try:
                alone[k] = converter.convert(together.groups[k], together.out_dir / f"alone-{k}")
            except ConversionError as e:
                alone[k] = e
        return alone
    result: Converted = {}
    start = 0
    for k in keys:
        n = len(together.groups[k])
        result[k] = pdfs[start : start + n]
        start += n
    return result


def _convert_together(converter: Converter, groups: Groups, out_dir: Path) -> Converted:
    """Convert every group's documents in one call; on failure, each group again on its own."""
    return _collect(converter, _submit(converter, groups, out_dir))


@dataclass
class _Chunk:
    """The bundles of one chunk in the making, by the applications' indexes in `jobs`."""

    jobs: list[Job]
    options: Options
    staging: Path
    converter: Converter
    load: Callable[[Path, Options], Application]
    errors: dict[int, str] = field(default_factory=dict)
    notes: dict[int, list[str]] = field(default_factory=dict)
    works: dict[int, Path] = field(default_factory=dict)
    prepared: dict[int, BundleJob] = field(default_factory=dict)
    covers: dict[int, Path] = field(default_factory=dict)
    #: Applications whose cover goes through LibreOffice a second time.
    again: set[int] = field(default_factory=set)
    built: dict[int, Built] = field(default_factory=dict)

    def prepare(self, part: list[int]) -> Groups:
        """Check and render each application of `part`; return the documents to convert."""
        docs: Groups = {}
        opts = self.options
        for i in part:
            job = self.jobs[i]
            self.works[i] = Path(tempfile.mkdtemp(prefix="app-", dir=self.staging))
            with capture_warnings() as notes:
                try:
                    with one_application(opts):
                        app = self.load(job.source, opts)
                        keep_apart(job.out_dir, evidence_files(app, allow_outside_paths=True))
                        b = prepare(
                            app,
                            self.works[i],
                            allow_missing=opts.allow_missing,
                            allow_outside_paths=opts.allow_outside_paths,
                            edited=None if opts.from_yaml else edited_forms(app, job.out_dir),
                            images=opts.images,
                        )
                        self.prepared[i] = b
                        docs[i] = b.first_round(b.predict_pages(job.out_dir), date=opts.date)
                except Exception as exc:  # noqa: BLE001 - fails this application only
                    self.errors[i] = error_text(exc)
            self.notes[i] = list(notes)
        return docs

    def submit(self, groups: Groups, out_dir: Path) -> _Together:
        with capture_warnings() as notes, converting():
            together = _submit(self.converter, groups, out_dir)
        for i in groups:
            self.notes[i].extend(notes)
        return together

    def collect(self, together: _Together) -> Groups:
        """Take the PDFs of a `submit`; return covers to convert again (other page counts)."""
        again: Groups = {}
        with capture_warnings() as notes:
            with converting():
                converted = _collect(self.converter, together)
            for i, pdfs in converted.items():
                try:
                    if isinstance(pdfs, Exception):
                        raise pdfs
                    if i in self.again:
                        self.covers[i] = pdfs[0]
                        continue
                    with one_application(self.options):
                        cover = self.prepared[i].accept(pdfs)
                        if cover is None:
                            again[i] = [
                                self.prepared[i].cover_docx(pdfs[:2], date=self.options.date)
                            ]
                            self.again.add(i)
                        else:
                            self.covers[i] = cover
                except Exception as exc:  # noqa: BLE001 - fails this application only
                    self.errors[i] = error_text(exc)
        for i in together.groups:
            self.notes[i].extend(notes)
        return again

    def finish(self, i: int) -> None:
        """Assemble and publish application `i` (or record its error); free its work folder."""
        job, outputs = self.jobs[i], []
        kept: tuple[str, ...] = ()
        if i not in self.errors:
            # The size notice and the cover date's come here, once the bundle is made.
            with capture_warnings() as notes:
                self._publish(i, job)
            self.notes.setdefault(i, []).extend(notes)
        if i not in self.errors:
            b = self.prepared[i]
            outputs = sorted(b.output_paths(job.out_dir))
            kept = tuple(p.name for p in b.kept.values())
        self.built[i] = Built(
            job.source, outputs, self.notes.get(i, []), self.errors.get(i, ""), kept
        )
        self.prepared.pop(i, None)
        work = self.works.pop(i, None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)

    def _publish(self, i: int, job: Job) -> None:
        """Assemble application `i` into its folder, then its manifest; or record its error."""
        try:
            with one_application(self.options):
                # Straight into the application's folder (all files or none), then the
                # manifest, as `publish` does.
                b, opts = self.prepared[i], self.options
                b.finish(
                    self.covers[i],
                    job.out_dir,
                    pdfa=opts.pdfa,
                    force=opts.force,
                    max_mb=opts.max_mb,
                )
                record(job, sorted(b.output_paths(job.out_dir)), list(b.kept.values()))
                cover_date_notice(b.app, opts.date if opts.date_given else None)
        except Exception as exc:  # noqa: BLE001 - fails this application only
            self.errors[i] = error_text(exc)

    def finish_ready(self) -> None:
        for i in range(len(self.jobs)):
            if i not in self.built and (i in self.errors or i in self.covers):
                self.finish(i)


def build_pdf_chunk(
    jobs: list[Job],
    options: Options,
    staging: Path,
    converter: Converter,
    load: Callable[[Path, Options], Application],
) -> list[Built]:
    """Build the bundles of `jobs`; failures stay per application.

    Each part's documents go to LibreOffice in one call; while it converts, the next part is
    prepared and handed over (it waits in a running LibreOffice, which then goes on without a
    pause) and the bundles of the part before are assembled and published.
    """
    chunk = _Chunk(jobs, options, staging, converter, load)
    parts = _parts(converter, len(jobs))
    round_dir = Path(tempfile.mkdtemp(prefix="convert-", dir=staging))
    # Two calls at most are handed over: LibreOffice converts one while the next waits.
    in_flight: collections.deque[_Together] = collections.deque()
    again: Groups = {}
    try:
        n = 0
        while parts or in_flight or again:
            groups = chunk.prepare(parts.pop(0)) if parts else {}
            groups.update(again)
            if groups:
                in_flight.append(chunk.submit(groups, round_dir / f"{n}"))
            again = {}
            if len(in_flight) > 1 or (in_flight and not parts):
                again = chunk.collect(in_flight.popleft())
            chunk.finish_ready()
            n += 1
        return [chunk.built[i] for i in range(len(jobs))]
    finally:
        for work in chunk.works.values():
            shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(round_dir, ignore_errors=True)
