"""Imports into a draft: a zipped application folder, a 申报.yaml, a filled 附件2 (.docx), or the
lists' spreadsheets (讲师.xlsx …). Each replaces what it holds, all of it or nothing."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import _library as lib
from . import _tables, _workflow
from ._access import AuthedRequest, application_for
from ._store import UploadRefused, save_upload, sync_files
from .models import Application, AuditEntry, User

_SHOWN_ISSUES = 20


@login_required
@require_POST
def import_(request: AuthedRequest, pk: int) -> HttpResponse:
    """Replace the draft by an imported 申报.yaml, a zipped folder, or a filled 附件2 (.docx);
    or replace its lists by spreadsheets of them (讲师.xlsx …, several at once)."""
    user: User = request.user
    app = application_for(user, pk, edit=True)
    stop = _in_review(request, app)
    if stop is not None:
        return stop
    uploads = request.FILES.getlist("file")
    if uploads and any(_tables.is_table(str(u.name or "")) for u in uploads):
        return _import_tables(request, app, uploads)
    upload_ = uploads[0] if len(uploads) == 1 else None
    limit = 100 * 1024 * 1024
    if upload_ is None or upload_.size is None or upload_.size > limit:
        messages.error(
            request,
            "请选择一个不超过 100 MB 的文件：以前导出的申报（zip 压缩包）或已填写的申报表"
            "（Word 文件）；或一份或几份名单表格（Excel）。",
        )
        return redirect("portal:application", pk=app.pk)
    content = upload_.read()
    name = _base_name(upload_.name)
    files: dict[str, bytes] = {}
    try:
        if content.startswith(b"PK") and name.lower().endswith(".docx"):
            data = lib.import_docx(content, name)
        elif content.startswith(b"PK"):
            data, files = lib.import_zip(content, name)
        else:
            data = lib.import_yaml(content.decode("utf-8"), name or lib.YAML_NAME)
    except UnicodeDecodeError:
        messages.error(
            request, "认不出这个文件：它不是导出的申报（zip 压缩包），也不是申报表（Word 文件）。"
        )
        return redirect("portal:application", pk=app.pk)
    except lib.UserError as e:
        _error_messages(request, e)
        return redirect("portal:application", pk=app.pk)
    data.pop(lib.FIELD_OFFICE, None)  # 十 is the office's
    data[lib.FIELD_EVIDENCE], refused = _store_imported(app, user, data, files)
    with transaction.atomic():
        app = application_for(user, pk, edit=True, lock=True)
        stop = _in_review(request, app)  # submitted while the files were being stored
        if stop is not None:
            return stop
        app.replace_draft(
            lib.fixed_district(
                {k: v for k, v in data.items() if k != lib.FIELD_BATCH and v != []},
                app.base.district,
            )
        )
        app.save()
    sync_files(app)
    AuditEntry.record(user, "导入", app, name)
    for text in refused:
        messages.error(request, text)
    messages.success(
        request, f"已导入“{name}”。请逐页核对；没有随附的佐证材料请在“佐证材料”页上传。"
    )
    return redirect("portal:application", pk=app.pk)


def _in_review(request: HttpRequest, app: Application) -> HttpResponse | None:
    """The answer when the review has the draft now (nothing imported), else None."""
    why = _workflow.locked(app)
    if not why:
        return None
    messages.error(request, f"未导入：{why}")
    return redirect("portal:application", pk=app.pk)


def _base_name(name: str | None) -> str:
    return PurePosixPath(str(name or "").replace("\\", "/")).name


def _error_messages(request: HttpRequest, error: lib.UserError) -> None:
    """Show a library error: a validation failure as one message per problem (file, row, column)."""
    if not isinstance(error, lib.ValidationFailed):
        messages.error(request, str(error))
        return
    head, *lines = str(error).splitlines()
    messages.error(request, f"未导入，草稿保持不变。{head}")
    for line in lines[:_SHOWN_ISSUES]:
        messages.error(request, line.strip().removeprefix("• "))
    if len(lines) > _SHOWN_ISSUES:
        messages.error(request, f"……另有 {len(lines) - _SHOWN_ISSUES} 处，改正以上各处后再导入。")


def _import_tables(request: AuthedRequest, app: Application, uploads: list[Any]) -> HttpResponse:
    """Replace the draft's lists by the rows of the uploaded spreadsheets: all of them or none."""
    user: User = request.user
    names = [_base_name(u.name) for u in uploads]
    wrong = [n for n in names if not _tables.is_table(n)]
    limit = settings.PORTAL_MAX_UPLOAD_BYTES
    big = [n for n, u in zip(names, uploads, strict=True) if u.size is None or u.size > limit]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # files of one name from two folders: one would silently replace the other
        messages.error(request, "未导入：有几个文件同名，请改名后再导入：" + "、".join(twice))
        return redirect("portal:application", pk=app.pk)
    if wrong:
        messages.error(
            request,
            "未导入：名单表格（.xlsx、.csv）只能与名单表格一起导入，请分开导入："
            + "、".join(wrong),
        )
        return redirect("portal:application", pk=app.pk)
    if big:
        messages.error(
            request,
            f"未导入：名单表格每个不超过 {limit // (1024 * 1024)} MB：" + "、".join(big),
        )
        return redirect("portal:application", pk=app.pk)
    contents = {n: u.read() for n, u in zip(names, uploads, strict=True)}
    with transaction.atomic():
        app = application_for(user, app.pk, edit=True, lock=True)
        stop = _in_review(request, app)  # submitted while the tables were being read
        if stop is not None:
            return stop
        try:
            draft = _tables.import_tables(app.draft, contents)
        except lib.UserError as e:
            _error_messages(request, e)
            return redirect("portal:application", pk=app.pk)
        app.replace_draft(lib.fixed_district(draft, app.base.district))
        app.save()
    AuditEntry.record(user, "导入表格", app, "、".join(names))
    messages.success(request, f"已导入 {'、'.join(names)}，替换了草稿中对应的名单。请逐页核对。")
    return redirect("portal:application", pk=app.pk)


def _store_imported(
    app: Application, user: User, data: dict[str, Any], files: dict[str, bytes]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Store the imported evidence files; return the entries pointing at them and refusals."""
    entries, refused = [], []
    for entry in data.get(lib.FIELD_EVIDENCE) or []:
        if not isinstance(entry, dict):
            continue
        kept = []
        for rel in lib.as_list(entry.get(lib.FIELD_FILES)):
            if rel not in files:
                continue
            try:
                stored = save_upload(app, SimpleUploadedFile(str(rel), files[rel]), user)
            except UploadRefused as e:
                refused.append(str(e))
                continue
            kept.append(stored.data_path)
        entries.append({**entry, lib.FIELD_FILES: kept})
    return entries, refused
