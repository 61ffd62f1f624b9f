"""From documents to one PDF: LibreOffice conversion, evidence scans, and assembly of the bundle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._convert import Converter, SofficeConverter
    from ._warm import WarmConverter

__all__ = [
    "Converter",
    "SofficeConverter",
    "WarmConverter",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._convert": ("Converter", "SofficeConverter"),
        "._warm": ("WarmConverter",),
    },
)
