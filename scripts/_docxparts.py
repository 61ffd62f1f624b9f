"""Building blocks of the generated templates: styles, fonts, tables, cells, and the saved package.

Used by ``make_templates.py``. Every part is written as Word expects it: table and cell properties
in the order of the ISO/IEC 29500 schema (Word repairs, or opens read-only, files whose
``w:tblPr``/``w:tcPr`` children are out of order), a theme whose East Asian fonts are 黑体/宋体 with
``themeFontLang`` zh-CN, and none of the leftovers of python-docx's default template
(``stylesWithEffects.xml``, whose defaults contradict ``styles.xml``; a thumbnail; customXml).
The output is deterministic: fixed core properties and zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

if TYPE_CHECKING:
    from docx.document import Document
    from docx.styles.style import ParagraphStyle
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph

__all__ = [
    "BODY_FONT",
    "COVER_FONT",
    "HEADING_FONT",
    "TITLE_FONT",
    "Align",
    "add_style",
    "borders",
    "cell",
    "cell_border",
    "loop_rows",
    "merge",
    "new_document",
    "package_bytes",
    "para",
    "portrait_or_landscape",
    "rfonts",
    "row",
    "table",
]

#: Latin text font; Chinese fonts are set through w:eastAsia.
LATIN = "Times New Roman"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "宋体"
#: The cover's details, as official cover pages set them.
COVER_FONT = "仿宋_GB2312"

#: Font-table entries: name → (altName, charset, family). Why: Word and LibreOffice fall back to
#: altName when the official 方正 font is not installed, instead of a random Latin face.
FONT_TABLE = {
    TITLE_FONT: ("黑体", "86", "script"),
    HEADING_FONT: ("SimHei", "86", "modern"),
    BODY_FONT: ("SimSun", "86", "auto"),
    COVER_FONT: ("仿宋", "86", "modern"),
}

#: Theme fonts (major = headings, minor = body): Latin and East Asian (script Hans) faces.
THEME_FONTS = {"majorFont": (LATIN, HEADING_FONT), "minorFont": (LATIN, BODY_FONT)}

#: Child order of w:tblPr and w:tcPr in the schema (ISO/IEC 29500-1, CT_TblPr and CT_TcPr).
TBLPR_ORDER = (
    *("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize"),
    *("tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd"),
    *("tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange"),
)
TCPR_ORDER = (
    *("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar"),
    *("textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel"),
    *("cellMerge", "tcPrChange"),
)

#: Parts of python-docx's default template that the forms must not carry, and why:
#: stylesWithEffects.xml repeats styles.xml for Word 2010 with other defaults (Calibri 11 pt);
#: the thumbnail shows python-docx's sample page; customXml holds an empty bibliography.
DROPPED_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"

#: Fixed timestamp for core properties and zip entries, so that output never depends on "now".
FIXED_TIME = dt.datetime(2021, 7, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Align = WD_ALIGN_PARAGRAPH


def _insert_ordered(parent: etree._Element, child: etree._Element, order: Sequence[str]) -> None:
    """Insert `child` into `parent` before the first sibling that the schema puts after it."""
    rank = order.index(etree.QName(child).localname)
    for i, sibling in enumerate(parent):
        if order.index(etree.QName(sibling).localname) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def _found(parent: etree._Element, tag: str) -> etree._Element:
    """Return the child `tag` of `parent`, which python-docx's default template always has."""
    child = parent.find(tag)
    assert child is not None, tag
    return child


def rfonts(rpr: etree._Element, east_asia: str) -> None:
    """Set explicit Latin and East-Asian fonts on an rPr element (theme fonts would override)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), LATIN)
    fonts.set(qn("w:hint"), "eastAsia")


def add_style(
    doc: Document, name: str, font: str, size: float, *, bold: bool | None = False
) -> ParagraphStyle:
    """Add a quick paragraph style based on Normal, in `font` at `size` points.

    `bold` False writes an explicit "not bold" (the forms' styles); None leaves it unset.
    """
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, docx.styles.style.ParagraphStyle)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    rfonts(style.element.get_or_add_rPr(), font)
    return style


def _setup_styles(doc: Document) -> None:
    """Rewrite docDefaults (fonts, zh-CN language) and add the styles the forms use."""
    defaults = _found(doc.styles.element, qn("w:docDefaults"))
    rpr = _found(_found(defaults, qn("w:rPrDefault")), qn("w:rPr"))
    rfonts(rpr, BODY_FONT)
    lang = _found(rpr, qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    for tag in ("w:sz", "w:szCs"):
        _found(rpr, qn(tag)).set(qn("w:val"), "21")
    ppr = _found(_found(defaults, qn("w:pPrDefault")), qn("w:pPr"))
    spacing = _found(ppr, qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = doc.styles["Normal"]
    assert isinstance(normal, docx.styles.style.ParagraphStyle)
    normal.font.size = Pt(10.5)
    rfonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    add_style(doc, "Form Tag", HEADING_FONT, 16)
    title = add_style(doc, "Form Title", TITLE_FONT, 22).paragraph_format
    title.alignment = Align.CENTER
    title.space_before = Pt(6)
    title.space_after = Pt(12)
    heading = add_style(doc, "Section Heading", HEADING_FONT, 14).paragraph_format
    heading.space_before = Pt(12)
    heading.space_after = Pt(6)
    heading.keep_with_next = True
    add_style(doc, "Table Text", BODY_FONT, 10.5)
    add_style(doc, "Table Header", HEADING_FONT, 10.5).paragraph_format.alignment = Align.CENTER
    note = add_style(doc, "Form Note", BODY_FONT, 10.5).paragraph_format
    note.space_before = Pt(3)
    note.keep_together = True  # a note of two lines is never split over two pages


def _add_fonts_to_font_table(doc: Document) -> None:
    """Declare the Chinese fonts (with fallbacks) in word/fontTable.xml."""
    part = next(p for p in doc.part.package.parts if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, (alt, charset, family) in FONT_TABLE.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, val in (
            ("w:altName", alt),
            ("w:charset", charset),
            ("w:family", family),
            ("w:pitch", "variable"),
        ):
            child = etree.SubElement(font, qn(tag))
            child.set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def para(
    parent: Document | _Cell,
    text: str,
    style: str,
    *,
    font: str = BODY_FONT,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first: bool = False,
) -> Paragraph:
    """Add (or reuse the first empty) paragraph with one run whose fonts are explicit."""
    if first:
        p = parent.paragraphs[0]
        p.style = style
    else:
        p = parent.add_paragraph(style=style)
    if align is not None:
        p.alignment = align
    if text:
        run = p.add_run(text)
        rfonts(run._r.get_or_add_rPr(), font)
    return p


def cell(
    target: _Cell, text: str, *, header: bool = False, align: WD_ALIGN_PARAGRAPH = Align.CENTER
) -> None:
    """Put `text` in a table cell (first paragraph, one more per line), centred vertically."""
    style = "Table Header" if header else "Table Text"
    font = HEADING_FONT if header else BODY_FONT
    lines = text.split("\n")
    para(target, lines[0], style, font=font, align=align, first=True)
    for line in lines[1:]:
        para(target, line, style, font=font, align=align)
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def borders(target: Table, val: str) -> None:
    """Give a table all six borders (`val` = "single") or none (`val` = "nil")."""
    tblpr = target._tbl.tblPr
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        if val != "nil":
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        edges.append(el)
    _insert_ordered(tblpr, edges, TBLPR_ORDER)


def cell_border(target: _Cell, edge: str, val: str) -> None:
    """Override one border of one cell (used to join the two rows of the 审核意见 boxes)."""
    tcpr = target._tc.get_or_add_tcPr()
    edges = tcpr.find(qn("w:tcBorders"))
    if edges is None:
        edges = OxmlElement("w:tcBorders")
        _insert_ordered(tcpr, edges, TCPR_ORDER)
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), val)
    edges.append(el)


def table(doc: Document, widths_cm: Sequence[float], rows: int = 0, *, lines: bool = True) -> Table:
    """Add a fixed-layout, centred table with the given column widths (and borders if `lines`)."""
    made: Table = doc.add_table(rows=rows, cols=len(widths_cm))
    made.alignment = WD_TABLE_ALIGNMENT.CENTER
    made.autofit = False
    borders(made, "single" if lines else "nil")
    for col, width in zip(made.columns, widths_cm, strict=True):
        col.width = Cm(width)
    return made


def row(
    target: Table,
    *,
    header: bool = False,
    cant_split: bool = True,
    min_height_cm: float | None = None,
) -> _Row:
    """Append a row; widths are set on each cell because Word reads tcW, LibreOffice gridCol."""
    added: _Row = target.add_row()  # type: ignore[no-untyped-call]
    trpr = added._tr.get_or_add_trPr()
    if cant_split:
        trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))
    if min_height_cm is not None:
        added.height = Cm(min_height_cm)
    for c, col in zip(added.cells, target.columns, strict=True):
        c.width = col.width
    return added


def merge(target: _Row, start: int, end: int) -> _Cell:
    """Merge cells start..end (inclusive) of a row horizontally and return the merged cell."""
    merged: _Cell = target.cells[start].merge(target.cells[end])
    return merged


def loop_rows(
    target: Table,
    var: str,
    item: str,
    fields: Sequence[str | None],
    aligns: Sequence[WD_ALIGN_PARAGRAPH] | None = None,
    *,
    last_keeps_with_next: bool = False,
) -> None:
    """Append the three rows `{%tr for %}` / body / `{%tr endfor %}`; None fields stay blank.

    With `last_keeps_with_next` the last item gets a loop of its own whose row keeps with the
    next paragraph (every paragraph of it has w:keepNext), so the note under the table never
    starts a page alone: Word and LibreOffice move the last row along with it. Only the last:
    on every row, LibreOffice gives the chain up and Word pushes whole tables to a new page.
    """
    loops = [(var, False)]
    if last_keeps_with_next:
        loops = [(f"{var}[:-1]", False), (f"{var}[-1:]", True)]
    for items, keep in loops:
        start = row(target)
        cell(start.cells[0], f"{{%tr for {item} in {items} %}}", align=Align.LEFT)
        body = row(target)
        for i, (c, field) in enumerate(zip(body.cells, fields, strict=True)):
            align = aligns[i] if aligns else Align.CENTER
            cell(c, f"{{{{ {item}.{field} }}}}" if field else "", align=align)
            for p in c.paragraphs:
                p.paragraph_format.keep_with_next = keep or None
        end = row(target)
        cell(end.cells[0], "{%tr endfor %}", align=Align.LEFT)


def portrait_or_landscape(doc: Document, *, landscape: bool) -> None:
    """Set A4 paper, orientation and margins on the document's only section."""
    sec = doc.sections[0]
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
        sec.left_margin = sec.right_margin = Cm(2.0)
        sec.top_margin = sec.bottom_margin = Cm(2.0)
    else:
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.6)
        sec.top_margin = Cm(2.5)
        sec.bottom_margin = Cm(2.3)


def new_document(title: str) -> Document:
    """Return an empty document with our styles, fonts and fixed core properties."""
    doc = docx.Document()
    # python-docx's default body holds one empty paragraph before sectPr; drop it.
    body = doc.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    _setup_styles(doc)
    _add_fonts_to_font_table(doc)
    props = doc.core_properties
    props.title = title
    props.author = "jidi_docs"
    props.comments = ""
    props.last_modified_by = "jidi_docs"
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return doc


def _dropped(name: str) -> bool:
    return any(name == d or (d.endswith("/") and name.startswith(d)) for d in DROPPED_PARTS)


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _without_dropped_rels(rels_name: str, data: bytes) -> bytes:
    """Return a .rels part without the relationships that point at dropped parts."""
    root = etree.fromstring(data)
    source_dir = posixpath.dirname(posixpath.dirname(rels_name))  # word/_rels/x.rels → word
    for rel in list(root):
        if rel.get("TargetMode") == "External":
            continue
        target = posixpath.normpath(posixpath.join(source_dir, rel.get("Target", "")))
        if _dropped(target.lstrip("/")):
            root.remove(rel)
    return _xml(root)


def _without_dropped_types(data: bytes) -> bytes:
    """Return [Content_Types].xml without overrides for dropped parts (and the unused jpeg)."""
    root = etree.fromstring(data)
    for entry in list(root):
        part = entry.get("PartName", "").lstrip("/")
        if (part and _dropped(part)) or entry.get("Extension") == "jpeg":
            root.remove(entry)
    return _xml(root)


def _zh_cn_theme(data: bytes) -> bytes:
    """Return theme1.xml with Chinese theme fonts: 黑体 for headings, 宋体 for body text."""
    root = etree.fromstring(data)
    scheme = _found(root, f".//{{{_A}}}fontScheme")
    scheme.set("name", "jidi_docs 宋体-黑体")
    for tag, (latin, east_asia) in THEME_FONTS.items():
        fonts = _found(scheme, f"{{{_A}}}{tag}")
        _found(fonts, f"{{{_A}}}latin").set("typeface", latin)
        _found(fonts, f"{{{_A}}}ea").set("typeface", east_asia)
        _found(fonts, f"{{{_A}}}font[@script='Hans']").set("typeface", east_asia)
    return _xml(root)


def _zh_cn_settings(data: bytes) -> bytes:
    """Return settings.xml with themeFontLang zh-CN and without the thumbnail request."""
    root = etree.fromstring(data)
    _found(root, qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    preview = root.find(qn("w:savePreviewPicture"))
    if preview is not None:
        root.remove(preview)
    return _xml(root)


def package_bytes(doc: Document) -> bytes:
    """Save `doc` without python-docx's leftovers, zh-CN theme, fixed zip entry timestamps."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    fixes = {
        "[Content_Types].xml": _without_dropped_types,
        "word/theme/theme1.xml": _zh_cn_theme,
        "word/settings.xml": _zh_cn_settings,
    }
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name = info.filename
            if _dropped(name):
                continue
            data = src.read(name)
            if name in fixes:
                data = fixes[name](data)
            elif name.endswith(".rels"):
                data = _without_dropped_rels(name, data)
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()
