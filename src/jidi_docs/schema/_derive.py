"""The application models as the registry derives them, narrowed to a 认定批次 profile.

Every section model is built from the registry (``schema/sections.yaml``) — its keys, types,
descriptions and defaults — with the class of the same name in `jidi_docs.schema._model`
(`Lecturer` …) as its base for the computed properties. The profile narrows 所属区县 and 指标 to
its values and gives the 自评分 their keys and maxima, so errors point at the exact key that is
wrong.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from . import _model
from ._base import StrictModel
from ._model import Application, Scores, _ProfileScores, field_info
from ._profile import Profile
from ._registry import Column, Registry, registry
from ._types import (
    Amount,
    Count,
    CreditCode,
    DateText,
    Education,
    Files,
    PeriodText,
    Phone,
    Text,
    ValidUntil,
)

__all__ = ["derived_models", "model_for", "python_type"]


#: The classes that give each registry model its behaviour (properties) and its static types:
#: every model class of `_model`, by name (a section's 模型).
_BASES: dict[str, type[BaseModel]] = {
    name: value
    for name, value in vars(_model).items()
    if isinstance(value, type) and issubclass(value, StrictModel) and value is not StrictModel
}

#: The Python type of each registry type, as (filled, blank allowed).
_TYPES: dict[str, tuple[Any, Any]] = {
    "文字": (Text, str | None),
    "长文字": (str, str | None),
    "整数": (Count, Count | None),
    "数字": (Amount, Amount | None),
    "日期": (DateText, DateText | None),
    "时间段": (PeriodText, PeriodText | None),
    "日期或长期": (ValidUntil, ValidUntil | None),
    "电话": (Phone, Phone | None),
    "信用代码": (CreditCode, CreditCode | None),
    "学历": (Education, Education | None),
    "文字列表": (list[Text], list[Text]),
    "文件": (Files, Files),
    "认定批次": (Text, Text),
}


def _literal(values: tuple[str, ...] | list[str]) -> Any:
    return Literal[tuple(values)]


def python_type(
    column: Column,
    models: dict[str, type[BaseModel]],
    profile: Profile | None = None,
    reg: Registry | None = None,
) -> Any:
    """Return the type a column's value is validated as.

    Args:
        column: the registry column.
        models: the models already derived, by section key (for columns of type 栏目).
        profile: narrows 区县 and 指标 to the profile's districts and indicators, and gives the
            自评分 their keys and maxima; without it they take any text.
        reg: the registry `column` belongs to (for which section is the mapping one).
    """
    kind = column.type
    if kind == "选项":
        choice = _literal(column.choices)
        return choice if column.required else choice | None
    if kind in ("区县", "指标"):
        if profile is None:
            return Text if column.required else str | None
        values = profile.districts if kind == "区县" else profile.evidence_groups
        return _literal(values) if column.required else _literal(values) | None
    if kind == "栏目":
        model = models[column.label]
        mapping = (reg or registry()).mapping_section.key == column.label
        return model if mapping else list[model]  # type: ignore[valid-type]
    if kind == "自评分":
        return _scores_model(profile) if profile is not None else Scores
    filled, blank = _TYPES[kind]
    return filled if column.required else blank


def _scores_model(profile: Profile) -> type[Scores]:
    fields: dict[str, Any] = {
        f"i{n}": (
            Decimal | None,
            Field(None, alias=ind.name, ge=0, le=ind.max_points, allow_inf_nan=False),
        )
        for n, ind in enumerate(profile.indicators, start=1)
    }
    return create_model("Scores", __base__=_ProfileScores, **fields)


def _derive(model: str, fields: dict[str, Any]) -> type[BaseModel]:
    base = _BASES.get(model, StrictModel)
    doc = base.__doc__ if base is not StrictModel else None
    return create_model(model, __base__=base, __doc__=doc, __module__=__name__, **fields)


#: Column types whose Python type depends on the profile.
_PROFILE_TYPES = frozenset({"区县", "指标", "自评分"})


def derived_models(
    reg: Registry | None = None, profile: Profile | None = None, *, reuse: bool = False
) -> dict[str, type[BaseModel]]:
    """Return every model built from the registry: each section's by its key, the application's
    under ``""``. Without a profile, 区县 and 指标 take any text and 自评分 any keys.

    With `reuse`, a section of the built-in registry that the profile does not change is its
    class (`Lecturer` …) itself, which the tests prove equal to what the registry derives; this
    saves building the same models again at every start.
    """
    reg = reg or registry()
    reuse = reuse and reg is registry()
    models: dict[str, type[BaseModel]] = {}

    def unchanged(columns: tuple[Column, ...]) -> bool:
        return reuse and not any(
            (profile is not None and c.type in _PROFILE_TYPES)
            or (c.type == "栏目" and models[c.label] is not _BASES.get(models[c.label].__name__))
            for c in columns
        )

    # Inner sections first: 培训场地 before 基本情况.
    for section in sorted(reg.sections, key=lambda s: -len(reg.path(s.key))):
        if unchanged(section.columns) and section.model in _BASES:
            models[section.key] = _BASES[section.model]
            continue
        fields = {
            c.name: (python_type(c, models, profile, reg), field_info(c, reg))
            for c in section.columns
        }
        models[section.key] = _derive(section.model, fields)
    root: dict[str, Any] = {}
    for c in reg.root.columns:
        kind = python_type(c, models, profile, reg)
        root[c.name] = (kind, field_info(c, reg, scores=kind if c.type == "自评分" else None))
    if profile is not None:
        batch = reg.root_column_of_type("认定批次")
        root[batch.name] = (Text, Field(profile.name, alias=batch.label))
    models[""] = _derive(reg.root.model, root)
    return models


#: Application models already built, by (profile fingerprint, registry).
_MODELS: dict[tuple[str, Registry], type[Application]] = {}


def model_for(profile: Profile, reg: Registry | None = None) -> type[Application]:
    """Return the Application model for `profile`, built from the registry's sections.

    Every section model is derived from the registry (``schema/sections.yaml``) — its keys, types,
    descriptions and defaults — with the class of the same name (`Lecturer` …) as its base for
    the computed properties. The profile narrows 所属区县 and 指标 to its values and gives the
    自评分 their keys and maxima, so errors point at the exact key that is wrong.

    Args:
        profile: the 认定批次.
        reg: another registry (by default the built-in one).
    """
    key = (profile.fingerprint, reg or registry())
    model = _MODELS.get(key)
    if model is None:
        built = derived_models(key[1], profile, reuse=True)[""]
        assert issubclass(built, Application)
        model = _MODELS[key] = built
    return model
