"""The two official Word forms (and the cover): filling them from the model, and reading them back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._extract import extract
    from ._render import form_paths, render

__all__ = [
    "extract",
    "form_paths",
    "render",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._extract": ("extract",),
        "._render": ("form_paths", "render"),
    },
)
