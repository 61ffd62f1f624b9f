"""Who may see and change what: every object is fetched through these, never by id alone.

A 培训基地 user reaches only its own base's applications; a 审核人员 only the applications of
bases in its district (or all, with scope 全市), and only to read them and write 十. Anything else
is answered 404, so ids of other bases' objects cannot even be probed.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from .models import CITY, Application, Job, Role, StoredFile, User, Version

__all__ = [
    "AuthedRequest",
    "application_for",
    "applications_in_scope",
    "file_for",
    "job_for",
    "version_for",
]


class AuthedRequest(HttpRequest):
    """The request a ``login_required`` view receives: its user is a signed-in portal `User`."""

    user: User


def applications_in_scope(user: User) -> QuerySet[Application]:
    """Return the applications `user` may read."""
    apps = Application.objects.select_related("base")
    if user.role == Role.BASE:
        return apps.filter(base_id=user.base_id) if user.base_id else apps.none()
    if user.role == Role.REVIEWER and user.scope:
        return apps if user.scope == CITY else apps.filter(base__district=user.scope)
    return apps.none()


def application_for(user: User, pk: int, *, edit: bool = False, lock: bool = False) -> Application:
    """Return application `pk` if `user` may read it (and edit it, with `edit`); else 404.

    With `lock`, the row is locked for the rest of the transaction (a save in progress).
    """
    if edit and user.role != Role.BASE:
        raise Http404
    apps = applications_in_scope(user)
    try:
        return (apps.select_for_update() if lock else apps).get(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def version_for(user: User, pk: int) -> Version:
    """Return submitted version `pk` if `user` may read its application; else 404."""
    try:
        version = Version.objects.select_related("application__base").get(pk=pk)
    except Version.DoesNotExist:
        raise Http404 from None
    application_for(user, version.application_id)
    return version


def file_for(user: User, application: Application, pk: str) -> StoredFile:
    """Return evidence file `pk` of `application` (already access-checked); else 404."""
    try:
        return application.files.get(pk=pk)
    except StoredFile.DoesNotExist:
        raise Http404 from None


def job_for(user: User, pk: int) -> Job:
    """Return bundle job `pk` if `user` may read its application; else 404."""
    try:
        job = Job.objects.select_related("version__application__base").get(pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None
    application_for(user, job.version.application_id)
    return job
