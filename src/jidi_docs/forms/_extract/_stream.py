"""A .docx body as one stream of blocks: paragraphs and table rows, in reading order.

Sections of a hand-typed 申报表 are found by their headings and column headers wherever they
are — in paragraphs between tables, as merged rows inside one big table, in a table continued on
the next page — so the reader walks the document once, in order, instead of table by table.
Every row knows each cell's grid column and span, so a data row is matched to its header by
position even when the table mixes rows of different widths; a cell merged down from the row
above (``w:vMerge``) carries the text of the cell it continues and is marked as such.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ._cells import norm

__all__ = ["Block", "Cell", "blocks"]

#: Paragraphs are only read for their text, which needs no parent part.
_NO_PARENT: Any = None


@dataclass(frozen=True)
class Cell:
    """One cell of a row: its first grid column, how many it spans, its text and label form."""

    col: int
    span: int
    text: str
    merged_above: bool = False

    @property
    def key(self) -> str:
        """The text as a label (no spaces, half-width brackets)."""
        return norm(self.text)


@dataclass(frozen=True)
class Block:
    """A paragraph (`cells` empty) or a table row, with where it is for messages."""

    text: str
    cells: tuple[Cell, ...] = ()
    table: int = 0  # 1-based number of the table (0 for a paragraph)
    row: int = 0  # 1-based row number within the table
    first_row: bool = False

    @property
    def is_row(self) -> bool:
        return bool(self.cells)

    @property
    def filled(self) -> tuple[Cell, ...]:
        """The cells with text, each merged cell once."""
        return tuple(c for c in self.cells if c.text)

    @property
    def where(self) -> str:
        return f"第 {self.table} 个表格第 {self.row} 行" if self.is_row else "正文段落"


def _text(element: Any) -> str:
    paragraphs = element.iterchildren(qn("w:p"))
    text = "\n".join(Paragraph(p, _NO_PARENT).text for p in paragraphs)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class _Counter:
    def __init__(self) -> None:
        self.tables = 0


def _rows(tbl: Any, counter: _Counter) -> Iterator[Block]:
    counter.tables += 1
    number = counter.tables
    above: dict[int, str] = {}  # grid column → text of the cell a vMerge continues
    nested: list[Any] = []
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr")), start=1):
        col = tr.grid_before
        cells = []
        for tc in tr.iterchildren(qn("w:tc")):
            span = tc.grid_span
            if tc.vMerge == "continue":
                cells.append(Cell(col, span, above.get(col, ""), merged_above=True))
            else:
                text = _text(tc)
                for c in range(col, col + span):
                    above[c] = text
                cells.append(Cell(col, span, text))
            nested.extend(tc.iterchildren(qn("w:tbl")))
            col += span
        if cells:
            yield Block(" ".join(c.text for c in cells), tuple(cells), number, r, first_row=r == 1)
        for inner in nested:
            yield from _rows(inner, counter)
        nested.clear()


def _walk(parent: Any, counter: _Counter) -> Iterator[Block]:
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield Block(Paragraph(child, _NO_PARENT).text.strip())
        elif child.tag == qn("w:tbl"):
            yield from _rows(child, counter)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _walk(content, counter)


def blocks(document: Any) -> list[Block]:
    """Return the paragraphs and table rows of a python-docx document's body, in order."""
    return list(_walk(document.element.body, _Counter()))
