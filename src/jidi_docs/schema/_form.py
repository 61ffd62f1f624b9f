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
from dataclasses import dataclass
from typing import Any, Literal

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

# Why plain dataclasses read by hand, not pydantic models like the rest of the registry: every
# command that reads the registry (check included) would build five more pydantic models at
# start-up, about 5 ms; these few shapes are checked here with messages just as clear.


def _mapping(
    data: Any, where: str, known: tuple[str, ...], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """`data` as a mapping of the `known` keys with every `required` one.

    Raises:
        ValueError: anything else (pydantic reports a ValueError at the registry's key).
    """
    if not isinstance(data, dict):
        raise ValueError(f"{where}：应为“键: 值”的映射")  # noqa: TRY004 - see Raises
    unknown = [k for k in data if k not in known]
    if unknown:
        raise ValueError(
            f"{where}：不认识的键 {'、'.join(map(str, unknown))}（可用：{'、'.join(known)}）"
        )
    missing = [k for k in required if k not in data]
    if missing:
        raise ValueError(f"{where}：缺少 {'、'.join(missing)}")
    return data


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}：应为一段文字")
    return value


def _texts(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(_text(v, where) for v in items)


def _positive(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{where}：应为大于 0 的数")
    return float(value)


@dataclass(frozen=True)
class FormLayout:
    """What belongs to 附件2 as a whole: the 序号 column's width and the closing note."""

    number_width: float
    closing_note: str = ""

    @classmethod
    def read(cls, data: Any) -> FormLayout:
        """Return the layout from the registry's ``附件2`` (序号列宽, 表尾注)."""
        d = _mapping(data, "附件2", ("序号列宽", "表尾注"), ("序号列宽",))
        note = d.get("表尾注", "")
        return cls(
            _positive(d["序号列宽"], "附件2 → 序号列宽"),
            _text(note, "附件2 → 表尾注") if note else "",
        )


@dataclass(frozen=True)
class Figure:
    """A figure the program computes (讲师数量 …): never typed, printed and checked.

    Attributes:
        name: as the forms print it.
        aliases: other names a hand-typed form or a YAML file may use.
        attribute: the `Application` property that computes it (None: no single value, 小计).
        description: what it is computed from, for the message when someone types it.
        form_headers_: its label in the 基本情况 grid, when other than `name`.
        template_key_: its cell in the template, when other than `attribute`.
        checks: a list section whose row count a form's printed figure must equal.
        format: how it is printed in its cell (``{值}``).
    """

    name: str
    aliases: tuple[str, ...] = ()
    attribute: str | None = None
    description: str = ""
    form_headers_: tuple[str, ...] = ()
    template_key_: str | None = None
    checks: str | None = None
    format: str = VALUE

    _KEYS = ("名称", "别名", "属性", "说明", "表中列名", "模板键", "核对", "格式")

    @classmethod
    def read(cls, data: Any) -> Figure:
        """Return the figure of one entry of the registry's ``计算项``."""
        d = _mapping(
            data,
            f"计算项 {data.get('名称', '') if isinstance(data, dict) else ''}",
            cls._KEYS,
            ("名称",),
        )
        where = f"计算项“{d['名称']}”"
        attribute = d.get("属性")
        if attribute is not None and not re.fullmatch(r"[a-z_][a-z0-9_]*", str(attribute)):
            raise ValueError(f"{where} → 属性：应为 Python 属性名")
        return cls(
            name=_text(d["名称"], where),
            aliases=_texts(d.get("别名", []), f"{where} → 别名"),
            attribute=attribute,
            description=str(d.get("说明", "")),
            form_headers_=_texts(d.get("表中列名", []), f"{where} → 表中列名"),
            template_key_=d.get("模板键"),
            checks=d.get("核对"),
            format=_text(d.get("格式", VALUE), f"{where} → 格式"),
        )

    @property
    def form_headers(self) -> tuple[str, ...]:
        """Its labels on the form (its name unless written otherwise)."""
        return self.form_headers_ or (self.name,)

    @property
    def template_key(self) -> str | None:
        """The cell of the template it fills."""
        return self.template_key_ or self.attribute


@dataclass(frozen=True)
class Pick:
    """A column of a listing (the 汇总表, the 预审's figures): its header and where it comes from.

    Written in ``sections.yaml`` as the header alone when it is the name of a figure or a
    基本情况 column, else as ``{列名: …, 取自: …}``.
    """

    header: str
    source_: str | None = None

    @classmethod
    def read(cls, data: Any) -> Pick:
        """Return the column of one entry of ``汇总表`` or ``预审数字``."""
        if isinstance(data, str):
            return cls(_text(data, "列名"))
        d = _mapping(data, "汇总表或预审数字的一项", ("列名", "取自"), ("列名",))
        source = d.get("取自")
        return cls(_text(d["列名"], "列名"), _text(source, "取自") if source is not None else None)

    @property
    def source(self) -> str:
        """The figure or 基本情况 column it shows."""
        return self.source_ or self.header


@dataclass(frozen=True)
class BasicRow:
    """One row of the 基本情况 grid: one to three cells, each a label and its value.

    A cell names one field or figure, or several: the first gives the cell its label and template
    key, the others are printed after it, each on a line of its own and in its own format.
    """

    cells: tuple[tuple[str, ...], ...]
    height: float | None = None
    align: Literal["居中", "靠左"] = "居中"
    may_split: bool = False

    @classmethod
    def read(cls, data: Any) -> BasicRow:
        """Return one entry of the 基本情况 grid's ``行``."""
        d = _mapping(data, "表格 → 行", ("格", "行高", "对齐", "可跨页"), ("格",))
        cells = d["格"] if isinstance(d["格"], list) else [d["格"]]
        if not 1 <= len(cells) <= 3:
            raise ValueError("表格 → 行 → 格：一行写一到三格")
        align = d.get("对齐", "居中")
        if align not in ("居中", "靠左"):
            raise ValueError("表格 → 行 → 对齐：只能是 居中 或 靠左")
        height = d.get("行高")
        return cls(
            tuple(_texts(c, "表格 → 行 → 格") for c in cells),
            _positive(height, "表格 → 行 → 行高") if height is not None else None,
            align,
            bool(d.get("可跨页", False)),
        )


@dataclass(frozen=True)
class BasicLayout:
    """The 基本情况 grid: its six columns' widths (cm) and its rows."""

    widths: tuple[float, ...]
    rows: tuple[BasicRow, ...]

    @classmethod
    def read(cls, data: Any) -> BasicLayout:
        """Return the layout of a section's ``表格``."""
        d = _mapping(data, "表格", ("列宽", "行"), ("列宽", "行"))
        widths = d["列宽"]
        if not isinstance(widths, list) or len(widths) != 6:
            raise ValueError("表格 → 列宽：写六列的宽度")
        if not isinstance(d["行"], list) or not d["行"]:
            raise ValueError("表格 → 行：至少写一行")
        return cls(
            tuple(_positive(w, "表格 → 列宽") for w in widths),
            tuple(BasicRow.read(r) for r in d["行"]),
        )

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
