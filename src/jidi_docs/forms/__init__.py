"""The two official Word forms (and the cover): filling them from the model, and reading them back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._cover import MISSING as MISSING
    from ._cover import ContentsLine as ContentsLine
    from ._cover import build_cover_docx as build_cover_docx
    from ._docxlean import make_lean as make_lean
    from ._docxmerge import merge_alike as merge_alike
    from ._docxmerge import split_merged as split_merged
    from ._extract import CONVERTIBLE as CONVERTIBLE
    from ._extract import Extracted as Extracted
    from ._extract import extract as extract
    from ._extract import extract_to_file as extract_to_file
    from ._extract import summary_lines as summary_lines
    from ._format import fmt_date as fmt_date
    from ._format import fmt_number as fmt_number
    from ._render import FORM_TITLES as FORM_TITLES
    from ._render import form_paths as form_paths
    from ._render import render as render
    from ._render import render_forms_bytes as render_forms_bytes

attach(__name__, __file__)
