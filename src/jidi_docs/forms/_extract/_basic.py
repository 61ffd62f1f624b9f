"""一、基本情况: label cells and the values beside them, wherever the rows are.

A label may be typed with spaces or line breaks in it, its value may fill several cells, and a
label merged down over several rows (``培训场地及可容纳人数`` with one venue per row) collects the
value of every row it covers. A computed figure (讲师数量 …) is read only to be compared with the
rows found, so a list that lost rows says so.

Labels, aliases and what a cell holds come from the registry (`_sections.basic_spec`); a cell
printing several fields (单位名称 with its 统一社会信用代码) is split by the expression its
formats give (`jidi_docs.schema.pattern`), so it is read as the form writes it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ...schema import Column, Figure, Registry, pattern, registry
from ._cells import Unreadable, parse_date_cell, parse_number, parse_phone
from ._result import Note, SectionReport
from ._sections import BASIC, basic_label, basic_spec
from ._stream import Block, Cell
from ._venues import parse_venues

__all__ = ["BasicReader"]

_EMPTY_DATE = re.compile(r"^年\s*月\s*日$")
_INLINE = re.compile(r"^([^:：\n]{2,24}?)\s*[:：]\s*(\S.*)$", re.DOTALL)
#: How a value of each type is matched inside a cell; a number may carry its unit.
_NUMBER = r"(\d+(?:\.\d+)?)(?:\s*(?:个|人次|人))?"
_VALUE = {"数字": _NUMBER, "整数": r"(\d+)(?:\s*(?:个|人次|人))?", "信用代码": r"([0-9A-Za-z]+)"}
#: Ways of writing square metres, read as the form writes them.
_AREA_UNITS = re.compile(r"平米|㎡|m²|m2")
_LIST_SPLIT = re.compile(r"[、，,；;\n]")


def _value_pattern(part: Column | Figure, *, first: bool) -> str:
    if isinstance(part, Figure):
        return _VALUE["整数"]
    return _VALUE.get(part.type, "(.*?)" if first else "(.*)")


@cache
def _cell_pattern(parts: tuple[Column | Figure, ...]) -> re.Pattern[str]:
    """The expression of a cell printing `parts`: the first part's value, then each later one
    in its own format, each optional, in any spacing."""
    head = pattern(parts[0].format, _value_pattern(parts[0], first=True))
    tails = "".join(
        rf"(?:\s*{pattern(p.format, _value_pattern(p, first=False), _part_names(p))})?"
        for p in parts[1:]
    )
    return re.compile(rf"^{head}{tails}\s*$", re.DOTALL)


def _part_names(part: Column | Figure) -> tuple[str, ...]:
    """Every name `{名}` may stand for in a part's format."""
    if isinstance(part, Figure):
        return (*part.form_headers, part.name, *part.aliases)
    return part.names


def _inline(text: str, reg: Registry) -> tuple[str, str] | None:
    """Split ``单位名称：杭州……`` into its 基本情况 label and value, or None."""
    m = _INLINE.match(text.strip())
    if m is None or not basic_label(m[1], reg)[0]:
        return None
    return m[1], m[2].strip()


class BasicReader:
    """Collects 基本情况 from the rows given to `row`; `finish` returns the data."""

    def __init__(
        self, notes: list[Note], report: SectionReport, reg: Registry | None = None
    ) -> None:
        self.notes = notes
        self.report = report
        self.reg = reg or registry()
        self.spec = basic_spec(self.reg)
        self.texts: dict[str, list[str]] = {}
        self.figures: dict[str, str] = {}
        self.last: str | None = None

    def row(self, block: Block) -> None:
        """Read one row: each label cell and the cells after it up to the next label.

        A cell holding both (``单位名称：杭州……``) counts as a label with its value.
        """
        parts: list[tuple[Cell | None, list[Cell]]] = []
        for cell in block.cells:
            inline = _inline(cell.text, self.reg)
            if basic_label(cell.text, self.reg)[0]:
                parts.append((cell, []))
            elif inline is not None and not cell.merged_above:
                parts.append((Cell(cell.col, 0, inline[0]), [Cell(cell.col, 0, inline[1])]))
            elif parts:
                parts[-1][1].append(cell)
            else:
                parts.append((None, [cell]))
        for label, values in parts:
            fresh = [c for c in values if c.text and not c.merged_above]
            if label is None:
                if fresh and self.last in self.spec.multi_row:
                    self._add(self.last, fresh, continued=True)
                elif fresh:
                    for c in fresh:
                        self.notes.append(
                            Note((BASIC,), c.text, f"{block.where}的这一格前面没有栏目名，没有读取")
                        )
                continue
            name = label.text
            key = basic_label(name, self.reg)[1]
            if key is None:  # a figure the program computes
                figure = re.sub(r"[（(].*", "", "".join(name.split()))
                if figure in self.spec.checked and fresh:
                    self.figures[figure] = fresh[0].text
                continue
            self.last = key
            self.report.found = True
            self.texts.setdefault(key, [])
            if fresh:
                self._add(key, fresh, continued=label.merged_above)

    def paragraph(self, text: str) -> bool:
        """Read ``单位名称：杭州……`` typed as a paragraph; False when `text` is not one."""
        inline = _inline(text, self.reg)
        if inline is None:
            return False
        self.row(Block(text, (Cell(0, 1, inline[0]), Cell(1, 1, inline[1]))))
        return True

    def _add(self, key: str, cells: list[Cell], *, continued: bool) -> None:
        venues = self.reg.mapping_section.column(key).type == "栏目"
        text = ("，" if venues and len(cells) > 1 else "\n").join(c.text for c in cells)
        if _EMPTY_DATE.match(text.replace(" ", "")):
            return
        have = self.texts.setdefault(key, [])
        if have and key not in self.spec.multi_row and text not in have:
            self.notes.append(
                Note((BASIC, key), text, f"表中“{key}”出现了两次，只读取了第一次的“{have[0]}”")
            )
            return
        if text not in have or continued:
            have.append(text)

    def finish(self, lists: dict[str, list[Any]]) -> dict[str, Any]:
        """Return 基本情况 in the contract's order; note what the form lacks or contradicts."""
        out: dict[str, Any] = {}
        for key, texts in self.texts.items():
            if texts:
                try:
                    self._value(key, "\n".join(texts), out)
                except Unreadable as e:
                    self.notes.append(Note((BASIC, key), "\n".join(texts), str(e)))
        self.report.missing = [
            label for key, label in self.spec.required.items() if key not in self.texts
        ]
        self.report.rows = len(out)
        for figure, section in self.spec.checked.items():
            typed = self.figures.get(figure, "").strip()
            if typed.isdigit() and int(typed) != len(lists.get(section, [])):
                self.notes.append(
                    Note(
                        (section,),
                        f"{figure} {typed}",
                        f"表中写的{figure}是 {typed}，读到的是 {len(lists.get(section, []))} 行；"
                        "请核对是否有行没有读到",
                    )
                )
        return {k: out[k] for k in self.spec.order if k in out}

    def _value(self, key: str, text: str, out: dict[str, Any]) -> None:
        """Read the cell of field `key`: split it by its parts' formats, then each by its type."""
        parts = self.spec.cells.get(key) or (self.reg.mapping_section.column(key),)
        if len(parts) > 1:
            m = _cell_pattern(parts).match(_AREA_UNITS.sub("平方米", text))
            found = dict(zip(parts, m.groups(), strict=True)) if m else {}
        else:
            found = {parts[0]: text}
        if not found:  # not as the form writes it: the whole text is the field's
            found = {p: text if p.label == key else None for p in parts if isinstance(p, Column)}
        counts = [(p.name, v) for p, v in found.items() if isinstance(p, Figure) and v]
        for part, raw in found.items():
            if not isinstance(part, Column):
                continue
            if raw is not None:
                self._typed(part, raw, out, count=counts[0] if counts else None)
            elif part.type == "文字列表" and counts:  # a count printed without the names
                self._typed(part, "", out, count=counts[0])

    def _typed(
        self, column: Column, text: str, out: dict[str, Any], *, count: tuple[str, str] | None
    ) -> None:
        """Put the value of `column` read from `text` into `out`, by the column's type."""
        key = column.label
        if column.type == "日期":
            out[key] = parse_date_cell(text)
        elif column.type == "数字":
            out[key] = parse_number(text)
        elif column.type == "电话":
            out[key] = parse_phone(text)
        elif column.type == "信用代码":
            out[key] = text.strip().upper()
        elif column.type == "栏目":
            venues, bad = parse_venues(text)
            out[key] = venues
            for piece in bad:
                self.notes.append(
                    Note(
                        (BASIC, key), piece, "读不出“地址、面积、可容纳人数”，请手工填写这一处场地"
                    )
                )
        elif column.type == "文字列表":
            names = self._names(column, text, count)
            if names is not None:
                out[key] = names
        elif column.type == "长文字":
            kept = text.strip("\n")
            if kept:
                out[key] = kept
        else:
            out[key] = text

    def _names(self, column: Column, text: str, count: tuple[str, str] | None) -> list[str] | None:
        """A list printed with its count (涉及平台数量): the names, checked against the count.

        `count` is the printed figure's (name, text).
        """
        names = [p.strip() for p in _LIST_SPLIT.split(text) if p.strip()]
        if count is None and text.strip().isdigit():  # a count alone, typed in the names' cell
            count, names = (f"{column.label}数量", text.strip()), []
        if count is not None and not names:
            if int(count[1]) == 0:
                return []
            raise Unreadable(f"只有{count[0]}，没有名称；请在“{column.label}”里逐个写出名称")
        if count is not None and int(count[1]) != len(names):
            self.notes.append(
                Note(
                    (BASIC, column.label),
                    text,
                    f"表中写的数量 {count[1]} 与列出的 {len(names)} 个名称不一致，请核对",
                )
            )
        return names
