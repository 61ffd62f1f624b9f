"""jidi_docs: one YAML file in, the complete 杭州跨境电商人才社会培训基地认定 application out.

The public API is what this module exports; everything else is internal and may change.

Why lazy: the names are imported on first use (PEP 562), so a process that needs only one part —
a batch worker assembling PDFs, a script reading a profile — does not pay for pydantic, docxtpl
and python-docx at start-up.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import json_schema, render
    from .bundle import bundle
    from .errors import (
        BundleError,
        ConversionError,
        EvidenceError,
        InputError,
        InternalError,
        Issue,
        JidiDocsError,
        OutputError,
        ProfileError,
        TemplateError,
        UserError,
        ValidationFailed,
    )
    from .load import load, loads, validate
    from .model import (
        Application,
        BasicInfo,
        BrandActivity,
        Evidence,
        Honour,
        Lecturer,
        Manager,
        Matchmaking,
        Period,
        Qualification,
        Scores,
        Training,
        Venue,
    )
    from .profile import Profile, get_profile

try:
    __version__ = version("jidi-docs")
except PackageNotFoundError:  # running from a source checkout without installation
    __version__ = "0.0.0+source"

#: Public name → the module that defines it.
_EXPORTS = {
    "json_schema": "api",
    "render": "api",
    "bundle": "bundle",
    **dict.fromkeys(
        [
            "BundleError",
            "ConversionError",
            "EvidenceError",
            "InputError",
            "InternalError",
            "Issue",
            "JidiDocsError",
            "OutputError",
            "ProfileError",
            "TemplateError",
            "UserError",
            "ValidationFailed",
        ],
        "errors",
    ),
    "load": "load",
    "loads": "load",
    "validate": "load",
    **dict.fromkeys(
        [
            "Application",
            "BasicInfo",
            "BrandActivity",
            "Evidence",
            "Honour",
            "Lecturer",
            "Manager",
            "Matchmaking",
            "Period",
            "Qualification",
            "Scores",
            "Training",
            "Venue",
        ],
        "model",
    ),
    "Profile": "profile",
    "get_profile": "profile",
}

__all__ = sorted([*_EXPORTS, "__version__"], key=str.casefold)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jidi_docs' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
