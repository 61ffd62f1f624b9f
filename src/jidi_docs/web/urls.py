"""The portal's URL map (tests enumerate it to check access on every URL)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, re_path
from django.views.static import serve

from . import _views_accounts as accounts
from . import _views_editor as editor
from . import _views_import as imports
from . import _views_office as office
from . import _views_preview as preview
from . import _views_review as review
from . import _views_setup as setup
from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="portal/login.html", extra_context={"lan": settings.PORTAL_LAN}
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invite/", accounts.invite, name="invite"),
    path("join/<str:token>/", accounts.accept, name="accept"),
    path("app/<int:pk>/", editor.application, name="application"),
    path("app/<int:pk>/edit/<int:index>/", editor.edit, name="edit"),
    path("app/<int:pk>/save/", editor.save, name="save"),
    path("csrf/", editor.csrf_token, name="csrf"),
    path("app/<int:pk>/upload/", editor.upload, name="upload"),
    path("app/<int:pk>/file/<uuid:file_id>/", editor.download_file, name="file"),
    path("app/<int:pk>/docx/<str:form>/", editor.draft_docx, name="draft_docx"),
    path("app/<int:pk>/export/", editor.export, name="export"),
    path("app/<int:pk>/import/", imports.import_, name="import"),
    path("app/<int:pk>/submit/", review.submit_view, name="submit"),
    path("app/<int:pk>/move/", review.move_view, name="move"),
    path("app/<int:pk>/preview/", preview.preview, name="preview"),
    path("app/<int:pk>/preview/<int:preview>/", preview.preview_status, name="preview_status"),
    path(
        "app/<int:pk>/preview/<int:preview>/<str:form>/<int:page>.png",
        preview.preview_image,
        name="preview_image",
    ),
    path("version/<int:pk>/", office.version, name="version"),
    path("version/<int:pk>/docx/<str:form>/", office.version_docx, name="version_docx"),
    path("version/<int:pk>/bundle/", office.request_bundle, name="bundle"),
    path("version/<int:pk>/print/", office.version_print, name="version_print"),
    path(
        "version/<int:pk>/file/<uuid:file_id>/<str:name>",
        review.version_file,
        name="version_file",
    ),
    path("version/<int:pk>/thumb/<uuid:file_id>.png", review.thumbnail_view, name="thumbnail"),
    path("job/<int:pk>/", office.job_status, name="job"),
    path("job/<int:pk>/pdf/", office.job_pdf, name="job_pdf"),
    path("summary.xlsx", office.summary, name="summary"),
    path("deadline/", office.set_deadline, name="deadline"),
    path("bundles/", review.bundles_zip, name="bundles_zip"),
    path("bundles/<int:pk>/", review.zip_status, name="zip_status"),
    path("bundles/<int:pk>/zip/", review.zip_file, name="zip_file"),
    path("notifications/", review.notifications, name="notifications"),
    path("notifications/<int:pk>/", review.notification_open, name="notification"),
    path("mail/", review.mail_queue, name="mail"),
    # accounts (last: the access test changes accounts only after every other URL is checked)
    path("password/", accounts.password_change, name="password"),
    path("reset/<uidb64>/<token>/", accounts.reset_password, name="reset"),
    path("accounts/", accounts.accounts, name="accounts"),
    path("account/<int:pk>/reset-link/", accounts.reset_link, name="reset_link"),
    path("account/<int:pk>/active/", accounts.set_active, name="set_active"),
    path("account/<int:pk>/district/", accounts.move_base, name="move_base"),
    path("invitation/<int:pk>/revoke/", accounts.revoke_invitation, name="revoke"),
    # --lan: the local CA's certificate and how to trust it
    path("ca/", setup.ca_page, name="ca"),
    path("ca.crt", setup.ca_certificate, name="ca_certificate"),
    # the portal's own scripts and style sheets (no user content is ever served from a folder)
    re_path(
        r"^static/(?P<path>portal/[a-z]+\.(?:js|css))$",
        serve,
        {"document_root": settings.PORTAL_STATIC_DIR},
        name="static",
    ),
]
