"""The characters Word shows in each cell, counted without the reader: the guard behind "never
silent".

The reader (`jidi_docs.forms._wordtext`) reads the constructs it knows and nothing else. This
census walks every element instead and leaves out only what Word does not show: deleted and
moved-away text, rows deleted as tracked changes, field codes, hidden runs, the unread branch of
an ``mc:AlternateContent``, a content control's placeholder prompt, and property elements. A
construct the reader does not know — an equation, a wrapper of a later Word version — therefore
shows up as characters present in the cell and missing from what was read, and ``extract``
reports that cell instead of returning less than Word shows. Pictures, embedded objects and
embedded documents hold no characters here, so they are counted as what they are.

Only the rules of what Word hides are shared with the reader (`Styles`, `branch`,
`field_step`, `is_placeholder`, `structural`, `INVISIBLE`); the walk is separate, so a construct missed by the reader is
not missed here too.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from .._wordtext import (
    AC,
    INVISIBLE,
    Styles,
    branch,
    field_step,
    is_placeholder,
    is_row_deleted,
    structural,
    w,
)

__all__ = ["CellCensus", "census"]

_M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_V = "urn:schemas-microsoft-com:vml"

#: Subtrees Word does not show as text: removed text, field codes, properties.
_SKIP = frozenset(
    w(n)
    for n in (
        "del",
        "moveFrom",
        "delText",
        "delInstrText",
        "instrText",
        "pPr",
        "rPr",
        "tcPr",
        "trPr",
        "tblPr",
        "tblPrEx",
        "tblGrid",
        "sdtPr",
        "sdtEndPr",
        "sectPr",
        "rt",  # the pinyin of a phonetic guide: a reading aid over the text, not the text
        "rubyPr",
    )
)
_TEXT = frozenset({w("t"), f"{{{_M}}}t"})
#: Things shown without characters in the document part: picture, chart, object, other document.
_OPAQUE = {
    f"{{{_A}}}blip": "图片",
    f"{{{_V}}}imagedata": "图片",
    f"{{{_C}}}chart": "图表",
    w("object"): "嵌入对象",
    w("altChunk"): "嵌入的文档",
}
_P, _R, _TC, _TR, _SDT = w("p"), w("r"), w("tc"), w("tr"), w("sdt")
_TXBX, _FLD_CHAR, _SYM = w("txbxContent"), w("fldChar"), w("sym")
_NO_BREAK_HYPHEN = w("noBreakHyphen")


@dataclass
class CellCensus:
    """What one cell shows: its characters in document order, and what it shows without them."""

    text: str = ""
    opaque: list[str] = field(default_factory=list)


class _Walk:
    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.cells: dict[Any, CellCensus] = {}
        self.rest: list[str] = []
        self.out = self.rest
        self.opaque: list[str] = []
        self.fields: list[bool] = []
        self.in_cell = False
        self.in_box = False

    def walk(self, el: Any, paragraph: bool | None, hidden: bool) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag in _TEXT:
                if not hidden and all(self.fields):
                    self.out.append((child.text or "").translate(INVISIBLE))
            elif tag == _R:
                self.walk(child, paragraph, hidden or self.styles.run_hidden(child, paragraph))
            elif tag == _P:
                self.walk(child, self.styles.paragraph_hidden(child), hidden)
            elif tag == _FLD_CHAR:
                field_step(self.fields, child.get(w("fldCharType")))
            elif tag == AC:
                chosen = branch(child)
                if chosen is not None:
                    self.walk(chosen, paragraph, hidden)
            elif tag == _SDT:
                self.sdt(child, paragraph, hidden)
            elif tag == _TR and is_row_deleted(child):
                continue
            elif tag == _TC and not self.in_cell and not self.in_box:
                self.cell(child)
            elif tag == _TXBX:
                self.story(child, hidden, box=True)
            else:
                self.leaf(child, tag, hidden)
                self.walk(child, paragraph, hidden)

    def leaf(self, child: Any, tag: str, hidden: bool) -> None:
        if hidden or not all(self.fields):
            return
        if tag == _SYM:
            with contextlib.suppress(ValueError):
                self.out.append(chr(int(child.get(w("char"), ""), 16)))
        elif tag == _NO_BREAK_HYPHEN:
            self.out.append("-")
        elif tag in _OPAQUE:
            self.opaque.append(_OPAQUE[tag])

    def sdt(self, sdt: Any, paragraph: bool | None, hidden: bool) -> None:
        content = sdt.find(w("sdtContent"))
        if content is None or (is_placeholder(sdt) and not structural(content)):
            return
        self.walk(content, paragraph, hidden)

    def cell(self, tc: Any) -> None:
        out, opaque = self.out, self.opaque
        self.out, self.opaque, self.in_cell = [], [], True
        try:
            self.story(tc, False, box=False)
            self.cells[tc] = CellCensus("".join(self.out), self.opaque)
        finally:
            self.out, self.opaque, self.in_cell = out, opaque, False

    def story(self, container: Any, hidden: bool, *, box: bool) -> None:
        fields, in_box = self.fields, self.in_box
        self.fields, self.in_box = [], in_box or box
        try:
            self.walk(container, None, hidden)
        finally:
            self.fields, self.in_box = fields, in_box


def census(body: Any, styles: Styles) -> tuple[dict[Any, CellCensus], str]:
    """Return what each outermost table cell of `body` shows, and the text shown outside them.

    A nested table, a text box and everything else inside a cell count for that cell; a table
    inside a text box outside any cell counts with the text outside the cells.
    """
    walk = _Walk(styles)
    walk.story(body, False, box=False)
    return walk.cells, "".join(walk.rest)
