"""Build a whole folder of applications in parallel, with a 汇总表 for the district.

How a batch runs:

1. **Survey** (in the workers): every YAML file is loaded and 预审-checked; its figures go to the
   汇总表 and its inputs are hashed (YAML bytes, each evidence file's size and mtime, template
   bytes, the 认定批次 profile, the jidi_docs version and the options).
2. **Plan** (here): each application gets its folder ``<out>/<单位名称>/`` (names shared by two
   applications get the YAML file's stem, then its relative path, appended); an application whose
   folder holds a manifest with the same input hash and all its outputs is skipped.
3. **Build** (in the workers), in chunks: a worker renders every form of its chunk, converts all of
   them in *one* LibreOffice call, then all covers in one more call, then assembles each bundle.
   Why chunks: a LibreOffice start costs about a second and an extra document about 0.15 s
   (measured with `benchmarks/bundle.py`). If a combined call fails, each application is converted again on its own, so one
   broken document costs only its own application.
4. The 汇总表 is written.

Every output is built in a hidden staging folder and renamed into place when the application is
complete; the manifest is written last. An interrupted batch (Ctrl-C) therefore leaves no
half-written file: finished applications are kept (and skipped by the next run), the others are
redone. Workers abort their LibreOffice process on SIGINT (`SofficeConverter` kills its process
group), so no soffice is left behind.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ._fs import atomic_write_many, safe_filename
from ._resources import TEMPLATE_NAMES, template_path
from .api import render
from .bundle import BundleJob, prepare
from .check import check
from .convert import SofficeConverter
from .errors import ConversionError, InputError, Issue, UserError
from .load import load
from .summary import SummaryRow, write_summary

if TYPE_CHECKING:
    from types import FrameType

    from .convert import Converter
    from .model import Application

__all__ = [
    "MANIFEST_NAME",
    "BatchResult",
    "ItemResult",
    "ProgressEvent",
    "batch",
    "discover",
]

logger = logging.getLogger(__name__)


def _package_version() -> str:
    # Read here rather than from the package's __init__, which may import this module.
    try:
        return importlib.metadata.version("jidi-docs")
    except importlib.metadata.PackageNotFoundError:  # a source checkout without installation
        return "0.0.0+source"


__version__ = _package_version()

#: The manifest in each application's output folder: input hash and output names.
MANIFEST_NAME = ".jidi-docs.json"
#: Hidden folder under the batch output where applications are built before they are published.
STAGING_NAME = ".jidi-docs-tmp"
_MANIFEST_FORMAT = 1

Status = Literal["built", "skipped", "failed"]


# -- public results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    """What happened to one application of a batch.

    Attributes:
        source: the YAML file.
        display: the file as shown in the 汇总表 and messages (relative to its input folder).
        status: ``built``, ``skipped`` (outputs already up to date) or ``failed``.
        out_dir: the application's output folder (None when it could not be read).
        outputs: the files of the application in `out_dir` (also for ``skipped``).
        error: the Chinese error text when failed.
        warnings: Chinese notes from loading and rendering (e.g. removed control characters).
        row: the application's 汇总表 row.
    """

    source: Path
    display: str
    status: Status
    out_dir: Path | None = None
    outputs: list[Path] = field(default_factory=list)
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    row: SummaryRow | None = None

    @property
    def ok(self) -> bool:
        """`True` when the application's outputs exist and match its inputs."""
        return self.status != "failed"


@dataclass(frozen=True)
class BatchResult:
    """The outcome of `batch`: one `ItemResult` per application, in file order."""

    items: list[ItemResult]
    summary: tuple[Path, Path] | None = None

    @property
    def built(self) -> list[ItemResult]:
        """Applications whose outputs were (re)written in this run."""
        return [i for i in self.items if i.status == "built"]

    @property
    def skipped(self) -> list[ItemResult]:
        """Applications whose outputs were already up to date."""
        return [i for i in self.items if i.status == "skipped"]

    @property
    def failed(self) -> list[ItemResult]:
        """Applications that could not be built, each with its error."""
        return [i for i in self.items if i.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when every application succeeded, 3 when some failed, 1 when all of them failed."""
        if not self.failed:
            return 0
        return 1 if len(self.failed) == len(self.items) else 3


@dataclass(frozen=True)
class ProgressEvent:
    """Reported to `batch`'s `progress` callback after each application is done.

    Attributes:
        done: applications finished so far (built, skipped or failed).
        total: applications in the batch.
        item: the application just finished.
    """

    done: int
    total: int
    item: ItemResult


# -- inputs -----------------------------------------------------------------------------------


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def discover(paths: Iterable[str | Path], *, exclude: Path | None = None) -> list[tuple[Path, str]]:
    """Return every application file named by `paths`, with the name to show for it.

    A folder contributes every ``*.yaml``/``*.yml`` below it, recursively, skipping hidden
    files and folders and anything under `exclude` (the batch's own output folder); a file is
    taken as is. Files are sorted by path, so runs are reproducible.

    Raises:
        InputError: a path does not exist.
    """
    found: dict[Path, str] = {}
    skip = exclude.resolve() if exclude is not None else None
    for given in paths:
        root = Path(given)
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
                    continue
                if _hidden(path, root):
                    continue
                resolved = path.resolve()
                if skip is not None and resolved.is_relative_to(skip):
                    continue
                found.setdefault(resolved, path.relative_to(root).as_posix())
        elif root.is_file():
            found.setdefault(root.resolve(), root.as_posix())
        else:
            raise InputError(Issue(str(root), None, None, "", "文件或文件夹不存在。"))
    return sorted(((p, d) for p, d in found.items()), key=lambda pd: pd[1])


# -- options and hashing ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    """Everything a worker needs besides the files; must pickle."""

    pdf: bool
    profile: str | None
    allow_missing: bool
    allow_outside_paths: bool
    date: dt.date

    def key(self) -> str:
        """The options that change outputs, for the input hash (not the cover date)."""
        return json.dumps(
            [self.pdf, self.profile, self.allow_missing, self.allow_outside_paths]
        )


@lru_cache(maxsize=8)
def _file_digest(path: Path, mtime_ns: int, size: int) -> str:
    del mtime_ns, size  # cache key only
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _templates_digest() -> str:
    parts = []
    for name in TEMPLATE_NAMES:
        path = template_path(name)
        st = path.stat()
        parts.append(_file_digest(path, st.st_mtime_ns, st.st_size))
    return ",".join(parts)


def input_digest(app: Application, yaml_bytes: bytes, options_key: str = "") -> str:
    """Return a hash of everything an application's outputs depend on.

    Why size and mtime for evidence: evidence scans can be tens of megabytes, and hashing them
    all on every run would cost more than it saves; any edit (or ``touch``) changes the mtime.
    Paths enter the hash as written in the YAML, so moving the whole folder keeps outputs valid.
    """
    h = hashlib.sha256()
    for piece in (
        f"jidi-docs {__version__}",
        options_key,
        _templates_digest(),
        app.profile.model_dump_json(),
    ):
        h.update(piece.encode("utf-8") + b"\0")
    h.update(hashlib.sha256(yaml_bytes).digest())
    for entry in app.evidence:
        for rel in entry.files:
            path = app.base_dir / rel
            try:
                st = path.stat()
                stamp = f"{st.st_size}:{st.st_mtime_ns}"
            except OSError:
                stamp = "missing"
            h.update(f"{rel}\0{stamp}\0".encode())
    return h.hexdigest()


# -- worker side ------------------------------------------------------------------------------

#: Set in worker processes of our own pool once SIGINT arrived: finish nothing new.
_cancelled = False
#: True while a worker runs a task, so SIGINT interrupts the task but not an idle worker.
_busy = False


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    """Interrupt the running task once; later signals are ignored so clean-up can finish."""
    global _cancelled
    if _cancelled:
        return
    _cancelled = True
    if _busy:
        raise KeyboardInterrupt


def _init_worker() -> None:
    """Worker initializer: SIGINT aborts the current task, and an idle worker stays quiet.

    Why: Ctrl-C reaches every process of the terminal's process group. Python's default would
    raise KeyboardInterrupt in idle workers too and print their tracebacks; this way a busy
    worker aborts (killing its LibreOffice and removing its temporary files) and the pool is
    then shut down cleanly by the parent.
    """
    signal.signal(signal.SIGINT, _on_sigint)


@contextlib.contextmanager
def _task() -> Any:
    global _busy
    if _cancelled:
        raise KeyboardInterrupt
    _busy = True
    try:
        yield
    finally:
        _busy = False


class _Capture(logging.Handler):
    """Collect the library's warnings while one application is processed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _capture_warnings() -> Any:
    handler = _Capture()
    root = logging.getLogger("jidi_docs")
    root.addHandler(handler)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)


def _error_text(exc: BaseException) -> str:
    """Return the message the user sees for `exc`: ours verbatim, anything else as a bug."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, cf.BrokenExecutor):
        return "处理该申报的工作进程意外退出（可能内存不足或被系统终止），未能生成。请重新运行。"
    # The traceback goes to the log (the CLI shows it); the table gets one line.
    logger.error("内部错误：\n%s", "".join(traceback.format_exception(exc)).strip())
    return (
        f"内部错误：{type(exc).__name__}: {exc}。请单独运行 jidi-docs bundle 处理该文件，"
        "把完整输出报告给开发者。"
    )


@dataclass(frozen=True)
class _Survey:
    source: Path
    display: str
    unit: str | None
    digest: str | None
    row: SummaryRow
    warnings: list[str]
    error: str = ""


def _survey_one(source: Path, display: str, options: _Options) -> _Survey:
    with _capture_warnings() as notes:
        try:
            yaml_bytes = source.read_bytes()
            app = load(source, profile=options.profile)
            report = check(app)
            digest = input_digest(app, yaml_bytes, options.key())
        except Exception as exc:  # one bad file must not stop the batch
            return _Survey(source, display, None, None, SummaryRow(display), list(notes),
                           _error_text(exc))
    row = SummaryRow(
        file=display,
        unit=app.basic.name,
        district=app.basic.district,
        lecturers=app.lecturer_count,
        bachelor_ratio=app.bachelor_ratio,
        crossborder_trainees=app.crossborder_trainees,
        total_trainees=app.basic.total_trainees,
        total_score=app.total_score,
        conditions={c.title: c.status for c in report.conditions},
    )
    warnings = [str(w) for w in app.warnings] + notes
    return _Survey(source, display, app.basic.name, digest, row, warnings)


def _survey_chunk(items: list[tuple[Path, str]], options: _Options) -> list[_Survey]:
    """Worker task: load, check and hash each application of the chunk."""
    with _task():
        return [_survey_one(source, display, options) for source, display in items]


@dataclass(frozen=True)
class _Job:
    source: Path
    out_dir: Path
    digest: str


@dataclass(frozen=True)
class _Built:
    source: Path
    outputs: list[Path]
    warnings: list[str]
    error: str = ""


def _publish(job: _Job, files: Sequence[Path]) -> list[Path]:
    """Move the finished `files` into the job's folder, then write its manifest (last)."""
    job.out_dir.mkdir(parents=True, exist_ok=True)
    outputs = []
    for f in files:
        target = job.out_dir / f.name
        os.replace(f, target)
        outputs.append(target)
    manifest = {
        "format": _MANIFEST_FORMAT,
        "generator": f"jidi-docs {__version__}",
        "source": str(job.source),
        "inputs": job.digest,
        "outputs": [p.name for p in outputs],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    atomic_write_many({job.out_dir / MANIFEST_NAME: text.encode("utf-8")})
    return outputs


def _build_forms_chunk(jobs: list[_Job], options: _Options, staging: Path) -> list[_Built]:
    out = []
    for job in jobs:
        with _capture_warnings() as notes:
            work = Path(tempfile.mkdtemp(prefix="app-", dir=staging))
            try:
                app = load(job.source, profile=options.profile)
                out.append(_Built(job.source, _publish(job, render(app, work)), notes))
            except Exception as exc:
                out.append(_Built(job.source, [], notes, _error_text(exc)))
            finally:
                shutil.rmtree(work, ignore_errors=True)
    return out


def _convert_together(
    converter: Converter, groups: dict[int, list[Path]], out_dir: Path
) -> dict[int, list[Path] | Exception]:
    """Convert every group's documents in one call; on failure, each group again on its own.

    Returns:
        Per group key, its PDFs (same order as its documents) or the error that group caused.
    """
    keys = [k for k, docs in groups.items() if docs]
    if not keys:
        return {}
    flat = [d for k in keys for d in groups[k]]
    try:
        pdfs = converter.convert(flat, out_dir / "together")
    except ConversionError as exc:
        if len(keys) == 1:
            return {keys[0]: exc}
        logger.warning("LibreOffice 批量转换失败，改为逐个申报单位分别转换。")
        alone: dict[int, list[Path] | Exception] = {}
        for k in keys:
            try:
                alone[k] = converter.convert(groups[k], out_dir / f"alone-{k}")
            except ConversionError as e:
                alone[k] = e
        return alone
    result: dict[int, list[Path] | Exception] = {}
    start = 0
    for k in keys:
        n = len(groups[k])
        result[k] = pdfs[start : start + n]
        start += n
    return result


def _build_pdf_chunk(
    jobs: list[_Job], options: _Options, staging: Path, converter: Converter
) -> list[_Built]:
    """Build the bundles of `jobs` with two LibreOffice calls in all (forms, then covers)."""
    errors: dict[int, str] = {}
    notes: dict[int, list[str]] = {i: [] for i in range(len(jobs))}
    works: dict[int, Path] = {}
    prepared: dict[int, BundleJob] = {}
    try:
        for i, job in enumerate(jobs):
            works[i] = Path(tempfile.mkdtemp(prefix="app-", dir=staging))
            with _capture_warnings() as n:
                try:
                    app = load(job.source, profile=options.profile)
                    prepared[i] = prepare(
                        app,
                        works[i],
                        allow_missing=options.allow_missing,
                        allow_outside_paths=options.allow_outside_paths,
                    )
                except Exception as exc:
                    errors[i] = _error_text(exc)
            notes[i].extend(n)

        round_dir = Path(tempfile.mkdtemp(prefix="convert-", dir=staging))
        with _capture_warnings() as n:
            form_pdfs = _convert_together(
                converter, {i: b.form_docs for i, b in prepared.items()}, round_dir / "forms"
            )
        covers: dict[int, list[Path]] = {}
        for i, pdfs in form_pdfs.items():
            try:
                if isinstance(pdfs, Exception):
                    raise pdfs
                covers[i] = [prepared[i].cover_docx(pdfs, date=options.date)]
            except Exception as exc:
                errors[i] = _error_text(exc)
        with _capture_warnings() as n2:
            cover_pdfs = _convert_together(converter, covers, round_dir / "covers")
        for extra in (n, n2):
            for i in prepared:
                notes[i].extend(extra)

        out = []
        for i, job in enumerate(jobs):
            outputs: list[Path] = []
            if i not in errors:
                try:
                    cover = cover_pdfs[i]
                    if isinstance(cover, Exception):
                        raise cover
                    publish_dir = works[i] / "out"
                    prepared[i].finish(cover[0], publish_dir)
                    outputs = _publish(job, sorted(publish_dir.iterdir()))
                except Exception as exc:
                    errors[i] = _error_text(exc)
            out.append(_Built(job.source, outputs, notes[i], errors.get(i, "")))
        return out
    finally:
        for work in works.values():
            shutil.rmtree(work, ignore_errors=True)


def _build_chunk(jobs: list[_Job], options: _Options, staging: Path) -> list[_Built]:
    """Worker task: build every application of the chunk; failures stay per application."""
    with _task():
        if not options.pdf:
            return _build_forms_chunk(jobs, options, staging)
        try:
            converter = SofficeConverter()
        except ConversionError as exc:
            return [_Built(j.source, [], [], str(exc)) for j in jobs]
        with converter:
            return _build_pdf_chunk(jobs, options, staging, converter)


# -- planning (parent side) -------------------------------------------------------------------


def _folder_names(surveys: Sequence[_Survey]) -> dict[Path, str]:
    """Return each readable application's folder name, unique in a case-insensitive way.

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
        k, unique = 1, n
        while unique.casefold() in used:
            k += 1
            unique = f"{n}-{k}"
        used.add(unique.casefold())
        names[source] = unique
    return names


def _up_to_date(out_dir: Path, digest: str) -> list[Path] | None:
    """Return the outputs recorded in `out_dir`'s manifest if it matches `digest`, else None."""
    try:
        manifest = json.loads((out_dir / MANIFEST_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != _MANIFEST_FORMAT:
        return None
    if manifest.get("inputs") != digest:
        return None
    outputs = [out_dir / name for name in manifest.get("outputs", [])]
    if not outputs or not all(p.is_file() for p in outputs):
        return None
    return outputs


def _chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _default_context() -> multiprocessing.context.BaseContext:
    # Why not fork: the parent may run threads (rich's progress refresher), and forking a
    # threaded process can deadlock. forkserver starts workers from a clean process, with the
    # package already imported, so a worker starts in milliseconds.
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["jidi_docs.batch"])
        return ctx
    return multiprocessing.get_context("spawn")


def _interrupt_workers(executor: cf.Executor) -> None:
    """Send SIGINT to our own pool's workers, so a busy one aborts its LibreOffice now.

    Ctrl-C in a terminal reaches them already; this covers a SIGINT sent to this process alone.
    """
    processes = getattr(executor, "_processes", None) or {}
    for proc in list(processes.values()):
        with contextlib.suppress(ProcessLookupError, OSError, AttributeError):
            os.kill(proc.pid, signal.SIGINT)


def batch(
    paths: Iterable[str | Path] | str | Path,
    out_dir: str | Path,
    *,
    jobs: int | None = None,
    executor: cf.Executor | None = None,
    pdf: bool = True,
    force: bool = False,
    progress: Callable[[ProgressEvent], None] | None = None,
    profile: str | Path | None = None,
    allow_missing: bool = False,
    allow_outside_paths: bool = False,
    chunk_size: int | None = None,
) -> BatchResult:
    """Build every application under `paths` into ``out_dir/<单位名称>/``, plus the 汇总表.

    Each application gets its two forms and, with `pdf`, its 申报材料.pdf. One bad application
    (invalid YAML, missing evidence, a document LibreOffice cannot convert) fails alone; the
    others go on, and the result lists every failure. Applications whose inputs have not changed
    since their outputs were written are skipped unless `force`. 汇总表.xlsx and 汇总.csv are
    written to `out_dir` with one row per application, failed ones included.

    Args:
        paths: folders (searched recursively for ``*.yaml``/``*.yml``) and/or YAML files.
        out_dir: the output folder; created if missing.
        jobs: worker processes (default: the CPU count). Ignored when `executor` is given,
            except that it still sets how work is split into chunks.
        executor: any `concurrent.futures.Executor` to run the work on, e.g. a cluster's
            (``dask.distributed.Client(...).get_executor()``). Its workers need jidi_docs,
            LibreOffice (for `pdf`) and access to the input and output folders at the same
            paths. With your own executor, Ctrl-C cancels the pending work, but work already
            running finishes on its own.
        pdf: also build 申报材料.pdf (needs LibreOffice); False writes the forms only.
        force: rebuild every application, even those that are up to date.
        progress: called in this process after each application is done.
        profile: a 认定批次 name or profile file for every application (default: each YAML's
            own ``认定批次``).
        allow_missing: build bundles with missing evidence files (marked 缺 in the contents).
        allow_outside_paths: accept evidence paths outside each YAML file's folder.
        chunk_size: applications per worker task (default: chosen from the batch size). Bigger
            chunks share one LibreOffice start among more documents; smaller ones balance load.

    Returns:
        One `ItemResult` per application, and the paths of 汇总表.xlsx and 汇总.csv.

    Raises:
        InputError: a path does not exist, or no application file was found.
        ConversionError: `pdf` is set but LibreOffice is not installed.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out_root = Path(out_dir)
    found = discover(paths, exclude=out_root)
    if not found:
        where = "、".join(str(p) for p in paths)
        raise InputError(
            Issue(where, None, None, "", "没有找到申报文件（*.yaml 或 *.yml）。")
        )
    if pdf:
        SofficeConverter().close()  # raises the Chinese install hint when LibreOffice is missing
    options = _Options(
        pdf=pdf,
        profile=str(profile) if profile is not None else None,
        allow_missing=allow_missing,
        allow_outside_paths=allow_outside_paths,
        date=dt.date.today(),
    )
    workers = jobs or os.cpu_count() or 1
    total = len(found)
    own = executor is None
    pool: cf.Executor = executor or cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=_default_context(), initializer=_init_worker
    )
    out_root.mkdir(parents=True, exist_ok=True)
    staging = out_root / STAGING_NAME
    staging.mkdir(exist_ok=True)
    futures: list[cf.Future[Any]] = []
    done = 0
    results: dict[Path, ItemResult] = {}

    def finish(item: ItemResult) -> None:
        nonlocal done
        results[item.source] = item
        done += 1
        if progress is not None:
            progress(ProgressEvent(done, total, item))

    try:
        # 1. survey
        size = max(1, min(50, -(-total // (workers * 4))))
        survey_futures = {pool.submit(_survey_chunk, c, options): c for c in _chunks(found, size)}
        futures.extend(survey_futures)
        surveys: dict[Path, _Survey] = {}
        for fut in cf.as_completed(survey_futures):
            try:
                for s in fut.result():
                    surveys[s.source] = s
            except Exception as exc:  # a worker died: its files count as failed
                for source, display in survey_futures[fut]:
                    surveys[source] = _Survey(source, display, None, None, SummaryRow(display),
                                              [], _error_text(exc))
        ordered = [surveys[source] for source, _ in found]

        # 2. plan
        names = _folder_names(ordered)
        todo: list[_Job] = []
        for s in ordered:
            if s.error or s.digest is None:
                finish(ItemResult(s.source, s.display, "failed", error=s.error,
                                  warnings=s.warnings, row=_failed_row(s.row, s.error)))
                continue
            target = out_root / names[s.source]
            current = None if force else _up_to_date(target, s.digest)
            if current is not None:
                finish(ItemResult(s.source, s.display, "skipped", target, current,
                                  warnings=s.warnings, row=s.row))
            else:
                todo.append(_Job(s.source, target, s.digest))

        # 3. build
        if todo:
            # With bundles, every chunk costs two LibreOffice starts (~1 s each): one chunk per worker
            # up to 25 applications; forms alone are cheap, so smaller chunks balance the load.
            per_worker = -(-len(todo) // workers)
            size = chunk_size or max(1, min(25, per_worker if pdf else -(-per_worker // 2)))
            build_futures = {
                pool.submit(_build_chunk, c, options, staging): c for c in _chunks(todo, size)
            }
            futures.extend(build_futures)
            for fut in cf.as_completed(build_futures):
                chunk = build_futures[fut]
                try:
                    built = fut.result()
                except Exception as exc:  # e.g. BrokenProcessPool: the worker was killed
                    built = [_Built(j.source, [], [], _error_text(exc)) for j in chunk]
                for job, b in zip(chunk, built):
                    s = surveys[job.source]
                    warnings = s.warnings + b.warnings
                    if b.error:
                        finish(ItemResult(s.source, s.display, "failed", job.out_dir,
                                          error=b.error, warnings=warnings,
                                          row=_failed_row(s.row, b.error)))
                    else:
                        finish(ItemResult(s.source, s.display, "built", job.out_dir,
                                          b.outputs, warnings=warnings, row=s.row))
    except KeyboardInterrupt:
        for fut in futures:
            fut.cancel()
        if own:
            _interrupt_workers(pool)
        raise
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
        if own or all(f.done() for f in futures):
            shutil.rmtree(staging, ignore_errors=True)

    # 4. summary
    items = [results[source] for source, _ in found]
    rows = [i.row or SummaryRow(i.display, ok=False, error=i.error) for i in items]
    return BatchResult(items, write_summary(rows, out_root))


def _failed_row(row: SummaryRow, error: str) -> SummaryRow:
    return SummaryRow(**{**row.__dict__, "ok": False, "error": error})
