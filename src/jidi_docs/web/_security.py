"""Response headers for every page (a Content-Security-Policy that allows no inline script), and
the password length rule with its Chinese message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import password_validation
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

__all__ = ["CSP", "MinimumLengthValidator", "SecurityHeadersMiddleware", "download_type"]

#: Stored evidence kinds (sniffed from the content at upload) → type and file name endings.
_KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "jpg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
}

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"


class SecurityHeadersMiddleware:
    """Add CSP, permissions and caching headers (Django's SecurityMiddleware adds the rest)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            response.setdefault("Cache-Control", "no-store")
        return response


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, its message in Django's own Chinese.

    Why: Django 5.2 words the message with ``%d`` (django/contrib/auth/password_validation.py,
    ``get_error_message``) while its zh_Hans catalogue still holds the earlier
    ``%(min_length)d`` wording (django/contrib/auth/locale/zh_Hans/LC_MESSAGES/django.po,
    "This password is too short…"), so the message came out in English. This asks the
    catalogue for the wording it has.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


def download_type(kind: str, name: str) -> tuple[str, str]:
    """Return the content type an evidence file is sent with, and the name it is saved under.

    The type is what the content was checked to be at upload, never guessed from the name the
    uploader chose: a file ``页面.html`` that starts with ``%PDF-`` is a PDF, sent as
    ``application/pdf`` and saved as ``页面.html.pdf``, so no browser or desktop opens it as a web
    page.
    """
    content_type, endings = _KINDS.get(kind, ("application/octet-stream", ()))
    if endings and not name.lower().endswith(endings):
        name = f"{name}{endings[0]}"
    return content_type, name
