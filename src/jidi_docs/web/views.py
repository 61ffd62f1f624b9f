"""The portal's entry pages: home and the CSRF refusal (accounts: `_views_accounts`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ._access import (
    AuthedRequest,
    applications_in_scope,
)
from .models import (
    Role,
    User,
)

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# CSRF
# ---------------------------------------------------------------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refused state change without a valid CSRF token (Chinese page, status 403)."""
    return render(
        request,
        "portal/message.html",
        {"title": "请求被拒绝", "text": "页面已过期或请求来源不明，操作未执行。请刷新页面后重试。"},
        status=403,
    )


# ---------------------------------------------------------------------------------------------
# home
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """A base sees its applications; a reviewer the office's list (`_views_office.office_home`)."""
    user: User = request.user
    apps = applications_in_scope(user).order_by("base__district", "base__name", "pk")
    if user.role == Role.BASE:
        return render(request, "portal/home_base.html", {"apps": apps})
    from ._views_office import office_home  # the office's list: filters, counts, zips

    return office_home(request)
