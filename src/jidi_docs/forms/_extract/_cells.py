"""Cell text → values, read the way `jidi_docs.forms._context` writes them and as people type them.

``2020.07.06—2020.07.10``, ``2020.7.6-7.10``, ``2021年5月17日-19日`` (the schema's one date
parser, `jidi_docs.schema._dates`), ``56人``, ``讲师/本科`` … What
cannot be read raises `Unreadable` with the reason in Chinese; the caller keeps the cell as a note.
"""

from __future__ import annotations

import re
import unicodedata

from ...schema import EDUCATION_LEVELS, parse_date, parse_period, phone_problem

__all__ = [
    "Unreadable",
    "norm",
    "parse_date_cell",
    "parse_number",
    "parse_period_cell",
    "parse_phone",
    "parse_title_education",
    "parse_valid_until",
]


class Unreadable(ValueError):
    """A cell whose text cannot be turned into a value; the message says why, in Chinese."""


_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """Return a label for comparison: no spaces, full-width forms and brackets made half-width."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    return text.replace("【", "[").replace("】", "]").rstrip(":")


_NUMBER_UNIT = re.compile(
    r"^(\d+(?:\.\d+)?)\s*(?:人次|人|名|学时|课时|小时|平方米|平米|㎡|m²|m2|个)?$", re.IGNORECASE
)


def parse_date_cell(text: str) -> str:
    """Return ``2015-06-18`` from ``2015 年 6 月 18 日``, ``2015.06.18`` or ``2015/6/18``."""
    try:
        return parse_date(text.strip()).isoformat()
    except ValueError as e:
        raise Unreadable(str(e)) from None


def parse_period_cell(text: str) -> str:
    """Return ``2020-07-06 ~ 2020-07-10`` from ``2020.07.06—2020.07.10``, ``2020.7.6-7.10``,
    ``2021年5月17日-19日`` (or one date), read by the schema's one date parser."""
    try:
        start, end = parse_period(text.strip())
    except ValueError as e:
        raise Unreadable(str(e)) from None
    return start.isoformat() if end is None else f"{start.isoformat()} ~ {end.isoformat()}"


def parse_number(text: str) -> str:
    """Return ``56`` from ``56``, ``56人``, ``56 人次``, ``150平方米``."""
    m = _NUMBER_UNIT.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        raise Unreadable("不是一个数字")
    return m[1]


def parse_valid_until(text: str) -> str:
    """Return ``长期`` or the date of an 有效期 cell."""
    return "长期" if text.strip() == "长期" else parse_date_cell(text)


def parse_phone(text: str) -> str:
    """Return the phone number as typed when the shared phone rule accepts it."""
    problem = phone_problem(text)
    if problem is not None:
        raise Unreadable(problem)
    return text.strip()


_BRACKETED_EDUCATION = re.compile(r"^(.*?)\s*[（(]\s*([^（）()]+?)\s*[）)]$", re.DOTALL)


def parse_title_education(text: str) -> dict[str, str]:
    """Split 职称 and 学历 typed in one cell: ``高级电子商务师／本科`` (or ``/``, ``、``, a space),
    ``高级电子商务师（本科）`` or ``高级电子商务师(本科)`` as many people type it."""
    t = text.strip()
    if t in EDUCATION_LEVELS:
        return {"学历": t}
    bracketed = _BRACKETED_EDUCATION.match(t)
    if bracketed and bracketed[2] in EDUCATION_LEVELS:
        title = bracketed[1].strip()
        return {"职称": title, "学历": bracketed[2]} if title else {"学历": bracketed[2]}
    parts = re.split(r"\s*[／/、，,\s]\s*", t)
    if len(parts) >= 2 and parts[-1] in EDUCATION_LEVELS:
        title = t[: t.rfind(parts[-1])].rstrip().rstrip("／/、，,").rstrip()
        return {"职称": title, "学历": parts[-1]} if title else {"学历": parts[-1]}
    raise Unreadable(
        f"读不出学历（应写成“职称／学历”或“职称（学历）”，学历为 {'、'.join(EDUCATION_LEVELS)} 之一）"
    )


def parse_education(text: str) -> str:
    """Return a 学历 level typed alone."""
    t = text.strip()
    if t in EDUCATION_LEVELS:
        return t
    raise Unreadable(f"学历应为 {'、'.join(EDUCATION_LEVELS)} 之一")
