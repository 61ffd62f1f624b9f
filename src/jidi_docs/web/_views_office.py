"""The office's pages: the list with filters and counts, a version as the reviewer reads it, 十,
downloads named by unit, the bundle queue's jobs, the 汇总表 of the current filter."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..schema import registry
from . import _library as lib
from . import _notify, _sheet
from ._access import AuthedRequest, applications_in_scope, job_for, version_for
from ._dashboard import counts, entry_name, fill_prechecks, filtered
from ._diff import diff
from ._forms import SORTS, DeadlineForm, FilterForm, MoveForm, OpinionForm, reason_formset
from ._limits import queue_refusal
from ._queue import status
from ._store import app_dir
from ._views_accounts import districts_for
from ._views_editor import _attachment, _docx_response
from ._workflow import actions_for, batch_of, deadline_of, last_return
from .models import (
    AuditEntry,
    BundleZip,
    Deadline,
    Invitation,
    Job,
    JobState,
    Mail,
    MailState,
    State,
    User,
    Version,
)

__all__ = [
    "job_pdf",
    "job_status",
    "office_home",
    "render_version",
    "request_bundle",
    "summary",
    "version",
    "version_docx",
]

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: HttpRequest, districts: list[str]) -> tuple[FilterForm, dict[str, Any]]:
    """The office list's filter form as the URL gives it, and its values when they are valid."""
    form = FilterForm(request.GET or None, districts=districts)
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})


# ---------------------------------------------------------------------------------------------
# the list
# ---------------------------------------------------------------------------------------------


def office_home(request: AuthedRequest) -> HttpResponse:
    """The reviewer's home: counts per district and state, the filtered list, zips, invitations."""
    user: User = request.user
    districts = districts_for(user)
    form, filters = _filters(request, districts)
    fill_prechecks(Version.objects.filter(application__in=applications_in_scope(user)))
    order = SORTS[filters.get("sort") or "district"][1]
    apps = list(filtered(user, filters, order)[:1000])
    batch = registry().default_batch
    deadline = deadline_of(batch)
    return render(
        request,
        "portal/office.html",
        {
            "apps": apps,
            "form": form,
            "query": request.GET.urlencode(),
            "submitted": sum(1 for a in apps if a.last_version),
            "counts": counts(user, districts),
            "zips": BundleZip.objects.filter(requested_by=user).order_by("-pk")[:5],
            "invitations": Invitation.objects.filter(created_by=user).order_by("-created")[:20],
            "districts": districts,
            "is_city": user.city_wide,
            "new_link": request.session.pop("new_link", None),
            "batch": batch,
            "deadline": deadline,
            "deadline_form": DeadlineForm(
                initial={"batch": batch, "day": deadline[0] if deadline else None}
            ),
            "failed_mail": Mail.objects.filter(state=MailState.FAILED).count()
            if user.city_wide
            else 0,
            "mail_on": _notify.mail_enabled(),
        },
    )


# ---------------------------------------------------------------------------------------------
# a submitted version: the reviewer's page, 十, moves
# ---------------------------------------------------------------------------------------------


@login_required
def version(request: AuthedRequest, pk: int) -> HttpResponse:
    """A submitted version as the 申报表 reads, its 预审, review moves, 十, downloads, bundles."""
    user: User = request.user
    ver = version_for(user, pk)
    if request.method == "POST":
        if not user.is_reviewer:
            raise Http404
        return _save_opinion(request, ver)
    return render_version(request, ver)


def _save_opinion(request: AuthedRequest, ver: Version) -> HttpResponse:
    """Save 十 if nobody saved it since the page was made; else show both texts (409)."""
    user: User = request.user
    form = OpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未保存：请求不完整，请刷新页面后再写。")
        return redirect("portal:version", pk=ver.pk)
    text = form.cleaned_data["office_opinion"].strip()
    with transaction.atomic():
        # of=self: PostgreSQL locks no row on the nullable side of the join to opinion_by
        locked = (
            Version.objects.select_for_update(of=("self",))
            .select_related("opinion_by")
            .get(pk=ver.pk)
        )
        if locked.opinion_version != form.cleaned_data["opinion_version"]:
            conflict = {
                "theirs": locked.office_opinion,
                "by": locked.opinion_by.username if locked.opinion_by else "他人",
                "at": locked.opinion_at,
                "yours": text,
            }
            again = OpinionForm(
                initial={"office_opinion": text, "opinion_version": locked.opinion_version}
            )
            return render_version(
                request, locked, status=409, opinion_conflict=conflict, opinion_form=again
            )
        if text == locked.office_opinion:
            messages.info(request, "审核意见没有变化。")
            return redirect("portal:version", pk=ver.pk)
        locked.office_opinion = text
        locked.opinion_version += 1
        locked.opinion_by, locked.opinion_at = user, timezone.now()
        locked.save(update_fields=["office_opinion", "opinion_version", "opinion_by", "opinion_at"])
        AuditEntry.record(user, "填写综试办审核意见", ver.application, f"第 {ver.number} 版")
        if text:
            _notify.opinion_written(locked)
    messages.success(request, "审核意见已保存。")
    return redirect("portal:version", pk=ver.pk)


def render_version(
    request: AuthedRequest, ver: Version, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """Render the version page (also with a conflict: `extra` adds to the context)."""
    user: User = request.user
    app = ver.application
    sheet, draft, files = _sheet.for_version(ver)
    latest = app.latest_version()
    is_latest = latest is not None and latest.pk == ver.pk
    answered = ver.answers
    changes = []
    if answered is not None and answered.version is not None:
        changes = diff(answered.version.data, ver.data, files)
    back = last_return(app) if is_latest and app.state == State.RETURNED else None
    targets = [(t.path, t.label) for t in sheet.targets]
    context = {
        "ver": ver,
        "app": app,
        "sheet": sheet,
        "draft": draft,
        "is_reviewer": user.is_reviewer,
        "is_latest": is_latest,
        "latest": latest,
        "actions": actions_for(app, user) if is_latest else [],
        "move_form": MoveForm(initial={"revision": app.revision}),
        "reasons": reason_formset(targets),
        "opinion_form": OpinionForm(
            initial={"office_opinion": ver.office_opinion, "opinion_version": ver.opinion_version}
        ),
        "answered": answered,
        "answered_reasons": list(answered.reasons.order_by("pk")) if answered else [],
        "changes": [c for c in changes if c.changes],
        "unchanged": [c.heading for c in changes if not c.changes],
        "open_return": back,
        "open_reasons": list(back.reasons.order_by("pk")) if back else [],
        "moves": app.moves.select_related("by", "version").order_by("-pk")[:30],
        "jobs": ver.jobs.order_by("-created")[:5],
        "deadline": deadline_of(batch_of(app)),
        **extra,
    }
    return render(request, "portal/version.html", context, status=status)


@login_required
@require_GET
def version_print(request: AuthedRequest, pk: int) -> HttpResponse:
    """The version as the 申报表 reads, laid out for paper (print CSS, no controls)."""
    ver = version_for(request.user, pk)
    context = {"ver": ver, "app": ver.application, "sheet": _sheet.for_version(ver)[0]}
    return render(request, "portal/version_print.html", context)


# ---------------------------------------------------------------------------------------------
# downloads, bundle jobs
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def version_docx(request: AuthedRequest, pk: int, form: str) -> HttpResponse:
    """A submitted version's 附件1/附件2 (.docx), with the office's 十, named by unit."""
    ver = version_for(request.user, pk)
    return _docx_response(
        request,
        ver.application,
        lib.with_office_opinion(ver.data, ver.office_opinion),
        form,
        entry_name(ver, f"第{ver.number}版"),
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
    return JsonResponse(status(job, result=reverse("portal:job_pdf", args=[job.pk])))


@login_required
@require_GET
def job_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    """The finished 申报材料.pdf of a job, named ``<区县>-<单位名称>-申报材料.pdf``."""
    job = job_for(request.user, pk)
    if job.state != JobState.DONE:
        raise Http404
    path = settings.PORTAL_JOBS_DIR / str(job.pk) / job.result_name
    suffix = "申报材料-PDFA.pdf" if job.pdfa else "申报材料.pdf"
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=entry_name(job.version, suffix),
    )


# ---------------------------------------------------------------------------------------------
# the 汇总表 of the current filter, the deadline
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def summary(request: AuthedRequest) -> HttpResponse:
    """汇总表.xlsx of the submitted applications of the current filter (latest versions).

    The library's columns (as ``batch`` writes them), then 状态, version, 十 and the contact.
    """
    user: User = request.user
    if not user.is_reviewer:
        raise Http404
    _form, filters = _filters(request, districts_for(user))
    order = SORTS[filters.get("sort") or "district"][1]
    rows = []
    apps = [a for a in filtered(user, filters, order) if a.last_version is not None]
    versions = Version.objects.select_related("application__base").in_bulk(
        [a.last_version for a in apps]
    )
    for app in apps:
        ver = versions[app.last_version]
        draft = lib.validate_draft(ver.data, app_dir(app), with_report=False)
        basic = ver.data.get("基本情况") if isinstance(ver.data.get("基本情况"), dict) else {}
        extra = {
            "状态": app.get_state_display(),
            "版本": f"第 {ver.number} 版",
            "提交时间": timezone.localtime(ver.submitted).strftime("%Y-%m-%d %H:%M"),
            "十、综试办审核意见": ver.office_opinion or None,
            "联系人": basic.get("联系人") or None,
            "电话": basic.get("电话") or None,
        }
        error = "；".join(i["message"] for i in draft.issues)
        rows.append((entry_name(ver), draft.app, error, extra))
    AuditEntry.record(user, "下载汇总表", detail=f"{len(rows)} 份")
    response = HttpResponse(lib.summary_xlsx(rows), content_type=_XLSX)
    scope = filters.get("district") or user.scope
    response["Content-Disposition"] = _attachment(
        f"汇总表-{scope}-{timezone.localdate():%Y%m%d}.xlsx"
    )
    return response


@login_required
@require_POST
def set_deadline(request: AuthedRequest) -> HttpResponse:
    """The office sets the 截止日期 of a 认定批次 (city-wide reviewers only)."""
    user: User = request.user
    if not user.city_wide:
        raise Http404
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "截止日期未保存：请选择认定批次并填写日期。")
        return redirect("portal:home")
    batch, day = form.cleaned_data["batch"], form.cleaned_data["day"]
    Deadline.objects.update_or_create(batch=batch, defaults={"day": day, "set_by": user})
    AuditEntry.record(user, "设置截止日期", detail=f"{batch}：{day.isoformat()}")
    messages.success(
        request, f"已把“{batch}”的截止日期设为 {day.year} 年 {day.month} 月 {day.day} 日。"
    )
    return redirect("portal:home")
