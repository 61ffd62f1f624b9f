"""The portal's entry pages: home, invitations, login errors (objects only via `_access`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import (
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
    AuthedRequest,
    applications_in_scope,
)
from ._store import app_dir
from .models import (
    CITY,
    Application,
    AuditEntry,
    Base,
    Invitation,
    Role,
    User,
)

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# errors, lock-out, CSRF
# ---------------------------------------------------------------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refused state change without a valid CSRF token (Chinese page, status 403; JSON for the
    page's script, which fetches a fresh token and tries once more)."""
    if "application/json" in request.headers.get("Accept", ""):
        text = "页面已过期或请求来源不明，操作未执行。请刷新页面后重试。"
        return JsonResponse({"csrf": True, "error": text}, status=403)
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


# ---------------------------------------------------------------------------------------------
# home, invitations
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """A base sees its applications; a reviewer the applications in scope with their 预审."""
    user: User = request.user
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
    """The districts of the current 认定批次 (the profile's list) this reviewer may invite to."""
    options = list(lib.profile().districts)
    return options if user.scope == CITY else [d for d in options if d == user.scope]


@login_required
@require_POST
def invite(request: AuthedRequest) -> HttpResponse:
    """Create a one-time invitation link (office only); the link is shown once."""
    user: User = request.user
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
