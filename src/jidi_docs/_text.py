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
    "keep_text",
    "no_formulas",
    "wrap",
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


#: Where a line may break: after a space, after punctuation that ends a phrase, and before an
#: opening bracket or quote. Nowhere else: not between two CJK characters (a name, a place, a
#: topic from the data is one word to its reader), not inside a number or a path.
_BREAK_AFTER = " \t，。；：、！？）」』》”’,;)]"
_BREAK_BEFORE = "（「『《“‘("
#: Punctuation that never starts a line: it stays with the word before it.
_CLOSING = "，。；：、！？）」』》”’,.;:)]"


#: Units and measure words a number is written with (``60 人``, ``20 学时``, ``第 85 行``).
_UNITS = "行列项人名期次个分页处份年月日号层座岁元万天周米位条件张篇本学平"


def _keeps_together(before: str, after: str) -> bool:
    """True for the spaces inside ``第 85 行`` and ``60 人``: a number stays with its unit."""
    return (before.isdigit() and after[:1] in tuple(_UNITS)) or (
        before == "第" and after[:1].isdigit()
    )


def _pieces(paragraph: str) -> list[str]:
    """Split `paragraph` at its break opportunities; each piece ends with what follows it."""
    pieces: list[str] = []
    start = 0
    for i, ch in enumerate(paragraph):
        nxt = paragraph[i + 1] if i + 1 < len(paragraph) else ""
        if nxt and nxt in _CLOSING:
            continue  # closing punctuation stays with the word before it
        if ch == " " and _keeps_together(paragraph[i - 1 : i], nxt):
            continue
        if ch in _BREAK_AFTER or (nxt and nxt in _BREAK_BEFORE and ch not in _BREAK_BEFORE):
            pieces.append(paragraph[start : i + 1])
            start = i + 1
    if start < len(paragraph):
        pieces.append(paragraph[start:])
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """Split `text` into lines of at most `width` display cells (a CJK character is two).

    Lines break at spaces, after punctuation and before an opening bracket, so no word of the
    data, no number and no path is split, and closing punctuation never starts a line. Only a
    phrase wider than a whole line is cut, between two CJK characters (Chinese allows it); a
    path or a run of ASCII wider than a line hangs on a line of its own, whole.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for piece in _pieces(paragraph):
            if line and display_width(line + piece.rstrip()) > width:
                lines.append(line.rstrip())
                line, piece = "", piece.lstrip()
            while display_width(piece.rstrip()) > width and (cut := _cjk_cut(piece, width)):
                lines.append(piece[:cut])
                piece = piece[cut:]
            line += piece
        lines.append(line.rstrip())
    return lines


def _cjk_cut(piece: str, width: int) -> int:
    """The longest start of `piece` within `width` that ends between two CJK characters (0: none,
    and always for a path: it is copied from the screen, so it stays whole)."""
    if "/" in piece or "\\" in piece:
        return 0
    best, shown = 0, 0
    for i, ch in enumerate(piece[:-1]):
        shown += 2 if is_wide(ch) else 1
        if shown > width:
            break
        nxt = piece[i + 1]
        if is_wide(ch) and is_wide(nxt) and nxt not in _CLOSING:
            best = i + 1
    return best


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
                keep_text(cell)


def keep_text(cell: Any) -> None:
    """Store one openpyxl `cell` whose text starts like a formula as plain text (`no_formulas`)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def csv_text(value: str) -> str:
    """Return `value` as a CSV cell a spreadsheet program shows as text, never as a formula.

    OWASP's rule for CSV files: a cell starting like a formula gets a leading apostrophe.
    """
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
