"""The parent's side of a batch run: its phases in a pool, finished items, progress, Ctrl-C.

`jidi_docs.pipeline._batch.batch` checks the options and inputs and hands them to a `Run`, which
surveys, plans and builds in worker processes (or any executor) and turns what comes back into one
`ItemResult` per application file.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import _platform, _procs
from .._fs import check_targets
from ..errors import OutputError
from ._discover import leftovers
from ._guard import error_text, init_worker
from ._manifest import MANIFEST_NAME, kept_forms, up_to_date
from ._plan import Built, Job, Options, Survey, chunks, duplicates, folder_names
from ._results import BatchResult, ItemResult, ProgressEvent
from ._summary import SummaryRow, write_summary
from ._worker import build_chunk, survey_chunk

__all__ = ["STAGING_NAME", "Run"]

#: Hidden folder under the batch output where applications are built before they are published.
STAGING_NAME = ".jidi-docs-tmp"


def _staging(out_root: Path) -> Path:
    """Create and return the hidden staging folder; a path that is no folder is a user error."""
    staging = out_root / STAGING_NAME
    check_targets([staging / "x"])  # every folder on the way must be a folder
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError.from_os_error(staging, e) from e
    return staging


def _build_chunk_size(todo: int, workers: int, *, pdf: bool) -> int:
    """Applications per build task.

    Why: with bundles every chunk costs LibreOffice starts (~1 s each), so one chunk per worker
    up to 25 applications; forms alone are cheap, so smaller chunks balance the load.
    """
    per_worker = -(-todo // workers)
    return max(1, min(25, per_worker if pdf else -(-per_worker // 2)))


class Run:
    """The parent's side of one batch: submitted work, finished items, progress reports."""

    def __init__(self, total: int, progress: Callable[[ProgressEvent], None] | None) -> None:
        self.total = total
        self.progress = progress
        self.futures: list[cf.Future[Any]] = []
        self.results: dict[Path, ItemResult] = {}
        #: Processes that existed before our pool, which an interrupt leaves alone.
        self.before: set[int] = set()
        #: Files left out, by the application built instead: said in its 汇总表 row's 备注.
        self.notes: dict[Path, list[str]] = {}
        #: Each application's 汇总表 row as its survey found it (for one left unfinished).
        self.rows: dict[Path, SummaryRow] = {}
        #: The applications handed to the workers to build.
        self.jobs: dict[Path, Job] = {}

    def finish(self, item: ItemResult) -> None:
        """Record `item` as done and report progress."""
        self.results[item.source] = item
        if self.progress is not None:
            self.progress(ProgressEvent(len(self.results), self.total, item))

    def leave_out(self, source: Path, display: str, reason: str, instead: Path, what: str) -> None:
        """Finish a file that is not built: a copy of `instead`, or a second of its unit."""
        self.finish(ItemResult(source, display, "left_out", reason=reason))
        notes = self.notes.setdefault(instead, [])
        notes += [*self.notes.pop(source, []), f"未生成 {display}（{what}）"]

    def outcome(
        self,
        found: list[tuple[Path, str]],
        hidden: list[str],
        out_root: Path,
        roots: list[Path],
        force: bool,
    ) -> BatchResult:
        """The result of every application found, and the 汇总表 written for them.

        An application not done yet (the batch was interrupted) is ``unfinished``; its row shows
        what its survey found, marked 未完成.
        """
        items = []
        for source, display in found:
            item = self.results.get(source) or self._published(source, display)
            if item is None:
                row = self.rows.get(source) or SummaryRow(display)
                row = dataclasses.replace(row, unfinished=True)
                item = ItemResult(source, display, "unfinished", row=row)
            items.append(item)
        rows = [
            i.row or SummaryRow(i.display, ok=False, error=i.error) for i in self.summarised(items)
        ]
        return BatchResult(items, write_summary(rows, out_root, roots, force=force), hidden)

    def _published(self, source: Path, display: str) -> ItemResult | None:
        """An application a worker finished before it was interrupted, told by its manifest.

        Why: a worker reports its chunk when the whole chunk is done; stopped midway, the
        applications it published are only known from their folders.
        """
        job = self.jobs.get(source)
        outputs = up_to_date(job.out_dir, job.digest) if job is not None else None
        if job is None or outputs is None:
            return None
        row = _with_kept(self.rows.get(source) or SummaryRow(display), kept_forms(job.out_dir))
        item = ItemResult(source, display, "built", job.out_dir, outputs, row=row)
        self.finish(item)
        return item

    def summarised(self, items: list[ItemResult]) -> list[ItemResult]:
        """The items the 汇总表 has a row for (not the left-out), with notes of those left out."""
        out = []
        for item in items:
            if item.status == "left_out":
                continue
            notes = self.notes.get(item.source)
            if notes and item.row is not None:
                row = dataclasses.replace(item.row, notes=(*item.row.notes, *notes))
                item = dataclasses.replace(item, row=row)
            out.append(item)
        return out

    def all_phases(
        self,
        executor: cf.Executor | None,
        workers: int,
        found: list[tuple[Path, str]],
        out_root: Path,
        options: Options,
        chunk_size: int | None,
    ) -> None:
        """Survey, plan and build in `executor` (default: a pool of our own), then clean up."""
        own = executor is None
        self.before = _procs.descendants()
        pool: cf.Executor = executor or cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=_platform.pool_context(), initializer=init_worker
        )
        # One staging folder per run, inside one hidden folder: two runs into the same output
        # folder never clean up each other's work.
        staging = _staging(out_root)
        _platform.hide(staging)
        staging = Path(tempfile.mkdtemp(prefix="run-", dir=staging))
        # Our own pool: keep LibreOffice running in each worker, converting while it works; when
        # every application will be built (nothing built here yet, or --force), start it
        # already while the workers survey.
        warm = own and options.pdf
        fresh = options.force or not any(out_root.glob(f"*/{MANIFEST_NAME}"))
        try:
            displays = dict(found)
            found, copies = leftovers(found)
            for source, (original, what, reason) in copies.items():
                self.leave_out(source, displays[source], reason, original, f"它是{what}")
            ahead = dataclasses.replace(options, warm=warm and fresh)
            surveys = self.survey(pool, found, ahead, workers)
            twice = duplicates([surveys[source] for source, _ in found])
            for source, (kept, reason) in twice.items():
                self.leave_out(source, displays[source], reason, kept, "同一单位的另一份申报")
            found = [(p, d) for p, d in found if p not in twice]
            todo = self.plan([surveys[source] for source, _ in found], out_root, options)
            if todo:
                size = chunk_size or _build_chunk_size(len(todo), workers, pdf=options.pdf)
                built = dataclasses.replace(options, warm=warm)
                self.build(pool, todo, built, staging, surveys, size)
        except KeyboardInterrupt:
            self.cancel(pool if own else None)
            raise
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)
            if own or all(f.done() for f in self.futures):
                shutil.rmtree(staging, ignore_errors=True)
                with contextlib.suppress(OSError):  # only when no other run is using it
                    staging.parent.rmdir()

    def survey(
        self, pool: cf.Executor, found: list[tuple[Path, str]], options: Options, workers: int
    ) -> dict[Path, Survey]:
        """Phase 1, in the workers: load, 预审 and hash every application."""
        size = max(1, min(50, -(-len(found) // (workers * 4))))
        submitted = {pool.submit(survey_chunk, c, options): c for c in chunks(found, size)}
        self.futures.extend(submitted)
        surveys: dict[Path, Survey] = {}
        for fut in _procs.as_completed(submitted):  # in slices: Ctrl-C on Windows
            try:
                for s in fut.result():
                    surveys[s.source] = s
                    self.rows[s.source] = s.row
            except Exception as exc:  # noqa: BLE001 - a worker died: its files count as failed
                for source, display in submitted[fut]:
                    row = SummaryRow(display)
                    surveys[source] = Survey(source, display, None, None, row, [], error_text(exc))
        return surveys

    def plan(self, surveys: list[Survey], out_root: Path, options: Options) -> list[Job]:
        """Phase 2, here: give each application its folder; finish the failed and up-to-date."""
        force, from_yaml = options.force, options.from_yaml
        names = folder_names(surveys, out_root)
        todo: list[Job] = []
        for s in surveys:
            if s.error or s.digest is None:
                row = _failed_row(s.row, s.error)
                self.finish(
                    ItemResult(
                        s.source, s.display, "failed", error=s.error, warnings=s.warnings, row=row
                    )
                )
                continue
            target = out_root / names[s.source]
            current = None if force else up_to_date(target, s.digest, from_yaml=from_yaml)
            if current is not None:
                self.finish(
                    ItemResult(
                        s.source,
                        s.display,
                        "skipped",
                        target,
                        current,
                        warnings=s.warnings,
                        row=_with_kept(s.row, kept_forms(target)),
                    )
                )
            else:
                todo.append(Job(s.source, target, s.digest))
        return todo

    def build(
        self,
        pool: cf.Executor,
        todo: list[Job],
        options: Options,
        staging: Path,
        surveys: dict[Path, Survey],
        size: int,
    ) -> None:
        """Phase 3, in the workers: build each chunk; a dead worker fails only its chunk."""
        self.jobs = {job.source: job for job in todo}
        submitted = {pool.submit(build_chunk, c, options, staging): c for c in chunks(todo, size)}
        self.futures.extend(submitted)
        for fut in _procs.as_completed(submitted):  # in slices: Ctrl-C on Windows
            chunk = submitted[fut]
            try:
                built = fut.result()
            except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: the worker was killed
                built = [Built(j.source, [], [], error_text(exc)) for j in chunk]
            for job, b in zip(chunk, built, strict=True):
                s = surveys[job.source]
                warnings = s.warnings + b.warnings
                if b.error:
                    row = _failed_row(s.row, b.error)
                    self.finish(
                        ItemResult(
                            s.source,
                            s.display,
                            "failed",
                            job.out_dir,
                            error=b.error,
                            warnings=warnings,
                            row=row,
                        )
                    )
                else:
                    self.finish(
                        ItemResult(
                            s.source,
                            s.display,
                            "built",
                            job.out_dir,
                            b.outputs,
                            warnings=warnings,
                            row=_with_kept(s.row, b.kept),
                        )
                    )

    def cancel(self, own_pool: cf.Executor | None) -> None:
        """Cancel pending work; interrupt our own pool's busy workers."""
        for fut in self.futures:
            fut.cancel()
        if own_pool is not None:
            # Ctrl-C in a terminal reaches the workers already; this covers an interrupt of
            # this process alone, on every OS.
            _platform.interrupt_workers(self.before)


def _with_kept(row: SummaryRow, kept: Sequence[str]) -> SummaryRow:
    """The row of an application whose forms `kept` (file names) were used as edited by hand."""
    if not kept:
        return row
    return dataclasses.replace(row, kept_forms=tuple(kept))


def _failed_row(row: SummaryRow, error: str) -> SummaryRow:
    return SummaryRow(**{**row.__dict__, "ok": False, "error": error})
