"""How 附件2《申报表》 prints what the registry describes: layout, computed figures, cell formats.

The registry (``sections.yaml``) says, besides each section's columns: the 基本情况 grid (which
field or figure sits in which cell, row heights, alignment), the figures the program computes
(讲师数量 …: their printed names, aliases, the `Application` property that computes them), the
figures listed by the 预审 report and the columns of the batch's 汇总表, and for a field printed
together with another in one cell, its format (``（{名}：{值}）``).

A format is written once and read both ways: `fill` gives the text the form shows, `pattern` the
regular expression ``extract`` reads it back with — so what the form writes and what ``extract``
expects can never drift apart. In a format ``{值}`` is the value, ``{名}`` the printed name;
reading, a space may be any spacing (or none), brackets and colons either width, and the name
any of the column's names (label, printed name, aliases).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "VALUE",
    "BasicLayout",
    "BasicRow",
    "Figure",
    "FormLayout",
    "Pick",
    "fill",
    "pattern",
]

#: The placeholders of a format.
VALUE, NAME = "{值}", "{名}"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FormLayout(_Frozen):
    """What belongs to 附件2 as a whole: the 序号 column's width and the closing note."""

    number_width: float = Field(alias="序号列宽", gt=0)
    closing_note: str = Field("", alias="表尾注")


class Figure(_Frozen):
    """A figure the program computes (讲师数量 …): never typed, printed and checked.

    Attributes:
        name: as the forms print it.
        aliases: other names a hand-typed form or a YAML file may use.
        attribute: the `Application` property that computes it (None: no single value, 小计).
        description: what it is computed from, for the message when someone types it.
        form_headers_: its label in the 基本情况 grid, when other than `name`.
        template_key: its cell in the template (default: `attribute`).
        checks: a list section whose row count a form's printed figure must equal.
    """

    name: str = Field(alias="名称", min_length=1)
    aliases: tuple[str, ...] = Field((), alias="别名")
    attribute: str | None = Field(None, alias="属性", pattern=r"^[a-z_][a-z0-9_]*$")
    description: str = Field("", alias="说明")
    form_headers_: tuple[str, ...] = Field((), alias="表中列名")
    template_key_: str | None = Field(None, alias="模板键")
    checks: str | None = Field(None, alias="核对")
    format: str = Field(VALUE, alias="格式")

    @property
    def form_headers(self) -> tuple[str, ...]:
        """Its labels on the form (its name unless written otherwise)."""
        return self.form_headers_ or (self.name,)

    @property
    def template_key(self) -> str | None:
        """The cell of the template it fills."""
        return self.template_key_ or self.attribute


class Pick(_Frozen):
    """A column of a listing (the 汇总表, the 预审's figures): its header and where it comes from.

    Written in ``sections.yaml`` as the header alone when it is the name of a figure or a
    基本情况 column, else as ``{列名: …, 取自: …}``.
    """

    header: str = Field(alias="列名", min_length=1)
    source_: str | None = Field(None, alias="取自")

    @property
    def source(self) -> str:
        """The figure or 基本情况 column it shows."""
        return self.source_ or self.header


class BasicRow(_Frozen):
    """One row of the 基本情况 grid: one to three cells, each a label and its value.

    A cell names one field or figure, or several: the first gives the cell its label and template
    key, the others are printed after it, each on a line of its own and in its own format.
    """

    cells: tuple[tuple[str, ...], ...] = Field(alias="格", min_length=1, max_length=3)
    height: float | None = Field(None, alias="行高", gt=0)
    align: Literal["居中", "靠左"] = Field("居中", alias="对齐")
    may_split: bool = Field(False, alias="可跨页")

    @field_validator("cells", mode="before")
    @classmethod
    def _one_or_several(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [item if isinstance(item, list) else [item] for item in value]
        return value


class BasicLayout(_Frozen):
    """The 基本情况 grid: its columns' widths (cm) and its rows."""

    widths: tuple[float, ...] = Field(alias="列宽", min_length=6, max_length=6)
    rows: tuple[BasicRow, ...] = Field(alias="行", min_length=1)

    @property
    def cells(self) -> list[tuple[str, ...]]:
        """Every cell's parts, row by row."""
        return [cell for row in self.rows for cell in row.cells]


def fill(form: str, value: str, name: str = "") -> str:
    """Return the text of `form` for `value` (already formatted) and the printed `name`."""
    return form.replace(NAME, name).replace(VALUE, value)


#: How a format's literal characters are read: either width, any spacing for a space.
_READ_AS = {
    " ": r"\s*",
    "（": r"[（(]",
    "(": r"[（(]",
    "）": r"[）)]",
    ")": r"[）)]",
    "：": r"[:：]",
    ":": r"[:：]",
}


def pattern(form: str, value: str, names: tuple[str, ...] = ()) -> str:
    """Return the regular expression that reads text written by `form` back.

    Args:
        form: the format (``（{名} {值} 平方米）``).
        value: the regular expression of the value, with its own group (``(\\d+)``).
        names: every name the ``{名}`` may be written as; a colon may follow it.
    """
    out = []
    for piece in re.split(r"(\{值\}|\{名\})", form):
        if piece == VALUE:
            out.append(value)
        elif piece == NAME:
            alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
            out.append(rf"(?:{alternatives})\s*[:：]?")
        else:
            out.append("".join(_READ_AS.get(ch, re.escape(ch)) for ch in piece))
    return "".join(out)
