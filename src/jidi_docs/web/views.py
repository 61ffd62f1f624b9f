"""The portal's pages. Every object is reached through `_access`, every change is POST + CSRF."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import _library as lib
from ._access import (
    application_for,
    applications_in_scope,
    file_for,
    job_for,
    version_for,
)
from ._store import UploadRefused, app_dir, file_map, save_upload
from ._widgets import section_html
from .models import (
    CITY,
    Application,
    AuditEntry,
    Base,
    Invitation,
    Job,
    JobState,
    Role,
    User,
    Version,
)

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# errors, lock-out, CSRF
# ---------------------------------------------------------------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refused state change without a valid CSRF token (Chinese page, status 403)."""
    return render(
        request,
        "portal/message.html",
        {"title": "请求被拒绝", "text": "页面已过期或请求来源不明，操作未执行。请刷新页面后重试。"},
        status=403,
    )


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Too many wrong passwords: the account is locked for a while (status 429)."""
    return render(
        request,
        "portal/message.html",
        {
            "title": "登录已暂停",
            "text": "密码错误次数过多，请 15 分钟后再试；忘记密码请联系综试办。",
        },
        status=429,
    )


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------------------------
# home, invitations
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """A base sees its applications; a reviewer the applications in scope with their 预审."""
    user: User = request.user  # type: ignore[assignment]
    apps = applications_in_scope(user).order_by("base__district", "base__name", "pk")
    if user.role == Role.BASE:
        return render(request, "portal/home_base.html", {"apps": apps})
    rows = []
    for app in apps:
        version = app.latest_version()
        result = None
        if version is not None:
            draft = lib.validate_draft(version.data, app_dir(app))
            result = draft.report
        rows.append({"app": app, "version": version, "report": result})
    invitations = Invitation.objects.filter(created_by=user).order_by("-created")[:20]
    return render(
        request,
        "portal/office.html",
        {
            "rows": rows,
            "invitations": invitations,
            "districts": _districts(user),
            "is_city": user.scope == CITY,
            "new_link": request.session.pop("new_link", None),
        },
    )


def _districts(user: User) -> list[str]:
    spec = next(s for s in lib.sections() if s.spec.kind == "object")
    district = next(c for c in spec.spec.columns if c.kind == "enum")
    options = list(district.options)
    return options if user.scope == CITY else [d for d in options if d == user.scope]


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    """Create a one-time invitation link (office only); the link is shown once."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_reviewer:
        raise Http404
    role = request.POST.get("role", Role.BASE)
    district = request.POST.get("district", "")
    allowed = _districts(user) + ([CITY] if user.scope == CITY and role == Role.REVIEWER else [])
    if role not in (Role.BASE, Role.REVIEWER) or district not in allowed:
        messages.error(request, "邀请未创建：请选择您审核范围内的区县。")
        return redirect("portal:home")
    name = request.POST.get("base_name", "").strip()[:200]
    if role == Role.BASE and not name:
        messages.error(request, "邀请未创建：请填写培训基地的单位名称。")
        return redirect("portal:home")
    invitation, token = Invitation.issue(
        role=role, base_name=name, district=district, created_by=user
    )
    AuditEntry.record(user, "创建邀请", detail=f"{invitation.get_role_display()} {name} {district}")
    request.session["new_link"] = request.build_absolute_uri(reverse("portal:accept", args=[token]))
    return redirect("portal:home")


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join with a one-time invitation: choose a user name and password."""
    invitation = Invitation.find(token)
    if invitation is None:
        return render(
            request,
            "portal/message.html",
            {
                "title": "邀请链接无效",
                "text": "这个邀请链接已经用过、已过期或不完整。请向综试办索取新的链接。",
            },
            status=404,
        )
    errors: list[str] = []
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        if not username or len(username) > 150:
            errors.append("请填写用户名（最多 150 个字）。")
        elif User.objects.filter(username=username).exists():
            errors.append("这个用户名已被使用，请换一个。")
        if password != request.POST.get("password2", ""):
            errors.append("两次输入的密码不一致。")
        candidate = User(username=username)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as e:
            errors.extend(e.messages)
        if not errors:
            with transaction.atomic():
                locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
                if locked.used is not None:
                    raise Http404
                user = _join(locked, username, password)
                locked.used, locked.used_by = timezone.now(), user
                locked.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portal:home")
    return render(request, "portal/accept.html", {"invitation": invitation, "errors": errors})


def _join(invitation: Invitation, username: str, password: str) -> User:
    if invitation.role == Role.REVIEWER:
        user = User.objects.create_user(
            username, password=password, role=Role.REVIEWER, scope=invitation.district
        )
    else:
        base = Base.objects.create(name=invitation.base_name, district=invitation.district)
        user = User.objects.create_user(username, password=password, role=Role.BASE, base=base)
        draft = {"基本情况": {"单位名称": base.name, "所属区县": base.district}}
        app = Application.objects.create(base=base, draft=draft)
        AuditEntry.record(user, "创建申报", app)
    AuditEntry.record(user, "接受邀请", detail=invitation.get_role_display())
    return user


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
def application(request: HttpRequest, pk: int) -> HttpResponse:
    """Overview: sections, 预审, versions, downloads, audit log."""
    user: User = request.user  # type: ignore[assignment]
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
def edit(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """One page of the editor: one section of the forms."""
    app = application_for(request.user, pk, edit=True)  # type: ignore[arg-type]
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
def save(request: HttpRequest, pk: int) -> JsonResponse:
    """Save one section of the draft if nobody saved since `version`; else 409 with a message."""
    user: User = request.user  # type: ignore[assignment]
    application_for(user, pk, edit=True)
    body = _json(request)
    keys = {s.key for s in lib.sections()}
    section, version = body.get("section"), body.get("version")
    if section not in keys or not isinstance(version, int):
        return JsonResponse({"error": "请求格式不对：缺少栏目或版本号。"}, status=400)
    with transaction.atomic():
        app = application_for(user, pk, edit=True)
        app = Application.objects.select_for_update().get(pk=app.pk)
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
        app.draft = {**app.draft, section: body.get("value")}
        app.draft_version += 1
        app.save(update_fields=["draft", "draft_version", "updated"])
    draft = lib.validate_draft(app.draft, app_dir(app))
    return JsonResponse(_draft_payload(app, draft))


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> JsonResponse:
    """Store evidence uploads (size, count, type by content checked); return their data paths."""
    user: User = request.user  # type: ignore[assignment]
    app = application_for(user, pk, edit=True)
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
def download_file(request: HttpRequest, pk: int, file_id: Any) -> FileResponse:
    """Send one evidence file of an application the user may read."""
    app = application_for(request.user, pk)  # type: ignore[arg-type]
    f = file_for(request.user, app, file_id)  # type: ignore[arg-type]
    path = app_dir(app) / f.data_path
    return FileResponse(path.open("rb"), as_attachment=True, filename=f.original_name)


@login_required
@require_GET
def draft_docx(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    """The draft's 附件1 or 附件2 as .docx (only when the draft is valid)."""
    app = application_for(request.user, pk, edit=True)  # type: ignore[arg-type]
    return _docx_response(request, app, app.draft, form, f"申报-{app.pk}")


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
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as a zip in the command line's folder format (申报.yaml + 佐证材料/)."""
    app = application_for(request.user, pk, edit=True)  # type: ignore[arg-type]
    content = lib.export_zip(app.draft, file_map(app, app.draft))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = _attachment(f"申报-{app.pk}.zip")
    return response


@login_required
@require_POST
def import_(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the draft by an imported 申报.yaml or a filled 附件2 申报表 (.docx)."""
    user: User = request.user  # type: ignore[assignment]
    app = application_for(user, pk, edit=True)
    upload_ = request.FILES.get("file")
    if upload_ is None or upload_.size is None or upload_.size > 5 * 1024 * 1024:
        messages.error(request, "请选择不超过 5 MB 的 申报.yaml 或已填写的申报表 .docx。")
        return redirect("portal:application", pk=app.pk)
    content = upload_.read()
    name = str(upload_.name or "")
    try:
        if content.startswith(b"PK"):
            data = lib.import_docx(content, name)
        else:
            data = lib.import_yaml(content.decode("utf-8"), name or lib.YAML_NAME)
    except UnicodeDecodeError:
        messages.error(request, "文件不是 UTF-8 编码的 YAML，也不是 Word（.docx）文件。")
        return redirect("portal:application", pk=app.pk)
    except lib.UserError as e:
        messages.error(request, str(e))
        return redirect("portal:application", pk=app.pk)
    data.pop(lib.FIELD_EVIDENCE, None)  # files are uploaded in the portal, not by path
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=app.pk)
        app.draft = {k: v for k, v in data.items() if k != "认定批次"}
        app.draft_version += 1
        app.save()
    AuditEntry.record(user, "导入", app, name)
    messages.success(request, f"已导入“{name}”。请逐页核对，并上传佐证材料。")
    return redirect("portal:application", pk=app.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze the (valid) draft as a new version for the office."""
    user: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        app = application_for(user, pk, edit=True)
        app = Application.objects.select_for_update().get(pk=app.pk)
        draft = lib.validate_draft(app.draft, app_dir(app), with_report=False)
        if draft.app is None:
            messages.error(request, f"还有 {len(draft.issues)} 处填写错误，改正后才能提交。")
            return redirect("portal:application", pk=app.pk)
        number = (app.latest_version().number if app.latest_version() else 0) + 1
        version = Version.objects.create(
            application=app, number=number, data=app.draft, submitted_by=user
        )
    AuditEntry.record(user, "提交", app, f"第 {version.number} 版")
    messages.success(
        request, f"已提交第 {version.number} 版。之后的修改会成为新的草稿，需再次提交。"
    )
    return redirect("portal:application", pk=app.pk)


# ---------------------------------------------------------------------------------------------
# submitted versions: view, 十, downloads, bundle jobs
# ---------------------------------------------------------------------------------------------


@login_required
def version(request: HttpRequest, pk: int) -> HttpResponse:
    """A submitted version: its data, 预审, the office's 十, downloads and bundle jobs."""
    user: User = request.user  # type: ignore[assignment]
    ver = version_for(user, pk)
    app = ver.application
    if request.method == "POST":
        if not user.is_reviewer:
            raise Http404
        expected = request.POST.get("opinion_version", "")
        with transaction.atomic():
            locked = Version.objects.select_for_update().get(pk=ver.pk)
            if str(locked.opinion_version) != expected:
                messages.error(request, "未保存：审核意见已被他人修改，请查看最新内容后再改。")
                return redirect("portal:version", pk=ver.pk)
            locked.office_opinion = request.POST.get("office_opinion", "")[:5000]
            locked.opinion_version += 1
            locked.save()
        AuditEntry.record(user, "填写综试办审核意见", app, f"第 {ver.number} 版")
        messages.success(request, "审核意见已保存。")
        return redirect("portal:version", pk=ver.pk)
    draft = lib.validate_draft(ver.data, app_dir(app))
    jobs = ver.jobs.order_by("-created")[:5]
    return render(
        request,
        "portal/version.html",
        {
            "ver": ver,
            "app": app,
            "draft": draft,
            "jobs": jobs,
            "is_reviewer": user.is_reviewer,
            "yaml": lib.to_yaml(ver.data),
        },
    )


@login_required
@require_GET
def version_docx(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    """A submitted version's 附件1/附件2 (.docx), with the office's 十."""
    ver = version_for(request.user, pk)  # type: ignore[arg-type]
    return _docx_response(
        request,
        ver.application,
        lib.with_office_opinion(ver.data, ver.office_opinion),
        form,
        f"申报-{ver.application_id}-第{ver.number}版",
    )


@login_required
@require_POST
def request_bundle(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a bundle (申报材料.pdf) of a submitted version."""
    user: User = request.user  # type: ignore[assignment]
    ver = version_for(user, pk)
    job = Job.objects.create(version=ver, requested_by=user)
    AuditEntry.record(user, "生成申报材料", ver.application, f"第 {ver.number} 版")
    return redirect(reverse("portal:version", args=[ver.pk]) + f"#job-{job.pk}")


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress of a bundle job, for the page to poll."""
    job = job_for(request.user, pk)  # type: ignore[arg-type]
    ahead = Job.objects.filter(state=JobState.QUEUED, pk__lt=job.pk).count()
    return JsonResponse(
        {
            "state": job.state,
            "label": job.get_state_display(),
            "progress": job.progress,
            "step": job.step,
            "error": job.error,
            "ahead": ahead if job.state == JobState.QUEUED else 0,
            "url": reverse("portal:job_pdf", args=[job.pk]) if job.state == JobState.DONE else "",
        }
    )


@login_required
@require_GET
def job_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The finished 申报材料.pdf of a job."""
    job = job_for(request.user, pk)  # type: ignore[arg-type]
    if job.state != JobState.DONE:
        raise Http404
    path = settings.PORTAL_JOBS_DIR / str(job.pk) / job.result_name
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"申报材料-{job.version.application_id}-第{job.version.number}版.pdf",
    )


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    """汇总表.xlsx of the latest submitted version of every application in scope."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_reviewer:
        raise Http404
    rows = []
    for app in applications_in_scope(user).order_by("pk"):
        ver = app.latest_version()
        if ver is None:
            continue
        draft = lib.validate_draft(ver.data, app_dir(app), with_report=False)
        error = "；".join(i["message"] for i in draft.issues)
        rows.append((f"{app.title}（第 {ver.number} 版）", draft.app, error))
    AuditEntry.record(user, "下载汇总表")
    response = HttpResponse(lib.summary_xlsx(rows), content_type=_XLSX)
    response["Content-Disposition"] = _attachment("汇总表.xlsx")
    return response
