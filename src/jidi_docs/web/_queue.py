"""What bundle jobs and previews share as queued rows: claim, requeue, status for the page.

Both models have ``state``, ``progress``, ``step`` and ``error`` (`jidi_docs.web.models`).

Several server processes may share one PostgreSQL database. A worker then holds a PostgreSQL
advisory lock on each row it runs, from the claim to the end, on its own connection: the lock
goes when the worker's process dies, so a server starting up puts back in the queue only the
rows nobody holds, never those another live server is still working on. With the embedded
SQLite there is one server process, and every ``running`` row at start-up was cut off.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DatabaseError, InterfaceError, connection, models, transaction
from django.utils import timezone

from ..errors import UserError
from .models import JobState

__all__ = ["Progress", "claim", "requeue", "run", "status"]

log = logging.getLogger(__name__)

#: Reports progress (percent, Chinese step) to the page.
Progress = Callable[[int, str], None]

Row = TypeVar("Row", bound=models.Model)


def _shared() -> bool:
    """True when the database may be shared by several server processes (PostgreSQL)."""
    return connection.vendor == "postgresql"


def _lock_key(row: models.Model) -> int:
    """The advisory lock of a row: its table's checksum and its id in one bigint."""
    table = zlib.crc32(row._meta.db_table.encode()) & 0x7FFF_FFFF
    return (table << 32) | (int(row.pk) & 0xFFFF_FFFF)


def _try_lock(row: models.Model) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(row)])
        return bool(cursor.fetchone()[0])


def _unlock(row: models.Model) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(row)])


def requeue(model: type[models.Model]) -> int:
    """Put rows left ``running`` by a stopped server back in the queue; return how many.

    On PostgreSQL only rows no live worker holds (see the module's note).
    """
    running = model._default_manager.filter(state=JobState.RUNNING)
    back = {"state": JobState.QUEUED, "progress": 0, "step": "服务重启，重新排队"}
    if not _shared():
        return running.update(**back)
    with transaction.atomic():
        orphans = []
        for row in running.select_for_update(skip_locked=True):  # skipped: being claimed now
            if _try_lock(row):  # nobody holds it: the server that ran it is gone
                orphans.append(row.pk)
                _unlock(row)
        return model._default_manager.filter(pk__in=orphans).update(**back)


def claim(model: type[Row], *related: str) -> Row | None:
    """Take the oldest queued row, or None; safe when several workers ask at once.

    Several server processes may share one PostgreSQL database: ``FOR UPDATE SKIP LOCKED``
    lets each worker take a different row without waiting for the others, and the update is
    conditional, so a row is never taken twice. SQLite has no row locks (Django leaves the
    clause out); there the transaction takes the write lock first (``transaction_mode``
    IMMEDIATE), so claims run one after the other.
    """
    rows = model._default_manager
    with transaction.atomic():
        queued = rows.filter(state=JobState.QUEUED).order_by("pk")
        row = queued.select_for_update(skip_locked=True).first()
        if row is None or (_shared() and not _try_lock(row)):
            return None
        taken = rows.filter(pk=row.pk, state=JobState.QUEUED).update(
            state=JobState.RUNNING, progress=1, step="开始"
        )
        if not taken and _shared():
            _unlock(row)
    return rows.select_related(*related).get(pk=row.pk) if taken else None


def status(row: Any, *, result: str | None = None) -> dict[str, Any]:
    """Return the progress of a queued row as the page polls it (with its place in the queue).

    With `result` (the address of the finished file) the answer's ``url`` is it once the row is
    done, blank until then.
    """
    queued = row.state == JobState.QUEUED
    ahead = type(row)._default_manager.filter(state=JobState.QUEUED, pk__lt=row.pk).count()
    out = {
        "state": row.state,
        "label": row.get_state_display(),
        "progress": row.progress,
        "step": row.step,
        "error": row.error,
        "ahead": ahead if queued else 0,
    }
    if result is not None:
        out["url"] = result if row.state == JobState.DONE else ""
    return out


def run(row: Any, work: Callable[[Progress], dict[str, Any]], failed: str) -> None:
    """Run `work` for a claimed row, recording its progress and its end on the row.

    `work` returns the fields to store when it succeeds. A `UserError` fails the row with its
    Chinese message; any other exception (a bug, a LibreOffice crash) with `failed` and the
    exception's name, logged: the row fails, the server goes on.
    """
    try:
        _run(row, work, failed)
    finally:
        if _shared():  # the row is finished: no longer ours
            try:
                _unlock(row)
            except (DatabaseError, InterfaceError):  # the connection is gone, and the lock with it
                log.warning("could not release the lock of %s %s", type(row).__name__, row.pk)


def _run(row: Any, work: Callable[[Progress], dict[str, Any]], failed: str) -> None:
    rows = type(row)._default_manager.filter(pk=row.pk)
    worker = threading.current_thread()

    def progress(percent: int, step: str) -> None:
        rows.update(progress=percent, step=step)
        if threading.current_thread() is not worker:
            # reported from a helper thread of the work (the bundle converts in one): Django
            # opened a connection for that thread, which nothing else would ever close
            connection.close()

    try:
        done = work(progress)
        rows.update(state=JobState.DONE, progress=100, step="完成", finished=timezone.now(), **done)
    except UserError as e:
        from ._messages import public_message

        application = getattr(row, "application", None) or row.version.application
        error = public_message(str(e), application)
        rows.update(state=JobState.FAILED, step="未生成", error=error, finished=timezone.now())
    except Exception as e:
        log.exception("%s %s failed", type(row).__name__, row.pk)
        rows.update(
            state=JobState.FAILED,
            step="未生成",
            error=failed.format(name=type(e).__name__),
            finished=timezone.now(),
        )
