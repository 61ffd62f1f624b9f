"""预审: an application checked against the notice's conditions, and the report of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._check import CheckReport as CheckReport
    from ._check import ConditionResult as ConditionResult
    from ._check import check as check
    from ._report import REPORT_SUFFIXES as REPORT_SUFFIXES
    from ._report import to_text as to_text
    from ._report import write_report as write_report

attach(__name__, __file__)
