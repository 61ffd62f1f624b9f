"""Root URL configuration: the portal's URL map under its namespace ``portal``, and its Chinese
error pages (Django uses these handlers whenever DEBUG is off, as under ``jidi-docs serve``)."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("", include("jidi_docs.web.urls"))]

handler400 = "jidi_docs.web._errors.bad_request"
handler403 = "jidi_docs.web._errors.permission_denied"
handler404 = "jidi_docs.web._errors.page_not_found"
handler500 = "jidi_docs.web._errors.server_error"
