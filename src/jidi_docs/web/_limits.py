"""How much one base may ask of the server: queued work per base, uploads per minute per user.

Why: a bundle or a preview takes a LibreOffice conversion of seconds to minutes, and the queue
is shared by the whole city; one base queuing without end would keep every other waiting. The
counts are read from the database, so they hold across server processes and restarts.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Base, Job, JobState, Preview, StoredFile, User

__all__ = ["queue_refusal", "upload_refusal"]

_WAITING = (JobState.QUEUED, JobState.RUNNING)


def queue_refusal(base: Base) -> str | None:
    """A Chinese refusal when `base` already has its share of queued or running work, else None."""
    limit = settings.PORTAL_MAX_QUEUED_PER_BASE
    jobs = Job.objects.filter(Q(state__in=_WAITING), version__application__base=base).count()
    previews = Preview.objects.filter(Q(state__in=_WAITING), application__base=base).count()
    if jobs + previews < limit:
        return None
    return (
        f"这个培训基地已有 {jobs + previews} 项在排队或生成（每个基地最多同时 {limit} 项），"
        "请等前面的完成后再请求。"
    )


def upload_refusal(user: User, count: int) -> str | None:
    """A Chinese refusal when `count` more files would pass the user's uploads per minute."""
    limit = settings.PORTAL_UPLOADS_PER_MINUTE
    since = timezone.now() - timedelta(minutes=1)
    recent = StoredFile.objects.filter(uploaded_by=user, uploaded__gte=since).count()
    if recent + count <= limit:
        return None
    return f"上传太频繁：每分钟最多上传 {limit} 个文件，请稍等一分钟再上传。"
