"""Whole jobs built from the stages: a bundle, a batch with its 汇总表, a new application folder.

The 汇总表 (`SummaryRow`, `summary_table`, `write_summary`) is public: the portal writes the
same table, with its own columns added (`SummaryRow.extra`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._batch import BatchResult, ItemResult, batch
    from ._bundle import bundle
    from ._extract import extract
    from ._scaffold import init
    from ._summary import SummaryRow, summary_table, write_summary

__all__ = [
    "BatchResult",
    "ItemResult",
    "SummaryRow",
    "batch",
    "bundle",
    "extract",
    "init",
    "summary_table",
    "write_summary",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._batch": ("batch", "BatchResult", "ItemResult"),
        "._bundle": ("bundle",),
        "._extract": ("extract",),
        "._scaffold": ("init",),
        "._summary": ("SummaryRow", "summary_table", "write_summary"),
    },
)
