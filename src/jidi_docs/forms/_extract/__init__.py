"""Read a filled 附件2《申报表》 back into the YAML contract format.

The form is found by its headings and column headers, not by its layout, so our rendered
template and the official form typed by hand in Word or WPS are both read: one table per section
or one big table, tables continued over a page, columns in another order, labels with spaces.
The text read is what Word shows in its final view (`jidi_docs.forms._wordtext`): tracked
insertions in, deletions out, through content controls, fields, text boxes and nested tables,
without hidden text. Nothing is dropped silently: every section is reported as read (with its
row count), found but empty, or not found; every cell whose characters differ from what Word
shows there (`_census`), and every cell that could not be understood, is kept as a commented-out
line; tracked changes not yet accepted are counted per section in the summary.

Modules: `_stream` (the document as paragraphs and rows), `_census` (what each cell shows,
counted apart from the reader), `_sections` (what the form holds), `_cells` and `_venues` (cell
text → values), `_basic` (一、基本情况), `_read` (the walk), `_result` (what is returned and the
summary), `_yaml` (the YAML file), `_files` (opening files).
"""

from __future__ import annotations

from ._cells import parse_date_cell, parse_period_cell
from ._files import CONVERTIBLE, ToDocx, read_form
from ._read import extract_document
from ._result import Extracted, Note, SectionReport, summary_lines
from ._yaml import header_lines, join_blocks, section_notes, to_yaml, yaml_blocks, yaml_scalar

__all__ = [
    "CONVERTIBLE",
    "Extracted",
    "Note",
    "SectionReport",
    "ToDocx",
    "extract_document",
    "header_lines",
    "join_blocks",
    "parse_date_cell",
    "parse_period_cell",
    "read_form",
    "section_notes",
    "summary_lines",
    "to_yaml",
    "yaml_blocks",
    "yaml_scalar",
]
