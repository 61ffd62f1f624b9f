"""预审: an application checked against the notice's conditions, and the report of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._check import CheckReport, ConditionResult, check

__all__ = [
    "CheckReport",
    "ConditionResult",
    "check",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._check": ("check", "CheckReport", "ConditionResult"),
    },
)
