"""The kinds of value a column of the registry holds: the loader's type and the editor's schema.

Each registry type (``文字``, ``整数``, ``日期`` …, see ``sections.yaml``) has two faces kept side by
side here: the pydantic type the loader validates with, and the JSON Schema fragment the editor
checks with (`json_type`). The loader reads every YAML scalar as the text the user typed; an editor
reads YAML 1.2, where ``13800001111`` and ``60`` are numbers and ``2015-06-18`` is text. So each
fragment accepts the JSON values a YAML 1.2 reader makes of the text the loader accepts: a count as
an integer or as digits in quotes, a phone number typed without quotes as an integer, and so on.
The fragments' patterns are built from the loader's own regular expressions, never retyped.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_serializer,
    model_validator,
)

from . import _dates
from ._dates import parse_date, parse_period
from ._phone import check_phone
from ._registry import Column, registry
from ._text import Text

__all__ = [
    "EDUCATION_LEVELS",
    "REGISTRY_TYPE",
    "Amount",
    "Count",
    "CreditCode",
    "DateText",
    "Education",
    "Files",
    "Period",
    "PeriodText",
    "Phone",
    "Text",
    "ValidUntil",
    "json_type",
    "number_schema",
    "parse_date",
]

#: The 学历 levels, highest first (from the registry).
EDUCATION_LEVELS: tuple[str, ...] = registry().education_levels
BACHELOR_OR_ABOVE = frozenset(registry().bachelor_or_above)

if TYPE_CHECKING:
    Education = str
else:
    Education = Literal[EDUCATION_LEVELS]


DateText = Annotated[dt.date, BeforeValidator(parse_date)]


class Period(BaseModel):
    """A 时间 cell: one day, or a range written ``2020-07-06 ~ 2020-07-10``."""

    model_config = ConfigDict(frozen=True)

    start: dt.date
    end: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, Period):
            return value
        if isinstance(value, dt.date):
            return {"start": parse_date(value)}
        if isinstance(value, dict):
            return value
        start, end = parse_period(value)
        return {"start": start, "end": end}

    @model_serializer
    def _to_text(self) -> str:
        return str(self)

    def __str__(self) -> str:
        if self.end is None:
            return self.start.isoformat()
        return f"{self.start.isoformat()} ~ {self.end.isoformat()}"

    @property
    def last_day(self) -> dt.date:
        """The last day of the period (the start, for a single day)."""
        return self.end or self.start


PeriodText = Period

Phone = Annotated[str, AfterValidator(check_phone)]

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _check_credit_code(value: str) -> str:
    code = value.strip()
    if len(code) != 18:
        raise ValueError(f"统一社会信用代码应为 18 位，现在是 {len(code)} 位")
    bad = [c for c in code if c not in _CODE_CHARS]
    if bad:
        raise ValueError(
            f"统一社会信用代码含有不允许的字符“{''.join(bad)}”（只能是数字和大写字母，不含 I、O、Z、S、V）"
        )
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(code[:17], _CODE_WEIGHTS, strict=True))
    expected = _CODE_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        raise ValueError(
            f"统一社会信用代码“{code}”的校验位不对（按 GB 32100-2015 应为 {expected}），请核对是否抄错"
        )
    return value


CreditCode = Annotated[str, AfterValidator(_check_credit_code)]

_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_DECIMAL_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _plain_number(pattern: re.Pattern[str], kind: str) -> Any:
    """Refuse number text Python would accept but a form should not show (``1_000``, ``1e3``)."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and not pattern.fullmatch(value.strip()):
            raise ValueError(f"应是{kind}，现在是“{value}”")
        return value

    return BeforeValidator(check)


Count = Annotated[int, _plain_number(_INTEGER_TEXT, "整数"), Field(ge=0)]
Amount = Annotated[Decimal, _plain_number(_DECIMAL_TEXT, "数字"), Field(ge=0, allow_inf_nan=False)]


def _to_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Files = Annotated[list[Text], BeforeValidator(_to_list), Field(min_length=1)]


def _date_or_long_term(value: Any) -> Any:
    """Return "长期" unchanged and anything else as a date, with one message naming both forms."""
    if value == LONG_TERM:
        return value
    try:
        return parse_date(value)
    except ValueError as e:
        raise ValueError(f"{e}；长期有效的写“{LONG_TERM}”") from None


LONG_TERM = "长期"
ValidUntil = Annotated[dt.date | Literal["长期"], BeforeValidator(_date_or_long_term)]


# ---------------------------------------------------------------------------------------------
# The editor's view: JSON Schema of each type, as a YAML 1.2 reader sees the values
# ---------------------------------------------------------------------------------------------


def _ecma(pattern: str) -> str:
    """Return a pattern of the date parser for an editor (ECMAScript, which reads text as typed).

    The parser first folds full-width digits and marks to ASCII (NFKC) and takes ``\\d`` as any
    digit; the editor sees the text unfolded, so ASCII and full-width forms are both listed.
    """
    out = re.sub(r"\(\?P<\w+>", "(?:", pattern.removeprefix("^").removesuffix("$"))
    return out.replace(r"\d", "[0-9０-９]").replace("[-/.]", "[-/.－／．]")


_DATE_RE = _ecma(_dates._FULL_DATE.pattern)
_END_RE = (
    "(?:"
    + "|".join(_ecma(p.pattern) for p in (_dates._FULL_DATE, _dates._MONTH_DAY, _dates._DAY))
    + ")"
)
_PERIOD_RE = f"{_DATE_RE}(?:(?:{_ecma(_dates._JOINERS.pattern)}|\\s*-\\s*){_END_RE})?"
#: A phone number's characters: digits, separators, brackets, + and an extension word, with at
#: least 7 digits. (Which digits make a number is the loader's `check_phone`; a pattern would
#: have to repeat its every rule.)
_PHONE_RE = (
    r"^(?=(?:[^0-9]*[0-9]){7})"
    r"[0-9０-９\s()（）+\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d转分机号extEXx.、，,；;/／]+$"
)
_NONNEG_INTEGER_RE = r"\+?\d+"
_NONNEG_DECIMAL_RE = r"\+?(?:\d+(?:\.\d*)?|\.\d+)"
_CREDIT_RE = f"[{_CODE_CHARS}]{{18}}"

#: The JSON types a YAML 1.2 reader makes of plain text the loader takes as text.
_ANY_SCALAR = ["string", "number", "boolean"]


def _whole(pattern: str) -> str:
    return rf"^\s*{pattern}\s*$"


def number_schema(*, integer: bool, maximum: float | None = None) -> dict[str, Any]:
    """A count (`integer`) or an amount from 0 to `maximum`: a YAML 1.2 number, or its digits in quotes."""
    schema: dict[str, Any] = {
        "type": ["integer" if integer else "number", "string"],
        "minimum": 0,
        "pattern": _whole(_NONNEG_INTEGER_RE if integer else _NONNEG_DECIMAL_RE),
    }
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def _json_base(column: Column, choices: tuple[str, ...]) -> dict[str, Any]:
    """The JSON Schema of a filled value of `column` (before blank values are allowed)."""
    kind = column.type
    if kind in ("文字", "长文字"):
        # Only a required 文字 must not be empty; quoted '' is text the optional ones may hold.
        required = kind == "文字" and column.required
        return {"type": list(_ANY_SCALAR), **({"minLength": 1} if required else {})}
    if kind in ("整数", "数字"):
        return number_schema(integer=kind == "整数")
    if kind == "日期":
        return {"type": "string", "pattern": _whole(_DATE_RE)}
    if kind == "时间段":
        return {"type": "string", "pattern": _whole(_PERIOD_RE)}
    if kind == "日期或长期":
        return {"type": "string", "pattern": f"^(?:\\s*{_DATE_RE}\\s*|{LONG_TERM})$"}
    if kind == "电话":
        # Typed without quotes, a phone number is an integer to YAML 1.2 (a leading 0 dropped).
        return {
            "type": ["string", "integer"],
            "pattern": _PHONE_RE,
            "minimum": 2_000_000,
            "maximum": 8_619_999_999_999,
        }
    if kind == "信用代码":
        return {
            "type": ["string", "integer"],
            "pattern": _whole(_CREDIT_RE),
            "minimum": 10**17,
            "maximum": 10**18 - 1,
        }
    if kind in ("学历", "选项", "区县", "指标"):
        return {"enum": list(choices)}
    if kind == "文字列表":
        return {"type": "array", "items": {"type": list(_ANY_SCALAR), "minLength": 1}}
    if kind == "文件":
        # One path, or a list of them.
        return {
            "type": ["string", "number", "array"],
            "minLength": 1,
            "items": {"type": list(_ANY_SCALAR), "minLength": 1},
            "minItems": 1,
        }
    raise ValueError(f"{column.label}：类型“{kind}”没有单独的 JSON Schema")  # 栏目, 自评分


def json_type(column: Column, choices: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the JSON Schema of `column`'s value, with its Chinese description and example.

    Args:
        column: a column of the registry (not of type 栏目 or 自评分, which the caller builds).
        choices: the values of a column of type 区县 or 指标 (from the 认定批次); 学历 and 选项
            take theirs from the registry.
    """
    if column.type == "学历":
        choices = EDUCATION_LEVELS
    elif column.type == "选项":
        choices = column.choices
    schema = _json_base(column, choices)
    if not column.required and column.type not in LIST_VALUED:
        if "enum" in schema:
            schema["enum"].append(None)
        else:
            schema["type"] = [*_as_list(schema["type"]), "null"]
    return describe(schema, column)


#: The annotation naming a property's registry type (``日期``, ``电话`` …) for tools that build
#: inputs from the schema; validators ignore keywords they do not know.
REGISTRY_TYPE = "x-jidi-type"


def describe(schema: dict[str, Any], column: Column) -> dict[str, Any]:
    """Return `schema` with the column's label as title, its description and its example."""
    out: dict[str, Any] = {"title": column.label, REGISTRY_TYPE: column.type}
    if column.description:
        out["description"] = column.description + ("" if column.required else "（选填）")
    if column.example is not None:
        out["examples"] = [_plain(column.example)]
    out.update(schema)
    return out


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


#: Types written as a list; a blank one is taken as an empty list.
LIST_VALUED = frozenset({"文字列表"})
