"""Reading applications: YAML and spreadsheets into the model, with Chinese messages at file and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._folders import EVIDENCE_DIR
    from ._jsonschema import json_schema
    from ._load import APPLICATION_FILE, get_profile, load, loads, validate

__all__ = [
    "APPLICATION_FILE",
    "EVIDENCE_DIR",
    "get_profile",
    "json_schema",
    "load",
    "loads",
    "validate",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._folders": ("EVIDENCE_DIR",),
        "._jsonschema": ("json_schema",),
        "._load": ("APPLICATION_FILE", "get_profile", "load", "loads", "validate"),
    },
)
