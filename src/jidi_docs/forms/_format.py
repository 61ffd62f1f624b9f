"""How values are written on the forms: dates, periods and numbers as the official forms show them.

Every stage that prints a value (the forms, 预审, the 汇总表, `extract` reading them back) uses these,
so a figure reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from .._text import MERGE_UP, is_wide

if TYPE_CHECKING:
    from ..schema import Period

__all__ = [
    "MERGE_UP",
    "NAME_SEPARATORS",
    "fmt_date",
    "fmt_number",
    "fmt_period",
    "fmt_short_date",
    "lines_between_names",
    "names_without_lines",
]

#: What separates names in a cell (亚马逊、速卖通); a line may end after one of them.
NAME_SEPARATORS = "、，,；;/／"
_AFTER_SEPARATOR = re.compile(rf"(?<=[{NAME_SEPARATORS}])")
#: Table text is 10.5 pt; a CJK character is 1 em wide, a Latin one at most 0.62 em in the
#: forms' fonts (Times New Roman, and Liberation Serif with the same metrics).
_EM_CM = 10.5 / 72 * 2.54
_LATIN_EM = 0.62
#: Word's and LibreOffice's default left and right cell margins together (2 × 0.19 cm), and the
#: share of the rest a line may fill (fonts and kerning differ a little between programs).
_CELL_MARGINS_CM = 0.38
_FILL = 0.95


def fmt_date(day: dt.date) -> str:
    """注册时间 the Chinese way: ``2015 年 6 月 18 日``."""
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


def fmt_short_date(day: dt.date) -> str:
    """The short form used in every table: ``2020.07.06``."""
    return f"{day.year}.{day.month:02d}.{day.day:02d}"


def fmt_period(period: Period) -> str:
    """A 时间 cell: ``2020.07.06`` or ``2020.07.06—2020.07.10``."""
    if period.end is None:
        return fmt_short_date(period.start)
    return f"{fmt_short_date(period.start)}—{fmt_short_date(period.end)}"


def fmt_number(value: Decimal | int | None) -> str:
    """A number without exponent or trailing zeros: 260, 4.5, 75; blank for None."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _em(text: str) -> float:
    return sum(1.0 if is_wide(ch) else _LATIN_EM for ch in text)


def lines_between_names(text: str, width_cm: float) -> str:
    """Return `text` (names such as ``（亚马逊、速卖通、eBay）``) with a line break wherever the
    next name would not fit on the line in a cell `width_cm` wide.

    Why: Word and LibreOffice break Chinese text between any two characters, so ``速卖通`` ends
    up as ``速卖`` and ``通`` on two lines; breaking between whole names first, a name as short as
    a line is never cut. A name longer than a line is left to the program to break. Lines the
    text already has are kept.
    """
    room = (width_cm - _CELL_MARGINS_CM) / _EM_CM * _FILL
    out = []
    for line in text.split("\n"):
        pieces = [p for p in _AFTER_SEPARATOR.split(line) if p]
        current, used = "", 0.0
        for piece in pieces:
            name = piece.lstrip(" ")
            if current and used + _em(name.rstrip()) > room:
                # the space after a separator stays on its line: reading back gives the text
                out.append(current + piece[: len(piece) - len(name)])
                current, used = name, _em(name)
                continue
            current += piece
            used += _em(piece)
        out.append(current)
    return "\n".join(out)


def names_without_lines(text: str) -> str:
    """Return names read from a cell with the line breaks `lines_between_names` put in taken out."""
    return re.sub(rf"([{NAME_SEPARATORS}] *)\n", r"\1", text)
