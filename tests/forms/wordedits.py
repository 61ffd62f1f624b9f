"""Edits Word and WPS make to a 申报表, written with lxml: tracked changes, content controls, smart
tags, custom XML, hyperlinks, fields, text boxes, nested tables, hidden text, symbols, breaks.

Each edit keeps what Word displays (the final view, every change accepted) and changes only the
markup, so a document read correctly gives back the data of the document it was made from. A few
edits change what Word shows in a known way (a row inserted or deleted as a tracked change) and
say how the data changes (`Edit.rows`). The markup follows ECMA-376 Part 1 (the clauses are
cited by the reader, `jidi_docs.forms._wordtext`) and is checked with openxml-audit by the tests.

`Package` holds a .docx in memory; `EDITS` maps each kind of edit to the function making it on
every place it fits (or on the places a `random.Random` picks, for the property test).
"""

from __future__ import annotations

import copy
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
V = "urn:schemas-microsoft-com:vml"
O = "urn:schemas-microsoft-com:office:office"
NS = {"w": W, "m": M, "mc": MC}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def el(tag: str, *children: Any, **attrs: str) -> Any:
    """A ``w:`` element: ``el("ins", run, id="1", author="张三")``."""
    node = etree.Element(w(tag) if ":" not in tag and not tag.startswith("{") else tag)
    for k, v in attrs.items():
        node.set(w(k), v)
    for child in children:
        node.append(child)
    return node


def text_run(text: str, *, hidden: bool = False, style: str | None = None) -> Any:
    run = el("r")
    if hidden or style:
        rpr = etree.SubElement(run, w("rPr"))
        if style:
            etree.SubElement(rpr, w("rStyle")).set(w("val"), style)
        if hidden:
            etree.SubElement(rpr, w("vanish"))
    t = etree.SubElement(run, w("t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def deleted_run(text: str) -> Any:
    run = el("r")
    t = etree.SubElement(run, w("delText"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


#: Characters that are never part of the example's data: put in deleted, hidden or code text,
#: they make any wrong reading visible.
JUNK = "旧值9"


class Package:
    """A .docx in memory: its parts, with document.xml and styles.xml parsed."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as zf:
            self.parts = {name: zf.read(name) for name in zf.namelist()}
        self._drop("word/stylesWithEffects.xml")
        self.document = etree.fromstring(self.parts["word/document.xml"])
        self.styles = etree.fromstring(self.parts["word/styles.xml"])
        self.body = self.document.find(w("body"))
        self.next_id = 9000
        self._one_child_per_run()

    def _one_child_per_run(self) -> None:
        """Split runs holding several pieces (text, a break, text) into one run per piece, as
        Word often stores them: each edit then works on one piece of text."""
        for run in list(self.body.iter(w("r"))):
            pieces = [c for c in run if c.tag != w("rPr")]
            if len(pieces) < 2:
                continue
            rpr = run.find(w("rPr"))
            for piece in pieces[1:][::-1]:
                new = el("r")
                if rpr is not None:
                    new.append(copy.deepcopy(rpr))
                new.append(piece)
                run.addnext(new)

    def _drop(self, part: str) -> None:
        """Remove an optional part python-docx's template carries (it makes Word-only findings)."""
        if part not in self.parts:
            return
        del self.parts[part]
        name = part.rsplit("/", 1)[1]
        rels = etree.fromstring(self.parts["word/_rels/document.xml.rels"])
        for rel in list(rels):
            if rel.get("Target") == name:
                rels.remove(rel)
        self.parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True)
        types = etree.fromstring(self.parts["[Content_Types].xml"])
        for over in list(types):
            if over.get("PartName") == "/" + part:
                types.remove(over)
        self.parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True)

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def change(self, tag: str, *children: Any) -> Any:
        """A tracked change (``ins``, ``del``, ``moveTo`` …) by one author at one time."""
        return el(tag, *children, id=self.new_id(), author="审核人", date="2024-05-06T10:00:00Z")

    def save(self, path: Path) -> Path:
        self.parts["word/document.xml"] = etree.tostring(
            self.document, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        self.parts["word/styles.xml"] = etree.tostring(
            self.styles, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.parts.items():
                zf.writestr(name, data)
        return path

    # -- places -------------------------------------------------------------------------------

    def text_runs(self) -> list[Any]:
        """Every run holding text, in the body's paragraphs and cells."""
        return [r for r in self.body.iter(w("r")) if _run_text(r)]

    def cells(self) -> list[Any]:
        """Every cell of the outermost tables."""
        return [tc for tc in self.body.iter(w("tc")) if _depth(tc) == 1]

    def rows(self) -> list[Any]:
        return [tr for tr in self.body.iter(w("tr")) if _depth(tr) == 1]

    def cell_paragraphs(self) -> list[Any]:
        """Every paragraph of an outermost cell that holds text."""
        return [p for tc in self.cells() for p in tc.findall(w("p")) if _paragraph_text(p)]

    def empty_cells(self) -> list[Any]:
        return [tc for tc in self.cells() if not "".join(tc.itertext()).strip()]

    def row_with(self, text: str) -> Any:
        """The outermost row whose text holds `text`."""
        for tr in self.rows():
            if text in "".join(tr.itertext()):
                return tr
        raise LookupError(text)

    def add_style(self, kind: str, sid: str, *, based: str | None = None, vanish: bool) -> None:
        style = etree.SubElement(self.styles, w("style"))
        style.set(w("type"), kind)
        style.set(w("customStyle"), "1")
        style.set(w("styleId"), sid)
        etree.SubElement(style, w("name")).set(w("val"), sid)
        if based:
            etree.SubElement(style, w("basedOn")).set(w("val"), based)
        rpr = etree.SubElement(style, w("rPr"))
        if vanish:
            etree.SubElement(rpr, w("vanish"))
        else:
            etree.SubElement(rpr, w("color")).set(w("val"), "C00000")


def _depth(node: Any) -> int:
    return sum(1 for a in node.iterancestors(w("tbl")))


def _run_text(run: Any) -> str:
    return "".join(t.text or "" for t in run.findall(w("t")))


def _paragraph_text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def _set_text(run: Any, text: str) -> None:
    ts = run.findall(w("t"))
    for t in ts[1:]:
        run.remove(t)
    ts[0].text = text
    ts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _split(run: Any, at: int) -> tuple[Any, Any]:
    """Split a text run in two at character `at`; both keep its formatting."""
    text = _run_text(run)
    second = copy.deepcopy(run)
    _set_text(run, text[:at])
    _set_text(second, text[at:])
    run.addnext(second)
    return run, second


def _wrap(node: Any, wrapper: Any) -> Any:
    node.addprevious(wrapper)
    wrapper.append(node)
    return wrapper


def _wrap_control(pkg: Package, node: Any) -> None:
    """Put `node` inside a new content control (its ``w:sdtContent``)."""
    sdt = _sdt(pkg)
    node.addprevious(sdt)
    sdt.find(w("sdtContent")).append(node)


def _sdt(pkg: Package, *content: Any, placeholder: bool = False) -> Any:
    pr = el("sdtPr")
    if placeholder:
        etree.SubElement(pr, w("showingPlcHdr"))
    etree.SubElement(pr, w("id")).set(w("val"), pkg.new_id())
    return el("sdt", pr, el("sdtContent", *content))


# ---------------------------------------------------------------------------------------------
# The edits: each makes its construct at one place
# ---------------------------------------------------------------------------------------------


def insert_tail(pkg: Package, run: Any) -> None:
    """Track Changes on, the end of the value typed in (``w:ins``)."""
    text = _run_text(run)
    if len(text) < 2:
        _wrap(run, pkg.change("ins"))
        return
    _, tail = _split(run, len(text) // 2)
    _wrap(tail, pkg.change("ins"))


def replace_value(pkg: Package, run: Any) -> None:
    """An old value deleted and the value typed in its place, both tracked."""
    run.addprevious(pkg.change("del", deleted_run(JUNK)))
    _wrap(run, pkg.change("ins"))


def delete_inside(pkg: Package, run: Any) -> None:
    """Text deleted from the middle of a value as a tracked change."""
    text = _run_text(run)
    head, _ = _split(run, len(text) // 2)
    head.addnext(pkg.change("del", deleted_run(JUNK)))


def move_here(pkg: Package, run: Any) -> None:
    """The value moved here from elsewhere in its paragraph (``w:moveFrom`` … ``w:moveTo``)."""
    name = f"move{pkg.new_id()}"
    a, b = pkg.new_id(), pkg.new_id()
    attrs = {"author": "审核人", "date": "2024-05-06T10:00:00Z"}
    run.addprevious(el("moveFromRangeStart", id=a, name=name, **attrs))
    run.addprevious(pkg.change("moveFrom", copy.deepcopy(run)))
    for t in run.getprevious().iter(w("t")):
        t.text = JUNK
    run.addprevious(el("moveFromRangeEnd", id=a))
    run.addprevious(el("moveToRangeStart", id=b, name=name, **attrs))
    _wrap(run, pkg.change("moveTo"))
    run.getparent().addnext(el("moveToRangeEnd", id=b))


def control_run(pkg: Package, run: Any) -> None:
    """A content control around the value's run."""
    _wrap_control(pkg, run)


def smart_tag(pkg: Package, run: Any) -> None:
    tag = el("smartTag", uri="urn:schemas-microsoft-com:office:smarttags", element="address")
    _wrap(run, tag)


def custom_xml_run(pkg: Package, run: Any) -> None:
    _wrap(run, el("customXml", element="值"))


def hyperlink(pkg: Package, run: Any) -> None:
    _wrap(run, el("hyperlink", anchor="_top", history="1"))


def simple_field(pkg: Package, run: Any) -> None:
    """The value as the result of a simple field (its code is an attribute)."""
    _wrap(run, el("fldSimple", instr=f' QUOTE "{JUNK}" '))


def complex_field(pkg: Package, run: Any) -> None:
    """The value as the displayed result of a field: begin, code, separate, result, end."""

    def char(kind: str) -> Any:
        return el("r", el("fldChar", fldCharType=kind))

    code = el("r")
    instr = etree.SubElement(code, w("instrText"))
    instr.text = f' QUOTE "{JUNK}" '
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.addprevious(char("begin"))
    run.addprevious(code)
    run.addprevious(char("separate"))
    run.addnext(char("end"))


def hidden_direct(pkg: Package, run: Any) -> None:
    """Hidden text (``w:vanish`` on the run) inside a value."""
    text = _run_text(run)
    head, _ = _split(run, len(text) // 2)
    head.addnext(text_run(JUNK, hidden=True))


def hidden_style(pkg: Package, run: Any) -> None:
    """Hidden text through a character style based on a style that hides."""
    if pkg.styles.find("w:style[@w:styleId='HiddenChar']", NS) is None:
        pkg.add_style("character", "HiddenBase", vanish=True)
        pkg.add_style("character", "HiddenChar", based="HiddenBase", vanish=False)
    text = _run_text(run)
    head, _ = _split(run, len(text) // 2)
    head.addnext(text_run(JUNK, style="HiddenChar"))


def symbol(pkg: Package, run: Any) -> None:
    """One character of the value written as ``w:sym`` (Insert → Symbol)."""
    text = _run_text(run)
    at = len(text) // 2
    ch = text[at]
    if ord(ch) > 0xFFFF or ch.isspace():
        return
    _, rest = _split(run, at)
    if at + 1 < len(text):
        _split(rest, 1)
    for t in rest.findall(w("t")):
        rest.remove(t)
    sym = etree.SubElement(rest, w("sym"))
    sym.set(w("font"), "SimSun")
    sym.set(w("char"), f"{ord(ch):04X}")


def no_break_hyphen(pkg: Package, run: Any) -> None:
    """Every ``-`` of the value as a non-breaking hyphen (Ctrl+Shift+-)."""
    text = _run_text(run)
    if "-" not in text:
        return
    pieces = text.split("-")
    _set_text(run, pieces[0])
    last = run
    for piece in pieces[1:]:
        hyphen = copy.deepcopy(run)
        for t in hyphen.findall(w("t")):
            hyphen.remove(t)
        etree.SubElement(hyphen, w("noBreakHyphen"))
        last.addnext(hyphen)
        nxt = copy.deepcopy(run)
        _set_text(nxt, piece)
        hyphen.addnext(nxt)
        last = nxt


def soft_hyphen(pkg: Package, run: Any) -> None:
    text = _run_text(run)
    if len(text) < 2:
        return
    _, tail = _split(run, 1)
    t = tail.find(w("t"))
    t.addprevious(el("softHyphen"))


def tab_for_space(pkg: Package, run: Any) -> None:
    """A space of the value typed as a tab."""
    text = _run_text(run)
    if " " not in text:
        return
    at = text.index(" ")
    _, rest = _split(run, at)
    _set_text(rest, text[at + 1 :])
    rest.find(w("t")).addprevious(el("tab"))


def phonetic_guide(pkg: Package, run: Any) -> None:
    """The value under a phonetic guide (拼音指南): the run holds a ``w:ruby`` whose base is the
    value and whose guide text is something else."""
    base = copy.deepcopy(run)
    for child in list(run):
        if child.tag != w("rPr"):
            run.remove(child)
    props = el(
        "rubyPr",
        el("rubyAlign", val="center"),
        el("hps", val="10"),
        el("hpsRaise", val="18"),
        el("hpsBaseText", val="21"),
        el("lid", val="zh-CN"),
    )
    run.append(el("ruby", props, el("rt", text_run(JUNK)), el("rubyBase", base)))


def bookmark(pkg: Package, run: Any) -> None:
    """A bookmark and a spelling mark around half of the value (long handled; a control)."""
    text = _run_text(run)
    if len(text) >= 2:
        head, _ = _split(run, len(text) // 2)
        head.addnext(el("proofErr", type="spellStart"))
    bid = pkg.new_id()
    run.addprevious(el("bookmarkStart", id=bid, name=f"_Ref{bid}"))
    run.addnext(el("bookmarkEnd", id=bid))


def control_paragraphs(pkg: Package, tc: Any) -> None:
    """A content control around a cell's paragraphs (the last one stays outside: a cell ends
    in a paragraph)."""
    paragraphs = tc.findall(w("p"))
    if not any(_paragraph_text(p) for p in paragraphs):
        return
    inner = paragraphs[:-1] if len(paragraphs) > 1 else paragraphs
    sdt = _sdt(pkg)
    inner[0].addprevious(sdt)
    for p in inner:
        sdt.find(w("sdtContent")).append(p)
    if sdt.getnext() is None:
        tc.append(el("p"))


def control_cell(pkg: Package, tc: Any) -> None:
    """A content control around a whole cell."""
    _wrap_control(pkg, tc)


def custom_xml_cell(pkg: Package, tc: Any) -> None:
    _wrap(tc, el("customXml", element="格"))


def control_row(pkg: Package, tr: Any) -> None:
    """A content control around a whole row (a repeating section)."""
    _wrap_control(pkg, tr)


def placeholder(pkg: Package, tc: Any) -> None:
    """An empty content control showing its prompt, in an empty cell of the template."""
    p = tc.findall(w("p"))[-1]
    p.append(_sdt(pkg, text_run("单击或点击此处输入文字。"), placeholder=True))


def _box_paragraphs(paragraphs: list[Any]) -> Any:
    content = etree.Element(w("txbxContent"))
    for p in paragraphs:
        content.append(copy.deepcopy(p))
    return content


def text_box(pkg: Package, p: Any) -> None:
    """The paragraph's text moved into a text box anchored in it (DrawingML, with the VML copy
    older Word versions read in ``mc:Fallback``)."""
    runs = [c for c in p if c.tag != w("pPr")]
    inner = el("p", *[copy.deepcopy(c) for c in runs])
    for c in runs:
        p.remove(c)
    n = pkg.new_id()
    nsmap = {"mc": MC, "wps": WPS, "a": A, "wp": WP, "v": V, "o": O}
    alternate = etree.Element(f"{{{MC}}}AlternateContent", nsmap=nsmap)
    choice = etree.SubElement(alternate, f"{{{MC}}}Choice")
    choice.set("Requires", "wps")
    drawing = etree.SubElement(choice, w("drawing"))
    anchor = etree.SubElement(
        drawing,
        f"{{{WP}}}anchor",
        distT="0",
        distB="0",
        distL="114300",
        distR="114300",
        simplePos="0",
        relativeHeight=str(251659264 + int(n)),
        behindDoc="0",
        locked="0",
        layoutInCell="1",
        allowOverlap="1",
    )
    etree.SubElement(anchor, f"{{{WP}}}simplePos", x="0", y="0")
    for axis, rel in (("positionH", "column"), ("positionV", "paragraph")):
        pos = etree.SubElement(anchor, f"{{{WP}}}{axis}", relativeFrom=rel)
        etree.SubElement(pos, f"{{{WP}}}posOffset").text = "0"
    etree.SubElement(anchor, f"{{{WP}}}extent", cx="1800000", cy="360000")
    etree.SubElement(anchor, f"{{{WP}}}effectExtent", l="0", t="0", r="0", b="0")
    etree.SubElement(anchor, f"{{{WP}}}wrapNone")
    etree.SubElement(anchor, f"{{{WP}}}docPr", id=n, name=f"文本框 {n}")
    etree.SubElement(anchor, f"{{{WP}}}cNvGraphicFramePr")
    graphic = etree.SubElement(anchor, f"{{{A}}}graphic")
    data = etree.SubElement(graphic, f"{{{A}}}graphicData", uri=WPS)
    wsp = etree.SubElement(data, f"{{{WPS}}}wsp")
    etree.SubElement(wsp, f"{{{WPS}}}cNvSpPr", txBox="1")
    sppr = etree.SubElement(wsp, f"{{{WPS}}}spPr")
    xfrm = etree.SubElement(sppr, f"{{{A}}}xfrm")
    etree.SubElement(xfrm, f"{{{A}}}off", x="0", y="0")
    etree.SubElement(xfrm, f"{{{A}}}ext", cx="1800000", cy="360000")
    geom = etree.SubElement(sppr, f"{{{A}}}prstGeom", prst="rect")
    etree.SubElement(geom, f"{{{A}}}avLst")
    etree.SubElement(wsp, f"{{{WPS}}}txbx").append(_box_paragraphs([inner]))
    body = etree.SubElement(wsp, f"{{{WPS}}}bodyPr", wrap="square")
    etree.SubElement(body, f"{{{A}}}noAutofit")
    fallback = etree.SubElement(alternate, f"{{{MC}}}Fallback")
    pict = etree.SubElement(fallback, w("pict"))
    shape = etree.SubElement(
        pict,
        f"{{{V}}}shape",
        id=f"文本框 {n}",
        type="#_x0000_t202",
        style="position:absolute;width:141.75pt;height:28.35pt;z-index:1",
        filled="f",
        stroked="f",
    )
    etree.SubElement(shape, f"{{{V}}}textbox").append(_box_paragraphs([inner]))
    p.append(el("r", alternate))


def nested_table(pkg: Package, tc: Any) -> None:
    """The cell's paragraphs moved into a one-cell table nested in it."""
    paragraphs = [c for c in tc if c.tag == w("p")]
    if not any(_paragraph_text(p) for p in paragraphs):
        return
    inner_tc = el("tc", el("tcPr", el("tcW", w="1500", type="dxa")))
    for p in paragraphs:
        inner_tc.append(p)
    tbl = el(
        "tbl",
        el("tblPr", el("tblW", w="0", type="auto")),
        el("tblGrid", el("gridCol", w="1500")),
        el("tr", inner_tc),
    )
    tc.append(tbl)
    tc.append(el("p"))


def hidden_paragraph(pkg: Package, tc: Any) -> None:
    """A paragraph of hidden text (through a paragraph style based on one that hides) at the
    top of the cell; its mark is hidden too, so Word shows no extra line."""
    if pkg.styles.find("w:style[@w:styleId='HiddenPara']", NS) is None:
        pkg.add_style("paragraph", "HiddenParaBase", vanish=True)
        pkg.add_style("paragraph", "HiddenPara", based="HiddenParaBase", vanish=False)
    first = next((c for c in tc if c.tag in (w("p"), w("tbl"), w("sdt"))), None)
    if first is None:
        return
    p = el("p", el("pPr", el("pStyle", val="HiddenPara")), text_run(JUNK))
    first.addprevious(p)


def breaks_as_cr(pkg: Package, tc: Any) -> None:
    """A cell's paragraphs joined into one, the lines kept with ``w:cr`` (and ``w:br`` too)."""
    paragraphs = tc.findall(w("p"))
    if len(paragraphs) < 2 and not any(p.find(f".//{{{W}}}br") is not None for p in paragraphs):
        return
    first = paragraphs[0]
    for p in paragraphs[1:]:
        first.append(el("r", el("cr")))
        for c in p:
            if c.tag != w("pPr"):
                first.append(c)
        tc.remove(p)
    for br in first.iter(w("br")):
        br.tag = w("cr")


# -- rows as tracked changes ---------------------------------------------------------------------


def _mark_row(pkg: Package, tr: Any, kind: str) -> None:
    trpr = tr.find(w("trPr"))
    if trpr is None:  # w:trPr holds at least one row property before the change (CT_TrPrBase)
        trpr = el("trPr", el("cantSplit", val="off"))
        tr.insert(1 if tr.find(w("tblPrEx")) is not None else 0, trpr)
    trpr.append(pkg.change(kind))
    for run in list(tr.iter(w("r"))):
        if kind == "del":
            for t in run.findall(w("t")):
                t.tag = w("delText")
        _wrap(run, pkg.change(kind))


def insert_row(pkg: Package, tr: Any) -> Any:
    """A copy of `tr` inserted after it as a tracked change; returns the new row."""
    new = copy.deepcopy(tr)
    tr.addnext(new)
    _mark_row(pkg, new, "ins")
    return new


def delete_row(pkg: Package, tr: Any) -> None:
    """The row deleted as a tracked change (Word's final view no longer has it)."""
    _mark_row(pkg, tr, "del")


def hide_row(pkg: Package, tr: Any) -> Any:
    """A copy of `tr` inserted after it with every run hidden: Word shows an empty row."""
    new = copy.deepcopy(tr)
    tr.addnext(new)
    for run in new.iter(w("r")):
        rpr = run.find(w("rPr"))
        if rpr is None:
            rpr = el("rPr")
            run.insert(0, rpr)
        _insert_vanish(rpr)
        for t in run.findall(w("t")):
            t.text = JUNK
    return new


#: The children of w:rPr after w:vanish in schema order (ECMA-376 Part 1, 17.3.2.28 CT_RPr).
_AFTER_VANISH = {
    w(n)
    for n in [
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ]
}


def _insert_vanish(rpr: Any) -> None:
    for i, child in enumerate(rpr):
        if child.tag in _AFTER_VANISH:
            rpr.insert(i, el("vanish"))
            return
    rpr.append(el("vanish"))


# -- what cannot be read --------------------------------------------------------------------------


def equation(pkg: Package, p: Any) -> None:
    """An equation typed into a value's paragraph (Insert → Equation): shown, not read."""
    p.append(etree.fromstring(f'<m:oMath xmlns:m="{M}"><m:r><m:t>x+1</m:t></m:r></m:oMath>'))


# ---------------------------------------------------------------------------------------------
# Applying the edits
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A kind of edit: where it goes (``run``, ``paragraph``, ``cell``, ``empty``, ``row``) and
    what it does there."""

    where: str
    make: Callable[[Package, Any], Any]


EDITS: dict[str, Edit] = {
    "insertion": Edit("run", insert_tail),
    "replacement": Edit("run", replace_value),
    "deletion": Edit("run", delete_inside),
    "move": Edit("run", move_here),
    "control_run": Edit("run", control_run),
    "smart_tag": Edit("run", smart_tag),
    "custom_xml": Edit("run", custom_xml_run),
    "hyperlink": Edit("run", hyperlink),
    "simple_field": Edit("run", simple_field),
    "complex_field": Edit("run", complex_field),
    "hidden": Edit("run", hidden_direct),
    "hidden_style": Edit("run", hidden_style),
    "symbol": Edit("run", symbol),
    "no_break_hyphen": Edit("run", no_break_hyphen),
    "soft_hyphen": Edit("run", soft_hyphen),
    "tab": Edit("run", tab_for_space),
    "bookmark": Edit("run", bookmark),
    "phonetic_guide": Edit("run", phonetic_guide),
    "text_box": Edit("paragraph", text_box),
    "control_paragraphs": Edit("cell", control_paragraphs),
    "nested_table": Edit("cell", nested_table),
    "hidden_paragraph": Edit("cell", hidden_paragraph),
    "line_breaks": Edit("cell", breaks_as_cr),
    "control_cell": Edit("cell", control_cell),
    "custom_xml_cell": Edit("cell", custom_xml_cell),
    "placeholder": Edit("empty", placeholder),
    "control_row": Edit("row", control_row),
}

#: The order edits of different places are made in, so that each finds its place intact.
ORDER = ("run", "paragraph", "empty", "cell", "row")


def places(pkg: Package, where: str) -> list[Any]:
    return {
        "run": pkg.text_runs,
        "paragraph": pkg.cell_paragraphs,
        "cell": pkg.cells,
        "empty": pkg.empty_cells,
        "row": pkg.rows,
    }[where]()


def apply_everywhere(pkg: Package, name: str) -> int:
    """Make edit `name` at every place it fits; return how many places there were."""
    edit = EDITS[name]
    found = places(pkg, edit.where)
    for place in found:
        edit.make(pkg, place)
    return len(found)


@dataclass
class Mix:
    """What a random mix did: each edit's name with how many places it was made at."""

    made: dict[str, int] = field(default_factory=dict)


def apply_mix(
    pkg: Package, rng: random.Random, share: float, *, leave_out: frozenset[str] = frozenset()
) -> Mix:
    """Make a random edit at a random `share` of the places of every kind, at most one per place
    (none of the edits named in `leave_out`)."""
    mix = Mix()
    for where in ORDER:
        names = [n for n, e in EDITS.items() if e.where == where and n not in leave_out]
        if not names:
            continue
        for place in places(pkg, where):
            if rng.random() < share:
                name = rng.choice(names)
                EDITS[name].make(pkg, place)
                mix.made[name] = mix.made.get(name, 0) + 1
    return mix
