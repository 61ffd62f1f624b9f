"""jidi_docs: one YAML file in, the complete 杭州跨境电商人才社会培训基地认定 application out.

The public API is what this module exports; everything else is internal and may change. The
pipeline's stages are the sub-packages, lowest first: ``schema`` (profiles and the model),
``input`` (YAML and spreadsheets), ``forms`` (the Word forms), ``pdf`` (conversion and the
bundle), ``review`` (预审), ``pipeline`` (bundle, batch, init), then ``cli``.

Why lazy: every command imports this package, ``--help`` included; importing each public name on
first use keeps start-up to what the command needs (see ``benchmarks/startup.py``). The public
names are functions and classes only, so none of them is shadowed by a sub-module's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._lazy import attach

if TYPE_CHECKING:
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
    from .forms import render
    from .input import get_profile, json_schema, load, loads, validate
    from .pipeline import BatchResult, ItemResult, batch, bundle, extract, init
    from .review import CheckReport, ConditionResult, check
    from .schema import (
        Application,
        BasicInfo,
        BrandActivity,
        Evidence,
        Honour,
        Lecturer,
        Manager,
        Matchmaking,
        Period,
        Profile,
        Qualification,
        Scores,
        Training,
        Venue,
    )

__all__ = [  # noqa: RUF022 - sorted case-insensitively, as tests/test_exports.py checks
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

_getattr, __dir__ = attach(
    __name__,
    {
        ".errors": (
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
        ),
        ".forms": ("render",),
        ".input": ("get_profile", "json_schema", "load", "loads", "validate"),
        ".pipeline": ("batch", "BatchResult", "bundle", "extract", "init", "ItemResult"),
        ".review": ("check", "CheckReport", "ConditionResult"),
        ".schema": (
            "Application",
            "BasicInfo",
            "BrandActivity",
            "Evidence",
            "Honour",
            "Lecturer",
            "Manager",
            "Matchmaking",
            "Period",
            "Profile",
            "Qualification",
            "Scores",
            "Training",
            "Venue",
        ),
    },
)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import package_version

        return package_version()
    return _getattr(name)
