"""From documents to one PDF: LibreOffice conversion, evidence scans, and assembly of the bundle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._convert import Converter, SofficeConverter
    from ._evidence import MAX_IMAGE_PIXELS, EvidencePdf, load_evidence
    from ._warm import WarmConverter

__all__ = [
    "MAX_IMAGE_PIXELS",
    "Converter",
    "EvidencePdf",
    "SofficeConverter",
    "WarmConverter",
    "load_evidence",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "._convert": ("Converter", "SofficeConverter"),
        "._evidence": ("EvidencePdf", "load_evidence", "MAX_IMAGE_PIXELS"),
        "._warm": ("WarmConverter",),
    },
)
