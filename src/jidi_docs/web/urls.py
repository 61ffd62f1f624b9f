"""The portal's URL map (tests enumerate it to check access on every URL)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, re_path
from django.views.static import serve

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="portal/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invite/", views.invite, name="invite"),
    path("join/<str:token>/", views.accept, name="accept"),
    path("app/<int:pk>/", views.application, name="application"),
    path("app/<int:pk>/edit/<int:index>/", views.edit, name="edit"),
    path("app/<int:pk>/save/", views.save, name="save"),
    path("app/<int:pk>/upload/", views.upload, name="upload"),
    path("app/<int:pk>/file/<uuid:file_id>/", views.download_file, name="file"),
    path("app/<int:pk>/docx/<str:form>/", views.draft_docx, name="draft_docx"),
    path("app/<int:pk>/export/", views.export, name="export"),
    path("app/<int:pk>/import/", views.import_, name="import"),
    path("app/<int:pk>/submit/", views.submit, name="submit"),
    path("version/<int:pk>/", views.version, name="version"),
    path("version/<int:pk>/docx/<str:form>/", views.version_docx, name="version_docx"),
    path("version/<int:pk>/bundle/", views.request_bundle, name="bundle"),
    path("job/<int:pk>/", views.job_status, name="job"),
    path("job/<int:pk>/pdf/", views.job_pdf, name="job_pdf"),
    path("summary.xlsx", views.summary, name="summary"),
    # the portal's own two static files (no user content is ever served from a folder)
    re_path(
        r"^static/(?P<path>portal/[a-z]+\.(?:js|css))$",
        serve,
        {"document_root": settings.PORTAL_STATIC_DIR},
        name="static",
    ),
]
