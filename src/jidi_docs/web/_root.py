"""Root URL configuration: the portal's URL map under its namespace ``portal``."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("", include("jidi_docs.web.urls"))]
