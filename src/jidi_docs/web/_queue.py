"""What bundle jobs and previews share as queued rows: claim, requeue, status for the page.

Both models have ``state``, ``progress``, ``step`` and ``error`` (`jidi_docs.web.models`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from ..errors import UserError
from .models import JobState

__all__ = ["Progress", "claim", "requeue", "run", "status"]

log = logging.getLogger(__name__)

#: Reports progress (percent, Chinese step) to the page.
Progress = Callable[[int, str], None]

Row = TypeVar("Row", bound=models.Model)


def requeue(model: type[models.Model]) -> int:
    """Put rows left ``running`` by a stopped server back in the queue; return how many."""
    return model._default_manager.filter(state=JobState.RUNNING).update(
        state=JobState.QUEUED, progress=0, step="服务重启，重新排队"
    )


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
        if row is None:
            return None
        taken = rows.filter(pk=row.pk, state=JobState.QUEUED).update(
            state=JobState.RUNNING, progress=1, step="开始"
        )
    return rows.select_related(*related).get(pk=row.pk) if taken else None


def status(row: Any) -> dict[str, Any]:
    """Return the progress of a queued row as the page polls it (with its place in the queue)."""
    queued = row.state == JobState.QUEUED
    ahead = type(row)._default_manager.filter(state=JobState.QUEUED, pk__lt=row.pk).count()
    return {
        "state": row.state,
        "label": row.get_state_display(),
        "progress": row.progress,
        "step": row.step,
        "error": row.error,
        "ahead": ahead if queued else 0,
    }


def run(row: Any, work: Callable[[Progress], dict[str, Any]], failed: str) -> None:
    """Run `work` for a claimed row, recording its progress and its end on the row.

    `work` returns the fields to store when it succeeds. A `UserError` fails the row with its
    Chinese message; any other exception (a bug, a LibreOffice crash) with `failed` and the
    exception's name, logged: the row fails, the server goes on.
    """
    rows = type(row)._default_manager.filter(pk=row.pk)

    def progress(percent: int, step: str) -> None:
        rows.update(progress=percent, step=step)

    try:
        done = work(progress)
        rows.update(state=JobState.DONE, progress=100, step="完成", finished=timezone.now(), **done)
    except UserError as e:
        rows.update(state=JobState.FAILED, step="未生成", error=str(e), finished=timezone.now())
    except Exception as e:
        log.exception("%s %s failed", type(row).__name__, row.pk)
        rows.update(
            state=JobState.FAILED,
            step="未生成",
            error=failed.format(name=type(e).__name__),
            finished=timezone.now(),
        )
