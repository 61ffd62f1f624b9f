"""The two official Word forms (and the cover): filling them from the model, and reading them back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._extract import extract
    from ._format import fmt_date, fmt_number, fmt_period
    from ._render import form_paths, render

__all__ = [
    "extract",
    "fmt_date",
    "fmt_number",
    "fmt_period",
    "form_paths",
    "render",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._extract": ("extract",),
        "._format": ("fmt_date", "fmt_number", "fmt_period"),
        "._render": ("form_paths", "render"),
    },
)
