"""Chinese wording of pydantic validation errors (pure functions, no I/O).

Why by hand: pydantic's messages are English and name Python types; our users are office staff
who need to hear what to type instead, in the labels they know.
"""

from __future__ import annotations

import difflib
import re
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from ..schema import registry

__all__ = ["derived_fields", "describe", "model_at", "suggest"]


def derived_fields() -> dict[str, str]:
    """Figures the forms show but the program computes (the registry's 计算项, by every name
    they go by) → what they are computed from; typing one is an error with an explanation."""
    return {
        name: figure.description
        for figure in registry().figures
        for name in (figure.name, *figure.aliases)
    }


def _kind(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, dict):
        return "“栏目: 值”的映射"
    if isinstance(value, list):
        return "列表"
    return f"“{value}”"


def _unwrap(annotation: Any) -> Any:
    """Return the model class inside list[...] / X | None / Annotated[...], if any."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (list, typing.Union) or str(origin) == "<class 'types.UnionType'>":
        for arg in get_args(annotation):
            found = _unwrap(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def model_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """Return the model class that validates the mapping at `loc` (keys given by alias)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        for name, info in model.model_fields.items():
            if part in (info.alias, name):
                model = _unwrap(info.annotation)
                break
        else:
            return None
    return model


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The YAML keys a model accepts, in declaration order."""
    return [info.alias or name for name, info in model.model_fields.items()]


#: Words people write for a value that the forms name differently.
_SYNONYMS = {
    "大学": "本科",
    "大学本科": "本科",
    "学士": "本科",
    "研究生": "硕士",
    "博士研究生": "博士",
    "硕士研究生": "硕士",
    "专科": "大专",
    "大学专科": "大专",
    "高中": "高中及以下",
    "初中": "高中及以下",
    "全职": "专职",
    "外聘": "兼职",
}


def suggest(word: str, choices: list[str]) -> str | None:
    """Return the closest choice to `word`, or None when nothing is close."""
    if _SYNONYMS.get(word) in choices:
        return _SYNONYMS[word]
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.4)
    if found:
        return found[0]
    # Chinese labels are short: also accept a choice that contains the word or vice versa.
    for choice in choices:
        if word and (word in choice or choice in word):
            return choice
    return None


def _literal_choices(error: ErrorDetails) -> list[str]:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    return re.findall(r"'((?:[^'\\]|\\.)*)'", expected)


def describe(error: ErrorDetails, root: type[BaseModel]) -> str:
    """Return the Chinese message for one pydantic error: what is wrong and what is allowed."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    loc = tuple(error["loc"])
    field = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""

    if kind == "missing":
        return "是必填栏目，不能缺少。"
    if kind == "extra_forbidden":
        derived = derived_fields()
        if field in derived:
            return f"“{field}”由程序根据{derived[field]}自动计算，不用填写，请删除这一行。"
        parent = model_at(root, loc[:-1])
        keys = allowed_keys(parent) if parent is not None else []
        guess = suggest(field, keys)
        text = f"没有“{field}”这一栏。"
        if guess:
            text += f"是不是“{guess}”？"
        if keys:
            text += f"这里可用的栏目有：{'、'.join(keys)}。"
        return text
    if kind == "literal_error":
        choices = _literal_choices(error)
        text = f"{_kind(value)}不在可选范围内。"
        guess = suggest(str(value), choices) if isinstance(value, str) else None
        if guess:
            text += f"是不是“{guess}”？"
        return text + f"只能是：{'、'.join(choices)}。"
    if kind in ("string_type", "str_type"):
        return f"应是一段文字，现在是{_kind(value)}。"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"应是整数，现在是{_kind(value)}。"
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number"):
        return f"应是数字，现在是{_kind(value)}。"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}，现在是 {value}。"
    if kind == "greater_than":
        return f"必须大于 {ctx.get('gt')}，现在是 {value}。"
    if kind == "less_than_equal":
        if loc and loc[0] == "自评分":
            return f"自评分不能超过该指标的分值 {ctx.get('le')} 分，现在是 {value}。允许 0 到 {ctx.get('le')}。"
        return f"不能大于 {ctx.get('le')}，现在是 {value}。"
    if kind == "less_than":
        return f"必须小于 {ctx.get('lt')}，现在是 {value}。"
    if kind in ("list_type", "tuple_type"):
        return f"应是列表（每一项另起一行，以“- ”开头），现在是{_kind(value)}。"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"应是“栏目: 值”的映射（下一级栏目缩进两格），现在是{_kind(value)}。"
    if kind in ("too_short", "string_too_short"):
        return "不能为空。" if kind == "string_too_short" or not value else "至少要有一项。"
    if kind == "string_pattern_mismatch":
        return f"{_kind(value)}格式不对。"
    if kind in ("decimal_max_places", "decimal_max_digits", "decimal_whole_digits"):
        return f"{_kind(value)}的位数太多。"
    if kind in ("value_error", "assertion_error"):
        msg = str(error.get("msg", ""))
        msg = re.sub(r"^(Value error|Assertion failed), ", "", msg)
        return msg if msg.endswith(("。", "？", "！")) else msg + "。"
    return f"取值无效：{error.get('msg')}。"
