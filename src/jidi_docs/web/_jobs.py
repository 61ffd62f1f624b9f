"""The bundle queue: jobs are rows in the database, run by at most N worker threads.

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
from django.db import close_old_connections, transaction
from django.utils import timezone

from ..errors import ConversionError
from ..pdf._convert import SofficeConverter
from ..pdf._warm import WarmConverter
from . import _library as lib
from ._store import app_dir
from .models import Job, JobState

__all__ = ["JobRunner", "requeue_interrupted", "run_next"]

log = logging.getLogger(__name__)


def requeue_interrupted() -> int:
    """Put jobs left ``running`` by a stopped server back in the queue; return how many."""
    return Job.objects.filter(state=JobState.RUNNING).update(
        state=JobState.QUEUED, progress=0, step="服务重启，重新排队"
    )


def _claim() -> Job | None:
    """Take the oldest queued job, or None; safe when several workers ask at once."""
    with transaction.atomic():
        job = Job.objects.filter(state=JobState.QUEUED).order_by("pk").first()
        if job is None:
            return None
        taken = Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
            state=JobState.RUNNING, progress=1, step="开始"
        )
    return Job.objects.select_related("version__application").get(pk=job.pk) if taken else None


def run_next(converter: SofficeConverter | None = None) -> bool:
    """Run one queued job to its end; return False when the queue was empty.

    `converter` is the calling worker's running LibreOffice, if it has one.
    """
    job = _claim()
    if job is None:
        return False
    version = job.version
    application = version.application
    out_dir = settings.PORTAL_JOBS_DIR / str(job.pk)

    def progress(percent: int, step: str) -> None:
        Job.objects.filter(pk=job.pk).update(progress=percent, step=step)

    try:
        data = lib.with_office_opinion(version.data, version.office_opinion)
        draft = lib.validate_draft(data, app_dir(application), with_report=False)
        if draft.app is None:
            raise lib.UserError("；".join(i["message"] for i in draft.issues))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        pdf = lib.bundle_pdf(draft.app, out_dir, progress, converter=converter)
        Job.objects.filter(pk=job.pk).update(
            state=JobState.DONE,
            progress=100,
            step="完成",
            result_name=pdf.name,
            finished=timezone.now(),
        )
    except lib.UserError as e:
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, step="未生成", error=str(e), finished=timezone.now()
        )
    except Exception as e:  # a bug or a LibreOffice crash: the job fails, the server goes on
        log.exception("bundle job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            step="未生成",
            error=f"生成失败（程序错误：{type(e).__name__}），请联系管理员。",
            finished=timezone.now(),
        )
    return True


class JobRunner:
    """N threads that run queued jobs until `stop` is called."""

    def __init__(self, workers: int, *, poll_seconds: float = 1.0) -> None:
        self.workers = workers
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        requeue_interrupted()
        for n in range(self.workers):
            thread = threading.Thread(target=self._loop, name=f"bundle-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _loop(self) -> None:
        with contextlib.ExitStack() as stack:
            try:
                converter: SofficeConverter | None = stack.enter_context(WarmConverter())
            except ConversionError:  # no LibreOffice: each job then fails with the install hint
                converter = None
            while not self._stop.is_set():
                close_old_connections()
                try:
                    busy = run_next(converter)
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
