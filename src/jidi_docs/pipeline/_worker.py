"""The work of a batch done in worker processes: survey (load, 预审, hash) and build, by chunk.

Everything here must pickle and must not stop on one application's failure: each error becomes
that application's Chinese message.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import json
import logging
import multiprocessing.util
import shutil
import signal
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._platform import TimeLimitExceeded, work_limits
from ..errors import ConversionError, UserError
from ..forms._render import render
from ..input._load import application_file, load
from ..input._yaml import parse_yaml, read_text
from ..pdf._convert import SofficeConverter
from ..pdf._warm import WarmConverter
from ..review._check import check
from ..schema._profile import DEFAULT_PROFILE, builtin_profile
from ._bundle import BundleJob, evidence_files, keep_apart, prepare
from ._manifest import input_digest
from ._plan import Job, Survey
from ._publish import publish
from ._summary import SummaryRow

if TYPE_CHECKING:
    from types import FrameType

    from ..pdf._convert import Converter
    from ..schema._model import Application

logger = logging.getLogger("jidi_docs.pipeline._batch")

__all__ = ["Built", "Options", "build_chunk", "error_text", "init_worker", "survey_chunk"]


@dataclass(frozen=True)
class Options:
    """Everything a worker needs besides the files; must pickle."""

    pdf: bool
    profile: str | None
    allow_missing: bool
    allow_outside_paths: bool
    date: dt.date
    #: Keep one LibreOffice running in each worker across its chunks (our own pool only, when
    #: a worker gets several chunks); see `jidi_docs.pdf.WarmConverter`.
    warm: bool = False
    #: Per application: seconds and bytes of memory its reading, checking and building may take.
    time_limit: float | None = None
    memory_limit: int | None = None
    #: Replace same-named files jidi_docs did not write.
    force: bool = False
    soffice: str | None = None
    #: Write each bundle as PDF/A-2b.
    pdfa: bool = False

    def key(self) -> str:
        """The options that change outputs, for the input hash (not the cover date)."""
        key: list[object] = [self.pdf, self.profile, self.allow_missing, self.allow_outside_paths]
        if self.pdfa:  # added only when set, so outputs of earlier versions stay up to date
            key.append("pdfa")
        return json.dumps(key)


#: Set in worker processes of our own pool once SIGINT arrived: start no new application.
_cancelled = False
#: True while a worker waits for LibreOffice, the only place where SIGINT interrupts at once.
_interruptible = False


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    """Remember the interrupt; abort a LibreOffice conversion now, anything else at its end.

    Why not always raise: a KeyboardInterrupt raised at a random point lands inside clean-up
    code too (``ZipFile.__del__``: "Exception ignored …" on the console). Python steps of one
    application take well under a second; the task then stops before the next application.
    """
    global _cancelled
    first = not _cancelled
    _cancelled = True
    if first and _interruptible:
        raise KeyboardInterrupt


def init_worker() -> None:
    """Worker initializer: SIGINT stops the current task, and an idle worker stays quiet.

    Why: Ctrl-C reaches every process of the terminal's process group. Python's default would
    raise KeyboardInterrupt in idle workers too and print their tracebacks; this way a busy
    worker stops between applications (or kills its LibreOffice at once) and the pool is then
    shut down cleanly by the parent.
    """
    signal.signal(signal.SIGINT, _on_sigint)


def _stop_if_cancelled() -> None:
    if _cancelled:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _task() -> Any:
    _stop_if_cancelled()
    yield
    _stop_if_cancelled()


@contextlib.contextmanager
def _converting() -> Any:
    """Let SIGINT interrupt the LibreOffice call in the block (the converter kills it)."""
    global _interruptible
    _stop_if_cancelled()
    _interruptible = True
    try:
        yield
    finally:
        _interruptible = False
    _stop_if_cancelled()


@contextlib.contextmanager
def _one_application(options: Options) -> Any:
    """One application's unit of work: stop here if cancelled, else run it within its limits.

    Why: a file that is huge or hostile must fail alone, quickly, with its own message, and
    never hold a worker (and the applications queued behind it) or exhaust its memory.
    """
    _stop_if_cancelled()
    try:
        with work_limits(seconds=options.time_limit, memory_bytes=options.memory_limit):
            yield
    except TimeLimitExceeded:
        raise UserError(
            f"处理该申报超过了 {options.time_limit:g} 秒的时间上限，已停止（其他申报照常处理）。"
            "请检查文件是否异常庞大或损坏。"
        ) from None
    except MemoryError:
        mb = (options.memory_limit or 0) // 2**20
        raise UserError(
            f"处理该申报需要的内存超过了 {mb} MB 的上限，已停止（其他申报照常处理）。"
            "请检查文件是否异常庞大或损坏。"
        ) from None


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


def error_text(exc: BaseException) -> str:
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


#: Applications this worker process loaded while surveying, for its own builds: each YAML is then
#: parsed and validated once per batch (when survey and build land in the same process).
_surveyed: dict[tuple[Path, str | None], tuple[bytes, Application]] = {}


def _load(source: Path, options: Options) -> Application:
    """The application at `source`: as surveyed, if the file is unchanged since; else loaded."""
    seen = _surveyed.pop((source, options.profile), None)
    if seen is not None and source.read_bytes() == seen[0]:
        return seen[1]
    return load(source, profile=options.profile)


def _survey_one(source: Path, display: str, options: Options) -> Survey:
    with _capture_warnings() as notes:
        try:
            with _one_application(options):
                yaml_bytes = source.read_bytes()
                app = load(source, profile=options.profile)
                _surveyed[source, options.profile] = (yaml_bytes, app)
                report = check(app)
                digest = input_digest(app, yaml_bytes, options.key())
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
            row = partial_row(source, display)
            return Survey(source, display, None, None, row, list(notes), error_text(exc))
    row = SummaryRow.of(app, report, display)
    warnings = [str(w) for w in app.warnings] + notes
    return Survey(source, display, app.basic.name, digest, row, warnings)


def _rank(districts: list[str], district: str | None) -> int | None:
    return districts.index(district) if district in districts else None


def partial_row(source: Path, display: str) -> SummaryRow:
    """Return the 汇总表 row of an application that failed: its 单位名称 and 所属区县 when the
    file can be read as YAML at all, so the office sees whose application it is."""
    try:
        data = parse_yaml(read_text(application_file(source)), str(source)).data
        basic = data.get("基本情况") if isinstance(data, dict) else None
    except UserError:  # unreadable as YAML: the row shows the file alone
        basic = None
    if not isinstance(basic, dict):
        return SummaryRow(display)
    unit, district = basic.get("单位名称"), basic.get("所属区县")
    unit = unit.strip() if isinstance(unit, str) and unit.strip() else None
    district = district.strip() if isinstance(district, str) and district.strip() else None
    rank = _rank(builtin_profile(DEFAULT_PROFILE).districts, district)
    return SummaryRow(display, unit=unit, district=district, district_rank=rank)


def survey_chunk(items: list[tuple[Path, str]], options: Options) -> list[Survey]:
    """Worker task: load, check and hash each application of the chunk."""
    with _task():
        return [_survey_one(source, display, options) for source, display in items]


@dataclass(frozen=True)
class Built:
    source: Path
    outputs: list[Path]
    warnings: list[str]
    error: str = ""


def _build_forms_chunk(jobs: list[Job], options: Options, staging: Path) -> list[Built]:
    out = []
    for job in jobs:
        with _capture_warnings() as notes:
            work = Path(tempfile.mkdtemp(prefix="app-", dir=staging))
            try:
                with _one_application(options):
                    app = _load(job.source, options)
                    keep_apart(job.out_dir, evidence_files(app, allow_outside_paths=True))
                    written = render(app, work)
                    out.append(Built(job.source, publish(job, written, force=options.force), notes))
            except Exception as exc:  # noqa: BLE001 - fails this application only
                out.append(Built(job.source, [], notes, error_text(exc)))
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


def _convert_rounds(
    converter: Converter,
    jobs: list[Job],
    prepared: dict[int, BundleJob],
    errors: dict[int, str],
    options: Options,
    round_dir: Path,
) -> tuple[dict[int, Path], list[str]]:
    """Convert every prepared bundle's forms and cover in one LibreOffice call; return the covers'
    PDFs and the warnings logged meanwhile. Covers laid out with page counts that LibreOffice
    did not confirm are converted again, together, in a second call; failures go to `errors`."""
    first: dict[int, list[Path]] = {}
    for i, b in prepared.items():
        try:
            with _one_application(options):
                first[i] = b.first_round(b.predict_pages(jobs[i].out_dir), date=options.date)
        except Exception as exc:  # noqa: BLE001 - fails this application only
            errors[i] = error_text(exc)
    covers: dict[int, Path] = {}
    again: dict[int, list[Path]] = {}
    with _capture_warnings() as notes:
        with _converting():
            converted = _convert_together(converter, first, round_dir / "first")
        for i, pdfs in converted.items():
            try:
                if isinstance(pdfs, Exception):
                    raise pdfs
                with _one_application(options):
                    cover = prepared[i].accept(pdfs)
                    if cover is None:
                        again[i] = [prepared[i].cover_docx(pdfs[:2], date=options.date)]
                    else:
                        covers[i] = cover
            except Exception as exc:  # noqa: BLE001 - fails this application only
                errors[i] = error_text(exc)
        with _converting():
            redone_all = _convert_together(converter, again, round_dir / "again")
        for i, redone in redone_all.items():
            if isinstance(redone, Exception):
                errors[i] = error_text(redone)
            else:
                covers[i] = redone[0]
    return covers, notes


def _build_pdf_chunk(
    jobs: list[Job], options: Options, staging: Path, converter: Converter
) -> list[Built]:
    """Build the bundles of `jobs` with one LibreOffice call in all (two when a prediction of the
    forms' page counts failed)."""
    errors: dict[int, str] = {}
    notes: dict[int, list[str]] = {i: [] for i in range(len(jobs))}
    works: dict[int, Path] = {}
    prepared: dict[int, BundleJob] = {}
    try:
        for i, job in enumerate(jobs):
            works[i] = Path(tempfile.mkdtemp(prefix="app-", dir=staging))
            with _capture_warnings() as n:
                try:
                    with _one_application(options):
                        app = _load(job.source, options)
                        keep_apart(job.out_dir, evidence_files(app, allow_outside_paths=True))
                        prepared[i] = prepare(
                            app,
                            works[i],
                            allow_missing=options.allow_missing,
                            allow_outside_paths=options.allow_outside_paths,
                        )
                except Exception as exc:  # noqa: BLE001 - fails this application only
                    errors[i] = error_text(exc)
            notes[i].extend(n)

        round_dir = Path(tempfile.mkdtemp(prefix="convert-", dir=staging))
        covers, extra = _convert_rounds(converter, jobs, prepared, errors, options, round_dir)
        for i in prepared:
            notes[i].extend(extra)

        out = []
        for i, job in enumerate(jobs):
            outputs: list[Path] = []
            if i not in errors:
                try:
                    publish_dir = works[i] / "out"
                    with _one_application(options):
                        prepared[i].finish(covers[i], publish_dir, pdfa=options.pdfa)
                        finished = [p for p in sorted(publish_dir.iterdir()) if p.name[0] != "."]
                        outputs = publish(job, finished, force=options.force)
                except Exception as exc:  # noqa: BLE001 - fails this application only
                    errors[i] = error_text(exc)
            out.append(Built(job.source, outputs, notes[i], errors.get(i, "")))
        return out
    finally:
        for work in works.values():
            shutil.rmtree(work, ignore_errors=True)


#: This worker process's running LibreOffice, kept across chunks when `Options.warm`.
_warm: WarmConverter | None = None


def _warm_converter(soffice: str | None = None, *, pdfa: bool = False) -> WarmConverter:
    """Return this worker's warm converter, started on first use and closed at the worker's exit."""
    global _warm
    if _warm is None:
        _warm = WarmConverter(soffice=soffice)
        # Runs when the pool shuts the worker down (multiprocessing's exit hooks, not atexit).
        multiprocessing.util.Finalize(None, _close_warm, exitpriority=10)
    _warm.pdfa = pdfa  # a worker runs one chunk at a time: set for this chunk
    return _warm


def _close_warm() -> None:
    global _warm
    if _warm is not None:
        _warm.close()
        _warm = None


def build_chunk(jobs: list[Job], options: Options, staging: Path) -> list[Built]:
    """Worker task: build every application of the chunk; failures stay per application."""
    with _task():
        if not options.pdf:
            return _build_forms_chunk(jobs, options, staging)
        try:
            converter = (
                _warm_converter(options.soffice, pdfa=options.pdfa)
                if options.warm
                else SofficeConverter(soffice=options.soffice, pdfa=options.pdfa)
            )
        except ConversionError as exc:
            return [Built(j.source, [], [], str(exc)) for j in jobs]
        if options.warm:
            try:
                return _build_pdf_chunk(jobs, options, staging, converter)
            except BaseException:  # interrupted: leave no LibreOffice behind
                _close_warm()
                raise
        with converter:
            return _build_pdf_chunk(jobs, options, staging, converter)
