"""Build a whole folder of applications in parallel, with a 汇总表 for the district.

How a batch runs:

1. **Survey** (in the workers): every YAML file is loaded and 预审-checked; its figures go to the
   汇总表 and its inputs are hashed (YAML bytes, each evidence file's size and mtime, template
   bytes, the 认定批次 profile, the jidi_docs version and the options).
2. **Plan** (here): each application gets its folder ``<out>/<单位名称>/`` (names shared by two
   applications get the YAML file's stem, then its relative path, appended); an application whose
   folder holds a manifest with the same input hash and all its outputs is skipped.
3. **Build** (in the workers), in chunks (`jidi_docs.pipeline._chunk`): each worker of our own
   pool keeps one LibreOffice running and hands it a few applications' forms and covers at a
   time, in one call, while it prepares the next ones and assembles the bundles of the ones
   before; with another executor a chunk's documents go to LibreOffice in one call. Why: a
   LibreOffice start costs about a second, an extra document about 0.15 s (measured with
   `benchmarks/bundle.py`), and conversion and Python work overlap on two processors. If a
   combined call fails, each application is converted again on its own, so one broken
   document costs only its own application.
4. The 汇总表 is written.

Every output is built in a staging folder of its own run (inside the hidden ``.jidi-docs-tmp``)
and renamed into place when the application is complete; the manifest is written last. An
interrupted batch (Ctrl-C) therefore leaves no half-written file: finished applications are kept
(and skipped by the next run), the others are redone. Workers abort their LibreOffice process on
SIGINT (`SofficeConverter` kills its process tree), so no soffice is left behind.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable
from os import PathLike
from pathlib import Path

from ..errors import BatchInterrupted, InputError, Issue, UserError
from ..input import as_date, as_path, as_positive_int
from ..pdf import ImageOptions, SofficeConverter, require_ghostscript
from ._discover import discover, hidden_yaml
from ._guard import called_without_main_guard
from ._manifest import MANIFEST_NAME
from ._plan import Options
from ._results import BatchResult, ItemResult, ProgressEvent
from ._run import STAGING_NAME, Run
from ._sources import MAX_MB

__all__ = [
    "MANIFEST_NAME",
    "STAGING_NAME",
    "BatchResult",
    "ItemResult",
    "ProgressEvent",
    "batch",
    "discover",
]


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
    time_limit: float | None = 300.0,
    memory_limit_mb: int | None = 2048,
    soffice: str | Path | None = None,
    pdfa: bool = False,
    from_yaml: bool = False,
    images: ImageOptions | None = None,
    max_mb: float | None = MAX_MB,
    date: dt.date | str | None = None,
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
        force: rebuild every application, even those that are up to date, and replace
            same-named files that jidi_docs did not write (never replaced otherwise).
        progress: called in this process after each application is done.
        profile: a 认定批次 name or profile file for every application (default: each YAML's
            own ``认定批次``).
        allow_missing: build bundles with missing evidence files (marked 缺 in the contents).
        allow_outside_paths: accept evidence paths outside each YAML file's folder.
        chunk_size: applications per worker task (default: chosen from the batch size). Bigger
            chunks share one LibreOffice start among more documents; smaller ones balance load.
        time_limit: seconds one application's reading, checking and building may take in a
            worker (LibreOffice calls have their own timeout); beyond it that application
            fails alone. None: no limit.
        memory_limit_mb: memory one application may add to its worker (POSIX systems but
            macOS); beyond it that application fails alone. None: no limit.
        soffice: the LibreOffice program (see `jidi_docs.pdf._convert.find_soffice`); found
            through ``JIDI_DOCS_SOFFICE``, PATH and the standard install places when None.
        pdfa: write each 申报材料.pdf as PDF/A-2b (needs Ghostscript; see `jidi_docs.bundle`).
        from_yaml: rebuild the forms edited by hand since they were generated from the YAML
            (the edited ones are kept as backups). By default an edited form is used as it
            is, with a notice, and the 汇总表 says so in 备注 (see `jidi_docs.bundle`).
        images: how photos and scans go into each bundle (see `jidi_docs.bundle`).
        max_mb: a bundle larger than this many megabytes gets a notice (None: never).
        date: the date printed on every cover (default: the day of the batch); a date after
            an application's 申报截止日期 gets a notice.

    Returns:
        One `ItemResult` per application, and the paths of 汇总表.xlsx and 汇总.csv.

    Raises:
        BatchInterrupted: Ctrl-C (a KeyboardInterrupt) stopped the batch; the applications
            finished are kept, the 汇总表 is written with the others marked 未完成, and the
            exception's `result` lists them all.
        InputError: a path does not exist, or no application file was found.
        ConversionError: `pdf` is set but LibreOffice is not installed.
        BundleError: `pdfa` is set but Ghostscript is not installed.
        UserError: a script calls `batch` outside ``if __name__ == "__main__":`` (its workers
            would run the script again).
    """
    if executor is None and called_without_main_guard():
        raise UserError(
            "批量生成会另外启动工作进程，它们会重新运行你的脚本，从而再次调用 batch()。"
            "请在脚本里加上 if __name__ == '__main__':，把调用 batch() 的代码放在它下面。"
        )
    jobs, chunk_size = as_positive_int(jobs, "jobs"), as_positive_int(chunk_size, "chunk_size")
    found, hidden, out_root, roots = _inputs(paths, as_path(out_dir, "out_dir"))
    options = _options(
        pdf=pdf,
        pdfa=pdfa,
        soffice=soffice,
        profile=profile,
        allow_missing=allow_missing,
        allow_outside_paths=allow_outside_paths,
        time_limit=time_limit,
        memory_limit_mb=memory_limit_mb,
        force=force,
        from_yaml=from_yaml,
    )
    day = as_date(date)
    options = dataclasses.replace(
        options,
        images=images or ImageOptions(),
        max_mb=max_mb,
        date=day or options.date,
        date_given=day is not None,
    )
    run = Run(len(found), progress)
    try:
        run.all_phases(executor, jobs or os.cpu_count() or 1, found, out_root, options, chunk_size)
    except KeyboardInterrupt:
        raise BatchInterrupted(run.outcome(found, hidden, out_root, roots, force)) from None
    return run.outcome(found, hidden, out_root, roots, force)


def _options(
    *,
    pdf: bool,
    pdfa: bool,
    soffice: str | os.PathLike[str] | None,
    profile: str | os.PathLike[str] | None,
    allow_missing: bool,
    allow_outside_paths: bool,
    time_limit: float | None,
    memory_limit_mb: int | None,
    force: bool,
    from_yaml: bool = False,
) -> Options:
    """The options every worker gets; the install hints for Ghostscript and LibreOffice now,
    not once per application."""
    if pdfa and not pdf:
        raise UserError("PDF/A 是申报材料 PDF 的格式，只生成表格（--no-pdf）时不能要求 PDF/A。")
    if pdfa:
        require_ghostscript()
    program = None if soffice is None else str(soffice)
    if pdf:  # the workers use the program found here
        with SofficeConverter(soffice=program) as probe:
            program = probe.soffice
    options = Options(
        pdf,
        str(profile) if profile is not None else None,
        allow_missing,
        allow_outside_paths,
        dt.date.today(),
    )
    return dataclasses.replace(
        options,
        time_limit=time_limit,
        memory_limit=memory_limit_mb * 2**20 if memory_limit_mb is not None else None,
        force=force,
        soffice=program,
        pdfa=pdfa,
        from_yaml=from_yaml,
    )


def _inputs(
    paths: Iterable[str | Path] | str | Path, out_root: Path
) -> tuple[list[tuple[Path, str]], list[str], Path, list[Path]]:
    """Return the application files under `paths`, the hidden ones left out, `out_root`, and
    the input folders (error texts in the 汇总表 show paths relative to them).

    Why `out_root` is not excluded: it may be an input folder itself (``batch D -o D``) or hold
    one; outputs are never YAML files, and the staging folder is hidden.
    """
    if isinstance(paths, (str, PathLike)):
        given = [Path(paths)]
    elif isinstance(paths, Iterable):
        given = [as_path(p, "paths 中的一项", "申报文件或文件夹") for p in paths]
    else:
        given = [as_path(paths, "paths", "申报文件或文件夹")]
    found = discover(given, exclude=out_root / STAGING_NAME)
    hidden = hidden_yaml(given)
    if not found:
        where = "、".join(str(p) for p in given)
        also = f"（隐藏的文件或文件夹里有 {len(hidden)} 个，未读取）" if hidden else ""
        raise InputError(
            Issue(where, None, None, "", f"没有找到申报文件（*.yaml 或 *.yml）{also}。")
        )
    roots = [(p if p.is_dir() else p.parent).resolve() for p in given]
    return found, hidden, out_root, roots
