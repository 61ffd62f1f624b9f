"""The JSON Schema of the application YAML, for editors: built from the registry and the profile.

It accepts what the loader accepts, as an editor reading YAML 1.2 sees it: every key with its
Chinese description and an example, limits as ``minimum``/``maximum``, choices as ``enum``; a
phone number typed without quotes (a number to YAML 1.2), blank optional fields, one file or a
list of files, and every list written as ``{文件: 讲师.xlsx}`` instead. What one value's JSON
Schema is comes from `jidi_docs.schema._types.json_type`, next to the type the loader checks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..schema import (
    REGISTRY_TYPE,
    Column,
    Profile,
    Registry,
    Section,
    builtin_profiles,
    describe,
    json_type,
    number_schema,
    registry,
)
from ._load import get_profile
from ._tables import FILE_KEY, SHEET_KEY

__all__ = ["REGISTRY_TYPE", "json_schema"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(
    profile: Profile | str | None = None, *, reg: Registry | None = None
) -> dict[str, Any]:
    """Return the JSON Schema of the application YAML (keys are the Chinese labels).

    Args:
        profile: the 认定批次 (a `Profile`, a built-in name or a profile file); by default the
            registry's default 认定批次.
        reg: the registry of sections (by default the built-in one).
    """
    reg = reg or registry()
    chosen = profile if isinstance(profile, Profile) else get_profile(profile)
    defs = {
        s.model: {
            "title": s.key,
            "description": _section_text(s),
            **_object(s.columns, reg, chosen),
        }
        for s in reg.sections
    }
    return {
        "$schema": _DIALECT,
        "title": f"杭州跨境电商人才社会培训基地认定申报（{chosen.name}）",
        "description": reg.root.description,
        **_object(reg.root.columns, reg, chosen),
        "$defs": defs,
    }


def _section_text(section: Section) -> str:
    """The section's heading on the form (一、基本情况 …) and what it holds."""
    if not section.heading or section.heading in section.description:
        return section.description
    return f"{section.heading}；{section.description}"


def _object(columns: tuple[Column, ...], reg: Registry, profile: Profile) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {c.label: _property(c, reg, profile) for c in columns},
        "required": [c.label for c in columns if c.required],
        "additionalProperties": False,
    }


def _property(column: Column, reg: Registry, profile: Profile) -> dict[str, Any]:
    if column.type == "栏目":
        return _section(column, reg)
    if column.type == "自评分":
        return describe(_scores(profile), column)
    if column.type == "认定批次":
        names = sorted({*builtin_profiles(), profile.name})
        return describe({"type": "string", "enum": names}, column)
    choices: tuple[str, ...] = ()
    if column.type == "区县":
        choices = tuple(profile.districts)
    elif column.type == "指标":
        choices = tuple(profile.evidence_groups)
    return json_type(column, choices)


def _section(column: Column, reg: Registry) -> dict[str, Any]:
    """A section: 基本情况 is one mapping; every other section a list, or a spreadsheet's name."""
    section = reg.section(column.label)
    ref = f"#/$defs/{section.model}"
    text = _section_text(section)
    if section.key == reg.mapping_section.key:
        return {"title": column.label, "description": text, "$ref": ref}
    example = section.workbook or f"{section.key}.xlsx"
    return {
        "title": column.label,
        "description": f"{text}。也可以写成 {{{FILE_KEY}: {example}}}，从表格文件读取",
        # One schema for both forms (not anyOf), so an editor reports a wrong row once.
        "type": ["array", "object"],
        "items": {"$ref": ref},
        "properties": {
            FILE_KEY: {
                "type": "string",
                "minLength": 1,
                "description": ".xlsx 或 .csv（UTF-8 或 GBK），相对于本 YAML 文件所在的文件夹；"
                "第一行是列名（与 YAML 栏目名相同），每行一项",
                "examples": [example],
            },
            SHEET_KEY: {"type": "string", "description": "工作表名称，默认第一个工作表"},
        },
        "required": [FILE_KEY],
        "additionalProperties": False,
    }


def _blank_allowed(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [*schema["type"], "null"]}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _scores(profile: Profile) -> dict[str, Any]:
    """自评分: one optional number per indicator of the 评价表, from 0 to its points."""
    return {
        "type": "object",
        "properties": {
            ind.name: {
                "title": ind.name,
                "description": f"满分 {_number(ind.max_points)} 分；不写表示尚未自评",
                "examples": [_number(ind.max_points)],
                **_blank_allowed(number_schema(integer=False, maximum=_number(ind.max_points))),
            }
            for ind in profile.indicators
        },
        "additionalProperties": False,
    }
