"""The text Word displays, read from WordprocessingML: the one reader jidi_docs uses wherever it
reads a Word document's text (``extract``, and the check that a rendered form holds its values).

Why not python-docx's ``Paragraph.text`` or ``itertext()``: documents people send carry markup
both get wrong. python-docx skips text inside tracked insertions, content controls, smart tags,
hyperlinks, fields and text boxes; ``itertext()`` reads deleted text and field codes. This module
reads what Word shows in its "final" view (every change accepted), citing ECMA-376 Part 1:

* tracked changes (17.13.5): ``w:ins`` and ``w:moveTo`` are read, ``w:del`` and ``w:moveFrom``
  are not; a row marked deleted (``w:trPr/w:del``) is left out, one marked inserted is read;
* wrappers whose content is shown are descended into: content controls ``w:sdt`` around runs,
  paragraphs, cells and rows (17.5.2), ``w:smartTag`` (17.5.1.9), ``w:customXml`` (17.5.1),
  ``w:hyperlink`` (17.16.22), ``w:fldSimple`` (17.16.19), ``w:bdo``/``w:dir``;
* a complex field (17.16.18) shows its result, the runs between ``separate`` and ``end``, never
  its code (``w:instrText``, or anything between ``begin`` and ``separate``);
* text boxes (``w:txbxContent``, 17.17.1.1, in a DrawingML shape or a VML one) are read where
  they are anchored; of ``mc:AlternateContent`` (ISO/IEC 29500-3 §10.2) one branch is read, the
  first ``mc:Choice`` (what Word 2010 and later show), else ``mc:Fallback``;
* nested tables are read inside their cell, one row per line, cells separated by a space;
* hidden text (``w:vanish``, 17.3.2.41) is left out, set on the run or through its character
  style or its paragraph's style, along ``w:basedOn`` chains (17.7.4.3). The run's own setting
  wins; a paragraph style and a character style combine as a toggle property (17.7.3: hidden in
  exactly one of them is hidden). A paragraph whose mark is hidden or deleted runs on into the
  next one, as Word shows it. Rows are never hidden by Word as such (``w:trPr/w:hidden`` hides
  only the end-of-row mark, 17.4.20): a row is gone only when all of its text is hidden;
* ``w:br`` and ``w:cr`` are line breaks, ``w:tab``/``w:ptab`` a space, ``w:sym`` (17.3.3.30) its
  character, ``w:noBreakHyphen`` a hyphen, ``w:softHyphen`` nothing (shown only at a line end),
  and so are zero-width characters typed into the text (`INVISIBLE`);
* a content control showing its placeholder (``w:showingPlcHdr``, 17.5.2.39) holds Word's
  prompt (“单击或点击此处输入文字”), not a value: it reads as empty; of a phonetic guide
  (``w:ruby``, 17.3.3.25: 拼音指南) the base text is read, not the pinyin above it.

Not read: equations (``m:oMath``), embedded documents (``w:altChunk``), charts and other objects.
``extract`` compares every cell with the characters present in it and reports such cells.

Every function takes plain lxml elements (python-docx's are lxml elements too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = [
    "AC",
    "BLOCK_WRAPPERS",
    "INLINE_WRAPPERS",
    "INVISIBLE",
    "Styles",
    "TextReader",
    "W",
    "block_items",
    "branch",
    "cell_items",
    "field_step",
    "grid_before",
    "grid_span",
    "is_placeholder",
    "is_row_deleted",
    "row_items",
    "shown_characters",
    "structural",
    "v_merge",
    "w",
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(name: str) -> str:
    """Return the Clark name of a WordprocessingML element or attribute: ``w("p")``."""
    return f"{{{W}}}{name}"


AC = f"{{{_MC}}}AlternateContent"
_CHOICE = f"{{{_MC}}}Choice"
_FALLBACK = f"{{{_MC}}}Fallback"

_P, _R, _T, _TBL, _TR, _TC = w("p"), w("r"), w("t"), w("tbl"), w("tr"), w("tc")
_SDT, _SDT_CONTENT = w("sdt"), w("sdtContent")
_CUSTOM_XML = w("customXml")
_VAL = w("val")
_FLD_CHAR, _FLD_TYPE = w("fldChar"), w("fldCharType")
_TXBX = w("txbxContent")

#: Elements inside a paragraph whose runs Word shows.
INLINE_WRAPPERS = frozenset(
    w(n) for n in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "bdo", "dir")
)
#: Elements around paragraphs, tables, rows or cells whose content Word shows (``w:sdt`` aside).
BLOCK_WRAPPERS = frozenset({_CUSTOM_XML})

#: Characters Word shows as nothing, removed from text read: zero-width space, non-joiner and
#: joiner (LibreOffice writes a U+200D beside a text box's anchor), word joiner, the byte-order
#: mark, the soft hyphen typed as a character.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

_BREAKS = frozenset({w("br"), w("cr")})
_SPACES = frozenset({w("tab"), w("ptab")})
_SHAPES = frozenset({w("drawing"), w("pict"), w("object")})
_FALSE = frozenset({"0", "false", "off"})


def _on(el: Any) -> bool | None:
    """The value of an on/off property element (ST_OnOff; absent: None, no ``w:val``: on)."""
    if el is None:
        return None
    val = el.get(_VAL)
    return val is None or val.lower() not in _FALSE


def _child(el: Any, *path: str) -> Any:
    for name in path:
        if el is None:
            return None
        el = el.find(w(name))
    return el


def _int(el: Any, default: int) -> int:
    try:
        return int(el.get(_VAL)) if el is not None else default
    except (TypeError, ValueError):
        return default


# -- structure shared by the reader and extract's check ----------------------------------------


def branch(alternate: Any) -> Any:
    """The one branch of an ``mc:AlternateContent`` that is read: the first Choice, else Fallback."""
    choice = alternate.find(_CHOICE)
    return choice if choice is not None else alternate.find(_FALLBACK)


def structural(sdt_content: Any) -> bool:
    """True when a content control's content is rows or cells (a row- or cell-level control)."""
    for child in sdt_content.iterchildren():
        if child.tag == _TR or child.tag == _TC:
            return True
        if child.tag == _SDT or child.tag in BLOCK_WRAPPERS:
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None and structural(inner):
                return True
    return False


def is_placeholder(sdt: Any) -> bool:
    """True when a content control shows its placeholder prompt instead of a value."""
    return bool(_on(_child(sdt, "sdtPr", "showingPlcHdr")))


def is_row_deleted(tr: Any) -> bool:
    """True for a table row marked as a tracked deletion (gone in Word's final view)."""
    return _child(tr, "trPr", "del") is not None


def grid_before(tr: Any) -> int:
    """How many grid columns a row leaves empty before its first cell (``w:gridBefore``)."""
    return _int(_child(tr, "trPr", "gridBefore"), 0)


def grid_span(tc: Any) -> int:
    """How many grid columns a cell spans (``w:gridSpan``)."""
    return max(1, _int(_child(tc, "tcPr", "gridSpan"), 1))


def v_merge(tc: Any) -> str | None:
    """``restart``, ``continue`` (a cell merged into the one above) or None."""
    el = _child(tc, "tcPr", "vMerge")
    if el is None:
        return None
    return el.get(_VAL) or "continue"


def _content(el: Any) -> Any:
    """The children of a block-level wrapper that hold its content, or None to skip it."""
    if el.tag == _SDT:
        content = el.find(_SDT_CONTENT)
        if content is None or (is_placeholder(el) and not structural(content)):
            return None
        return content
    if el.tag == AC:
        return branch(el)
    return el  # customXml: its children are the content


def _items(parent: Any, wanted: tuple[str, ...]) -> Iterator[Any]:
    """The children of `parent` with a tag in `wanted`, through content controls, custom XML
    and alternate content around them."""
    for child in parent.iterchildren():
        if child.tag in wanted:
            yield child
        elif child.tag == _SDT or child.tag == AC or child.tag in BLOCK_WRAPPERS:
            content = _content(child)
            if content is not None:
                yield from _items(content, wanted)


def block_items(container: Any) -> Iterator[Any]:
    """The paragraphs and tables of a body, cell or text box, through content controls."""
    return _items(container, (_P, _TBL))


def row_items(tbl: Any, *, deleted: bool = False) -> Iterator[Any]:
    """The rows of a table in Word's final view: through row-level content controls, without
    rows deleted as tracked changes (with them when `deleted`)."""
    return (tr for tr in _items(tbl, (_TR,)) if deleted or not is_row_deleted(tr))


def cell_items(tr: Any) -> Iterator[Any]:
    """The cells of a row, through cell-level content controls and custom XML."""
    return _items(tr, (_TC,))


def field_step(fields: list[bool], kind: str | None) -> None:
    """Follow a ``w:fldChar`` of type `kind`: `fields` holds, per open field, whether its result
    (shown) has begun; text is shown only when every open field shows its result."""
    if kind == "begin":
        fields.append(False)
    elif kind == "separate" and fields:
        fields[-1] = True
    elif kind == "end" and fields:
        fields.pop()


#: Elements that hide text or hold text Word does not show: with none of them in a part (and no
#: style that hides), every text node of the part is shown.
_HIDING = (
    *(w(n) for n in ("del", "moveFrom", "delText", "delInstrText", "instrText", "fldChar")),
    *(w(n) for n in ("vanish", "showingPlcHdr")),
    AC,
)


def shown_characters(root: Any, styles: Styles) -> str:
    """The characters Word shows in `root`, in order, without line breaks between paragraphs.

    For callers that look for values in a document (the rendered-form check): when nothing in
    `root` can hide text — checked by lxml in C, under a millisecond for a form — its text nodes
    in document order are exactly what Word shows, so they are joined directly; otherwise the
    reader walks the document (about 10 ms for a form).
    """
    if not styles.any and next(root.iter(*_HIDING), None) is None:
        return "".join(root.itertext()).translate(INVISIBLE)
    return TextReader(styles).story(root).replace("\n", "")


# -- hidden text -------------------------------------------------------------------------------


class Styles:
    """Which paragraph and character styles hide their text (``w:vanish``), from styles.xml.

    Only styles that hide something are kept, so a document without hidden styles (nearly all)
    costs one scan of styles.xml for ``w:vanish``.
    """

    def __init__(self, root: Any = None) -> None:
        self._own: dict[str, tuple[str | None, bool | None]] = {}
        self._memo: dict[str, bool | None] = {}
        self.default_paragraph: str | None = None
        self.default_hidden = False
        self.any = root is not None and next(root.iter(w("vanish")), None) is not None
        if not self.any:
            return
        self.default_hidden = bool(_on(_child(root, "docDefaults", "rPrDefault", "rPr", "vanish")))
        for style in root.iterchildren(w("style")):
            sid = style.get(w("styleId"))
            if sid is None:
                continue
            based = style.find(w("basedOn"))
            own = _on(_child(style, "rPr", "vanish"))
            self._own[sid] = (None if based is None else based.get(_VAL), own)
            if style.get(w("type")) == "paragraph" and _on_attr(style.get(w("default"))):
                self.default_paragraph = sid

    @classmethod
    def from_xml(cls, data: bytes | None) -> Styles:
        """Styles from the bytes of styles.xml (None: a document without one)."""
        if not data or b"vanish" not in data:
            return cls()
        from lxml import etree

        return cls(etree.fromstring(data))

    def style_hidden(self, sid: str | None) -> bool | None:
        """Whether style `sid` hides text, following ``w:basedOn`` (None: it does not say)."""
        if sid is None or not self.any:
            return None
        if sid in self._memo:
            return self._memo[sid]
        seen: set[str] = set()
        value: bool | None = None
        current: str | None = sid
        while current is not None and current not in seen and current in self._own:
            seen.add(current)
            based, own = self._own[current]
            if own is not None:
                value = own
                break
            current = based
        self._memo[sid] = value
        return value

    def paragraph_hidden(self, p: Any) -> bool | None:
        """Whether the paragraph's style hides its runs (None: it does not say)."""
        if not self.any:
            return None
        style = _child(p, "pPr", "pStyle")
        return self.style_hidden(style.get(_VAL) if style is not None else self.default_paragraph)

    def run_hidden(self, r: Any, paragraph: bool | None) -> bool:
        """Whether run `r` is hidden, given its paragraph style's setting (`paragraph_hidden`)."""
        rpr = r.find(w("rPr"))
        if rpr is not None:
            direct = _on(rpr.find(w("vanish")))
            if direct is not None:
                return direct
        if not self.any:
            return False
        char = None
        if rpr is not None:
            rstyle = rpr.find(w("rStyle"))
            char = self.style_hidden(rstyle.get(_VAL)) if rstyle is not None else None
        if paragraph is None and char is None:
            return self.default_hidden
        return bool(paragraph) != bool(char)

    def mark_gone(self, p: Any, paragraph: bool | None) -> bool:
        """True when the paragraph mark is hidden or deleted: the paragraph runs on into the next."""
        rpr = _child(p, "pPr", "rPr")
        if rpr is not None:
            if rpr.find(w("del")) is not None or rpr.find(w("moveFrom")) is not None:
                return True
            direct = _on(rpr.find(w("vanish")))
            if direct is not None:
                return direct
        return bool(paragraph) if paragraph is not None else self.default_hidden and self.any


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in _FALSE


# -- the reader --------------------------------------------------------------------------------

#: Marks the edges of a text box's text inside a paragraph (NUL cannot occur in XML text).
_BOX = "\x00"
_BOX_EDGES = re.compile(r"\n*\x00[\x00\n]*")


class TextReader:
    """Reads the text Word shows, paragraph by paragraph or cell by cell.

    A complex field may span paragraphs, so the reader keeps the fields open in the story it is
    reading; a cell or a text box is a story of its own.
    """

    def __init__(self, styles: Styles | None = None) -> None:
        self.styles = styles or Styles()
        self._fields: list[bool] = []  # per open field: showing its result yet

    # -- stories -----------------------------------------------------------------------------

    def story(self, container: Any) -> str:
        """The text of a cell or a text box: its paragraphs and nested tables, one per line."""
        saved, self._fields = self._fields, []
        try:
            return self._lines(block_items(container))
        finally:
            self._fields = saved

    def _lines(self, items: Iterator[Any]) -> str:
        lines: list[str] = []
        run_on = False
        for el in items:
            if el.tag == _P:
                hidden = self.styles.paragraph_hidden(el)
                text = self._paragraph(el, hidden)
                gone = self.styles.mark_gone(el, hidden)
            else:
                text, gone = self.table(el), False
            if run_on:
                lines[-1] += text
            else:
                lines.append(text)
            run_on = gone
        return "\n".join(lines)

    def table(self, tbl: Any) -> str:
        """A (nested) table's text: a line per row, its cells separated by a space."""
        rows = []
        for tr in row_items(tbl):
            texts = [self.story(tc) for tc in cell_items(tr)]
            rows.append(" ".join(t for t in texts if t))
        return "\n".join(rows)

    def paragraph(self, p: Any) -> str:
        """One paragraph's text; open fields carry on to the next paragraph read."""
        return self._paragraph(p, self.styles.paragraph_hidden(p))

    def _paragraph(self, p: Any, hidden: bool | None) -> str:
        out: list[str] = []
        self._inline(p, out, hidden)
        text = "".join(out)
        if _BOX in text:
            text = _BOX_EDGES.sub("\n", text.strip(_BOX))
        return text

    # -- inside a paragraph ------------------------------------------------------------------

    def _inline(self, parent: Any, out: list[str], hidden: bool | None) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == _R:
                self._run(child, child, out, self.styles.run_hidden(child, hidden))
            elif tag in INLINE_WRAPPERS:
                self._inline(child, out, hidden)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None and not is_placeholder(child):
                    self._inline(content, out, hidden)
            elif tag == AC:
                chosen = branch(child)
                if chosen is not None:
                    self._inline(chosen, out, hidden)

    def _run(self, run: Any, parent: Any, out: list[str], hidden: bool) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == _FLD_CHAR:
                field_step(self._fields, child.get(_FLD_TYPE))
            elif hidden or (self._fields and not all(self._fields)):
                continue
            elif tag == _T:
                out.append((child.text or "").translate(INVISIBLE))
            elif tag in _BREAKS:
                out.append("\n")
            elif tag in _SPACES:
                out.append(" ")
            elif tag == _SYM:
                out.append(_symbol(child))
            elif tag == _NO_BREAK_HYPHEN:
                out.append("-")
            elif tag in _SHAPES:
                for box in _boxes(child):
                    out.append(_BOX + self.story(box) + _BOX)
            elif tag == _RUBY:
                base = child.find(_RUBY_BASE)
                if base is not None:
                    self._inline(base, out, None)
            elif tag == AC:
                chosen = branch(child)
                if chosen is not None:
                    self._run(run, chosen, out, hidden)


_SYM = w("sym")
_NO_BREAK_HYPHEN = w("noBreakHyphen")
_RUBY, _RUBY_BASE = w("ruby"), w("rubyBase")


def _symbol(sym: Any) -> str:
    """The character of a ``w:sym`` (its ``w:char``, hexadecimal)."""
    try:
        return chr(int(sym.get(w("char"), ""), 16))
    except ValueError:
        return ""


def _boxes(shape: Any) -> list[Any]:
    """The text boxes of a drawing or VML shape, each once (not those inside another box)."""
    return [box for box in shape.iter(_TXBX) if _inside(box, shape)]


def _inside(box: Any, shape: Any) -> bool:
    """True when no text box lies between `box` and `shape` (iterancestors runs to the root)."""
    for a in box.iterancestors():
        if a is shape:
            return True
        if a.tag == _TXBX:
            return False
    return False
