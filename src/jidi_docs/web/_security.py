"""Response headers for every page (a Content-Security-Policy that allows no inline script), and
the password length rule with its Chinese message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import password_validation
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

__all__ = ["CSP", "MinimumLengthValidator", "SecurityHeadersMiddleware", "download_type"]


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


def download_type(extension: str, name: str) -> tuple[str, str]:
    """Return the content type an evidence file is sent with, and the name it is saved under.

    `extension` is the stored file's, given by what its content was checked to be at upload
    (`jidi_docs.schema.EVIDENCE_KINDS`), never the name the uploader chose: a file ``页面.html``
    that is a PDF is sent as ``application/pdf`` and saved as ``页面.html.pdf``, so no browser
    or desktop opens it as a web page.
    """
    from ..schema import EVIDENCE_KINDS

    dotted = f".{extension.lower()}"
    kind = next((k for k in EVIDENCE_KINDS if dotted in k.extensions), None)
    if kind is None:
        return "application/octet-stream", name
    if not name.lower().endswith(tuple(kind.extensions)):
        name = f"{name}{kind.extensions[0]}"
    return kind.mime, name
