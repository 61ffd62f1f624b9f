"""Whole jobs built from the stages: a bundle, a batch with its 汇总表, a new application folder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._batch import BatchResult, ItemResult, batch
    from ._bundle import bundle
    from ._extract import extract
    from ._scaffold import init

__all__ = [
    "BatchResult",
    "ItemResult",
    "batch",
    "bundle",
    "extract",
    "init",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._batch": ("batch", "BatchResult", "ItemResult"),
        "._bundle": ("bundle",),
        "._extract": ("extract",),
        "._scaffold": ("init",),
    },
)
