"""The portal as a Django app."""

from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Registers the portal's models under the label ``portal``."""

    name = "jidi_docs.web"
    label = "portal"
    verbose_name = "培训基地认定申报"
    default_auto_field = "django.db.models.BigAutoField"
