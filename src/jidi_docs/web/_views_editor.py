"""The base's pages: overview, the editor (one page per section), uploads, import, export, submit."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import _library as lib
from . import _tables, _workflow
from ._access import (
    AuthedRequest,
    application_for,
    file_for,
)
from ._dashboard import draft_stem
from ._limits import upload_refusal
from ._security import download_type
from ._store import UploadRefused, app_dir, file_map, save_upload
from ._views_accounts import fixed_district
from ._widgets import section_html
from .models import (
    Application,
    AuditEntry,
    Role,
    User,
)

_SHOWN_ISSUES = 20
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------------------------
# the application and its editor
# ---------------------------------------------------------------------------------------------


def _names(app: Application) -> dict[str, str]:
    return {f.data_path: f.original_name for f in app.files.all()}


def _errors_by_path(issues: list[dict[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for issue in issues:
        out.setdefault(issue["path"], []).append(issue["message"])
    return out


@login_required
@require_GET
def application(request: AuthedRequest, pk: int) -> HttpResponse:
    """Overview: sections, 预审, versions, downloads, audit log."""
    user: User = request.user
    app = application_for(user, pk)
    draft = lib.validate_draft(app.draft, app_dir(app)) if user.role == Role.BASE else None
    return render(
        request,
        "portal/application.html",
        {
            "app": app,
            "draft": draft,
            "sections": lib.sections(),
            "versions": app.versions.order_by("-number"),
            "audit": app.audit.select_related("user").order_by("-when")[:50],
            "can_edit": user.role == Role.BASE,
        },
    )


@login_required
@require_GET
def edit(request: AuthedRequest, pk: int, index: int) -> HttpResponse:
    """One page of the editor: one section of the forms."""
    app = application_for(request.user, pk, edit=True)
    all_sections = lib.sections()
    if not 0 <= index < len(all_sections):
        raise Http404
    section = all_sections[index]
    draft = lib.validate_draft(app.draft, app_dir(app))
    html = section_html(
        section.spec,
        app.draft.get(section.key),
        errors=_errors_by_path(draft.issues),
        names=_names(app),
    )
    return render(
        request,
        "portal/edit.html",
        {
            "app": app,
            "section": section,
            "index": index,
            "sections": all_sections,
            "inputs": html,
            "draft": draft,
            "elsewhere": [i for i in draft.issues if not i["path"].startswith(section.key)],
        },
    )


def _draft_payload(app: Application, draft: lib.Draft) -> dict[str, Any]:
    report = None
    if draft.report is not None:
        report = [
            {"title": c.title, "status": c.status, "reason": c.reason}
            for c in draft.report.conditions
        ]
    return {"version": app.draft_version, "issues": draft.issues, "report": report}


@login_required
@require_POST
def save(request: AuthedRequest, pk: int) -> JsonResponse:
    """Save one section of the draft if nobody saved since `version`; else 409 with a message."""
    user: User = request.user
    application_for(user, pk, edit=True)
    body = _json(request)
    keys = {s.key for s in lib.sections()}
    section, version = body.get("section"), body.get("version")
    if section not in keys or not isinstance(version, int):
        return JsonResponse({"error": "请求格式不对：缺少栏目或版本号。"}, status=400)
    with transaction.atomic():
        app = application_for(user, pk, edit=True, lock=True)
        if _workflow.locked(app):
            return JsonResponse({"conflict": f"未保存：{_workflow.locked(app)}"}, status=409)
        if app.draft_version != version:
            return JsonResponse(
                {
                    "conflict": (
                        f"未保存：这份申报已在别处被修改（现在是第 {app.draft_version} 版，"
                        f"您的页面是第 {version} 版）。为免覆盖别人的修改，请复制您刚填的内容，"
                        "刷新页面后再填。"
                    ),
                    "version": app.draft_version,
                },
                status=409,
            )
        app.draft = fixed_district({**app.draft, section: body.get("value")}, app.base.district)
        app.draft_version += 1
        app.save(update_fields=["draft", "draft_version", "updated"])
    draft = lib.validate_draft(app.draft, app_dir(app))
    return JsonResponse(_draft_payload(app, draft))


@login_required
@require_POST
def upload(request: AuthedRequest, pk: int) -> JsonResponse:
    """Store evidence uploads (size, count, type by content checked); return their data paths."""
    user: User = request.user
    app = application_for(user, pk, edit=True)
    if _workflow.locked(app):
        return JsonResponse(
            {"files": [], "refused": [f"未上传：{_workflow.locked(app)}"]}, status=409
        )
    refusal = upload_refusal(user, len(request.FILES.getlist("file")))
    if refusal:
        return JsonResponse({"files": [], "refused": [refusal]}, status=429)
    stored, refused = [], []
    for upload_ in request.FILES.getlist("file"):
        try:
            f = save_upload(app, upload_, user)
        except UploadRefused as e:
            refused.append(str(e))
            continue
        stored.append({"path": f.data_path, "name": f.original_name})
        AuditEntry.record(user, "上传佐证材料", app, f.original_name)
    return JsonResponse({"files": stored, "refused": refused}, status=200 if stored else 400)


@login_required
@require_GET
def download_file(request: AuthedRequest, pk: int, file_id: Any) -> FileResponse:
    """Send one evidence file of an application the user may read."""
    app = application_for(request.user, pk)
    f = file_for(request.user, app, file_id)
    path = app_dir(app) / f.data_path
    kind, name = download_type(f.kind, f.original_name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=kind)


@login_required
@require_GET
def draft_docx(request: AuthedRequest, pk: int, form: str) -> HttpResponse:
    """The draft's 附件1 or 附件2 as .docx (only when the draft is valid)."""
    app = application_for(request.user, pk, edit=True)
    return _docx_response(request, app, app.draft, form, draft_stem(app))


def _docx_response(
    request: HttpRequest, app: Application, data: dict[str, Any], form: str, stem: str
) -> HttpResponse:
    if form not in ("附件1", "附件2"):
        raise Http404
    draft = lib.validate_draft(data, app_dir(app), with_report=False)
    if draft.app is None:
        messages.error(request, f"还有 {len(draft.issues)} 处填写错误，改正后才能生成表格。")
        return redirect("portal:application", pk=app.pk)
    content = lib.render_docx(draft.app)[form]
    response = HttpResponse(content, content_type=_DOCX)
    response["Content-Disposition"] = _attachment(f"{stem}-{form}.docx")
    return response


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(name)}"


@login_required
@require_GET
def export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The draft as a zip in the command line's folder format (申报.yaml + 佐证材料/)."""
    app = application_for(request.user, pk, edit=True)
    content = lib.export_zip(app.draft, file_map(app, app.draft))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = _attachment(f"{draft_stem(app)}.zip")
    return response


@login_required
@require_POST
def import_(request: AuthedRequest, pk: int) -> HttpResponse:
    """Replace the draft by an imported 申报.yaml, a zipped folder, or a filled 附件2 (.docx);
    or replace its lists by spreadsheets of them (讲师.xlsx …, several at once)."""
    user: User = request.user
    app = application_for(user, pk, edit=True)
    if _workflow.locked(app):
        messages.error(request, f"未导入：{_workflow.locked(app)}")
        return redirect("portal:application", pk=app.pk)
    uploads = request.FILES.getlist("file")
    if uploads and any(_tables.is_table(str(u.name or "")) for u in uploads):
        return _import_tables(request, app, uploads)
    upload_ = uploads[0] if len(uploads) == 1 else None
    limit = 100 * 1024 * 1024
    if upload_ is None or upload_.size is None or upload_.size > limit:
        messages.error(
            request,
            "请选择一个不超过 100 MB 的 申报.yaml、导出的 zip 或已填写的申报表 .docx"
            "（或一个或几个名单表格 .xlsx）。",
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
        messages.error(request, "文件不是 UTF-8 编码的 YAML，也不是 zip 或 Word（.docx）文件。")
        return redirect("portal:application", pk=app.pk)
    except lib.UserError as e:
        _error_messages(request, e)
        return redirect("portal:application", pk=app.pk)
    data.pop(lib.FIELD_OFFICE, None)  # 十 is the office's
    data[lib.FIELD_EVIDENCE], refused = _store_imported(app, user, data, files)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=app.pk)
        app.draft = fixed_district(
            {k: v for k, v in data.items() if k != "认定批次" and v != []}, app.base.district
        )
        app.draft_version += 1
        app.save()
    AuditEntry.record(user, "导入", app, name)
    for text in refused:
        messages.error(request, text)
    messages.success(
        request, f"已导入“{name}”。请逐页核对；没有随附的佐证材料请在“佐证材料”页上传。"
    )
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
        app = Application.objects.select_for_update().get(pk=app.pk)
        try:
            draft = _tables.import_tables(app.draft, contents)
        except lib.UserError as e:
            _error_messages(request, e)
            return redirect("portal:application", pk=app.pk)
        app.draft = fixed_district(draft, app.base.district)
        app.draft_version += 1
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
        raw = entry.get(lib.FIELD_FILES)
        paths = raw if isinstance(raw, list) else ([raw] if raw else [])
        kept = []
        for rel in paths:
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
