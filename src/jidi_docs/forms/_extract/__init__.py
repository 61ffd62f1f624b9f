"""Read a filled 附件2《申报表》 back into the YAML contract format.

The form is found by its headings and column headers, not by its layout, so our rendered
template and the official form typed by hand in Word or WPS are both read: one table per section
or one big table, tables continued over a page, columns in another order, labels with spaces.
Nothing is dropped silently: every section is reported as read (with its row count), found but
empty, or not found, and every cell that could not be read is kept as a commented-out line.

Modules: `_stream` (the document as paragraphs and rows), `_sections` (what the form holds),
`_cells` and `_venues` (cell text → values), `_basic` (一、基本情况), `_read` (the walk),
`_result` (what is returned and the summary), `_yaml` (the YAML file), `_files` (opening files).
"""

from __future__ import annotations

from ._cells import parse_date_cell, parse_period_cell
from ._files import CONVERTIBLE, ToDocx, extract, extract_to_file
from ._read import extract_document
from ._result import Extracted, Note, SectionReport, summary_lines
from ._yaml import to_yaml, yaml_scalar

__all__ = [
    "CONVERTIBLE",
    "Extracted",
    "Note",
    "SectionReport",
    "ToDocx",
    "extract",
    "extract_document",
    "extract_to_file",
    "parse_date_cell",
    "parse_period_cell",
    "summary_lines",
    "to_yaml",
    "yaml_scalar",
]
