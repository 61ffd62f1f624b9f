"""Dates and date ranges as people type them, read by one parser for YAML, spreadsheets and `extract`.

A ledger writes ``2020.10.12-2020.10.15``, a notice ``2021年5月17日-19日``, a clerk
``2020/7/6~2020/7/10`` or ``2020-07-06 至 2020-07-10``. Each is accepted where it can mean only
one thing; anything else gets a message that shows both a date and a range to copy.

Why a hand-written parser: ``dateutil`` guesses (``7.10`` could be July 10 or October 7 in
other locales) and knows nothing of ``年月日`` or of a range whose end leaves out the year and
month; the forms' own conventions are the point here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

__all__ = ["DATE_HINT", "parse_date", "parse_period"]

#: The tail of every date message: a date and a range, both in the form the YAML uses.
DATE_HINT = (
    "应写成 YYYY-MM-DD（例如 2021-08-17）；时间段写成 开始 ~ 结束（例如 2020-07-06 ~ 2020-07-10）"
)

_FULL = r"(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
_FULL_DATE = re.compile(rf"^{_FULL}$")
#: The end of a range may leave out what it shares with the start: ``7.10``, ``7月10日``, ``19日``.
_MONTH_DAY = re.compile(r"^(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?$")
_DAY = re.compile(r"^(?P<d>\d{1,2})\s*日?$")
#: Words and marks that can only join two dates. A plain hyphen is tried separately, since
#: ``2020-07-06`` holds hyphens itself.
_JOINERS = re.compile(r"\s*(?:~|～|〜|至|到|—+|–|－|一)\s*")


def _normalise(text: str) -> str:
    # Full-width digits, slashes and dots (２０２０／７／６) become ASCII; NFKC leaves 年月日 alone.
    return unicodedata.normalize("NFKC", text).strip()


def _date(y: int, m: int, d: int, written: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"“{written}”不是一个存在的日期") from None


def _full(text: str) -> dt.date | None:
    m = _FULL_DATE.match(text)
    if m is None:
        return None
    return _date(int(m["y"]), int(m["m"]), int(m["d"]), text)


def _end(text: str, start: dt.date) -> dt.date | None:
    """Return the end of a range from `text`, taking a left-out year or month from `start`."""
    full = _full(text)
    if full is not None:
        return full
    m = _MONTH_DAY.match(text)
    if m is not None:
        month, day = int(m["m"]), int(m["d"])
        # ``2020.12.30-1.2`` runs into the next year; any other backward end is a typing slip.
        year = start.year + 1 if (start.month, month) == (12, 1) else start.year
        return _date(year, month, day, text)
    m = _DAY.match(text)
    if m is not None:
        return _date(start.year, start.month, int(m["d"]), text)
    return None


def parse_date(value: Any) -> dt.date:
    """Return the date in `value`: a `date`, or text such as 2021-08-17, 2021/8/17, 2021.8.17,
    2021年8月17日 (full-width digits too).

    Raises:
        ValueError: with a Chinese message showing a date and a range example.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        # ValueError, not TypeError: pydantic turns only ValueError into a field error.
        raise ValueError(f"日期{DATE_HINT}")  # noqa: TRY004
    found = _full(_normalise(value))
    if found is None:
        raise ValueError(f"日期“{value}”无法识别，{DATE_HINT}")
    return found


def _split_on_hyphen(text: str) -> tuple[str, str] | None:
    """Return the one way to cut `text` at a hyphen into a full date and a range end, if any."""
    cuts = []
    for i, ch in enumerate(text):
        if ch != "-":
            continue
        left, right = text[:i].strip(), text[i + 1 :].strip()
        try:
            start = _full(left)
            if start is not None and right and _end(right, start) is not None:
                cuts.append((left, right))
        except ValueError:
            continue
    return cuts[0] if len(cuts) == 1 else None


def parse_period(value: Any) -> tuple[dt.date, dt.date | None]:
    """Return ``(start, end)`` of a 时间 cell; `end` is None for a single day.

    Accepts one date, or two joined by ``~``, ``至``, ``—``, ``-`` …, where the end may leave out
    the year (``2020.7.6-7.10``) or the year and month (``2021年5月17日-19日``).

    Raises:
        ValueError: unreadable, or the end lies before the start; the message says how to write it.
    """
    if isinstance(value, dt.date):
        return parse_date(value), None
    if not isinstance(value, str):
        raise ValueError(f"时间{DATE_HINT}")  # noqa: TRY004 - as in parse_date
    text = _normalise(value)
    single = _full(text)
    if single is not None:
        return single, None
    parts = _JOINERS.split(text)
    pair: tuple[str, str] | None = None
    if len(parts) == 2:
        pair = (parts[0], parts[1])
    elif len(parts) == 1:
        pair = _split_on_hyphen(text)
    if pair is None:
        raise ValueError(f"时间“{value}”无法识别，{DATE_HINT}")
    start = _full(pair[0])
    end = _end(pair[1], start) if start is not None else None
    if start is None or end is None:
        raise ValueError(f"时间“{value}”无法识别，{DATE_HINT}")
    if end < start:
        raise ValueError(f"时间段“{value}”的结束日期早于开始日期")
    return start, (end if end != start else None)
