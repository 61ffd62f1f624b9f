"""Submitted versions: the office's 十, downloads, the bundle queue's jobs, the 汇总表."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from . import _library as lib
from ._access import (
    AuthedRequest,
    applications_in_scope,
    job_for,
    version_for,
)
from ._limits import queue_refusal
from ._queue import status
from ._store import app_dir
from .models import (
    AuditEntry,
    Job,
    JobState,
    User,
    Version,
)

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


from ._views_editor import _attachment, _docx_response

# ---------------------------------------------------------------------------------------------
# submitted versions: view, 十, downloads, bundle jobs
# ---------------------------------------------------------------------------------------------


@login_required
def version(request: AuthedRequest, pk: int) -> HttpResponse:
    """A submitted version: its data, 预审, the office's 十, downloads and bundle jobs."""
    user: User = request.user
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
def version_docx(request: AuthedRequest, pk: int, form: str) -> HttpResponse:
    """A submitted version's 附件1/附件2 (.docx), with the office's 十."""
    ver = version_for(request.user, pk)
    return _docx_response(
        request,
        ver.application,
        lib.with_office_opinion(ver.data, ver.office_opinion),
        form,
        f"申报-{ver.application_id}-第{ver.number}版",
    )


@login_required
@require_POST
def request_bundle(request: AuthedRequest, pk: int) -> HttpResponse:
    """Queue a bundle (申报材料.pdf) of a submitted version."""
    user: User = request.user
    ver = version_for(user, pk)
    refusal = queue_refusal(ver.application.base)
    if refusal:
        messages.error(request, refusal)
        return redirect("portal:version", pk=ver.pk)
    pdfa = request.POST.get("pdfa") == "1"
    job = Job.objects.create(version=ver, requested_by=user, pdfa=pdfa)
    detail = f"第 {ver.number} 版" + ("（PDF/A）" if pdfa else "")
    AuditEntry.record(user, "生成申报材料", ver.application, detail)
    return redirect(reverse("portal:version", args=[ver.pk]) + f"#job-{job.pk}")


@login_required
@require_GET
def job_status(request: AuthedRequest, pk: int) -> JsonResponse:
    """Progress of a bundle job, for the page to poll."""
    job = job_for(request.user, pk)
    url = reverse("portal:job_pdf", args=[job.pk]) if job.state == JobState.DONE else ""
    return JsonResponse({**status(job), "url": url})


@login_required
@require_GET
def job_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    """The finished 申报材料.pdf of a job."""
    job = job_for(request.user, pk)
    if job.state != JobState.DONE:
        raise Http404
    path = settings.PORTAL_JOBS_DIR / str(job.pk) / job.result_name
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"申报材料-{job.version.application_id}-第{job.version.number}版"
        + ("-PDFA" if job.pdfa else "")
        + ".pdf",
    )


@login_required
@require_GET
def summary(request: AuthedRequest) -> HttpResponse:
    """汇总表.xlsx of the latest submitted version of every application in scope."""
    user: User = request.user
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
