"""The data every stage shares: the registry of the forms' sections, the 认定批次 profiles, and the
application model built from both.

`sections()` returns the sections of 附件2 and the 佐证材料 list as typed `Section` objects (each
with its `Column` objects: label, Python name, type, required, Chinese description, example);
`registry()` the whole `Registry` (学历 levels, default 认定批次, top-level keys). See
`jidi_docs.schema._registry` for the format of ``sections.yaml``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._derive import model_for
    from ._kinds import (
        EVIDENCE_KINDS,
        HEAD_BYTES,
        EvidenceKind,
        accept_attribute,
        allowed_kinds_text,
        evidence_kind,
        kind_labels,
        sniff_kind,
    )
    from ._model import (
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
    from ._profile import Profile, builtin_profile, builtin_profiles
    from ._registry import Column, Registry, Section, load_registry, registry, sections

__all__ = [
    "EVIDENCE_KINDS",
    "HEAD_BYTES",
    "Application",
    "BasicInfo",
    "BrandActivity",
    "Column",
    "Evidence",
    "EvidenceKind",
    "Honour",
    "Lecturer",
    "Manager",
    "Matchmaking",
    "Period",
    "Profile",
    "Qualification",
    "Registry",
    "Scores",
    "Section",
    "Training",
    "Venue",
    "accept_attribute",
    "allowed_kinds_text",
    "builtin_profile",
    "builtin_profiles",
    "evidence_kind",
    "kind_labels",
    "load_registry",
    "model_for",
    "registry",
    "sections",
    "sniff_kind",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._model": (
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
        ),
        "._derive": ("model_for",),
        "._kinds": (
            "accept_attribute",
            "allowed_kinds_text",
            "evidence_kind",
            "EVIDENCE_KINDS",
            "EvidenceKind",
            "HEAD_BYTES",
            "kind_labels",
            "sniff_kind",
        ),
        "._profile": ("builtin_profile", "builtin_profiles", "Profile"),
        "._registry": ("Column", "load_registry", "Registry", "registry", "Section", "sections"),
    },
)
