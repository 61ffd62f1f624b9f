"""From documents to one PDF: LibreOffice conversion, evidence scans, and assembly of the bundle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._assemble import AssembleResult as AssembleResult
    from ._assemble import Part as Part
    from ._assemble import PdfFile as PdfFile
    from ._assemble import PdfSource as PdfSource
    from ._assemble import Tail as Tail
    from ._assemble import assemble as assemble
    from ._assemble import contents_lines as contents_lines
    from ._assemble import merge_tail as merge_tail
    from ._convert import Converter as Converter
    from ._convert import SofficeConverter as SofficeConverter
    from ._convert import is_available as is_available
    from ._evidence import MAX_IMAGE_PIXELS as MAX_IMAGE_PIXELS
    from ._evidence import EvidencePdf as EvidencePdf
    from ._evidence import PageImage as PageImage
    from ._evidence import PairedImages as PairedImages
    from ._evidence import decode_image as decode_image
    from ._evidence import load_evidence as load_evidence
    from ._glyphs import undrawable_warnings as undrawable_warnings
    from ._images import ImageOptions as ImageOptions
    from ._images import OnPreviousPage as OnPreviousPage
    from ._paths import resolve_evidence_path as resolve_evidence_path
    from ._pdfa import make_pdfa as make_pdfa
    from ._pdfa import require_ghostscript as require_ghostscript
    from ._warm import WarmConverter as WarmConverter

attach(__name__, __file__)
