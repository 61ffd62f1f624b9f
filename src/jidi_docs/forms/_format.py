"""How values are written on the forms: dates, periods and numbers as the official forms show them.

Every stage that prints a value (the forms, 预审, the 汇总表, `extract` reading them back) uses these,
so a figure reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from .._text import MERGE_UP

if TYPE_CHECKING:
    from ..schema import Period

__all__ = ["MERGE_UP", "fmt_date", "fmt_number", "fmt_period", "fmt_short_date"]


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
