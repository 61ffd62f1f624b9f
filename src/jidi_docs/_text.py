"""Facts about text every stage shares: what a .docx cannot hold, and how wide text shows.

Why one module: the loader removes these characters (with a warning) and the form writer removes
them again from values that did not come through the loader; both must agree on the set. The
scaffold's comments and the 汇总 tables line text up by the same display width.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "FORMULA_STARTS",
    "MERGE_UP",
    "XML_FORBIDDEN",
    "XML_FORBIDDEN_CLASS",
    "csv_text",
    "display_width",
    "is_wide",
    "no_formulas",
]

#: A context value equal to this marker means "merge this table cell into the cell above".
#: `FormTemplate` turns such cells into vertical merges (w:vMerge); user text never contains it.
MERGE_UP = "\ue000"

#: Characters XML 1.0 forbids, so a .docx cannot hold them: C0 controls except tab, LF and CR,
#: lone surrogates, U+FFFE and U+FFFF. (A character class body, for building larger classes.)
XML_FORBIDDEN_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"

#: One of the characters XML 1.0 forbids.
XML_FORBIDDEN = re.compile(f"[{XML_FORBIDDEN_CLASS}]")

#: The first code point shown two cells wide: U+2E80, the start of the CJK radicals, and after it
#: the CJK symbols, kana, hangul, ideographs and full-width forms.
_WIDE_FROM = 0x2E80


def is_wide(ch: str) -> bool:
    """True when `ch` takes two Latin character cells (a CJK character or full-width form)."""
    return ord(ch) >= _WIDE_FROM


def display_width(text: str) -> int:
    """Return how many Latin character cells `text` takes: a CJK character counts as two."""
    return sum(2 if is_wide(ch) else 1 for ch in text)


#: First characters that make Excel, WPS or LibreOffice take a cell's text for a formula (or a
#: DDE command): OWASP's list for "CSV injection". A base's 单位名称 ``=HYPERLINK(…)`` would
#: otherwise be a live formula in the office's 汇总表.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def no_formulas(workbook: Any) -> None:
    """Store every text cell of an openpyxl `workbook` that starts like a formula as plain text.

    Call it right before saving. openpyxl writes a string starting with ``=`` as a formula; here
    the cell becomes a text cell (data type ``s``) with Excel's quote prefix, so the value shows
    exactly as written and editing the cell in Excel or WPS keeps it text. The workbook's own
    formulas are none: the project writes values only (drop-down lists are data validations,
    not cells).
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def csv_text(value: str) -> str:
    """Return `value` as a CSV cell a spreadsheet program shows as text, never as a formula.

    OWASP's rule for CSV files: a cell starting like a formula gets a leading apostrophe.
    """
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
