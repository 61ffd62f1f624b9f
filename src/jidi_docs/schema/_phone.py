"""The one rule for phone numbers, used by every phone field of the schema and by `extract`.

A number is accepted as typed; only its check ignores spaces (half- and full-width), hyphens of
any width (``-``, ``－``, ``—`` …), brackets around the area code and a ``转`` / ``分机`` extension,
so ``0571 8765 4321``, ``0571－87654321转8``, ``138 0000 1111`` and ``(0571)87654321`` are all
accepted wherever a phone number goes. Two numbers may be given separated by ``、`` ``；`` ``/``.
"""

from __future__ import annotations

import re

__all__ = ["PHONE_HINT", "check_phone", "phone_problem"]

PHONE_HINT = "手机号写 11 位（如 13800001111），座机写区号-号码（如 0571-87654321，分机可写 -123）"

_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"(?:分机号?|转|ext\.?|x)(?=\d)", re.IGNORECASE)
_SEPARATORS = re.compile(r"[、，,；;/／]")

_MOBILE = re.compile(r"^(?:\+?86-?)?1[3-9]\d-?\d{4}-?\d{4}$")
_LANDLINE = re.compile(r"^(?:\(0\d{2,3}\)-?|0\d{2,3}-?)?[2-9]\d{2,3}-?\d{4}(?:(?:-|转)\d{1,6})?$")
_SERVICE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")


def _canonical(number: str) -> str:
    text = _SPACES.sub("", number)
    text = _DASHES.sub("-", text).replace("（", "(").replace("）", ")")
    return _EXTENSION.sub("转", text)


def _one_ok(number: str) -> bool:
    text = _canonical(number)
    return bool(_MOBILE.match(text) or _LANDLINE.match(text) or _SERVICE.match(text))


def phone_problem(value: str) -> str | None:
    """Return why `value` is not a phone number (in Chinese), or None when it is one."""
    parts = [p for p in _SEPARATORS.split(value) if p.strip()]
    if parts and all(_one_ok(p) for p in parts):
        return None
    return f"电话号码“{value.strip()}”格式不对：{PHONE_HINT}"


def check_phone(value: str) -> str:
    """Return `value` unchanged when it is a phone number; raise ValueError saying why not."""
    problem = phone_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value
