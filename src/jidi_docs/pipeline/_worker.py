"""The work of a batch done in worker processes: survey (load, 预审, hash) and build, by chunk.

Everything here must pickle and must not stop on one application's failure: each error becomes
that application's Chinese message.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing.util
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConversionError, UserError
from ..forms import render
from ..input import application_file, load, parse_yaml, read_text
from ..pdf import SofficeConverter, WarmConverter
from ..review import check
from ..schema import DEFAULT_PROFILE, builtin_profile
from ._chunk import build_pdf_chunk
from ._edited import edited_forms, edited_notice
from ._guard import capture_warnings, error_text, init_worker, one_application, task
from ._manifest import input_digest
from ._plan import Built, Job, Options, Survey
from ._publish import publish
from ._sources import evidence_files, keep_apart
from ._summary import Cell, SummaryRow

if TYPE_CHECKING:
    from ..schema import Application

__all__ = ["Built", "Options", "build_chunk", "error_text", "init_worker", "survey_chunk"]

logger = logging.getLogger("jidi_docs.pipeline._batch")


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
    with capture_warnings() as notes:
        try:
            with one_application(options):
                yaml_bytes = source.read_bytes()
                app = load(source, profile=options.profile)
                _surveyed[source, options.profile] = (yaml_bytes, app)
                report = check(app, read_evidence=False)  # the build reads them
                digest = input_digest(app, yaml_bytes, options.key())
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
            row = partial_row(source, display)
            return Survey(source, display, None, None, row, list(notes), error_text(exc))
    row = SummaryRow.of(app, report, display)
    warnings = [str(w) for w in app.warnings] + notes
    return Survey(
        source, display, app.basic.name, digest, row, warnings, code=app.basic.credit_code
    )


def _rank(districts: list[str], district: str | None) -> int | None:
    return districts.index(district) if district in districts else None


def partial_row(source: Path, display: str) -> SummaryRow:
    """Return the 汇总表 row of an application that failed: its 单位名称, 所属区县, 联系人 and
    电话 when the file can be read as YAML at all, so the office sees whose it is and whom to call."""
    try:
        data = parse_yaml(read_text(application_file(source)), str(source)).data
        basic = data.get("基本情况") if isinstance(data, dict) else None
    except UserError:  # unreadable as YAML: the row shows the file alone
        basic = None
    if not isinstance(basic, dict):
        return SummaryRow(display)
    unit, district, contact, phone = (
        _text(basic.get(key)) for key in ("单位名称", "所属区县", "联系人", "电话")
    )
    rank = _rank(builtin_profile(DEFAULT_PROFILE).districts, district)
    figures: dict[str, Cell] = {
        k: v for k, v in (("联系人", contact), ("电话", phone)) if v is not None
    }
    return SummaryRow(display, unit=unit, district=district, district_rank=rank, figures=figures)


def _text(value: object) -> str | None:
    """A value as written when it is text, or None (blank, a list, a mapping …)."""
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return None


def survey_chunk(items: list[tuple[Path, str]], options: Options) -> list[Survey]:
    """Worker task: load, check and hash each application of the chunk.

    With `options.warm`, this worker's LibreOffice starts up meanwhile (for the bundles to come).
    """
    with task():
        if options.warm and options.pdf:
            with contextlib.suppress(ConversionError):  # no LibreOffice: building reports it
                _warm_converter(options.soffice, pdfa=options.pdfa).prestart()
        return [_survey_one(source, display, options) for source, display in items]


def _build_forms_chunk(jobs: list[Job], options: Options, staging: Path) -> list[Built]:
    out = []
    for job in jobs:
        with capture_warnings() as notes:
            work = Path(tempfile.mkdtemp(prefix="app-", dir=staging))
            try:
                with one_application(options):
                    app = _load(job.source, options)
                    keep_apart(job.out_dir, evidence_files(app, allow_outside_paths=True))
                    written = render(app, work)
                    kept = {} if options.from_yaml else edited_forms(app, job.out_dir)
                    for key, path in kept.items():
                        logger.warning(edited_notice(app, key, path))
                    outputs = publish(job, written, force=options.force, kept=list(kept.values()))
                    names = tuple(p.name for p in kept.values())
                    out.append(Built(job.source, outputs, notes, kept=names))
            except Exception as exc:  # noqa: BLE001 - fails this application only
                out.append(Built(job.source, [], notes, error_text(exc)))
            finally:
                shutil.rmtree(work, ignore_errors=True)
    return out


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
    with task():
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
        converter.prestart()  # it starts up while the first forms are filled
        if options.warm:
            try:
                return build_pdf_chunk(jobs, options, staging, converter, _load)
            except BaseException:  # interrupted: leave no LibreOffice behind
                _close_warm()
                raise
        with converter:
            return build_pdf_chunk(jobs, options, staging, converter, _load)
