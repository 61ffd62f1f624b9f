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
    from ._dates import parse_date as parse_date
    from ._dates import parse_period as parse_period
    from ._derive import model_for as model_for
    from ._form import BasicLayout as BasicLayout
    from ._form import Figure as Figure
    from ._form import Pick as Pick
    from ._form import fill as fill
    from ._form import pattern as pattern
    from ._kinds import EVIDENCE_KINDS as EVIDENCE_KINDS
    from ._kinds import HEAD_BYTES as HEAD_BYTES
    from ._kinds import EvidenceKind as EvidenceKind
    from ._kinds import accept_attribute as accept_attribute
    from ._kinds import allowed_kinds_text as allowed_kinds_text
    from ._kinds import evidence_kind as evidence_kind
    from ._kinds import kind_labels as kind_labels
    from ._kinds import kind_of_name as kind_of_name
    from ._kinds import sniff_kind as sniff_kind
    from ._model import Application as Application
    from ._model import BasicInfo as BasicInfo
    from ._model import BrandActivity as BrandActivity
    from ._model import Evidence as Evidence
    from ._model import Honour as Honour
    from ._model import Lecturer as Lecturer
    from ._model import Manager as Manager
    from ._model import Matchmaking as Matchmaking
    from ._model import Period as Period
    from ._model import Qualification as Qualification
    from ._model import Scores as Scores
    from ._model import Training as Training
    from ._model import Venue as Venue
    from ._phone import phone_problem as phone_problem
    from ._profile import DEFAULT_PROFILE as DEFAULT_PROFILE
    from ._profile import SAME_AS_ABOVE as SAME_AS_ABOVE
    from ._profile import Conditions as Conditions
    from ._profile import Profile as Profile
    from ._profile import builtin_profile as builtin_profile
    from ._profile import builtin_profiles as builtin_profiles
    from ._registry import SUMMARY_FILE as SUMMARY_FILE
    from ._registry import Column as Column
    from ._registry import Registry as Registry
    from ._registry import Section as Section
    from ._registry import load_registry as load_registry
    from ._registry import registry as registry
    from ._registry import sections as sections
    from ._types import EDUCATION_LEVELS as EDUCATION_LEVELS
    from ._types import REGISTRY_TYPE as REGISTRY_TYPE
    from ._types import describe as describe
    from ._types import json_type as json_type
    from ._types import number_schema as number_schema

attach(__name__, __file__)
