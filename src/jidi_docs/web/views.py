"""The portal's entry pages: home and the CSRF refusal (accounts: `_views_accounts`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ._access import AuthedRequest, applications_in_scope
from ._errors import wants_json
from ._views_office import office_home
from .models import Role, User

# ---------------------------------------------------------------------------------------------
# CSRF
# ---------------------------------------------------------------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refused state change without a valid CSRF token (Chinese page, status 403; JSON for the
    page's script, which fetches a fresh token and tries once more)."""
    text = "页面已过期或请求来源不明，操作未执行。请刷新页面后重试。"
    if wants_json(request):
        return JsonResponse({"csrf": True, "error": text}, status=403)
    return render(request, "portal/message.html", {"title": "请求被拒绝", "text": text}, status=403)


# ---------------------------------------------------------------------------------------------
# home
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """A base sees its applications; a reviewer the office's list (`_views_office.office_home`)."""
    user: User = request.user
    if user.role == Role.BASE:
        apps = applications_in_scope(user).order_by("base__district", "base__name", "pk")
        return render(request, "portal/home_base.html", {"apps": apps})
    return office_home(request)
