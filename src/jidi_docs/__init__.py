"""jidi_docs: one YAML file in, the complete 杭州跨境电商人才社会培训基地认定 application out.

The public API is what this module exports; everything else is internal and may change.

Why eager imports: several public functions share their name with the module that defines them
(`load`, `render`, `bundle`, `check`, `batch`). Importing them here, once, guarantees that
``jidi_docs.check`` is the function whatever was imported before; a lazy ``__getattr__`` would
return the submodule whenever something had imported it first.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from .api import json_schema, render
from .batch import BatchResult, ItemResult, batch
from .bundle import bundle
from .check import CheckReport, ConditionResult, check
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
from .extract import extract
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
from .scaffold import init

try:
    __version__ = _version("jidi-docs")
except _PackageNotFoundError:  # running from a source checkout without installation
    __version__ = "0.0.0+source"

__all__ = [
    "__version__",
    "Application",
    "BasicInfo",
    "batch",
    "BatchResult",
    "BrandActivity",
    "bundle",
    "BundleError",
    "check",
    "CheckReport",
    "ConditionResult",
    "ConversionError",
    "Evidence",
    "EvidenceError",
    "extract",
    "get_profile",
    "Honour",
    "init",
    "InputError",
    "InternalError",
    "Issue",
    "ItemResult",
    "JidiDocsError",
    "json_schema",
    "Lecturer",
    "load",
    "loads",
    "Manager",
    "Matchmaking",
    "OutputError",
    "Period",
    "Profile",
    "ProfileError",
    "Qualification",
    "render",
    "Scores",
    "TemplateError",
    "Training",
    "UserError",
    "validate",
    "ValidationFailed",
    "Venue",
]
