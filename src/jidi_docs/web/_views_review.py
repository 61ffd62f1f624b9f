"""The review's actions: moves and submission, evidence opened in the browser, thumbnails,
notifications, the mail queue for the administrator, the zip of a filtered list's bundles."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import _sheet
from ._access import AuthedRequest, application_for, file_for, version_for
from ._bundlezip import request_zip, result_path
from ._dashboard import filtered
from ._forms import SORTS, EmailForm, FilterForm, MoveForm, SubmitForm, reason_formset
from ._notify import mail_enabled
from ._queue import status
from ._security import download_type
from ._store import app_dir, file_map_paths
from ._thumbs import thumbnail
from ._views_accounts import districts_for
from ._views_editor import _attachment
from ._workflow import ACTIONS, MoveConflict, MoveRefused, move, open_reasons, submit
from .models import (
    Application,
    AuditEntry,
    BundleZip,
    JobState,
    Mail,
    MailState,
    Notification,
    State,
    StoredFile,
    User,
    Version,
)

__all__ = [
    "bundles_zip",
    "mail_queue",
    "move_view",
    "notification_open",
    "notifications",
    "submit_view",
    "thumbnail_view",
    "version_file",
    "zip_file",
    "zip_status",
]


def _back(request: HttpRequest, app: Application, user: User) -> str:
    target = str(request.POST.get("next") or "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    latest = app.latest_version()
    if user.is_reviewer and latest is not None:
        return reverse("portal:version", args=[latest.pk])
    return reverse("portal:application", args=[app.pk])


def _conflict(
    request: AuthedRequest, error: MoveConflict, action: str, url: str, extra: dict[str, Any]
) -> HttpResponse:
    """Show what the other user did and what this user asked for, ready to be sent again."""
    last = error.last
    resend = [
        (k, v)
        for k in request.POST
        if k not in ("csrfmiddlewaretoken", "revision")
        for v in request.POST.getlist(k)
    ]
    context = {
        "message": str(error),
        "app": error.application,
        "last": last,
        "last_reasons": list(last.reasons.order_by("pk")) if last is not None else [],
        "action": action,
        "url": url,
        "resend": resend,
        "revision": error.application.revision,
        **extra,
    }
    return render(request, "portal/conflict.html", context, status=409)


# ---------------------------------------------------------------------------------------------
# moves, submission
# ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def move_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """A move of the review (开始审核, 退回修改 with reasons, 审核通过 …) or the base's 撤回."""
    user: User = request.user
    app = application_for(user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "portal/message.html",
            {"title": "未执行", "text": "请求不完整：请刷新页面后再操作。"},
            status=400,
        )
    key = form.cleaned_data["action"]
    comment = form.cleaned_data["comment"]
    reasons: list[tuple[str, str, str]] = []
    back = _back(request, app, user)
    if key == "return" and user.is_reviewer:
        reasons, errors = _reasons(request, app)
        if errors:
            for text in errors:
                messages.error(request, f"未退回：{text}")
            return redirect(back)
    try:
        done = move(user, pk, key, form.cleaned_data["revision"], comment=comment, reasons=reasons)
    except MoveConflict as e:
        return _conflict(
            request,
            e,
            ACTIONS[key].label,
            reverse("portal:move", args=[pk]),
            {"comment": comment, "reasons": [(label, text) for _t, label, text in reasons]},
        )
    except MoveRefused as e:
        messages.error(request, str(e))
        return redirect(back)
    label = ACTIONS[key].label
    messages.success(request, f"已{label}：现在的状态是“{done.application.get_state_display()}”。")
    return redirect(back)


def _reasons(
    request: AuthedRequest, app: Application
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Read the return's reasons from the form, pointing only at places of the latest version."""
    latest = app.latest_version()
    if latest is None:
        return [], ["这份申报还没有提交过。"]
    labels = {t.path: t.label for t in _sheet.for_version(latest)[0].targets}
    formset = reason_formset(list(labels.items()), request.POST)
    if not formset.is_valid():
        errors = [
            f"第 {n + 1} 条：{message}"
            for n, form in enumerate(formset.forms)
            for messages_ in form.errors.values()
            for message in messages_
        ]
        return [], errors or ["意见的格式不对，请刷新页面后再写。"]
    reasons = [
        (f.cleaned_data["target"], labels[f.cleaned_data["target"]], f.cleaned_data["text"])
        for f in formset.forms
        if f.cleaned_data.get("text", "").strip()
    ]
    return reasons, []


@login_required
@require_POST
def submit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """The base submits its draft: a new frozen version (answering the return, if returned)."""
    user: User = request.user
    app = application_for(user, pk, edit=True)
    form = SubmitForm(request.POST, reasons=open_reasons(app))
    if not form.is_valid():
        messages.error(request, "未提交：请求不完整，请刷新页面后再提交。")
        return redirect("portal:application", pk=app.pk)
    try:
        version = submit(
            user,
            pk,
            form.cleaned_data["revision"],
            dealt_with=form.dealt_with(),
            replies=form.replies(),
        )
    except MoveConflict as e:
        url = reverse("portal:submit", args=[pk])
        return _conflict(request, e, "提交", url, {"comment": "", "reasons": []})
    except MoveRefused as e:
        messages.error(request, str(e))
        return redirect("portal:application", pk=app.pk)
    messages.success(
        request,
        f"已提交第 {version.number} 版，等待综试办审核。审核期间不能修改；"
        "在综试办开始审核前可以撤回。",
    )
    return redirect("portal:application", pk=app.pk)


# ---------------------------------------------------------------------------------------------
# evidence in the browser
# ---------------------------------------------------------------------------------------------


def _version_file(user: User, pk: int, file_id: UUID) -> tuple[Version, StoredFile]:
    """Return a version and one of the files its data refers to; else 404."""
    ver = version_for(user, pk)
    stored = file_for(user, ver.application, str(file_id))
    if stored.data_path not in file_map_paths(ver.data):
        raise Http404
    return ver, stored


@login_required
@require_GET
def version_file(request: AuthedRequest, pk: int, file_id: UUID, name: str) -> HttpResponseBase:
    """One evidence file of a version, opened in the browser under the base's own file name.

    Served with the type its content was checked to be at upload (PDF, JPEG, PNG), inline.
    """
    ver, stored = _version_file(request.user, pk, file_id)
    if name != stored.original_name:
        return redirect(
            "portal:version_file", pk=ver.pk, file_id=stored.pk, name=stored.original_name
        )
    path = app_dir(ver.application) / stored.data_path
    content_type, saved_as = download_type(stored.kind, stored.original_name)
    return FileResponse(
        path.open("rb"), content_type=content_type, as_attachment=False, filename=saved_as
    )


@login_required
@require_GET
def thumbnail_view(request: AuthedRequest, pk: int, file_id: UUID) -> FileResponse:
    """The thumbnail of one evidence file of a version (PNG, cached)."""
    _ver, stored = _version_file(request.user, pk, file_id)
    response = FileResponse(thumbnail(stored).open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response


# ---------------------------------------------------------------------------------------------
# notifications, the mail queue
# ---------------------------------------------------------------------------------------------


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    """GET: the user's notifications, unread first, and where mail goes; POST: mark them all
    read, or (with ``email``) change the address notification mail goes to."""
    user: User = request.user
    mine = Notification.objects.filter(user=user)
    form = EmailForm(initial={"email": user.email})
    if request.method == "POST" and "email" in request.POST:
        form = EmailForm(request.POST)
        if form.is_valid():
            user.email = form.cleaned_data["email"]
            user.save(update_fields=["email"])
            AuditEntry.record(user, "设置通知邮箱")
            messages.success(request, "通知邮箱已保存。" if user.email else "已不再接收通知邮件。")
            return redirect("portal:notifications")
    elif request.method == "POST":
        mine.filter(read__isnull=True).update(read=timezone.now())
        return redirect("portal:notifications")
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "portal/notifications.html",
        {
            "unread": mine.filter(read__isnull=True).order_by("-pk")[:200],
            "earlier": mine.filter(read__isnull=False).order_by("-pk")[:50],
            "email_form": form,
            "mail_on": mail_enabled(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open a notification: it is read now; go to the page it speaks of."""
    try:
        note = Notification.objects.get(pk=pk, user=request.user)
    except Notification.DoesNotExist:
        raise Http404 from None
    if note.read is None:
        Notification.objects.filter(pk=note.pk).update(read=timezone.now())
    safe = url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()})
    return redirect(note.url if note.url and safe else "portal:notifications")


@login_required
def mail_queue(request: AuthedRequest) -> HttpResponse:
    """The administrator's view of the mail queue: failures with their errors, a retry."""
    user: User = request.user
    if not user.city_wide:
        raise Http404
    if request.method == "POST":
        retried = Mail.objects.filter(
            pk__in=[int(p) for p in request.POST.getlist("mail") if p.isdigit()],
            state=MailState.FAILED,
        ).update(state=MailState.QUEUED, attempts=0, next_try=timezone.now(), error="")
        AuditEntry.record(user, "重发邮件", detail=f"{retried} 封")
        messages.success(request, f"已重新排队 {retried} 封邮件。")
        return redirect("portal:mail")
    if request.method != "GET":
        return HttpResponse(status=405)
    rows = Mail.objects.order_by("-pk")
    return render(
        request,
        "portal/mail.html",
        {
            "failed": rows.filter(state=MailState.FAILED)[:200],
            "waiting": rows.filter(state__in=[MailState.QUEUED, MailState.SENDING])[:200],
            "sent": rows.filter(state=MailState.SENT)[:50],
        },
    )


# ---------------------------------------------------------------------------------------------
# the zip of a filtered list's bundles
# ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def bundles_zip(request: AuthedRequest) -> HttpResponse:
    """Queue the zip of the bundles of every submitted application of the current filter."""
    user: User = request.user
    if not user.is_reviewer:
        raise Http404
    form = FilterForm(request.POST, districts=districts_for(user))
    if not form.is_valid():
        messages.error(request, "未打包：筛选条件不对，请刷新页面后再试。")
        return redirect("portal:home")
    filters = form.cleaned_data
    apps = filtered(user, filters, SORTS["district"][1]).exclude(last_version__isnull=True)
    versions = list(Version.objects.filter(pk__in=[a.last_version for a in apps]))
    if not versions:
        messages.error(request, "未打包：当前筛选中没有已提交的申报。")
        return redirect(reverse("portal:home") + "?" + request.POST.get("query", ""))
    words = [filters.get("district") or user.scope]
    if filters.get("state"):
        words.append(State(filters["state"]).label)
    if filters.get("precheck"):
        words.append(f"预审{filters['precheck']}")
    row = request_zip(user, versions, "-".join(str(w) for w in words))
    AuditEntry.record(user, "打包申报材料", detail=f"{row.description}：{len(versions)} 份")
    return redirect(reverse("portal:home") + f"?{request.POST.get('query', '')}#zip-{row.pk}")


def _zip_for(user: User, pk: int) -> BundleZip:
    try:
        return BundleZip.objects.get(pk=pk, requested_by=user)
    except BundleZip.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def zip_status(request: AuthedRequest, pk: int) -> JsonResponse:
    """Progress of a zip, for the page to poll."""
    row = _zip_for(request.user, pk)
    return JsonResponse(status(row, result=reverse("portal:zip_file", args=[row.pk])))


@login_required
@require_GET
def zip_file(request: AuthedRequest, pk: int) -> FileResponse:
    """The finished zip, named after what was filtered."""
    row = _zip_for(request.user, pk)
    if row.state != JobState.DONE:
        raise Http404
    name = f"申报材料-{row.description}-{timezone.localtime(row.created):%Y%m%d}.zip"
    response = FileResponse(result_path(row).open("rb"), content_type="application/zip")
    response["Content-Disposition"] = _attachment(name)
    return response
