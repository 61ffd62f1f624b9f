"""Accounts: invitations, joining, passwords, reset links, disabling users, the lock page.

Django's own pieces do the work where they fit: the password forms and views
(`PasswordChangeView`, `PasswordResetConfirmView` with its one-time tokens, which stop working
once the password changes), the password validators (Chinese messages from Django's zh-hans
translation) and `is_active` (a disabled user's session ends at its next request, because the
authentication backend refuses inactive users). django-axes counts wrong passwords; its lock
page is `locked_out` here.

Who manages whom: a 审核人员 manages the 培训基地 accounts and invitations of the districts it
reviews; a city-wide one also the other 审核人员. Nobody manages their own account here (each
changes their own password on 修改密码). Anything outside that answers 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordMixin, UsernameField
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_GET, require_POST

from . import _library as lib
from ._access import AuthedRequest
from .models import CITY, Application, AuditEntry, Base, Invitation, Role, User

__all__ = [
    "JoinForm",
    "accept",
    "accounts",
    "districts_for",
    "invite",
    "locked_out",
    "password_change",
    "public_link",
    "reset_password",
    "retry_after",
]


# ---------------------------------------------------------------------------------------------
# scope
# ---------------------------------------------------------------------------------------------


def districts_for(user: User) -> list[str]:
    """The districts `user` may invite into or move a base to (all, for the city)."""
    options = list(lib.profile().districts)  # the current 认定批次's list
    return options if user.scope == CITY else [d for d in options if d == user.scope]


def users_in_scope(reviewer: User) -> QuerySet[User]:
    """The accounts `reviewer` manages (never its own)."""
    users = User.objects.select_related("base").exclude(pk=reviewer.pk).order_by("username")
    if not reviewer.is_reviewer or not reviewer.scope:
        return users.none()
    if reviewer.scope == CITY:
        return users
    return users.filter(role=Role.BASE, base__district=reviewer.scope)


def invitations_in_scope(reviewer: User) -> QuerySet[Invitation]:
    """The invitations `reviewer` may see and revoke."""
    invitations = Invitation.objects.select_related("created_by", "used_by").order_by("-created")
    if not reviewer.is_reviewer or not reviewer.scope:
        return invitations.none()
    return invitations if reviewer.scope == CITY else invitations.filter(district=reviewer.scope)


def public_link(request: HttpRequest, path: str) -> str:
    """A link for someone else to open: on the address bases use (``--lan``, ``--public-url``),
    not the one the office's browser shows (``127.0.0.1`` opens nothing on a base's computer)."""
    origin = settings.PORTAL_PUBLIC_ORIGIN
    return f"{origin}{path}" if origin else request.build_absolute_uri(path)


def _reviewer(request: AuthedRequest) -> User:
    user: User = request.user
    if not user.is_reviewer:
        raise Http404
    return user


def _managed(reviewer: User, pk: int) -> User:
    try:
        return users_in_scope(reviewer).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


# ---------------------------------------------------------------------------------------------
# invitations and joining
# ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def invite(request: AuthedRequest) -> HttpResponse:
    """Create a one-time invitation link (office only); the link is shown once."""
    user = _reviewer(request)
    role = request.POST.get("role", Role.BASE)
    district = request.POST.get("district", "")
    allowed = districts_for(user) + ([CITY] if user.city_wide and role == Role.REVIEWER else [])
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
    request.session["new_link"] = public_link(request, reverse("portal:accept", args=[token]))
    return redirect("portal:home")


class JoinForm(SetPasswordMixin, forms.Form):  # type: ignore[type-arg]
    """User name and password (twice) of someone joining with an invitation.

    The password passes every configured validator, the similarity one against the chosen user
    name; messages come from Django's Chinese translation.
    """

    username = UsernameField(label="用户名", max_length=150)
    password, password2 = SetPasswordMixin.create_password_fields(
        label1="密码", label2="再输入一次密码"
    )

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username") or "")
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("这个用户名已被使用，请换一个。")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.validate_passwords("password", "password2")
        candidate = User(username=cleaned.get("username") or "")
        self.validate_password_for_user(candidate, "password")
        return cleaned


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join with a one-time invitation: choose a user name and password."""
    invitation = Invitation.find(token)
    if invitation is None:
        return _invalid_link(request)
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if Invitation.find(token) is None:  # used or revoked meanwhile
                return _invalid_link(request)
            user = _join(locked, form.cleaned_data["username"], form.cleaned_data["password"])
            locked.used, locked.used_by = timezone.now(), user
            locked.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("portal:home")
    return render(request, "portal/accept.html", {"invitation": invitation, "form": form})


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/message.html",
        {
            "title": "邀请链接无效",
            "text": "这个邀请链接已经用过、已过期、已被撤销或不完整。请向综试办索取新的链接。",
        },
        status=404,
    )


def _join(invitation: Invitation, username: str, password: str) -> User:
    """Create the account; a base's 所属区县 is the invitation's (only the office changes it)."""
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


@login_required
@require_POST
def revoke_invitation(request: AuthedRequest, pk: int) -> HttpResponse:
    """Revoke an unused invitation: its link stops working at once."""
    reviewer = _reviewer(request)
    with transaction.atomic():
        try:
            invitation = invitations_in_scope(reviewer).select_for_update(of=("self",)).get(pk=pk)
        except Invitation.DoesNotExist:
            raise Http404 from None
        if invitation.state != "未使用":
            messages.error(request, f"这个邀请{invitation.state}，不需要撤销。")
            return redirect("portal:accounts")
        invitation.revoked, invitation.revoked_by = timezone.now(), reviewer
        invitation.save(update_fields=["revoked", "revoked_by"])
    detail = f"{invitation.get_role_display()} {invitation.base_name} {invitation.district}"
    AuditEntry.record(reviewer, "撤销邀请", detail=detail)
    messages.success(request, "邀请已撤销，链接不能再使用。")
    return redirect("portal:accounts")


# ---------------------------------------------------------------------------------------------
# the office's account page
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def accounts(request: AuthedRequest) -> HttpResponse:
    """The accounts and invitations the reviewer manages."""
    reviewer = _reviewer(request)
    return render(
        request,
        "portal/accounts.html",
        {
            "users": users_in_scope(reviewer),
            "invitations": invitations_in_scope(reviewer)[:200],
            "districts": districts_for(reviewer),
            "is_city": reviewer.city_wide,
            "reset_link": request.session.pop("reset_link", None),
            "reset_for": request.session.pop("reset_for", None),
            "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


@login_required
@require_POST
def reset_link(request: AuthedRequest, pk: int) -> HttpResponse:
    """Make a one-time password reset link for a managed account (shown once)."""
    reviewer = _reviewer(request)
    user = _managed(reviewer, pk)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = reverse("portal:reset", kwargs={"uidb64": uid, "token": token})
    request.session["reset_link"] = public_link(request, link)
    request.session["reset_for"] = user.username
    AuditEntry.record(reviewer, "生成重设密码链接", detail=user.username)
    return redirect("portal:accounts")


@login_required
@require_POST
def set_active(request: AuthedRequest, pk: int) -> HttpResponse:
    """Disable (``active=0``) or enable (``active=1``) a managed account."""
    reviewer = _reviewer(request)
    user = _managed(reviewer, pk)
    active = request.POST.get("active") == "1"
    user.is_active = active
    user.save(update_fields=["is_active"])
    AuditEntry.record(reviewer, "启用账号" if active else "停用账号", detail=user.username)
    if active:
        messages.success(request, f"已启用“{user.username}”。")
    else:
        messages.success(request, f"已停用“{user.username}”：不能再登录，已登录的页面也随即失效。")
    return redirect("portal:accounts")


@login_required
@require_POST
def move_base(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change the 所属区县 of a managed base account's base (the office alone may)."""
    reviewer = _reviewer(request)
    user = _managed(reviewer, pk)
    district = request.POST.get("district", "")
    if user.base_id is None or district not in districts_for(reviewer):
        messages.error(request, "未修改：请选择您审核范围内的区县。")
        return redirect("portal:accounts")
    with transaction.atomic():
        base = Base.objects.select_for_update().get(pk=user.base_id)
        old, base.district = base.district, district
        base.save(update_fields=["district"])
        for app in Application.objects.select_for_update().filter(base=base):
            app.draft = lib.fixed_district(app.draft, district)
            app.draft_version += 1
            app.save(update_fields=["draft", "draft_version", "updated"])
            AuditEntry.record(reviewer, "修改所属区县", app, f"{old} → {district}")
    messages.success(request, f"“{base.name}”的所属区县已改为{district}。")
    return redirect("portal:accounts")


# ---------------------------------------------------------------------------------------------
# passwords
# ---------------------------------------------------------------------------------------------


class _PasswordChange(auth_views.PasswordChangeView):
    template_name = "portal/password.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        AuditEntry.record(self.request.user, "修改密码")  # type: ignore[arg-type]
        messages.success(self.request, "密码已修改。")
        return response


password_change = _PasswordChange.as_view()


class _ResetPassword(auth_views.PasswordResetConfirmView):
    """The one-time link from the office: set a new password; the account's locks are cleared."""

    template_name = "portal/reset.html"
    success_url = reverse_lazy("portal:login")

    def form_valid(self, form: Any) -> HttpResponse:
        from axes.utils import reset

        response = super().form_valid(form)
        user = form.user
        reset(username=user.username)
        AuditEntry.record(user, "用重设链接设置密码")
        messages.success(self.request, "新密码已设置，请登录。")
        return response


reset_password = _ResetPassword.as_view()


def check_password(password: str, username: str) -> list[str]:
    """Return the validators' Chinese complaints about `password` for `username` (none: fine)."""
    from django.core.exceptions import ValidationError

    try:
        password_validation.validate_password(password, User(username=username))
    except ValidationError as e:
        return list(e.messages)
    return []


# ---------------------------------------------------------------------------------------------
# login throttling
# ---------------------------------------------------------------------------------------------


def retry_after(username: str | None, address: str | None) -> datetime:
    """When the lock of `username` or `address` ends: the cool-off after the latest failure."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off() or timedelta(minutes=15)
    attempts = AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=address))
    latest = attempts.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    return (latest or timezone.now()) + cool_off


def locked_out(
    request: HttpRequest, response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """Too many wrong passwords for this account or from this address (status 429)."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    until = timezone.localtime(retry_after(username, getattr(request, "axes_ip_address", None)))
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    return render(
        request,
        "portal/message.html",
        {
            "title": "登录已暂停",
            "text": (
                f"密码错误次数过多，登录已暂停。请在 {until:%H:%M} 之后（约 {minutes} 分钟后）"
                "再试；忘记密码请联系综试办，用他们发来的重设密码链接设置新密码。"
            ),
        },
        status=429,
    )


def forget_failures_on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """A successful login forgets the failures of that account, not those of its address.

    Why not axes' own ``AXES_RESET_ON_SUCCESS``: it also forgets the address's failures, so an
    attacker holding one valid account could log in with it between guesses at others' passwords
    and never reach the per-address limit.
    """
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=user.get_username()).delete()
