"""Where an application's files live, and the checks every upload passes.

Files are kept under ``DIR/files/<application id>/佐证材料/<generated name>`` — a folder no URL
serves — so the library sees the application exactly as a ``申报.yaml`` folder.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from ..errors import PortalError
from ._library import (
    FIELD_EVIDENCE,
    FIELD_FILES,
    HEAD_BYTES,
    YAML_NAME,
    EvidenceError,
    as_list,
    kind_labels,
    load_evidence,
    sniff_kind,
)
from .models import Application, StoredFile, User

__all__ = [
    "UploadRefused",
    "app_dir",
    "file_map",
    "live_files",
    "save_upload",
    "sync_files",
    "yaml_path",
]


class UploadRefused(PortalError):
    """An upload the portal does not keep; the message says why, in Chinese."""


def _kinds_text() -> str:
    """Return the accepted kinds as one reads them: ``PDF、JPG、PNG 或 HEIC``."""
    *first, last = kind_labels()
    return f"{'、'.join(first)} 或 {last}" if first else last


def app_dir(application: Application) -> Path:
    """Return the folder standing for the application's ``申报.yaml`` folder.

    It is made by the first upload: an application without evidence has no folder, and the
    library reports its files as missing either way.
    """
    return Path(settings.PORTAL_FILES_DIR) / str(application.pk)


def yaml_path(application: Application) -> Path:
    """Return where the application's ``申报.yaml`` would be (evidence paths are relative to it)."""
    return app_dir(application) / YAML_NAME


def save_upload(application: Application, upload: UploadedFile, user: User) -> StoredFile:
    """Store one evidence upload under a generated name and return its record.

    The file is judged as the bundle judges it: its kind by its content, then opened and decoded
    in full by the library, so a file the bundle would refuse is refused now, by its name.

    Raises:
        UploadRefused: too large, too many files, not of an accepted kind by its content, or
            unreadable (damaged, truncated, too many pixels, password-protected …).
    """
    limit = settings.PORTAL_MAX_UPLOAD_BYTES
    name = Path(str(upload.name or "文件").replace("\\", "/")).name[:200] or "文件"
    if upload.size is None or upload.size > limit:
        raise UploadRefused(f"“{name}”超过 {limit // (1024 * 1024)} MB，请压缩或分成几份再上传。")
    if live_files(application).count() >= settings.PORTAL_MAX_FILES_PER_APPLICATION:
        raise UploadRefused(
            f"每份申报最多 {settings.PORTAL_MAX_FILES_PER_APPLICATION} 个文件，请先移除不用的文件。"
        )
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = sniff_kind(head)
    if kind is None:
        raise UploadRefused(
            f"“{name}”不是 {_kinds_text()} 文件（按文件内容判断），不能作为佐证材料。"
        )
    extension = kind.extensions[0].lstrip(".")
    stored = f"{uuid.uuid4().hex}.{extension}"
    target = app_dir(application) / "佐证材料" / stored
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:  # opened and decoded in full by the bundle's own code; messages name the user's file
        load_evidence(target, name=name)
    except EvidenceError as e:
        target.unlink()
        raise UploadRefused(str(e)) from e
    return StoredFile.objects.create(
        application=application,
        original_name=name,
        stored_name=stored,
        kind=extension,
        size=upload.size,
        digest=digest.hexdigest(),
        uploaded_by=user,
    )


def live_files(application: Application) -> QuerySet[StoredFile]:
    """The application's files that count towards its limit: all but those no longer used."""
    return application.files.filter(removed__isnull=True)


#: How long a file nobody refers to any more is kept (an open page may still refer to it again:
#: a window that saved before the upload reached the other one's save).
KEPT_AFTER_REMOVAL = timedelta(days=1)


def _referenced(application: Application) -> set[str]:
    paths = set(file_map_paths(application.draft))
    for data in application.versions.values_list("data", flat=True):
        paths |= file_map_paths(data)
    return paths


def sync_files(application: Application) -> None:
    """Bring the files' records in line with what the draft and the versions refer to.

    A file no longer referred to stops counting towards the limit (a base that replaces its
    scans is never locked out); one referred to again counts again; a day after its removal it
    is deleted from the disk.
    """
    used = _referenced(application)
    now = timezone.now()
    files = list(application.files.all())
    gone = [f.pk for f in files if f.removed is None and f.data_path not in used]
    back = [f.pk for f in files if f.removed is not None and f.data_path in used]
    if gone:
        StoredFile.objects.filter(pk__in=gone).update(removed=now)
    if back:
        StoredFile.objects.filter(pk__in=back).update(removed=None)
    for f in files:
        if f.removed is not None and f.pk not in back and f.removed < now - KEPT_AFTER_REMOVAL:
            (app_dir(application) / f.data_path).unlink(missing_ok=True)
            f.delete()


def file_map_paths(data: Any) -> set[str]:
    """Every evidence file path `data` (a draft or a version) refers to."""
    entries = data.get(FIELD_EVIDENCE) if isinstance(data, dict) else None
    return {
        str(f)
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
        for f in as_list(entry.get(FIELD_FILES))
    }


def file_map(application: Application, data: dict[str, Any]) -> dict[str, Path]:
    """Return data path → stored file for every file of `application` that `data` refers to."""
    wanted = file_map_paths(data)
    folder = app_dir(application)
    return {
        f.data_path: folder / f.data_path for f in application.files.all() if f.data_path in wanted
    }
