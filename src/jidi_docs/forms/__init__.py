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
    from ._extract import header_lines as header_lines
    from ._extract import join_blocks as join_blocks
    from ._extract import read_form as read_form
    from ._extract import section_notes as section_notes
    from ._extract import summary_lines as summary_lines
    from ._extract import to_yaml as to_yaml
    from ._extract import yaml_blocks as yaml_blocks
    from ._format import fmt_date as fmt_date
    from ._format import fmt_number as fmt_number
    from ._format import fmt_period as fmt_period
    from ._render import FORM_TITLES as FORM_TITLES
    from ._render import form_paths as form_paths
    from ._render import render as render
    from ._render import render_forms_bytes as render_forms_bytes

attach(__name__, __file__)
