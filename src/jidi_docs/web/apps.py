"""The portal as a Django app."""

from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Registers the portal's models under the label ``portal``."""

    name = "jidi_docs.web"
    label = "portal"
    verbose_name = "培训基地认定申报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from ._views_accounts import forget_failures_on_login

        user_logged_in.connect(forget_failures_on_login, dispatch_uid="portal-forget-failures")
