"""``--lan``: the page that explains how to trust the portal's local CA, and its certificate.

Both are open without logging in: a base must trust the certificate before it can log in
without a browser warning. Without ``--lan`` they do not exist (404).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ._tls import ca_certificate_der

__all__ = ["ca_certificate", "ca_page"]

#: What the downloaded certificate is saved as (ASCII: every system's download folder takes it).
CA_FILE_NAME = "jidi-docs-ca.crt"


def _der() -> bytes:
    der = ca_certificate_der(settings.PORTAL_DATA_DIR) if settings.PORTAL_LAN else None
    if der is None:
        raise Http404
    return der


@require_GET
def ca_page(request: HttpRequest) -> HttpResponse:
    """Chinese steps for Windows, macOS, Android and iOS, with the fingerprint to compare."""
    import hashlib

    fingerprint = hashlib.sha256(_der()).hexdigest().upper()
    pairs = ":".join(fingerprint[i : i + 2] for i in range(0, len(fingerprint), 2))
    return render(
        request,
        "portal/ca.html",
        {"fingerprint": pairs, "origin": settings.PORTAL_PUBLIC_ORIGIN, "file": CA_FILE_NAME},
    )


@require_GET
def ca_certificate(request: HttpRequest) -> HttpResponse:
    """The CA certificate (DER), typed so that iOS and Android offer to install it."""
    response = HttpResponse(_der(), content_type="application/x-x509-ca-cert")
    response["Content-Disposition"] = f'attachment; filename="{CA_FILE_NAME}"'
    return response
