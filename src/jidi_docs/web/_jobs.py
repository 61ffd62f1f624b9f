"""The bundle queue: jobs are rows in the database, run by at most N worker threads.

The same threads make the editor's previews (`jidi_docs.web._preview`), so N is the limit of
LibreOffice conversions of both.

Why rows: a queued bundle survives a restart (jobs found ``running`` at start-up were cut off
and go back to the queue), and every server process sharing the database sees the same queue.
Each worker converts with its own LibreOffice, kept running between jobs (`WarmConverter`: a
bundle's conversion then skips LibreOffice's start), so N workers mean at most N LibreOffice
processes.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections

from ..errors import ConversionError
from ..pdf import SofficeConverter, WarmConverter
from . import _library as lib
from ._bundlezip import requeue_zips, run_next_zip
from ._preview import requeue_previews, run_next_preview
from ._queue import Progress, claim, requeue, run
from ._store import app_dir
from .models import Job

__all__ = ["JobRunner", "requeue_interrupted", "run_next", "run_one"]

log = logging.getLogger(__name__)


def requeue_interrupted() -> int:
    """Put jobs left ``running`` by a stopped server back in the queue; return how many."""
    return requeue(Job)


def run_next(converter: SofficeConverter | None = None) -> bool:
    """Run one queued job to its end; return False when the queue was empty.

    `converter` is the calling worker's running LibreOffice, if it has one.
    """
    job = claim(Job, "version__application")
    if job is None:
        return False
    version = job.version
    application = version.application
    out_dir = settings.PORTAL_JOBS_DIR / str(job.pk)

    def work(progress: Progress) -> dict[str, str]:
        data = lib.with_office_opinion(version.data, version.office_opinion)
        draft = lib.validate_draft(data, app_dir(application), with_report=False)
        if draft.app is None:
            raise lib.UserError("；".join(i["message"] for i in draft.issues))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        pdf = lib.bundle_pdf(draft.app, out_dir, progress, converter=converter, pdfa=job.pdfa)
        return {"result_name": pdf.name}

    run(job, work, "生成失败（程序错误：{name}），请联系管理员。")
    return True


def run_one(converter: SofficeConverter | None = None) -> bool:
    """Run the next queued piece of work; False when nothing was queued.

    A preview goes first: it takes seconds and someone is waiting at the page for it; a zip of
    many bundles goes last.
    """
    return run_next_preview(converter) or run_next(converter) or run_next_zip(converter)


class JobRunner:
    """N threads that run queued jobs until `stop` is called."""

    def __init__(self, workers: int, *, poll_seconds: float = 1.0) -> None:
        self.workers = workers
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        requeue_interrupted()
        requeue_previews()
        requeue_zips()
        for n in range(self.workers):
            thread = threading.Thread(target=self._loop, name=f"bundle-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _loop(self) -> None:
        # Django opens one database connection per thread; this thread's is closed when the
        # loop ends, not left for the garbage collector (PostgreSQL counts open connections).
        with contextlib.ExitStack() as stack:
            stack.callback(connections.close_all)
            try:
                converter: SofficeConverter | None = stack.enter_context(WarmConverter())
            except ConversionError:  # no LibreOffice: each job then fails with the install hint
                converter = None
            while not self._stop.is_set():
                close_old_connections()
                try:
                    busy = run_one(converter)
                except Exception:  # the database was busy or gone: try again later
                    log.exception("job queue")
                    busy = False
                if not busy:
                    self._stop.wait(self.poll_seconds)

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
