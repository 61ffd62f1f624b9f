"""jidi_docs: one YAML file in, the complete 杭州跨境电商人才社会培训基地认定 application out.

The public API is what this module exports; everything else is internal and may change.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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

__all__ = [
    "Application",
    "BasicInfo",
    "BrandActivity",
    "BundleError",
    "ConversionError",
    "Evidence",
    "EvidenceError",
    "Honour",
    "InputError",
    "InternalError",
    "Issue",
    "JidiDocsError",
    "Lecturer",
    "Manager",
    "Matchmaking",
    "OutputError",
    "Period",
    "Profile",
    "ProfileError",
    "Qualification",
    "Scores",
    "TemplateError",
    "Training",
    "UserError",
    "ValidationFailed",
    "Venue",
    "__version__",
    "bundle",
    "get_profile",
    "json_schema",
    "load",
    "loads",
    "render",
    "validate",
]
