"""A .docx body as one stream of blocks: paragraphs and table rows, in reading order.

Sections of a hand-typed 申报表 are found by their headings and column headers wherever they
are — in paragraphs between tables, as merged rows inside one big table, in a table continued on
the next page — so the reader walks the document once, in order, instead of table by table.
Every row knows each cell's grid column and span, so a data row is matched to its header by
position even when the table mixes rows of different widths; a cell merged down from the row
above (``w:vMerge``) carries the text of the cell it continues and is marked as such.

The text is what Word shows (`jidi_docs.forms._wordtext`): rows and cells inside content
controls keep their grid column, a nested table or a text box is part of its cell. Each cell is
compared with the characters the census (`._census`) finds in it; what differs is carried on the
cell (`Cell.lost`, `Cell.extra`) for the reader to report, and cells or text the walk never
reached are listed in `Stream.unread`. Tracked changes are counted per block.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .._wordtext import (
    Styles,
    TextReader,
    block_items,
    cell_items,
    grid_before,
    grid_span,
    is_row_deleted,
    row_items,
    v_merge,
    w,
)
from ._cells import norm
from ._census import CellCensus, census

__all__ = ["Block", "Cell", "Stream", "read_stream"]


@dataclass(frozen=True)
class Cell:
    """One cell of a row: its first grid column, how many it spans, its text and label form."""

    col: int
    span: int
    text: str
    merged_above: bool = False
    number: int = 0  # 1-based place in its row, for messages
    lost: str = ""  # characters Word shows in the cell that were not read
    extra: str = ""  # characters read that Word does not show there
    opaque: tuple[str, ...] = ()  # pictures, objects … the cell shows without characters

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
    changes: int = 0  # tracked changes (not yet accepted) in this block
    missed: tuple[str, ...] = ()  # text of cells of this row the walk did not reach

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


def _difference(shown: str, read: str) -> tuple[str, str]:
    """The characters (spaces aside) shown and not read, and read and not shown, in order."""
    a, b = "".join(shown.split()), "".join(read.split())
    if a == b or Counter(a) == Counter(b):  # the same characters, perhaps in another order
        return "", ""
    if not b:
        return " ".join(shown.split()), ""
    lost, extra = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            lost.append(a[i1:i2])
        if op in ("insert", "replace"):
            extra.append(b[j1:j2])
    return "".join(lost), "".join(extra)


_CHANGE_TAGS = (w("ins"), w("del"), w("moveFrom"), w("moveTo"), w("cellIns"), w("cellDel"))
_RPR, _TRPR = w("rPr"), w("trPr")
_REMOVED_MARK = (w("del"), w("moveFrom"))


def _changes(el: Any) -> int:
    """Tracked changes in `el`: each inserted, deleted or moved piece of text, each cell or row
    inserted or deleted, each paragraph mark deleted (lines joined). A paragraph mark inserted
    goes with the text typed after it and is not counted again; neither is the text of a row
    counted as inserted or deleted."""
    if el.tag == _TR:
        trpr = el.find(_TRPR)
        if trpr is not None and (
            trpr.find(w("ins")) is not None or trpr.find(w("del")) is not None
        ):
            return 1
    n = 0
    for change in el.iter(*_CHANGE_TAGS):
        parent = change.getparent()
        if parent is not None and parent.tag == _RPR:
            n += change.tag in _REMOVED_MARK
        elif parent is not None and parent.tag == _TRPR:
            continue  # a nested table's row: its cells' changes are counted
        else:
            n += 1
    return n


_P, _TBL, _TR, _TC = w("p"), w("tbl"), w("tr"), w("tc")


@dataclass
class Stream:
    """The blocks of a document, and what the walk could not read, as (where, text) pairs."""

    blocks: list[Block]
    unread: list[tuple[str, str]] = field(default_factory=list)


class _Walker:
    def __init__(self, body: Any, styles: Styles) -> None:
        self.reader = TextReader(styles)
        self.cells, self.rest = census(body, styles)
        self.tables: dict[Any, int] = {}
        self.visited: set[Any] = set()
        self.pending = 0  # changes in deleted rows, counted with the next block
        self.paragraphs: list[str] = []

    def walk(self, body: Any) -> Stream:
        blocks: list[Block] = []
        for el in block_items(body):
            if el.tag == _P:
                text = self.reader.paragraph(el)
                self.paragraphs.append(text)
                blocks.append(Block(_clean(text), changes=_changes(el) + self._pending()))
            else:
                blocks.extend(self._rows(el))
        if self.pending:
            blocks.append(Block("", changes=self._pending()))
        return Stream(blocks, self._unread())

    def _pending(self) -> int:
        n, self.pending = self.pending, 0
        return n

    def _rows(self, tbl: Any) -> list[Block]:
        number = self.tables.setdefault(tbl, len(self.tables) + 1)
        above: dict[int, str] = {}  # grid column → text of the cell a vMerge continues
        out = []
        r = 0
        for tr in _all_rows(tbl):
            if is_row_deleted(tr):
                self.pending += _changes(tr)
                continue
            r += 1
            col = grid_before(tr)
            cells = []
            for k, tc in enumerate(cell_items(tr), start=1):
                span = grid_span(tc)
                self.visited.add(tc)
                shown = self.cells.get(tc, CellCensus())
                if v_merge(tc) == "continue":
                    own = self.reader.story(tc)
                    lost, extra = _difference(shown.text, own)
                    text = above.get(col, "")
                    cells.append(Cell(col, span, text, True, k, lost, extra, tuple(shown.opaque)))
                else:
                    read = _clean(self.reader.story(tc))
                    lost, extra = _difference(shown.text, read)
                    for c in range(col, col + span):
                        above[c] = read
                    cells.append(Cell(col, span, read, False, k, lost, extra, tuple(shown.opaque)))
                col += span
            missed = self._missed(tr)
            if cells or missed:
                text = " ".join(c.text for c in cells)
                changes = _changes(tr) + self._pending()
                out.append(Block(text, tuple(cells), number, r, r == 1, changes, missed))
        return out

    def _missed(self, tr: Any) -> tuple[str, ...]:
        """The text of the row's cells that holds something and was not reached: the other
        cells of the row may then sit in the wrong columns."""
        missed = []
        for tc in tr.iter(_TC):
            shown = self.cells.get(tc)
            if shown is not None and tc not in self.visited:
                self.visited.add(tc)
                if shown.text.strip() or shown.opaque:
                    missed.append(shown.text.strip() or "、".join(shown.opaque))
        return tuple(missed)

    def _unread(self) -> list[tuple[str, str]]:
        unread = []
        for tc, shown in self.cells.items():
            if tc not in self.visited and (shown.text.strip() or shown.opaque):
                unread.append((self._where(tc), shown.text or "、".join(shown.opaque)))
        lost, extra = _difference(self.rest, "".join(self.paragraphs))
        if lost:
            unread.append(("正文", lost))
        if extra:
            unread.append(("正文（读出了 Word 不显示的文字）", extra))
        return unread

    def _where(self, tc: Any) -> str:
        tr = tc.getparent()
        while tr is not None and tr.tag != _TR:
            tr = tr.getparent()
        tbl = tr.getparent() if tr is not None else None
        while tbl is not None and tbl.tag != _TBL:
            tbl = tbl.getparent()
        if tbl is None or tbl not in self.tables:
            return "一个表格里"
        rows = [x for x in _all_rows(tbl) if not is_row_deleted(x)]
        row = next((i for i, x in enumerate(rows, start=1) if x is tr), 0)
        return f"第 {self.tables[tbl]} 个表格第 {row} 行"


def _all_rows(tbl: Any) -> list[Any]:
    """Every row of a table in document order, rows deleted as tracked changes too."""
    return list(row_items(tbl, deleted=True))


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def read_stream(body: Any, styles: Any = None) -> Stream:
    """Return the paragraphs and table rows of a document body, in order, checked cell by cell.

    Args:
        body: the ``w:body`` element (lxml; python-docx's ``document.element.body``).
        styles: the ``w:styles`` element of the document, for text hidden through styles.
    """
    return _Walker(body, styles if isinstance(styles, Styles) else Styles(styles)).walk(body)
