"""Generate templates/附件1.docx, 附件2.docx and 封面.docx: the official forms and the bundle's
cover and contents pages, with template tags.

Run from the repository root::

    python scripts/make_templates.py            # writes the three files into templates/
    python scripts/make_templates.py OUT_DIR    # writes them into OUT_DIR instead

Why a script: the forms are rebuilt from code so that every label, note and merge is reviewable in
a diff, and the output is byte-for-byte deterministic (fixed core properties and zip timestamps).
Labels and template tags always sit in separate table cells, so a user may reword a label in Word
or LibreOffice without breaking a tag. Table bodies are single looped rows
(``{%tr for x in list %}`` … ``{%tr endfor %}``), filled by ``jidi_docs.render``.

Every part is written as Word expects it: table and cell properties in the order of the
ISO/IEC 29500 schema (Word repairs, or opens read-only, files whose ``w:tblPr``/``w:tcPr``
children are out of order), a theme whose East Asian fonts are 黑体/宋体 with
``themeFontLang`` zh-CN, and none of the leftovers of python-docx's default template
(``stylesWithEffects.xml``, whose defaults contradict ``styles.xml``; a thumbnail; customXml).
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell, _Row
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent

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
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
)
TCPR_ORDER = (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
    "cellMerge", "tcPrChange",
)

#: Parts of python-docx's default template that the forms must not carry, and why:
#: stylesWithEffects.xml repeats styles.xml for Word 2010 with other defaults (Calibri 11 pt);
#: the thumbnail shows python-docx's sample page; customXml holds an empty bibliography.
DROPPED_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"

#: Fixed timestamp for core properties and zip entries, so that output never depends on "now".
FIXED_TIME = dt.datetime(2021, 7, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Align = WD_ALIGN_PARAGRAPH


# ---------------------------------------------------------------------------------------------
# low-level helpers
# ---------------------------------------------------------------------------------------------


def _insert_ordered(parent: object, child: object, order: Sequence[str]) -> None:
    """Insert `child` into `parent` before the first sibling that the schema puts after it."""
    rank = order.index(etree.QName(child).localname)  # type: ignore[arg-type]
    for i, sibling in enumerate(parent):  # type: ignore[attr-defined]
        if order.index(etree.QName(sibling).localname) > rank:
            parent.insert(i, child)  # type: ignore[attr-defined]
            return
    parent.append(child)  # type: ignore[attr-defined]


def _rfonts(rpr: object, east_asia: str) -> None:
    """Set explicit Latin and East-Asian fonts on an rPr element (theme fonts would override)."""
    rfonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)  # type: ignore[attr-defined]
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    rfonts.set(qn("w:ascii"), LATIN)
    rfonts.set(qn("w:hAnsi"), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), LATIN)
    rfonts.set(qn("w:hint"), "eastAsia")


def _setup_styles(doc: Document) -> None:
    """Rewrite docDefaults (fonts, zh-CN language) and add the styles the forms use."""
    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _rfonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), "21")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _rfonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    def add(name: str, font: str, size: float, *, bold: bool = False) -> None:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        _rfonts(style.element.get_or_add_rPr(), font)

    add("Form Tag", HEADING_FONT, 16)
    add("Form Title", TITLE_FONT, 22)
    doc.styles["Form Title"].paragraph_format.alignment = Align.CENTER
    doc.styles["Form Title"].paragraph_format.space_before = Pt(6)
    doc.styles["Form Title"].paragraph_format.space_after = Pt(12)
    add("Section Heading", HEADING_FONT, 14)
    doc.styles["Section Heading"].paragraph_format.space_before = Pt(12)
    doc.styles["Section Heading"].paragraph_format.space_after = Pt(6)
    doc.styles["Section Heading"].paragraph_format.keep_with_next = True
    add("Table Text", BODY_FONT, 10.5)
    add("Table Header", HEADING_FONT, 10.5)
    doc.styles["Table Header"].paragraph_format.alignment = Align.CENTER
    add("Form Note", BODY_FONT, 10.5)
    doc.styles["Form Note"].paragraph_format.space_before = Pt(3)


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


def _para(doc_or_cell: object, text: str, style: str, *, font: str = BODY_FONT,
          align: WD_ALIGN_PARAGRAPH | None = None, first: bool = False) -> object:
    """Add (or reuse the first empty) paragraph with one run whose fonts are explicit."""
    if first:
        p = doc_or_cell.paragraphs[0]  # type: ignore[attr-defined]
        p.style = style
    else:
        p = doc_or_cell.add_paragraph(style=style)  # type: ignore[attr-defined]
    if align is not None:
        p.alignment = align
    if text:
        run = p.add_run(text)
        _rfonts(run._r.get_or_add_rPr(), font)
    return p


def _cell(cell: _Cell, text: str, *, header: bool = False, align: WD_ALIGN_PARAGRAPH = Align.CENTER,
          ) -> None:
    """Put `text` in a table cell (first paragraph), centred vertically."""
    style = "Table Header" if header else "Table Text"
    font = HEADING_FONT if header else BODY_FONT
    lines = text.split("\n")
    _para(cell, lines[0], style, font=font, align=align, first=True)
    for line in lines[1:]:
        _para(cell, line, style, font=font, align=align)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _borders(table: Table, val: str) -> None:
    """Give a table all six borders (`val` = "single") or none (`val` = "nil")."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        if val != "nil":
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    _insert_ordered(tblpr, borders, TBLPR_ORDER)


def _cell_border(cell: _Cell, edge: str, val: str) -> None:
    """Override one border of one cell (used to join the two rows of the 审核意见 boxes)."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = tcpr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        _insert_ordered(tcpr, borders, TCPR_ORDER)
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), val)
    borders.append(el)


def _table(doc: Document, widths_cm: Sequence[float], rows: int = 0, *, borders: bool = True,
           ) -> Table:
    """Add a fixed-layout, centred table with the given column widths."""
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table, "single" if borders else "nil")
    for col, width in zip(table.columns, widths_cm):
        col.width = Cm(width)
    return table


def _row(table: Table, *, header: bool = False, cant_split: bool = True,
         min_height_cm: float | None = None) -> _Row:
    """Append a row; widths are set on each cell because Word reads tcW, LibreOffice gridCol."""
    row = table.add_row()
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))
    if min_height_cm is not None:
        row.height = Cm(min_height_cm)
    for cell, col in zip(row.cells, table.columns):
        cell.width = col.width
    return row


def _merge(row: _Row, start: int, end: int) -> _Cell:
    """Merge cells start..end (inclusive) of a row horizontally and return the merged cell."""
    merged = row.cells[start].merge(row.cells[end])
    return merged


def _list_table(doc: Document, var: str, item: str, columns: Sequence[tuple[str, str, float]],
                ) -> Table:
    """Add a header row plus one looped body row: columns are (label, field, width_cm)."""
    table = _table(doc, [w for _, _, w in columns])
    head = _row(table, header=True)
    for cell, (label, _, _) in zip(head.cells, columns):
        _cell(cell, label, header=True)
    _loop_rows(table, var, item, [field for _, field, _ in columns])
    return table


def _loop_rows(table: Table, var: str, item: str, fields: Sequence[str | None],
               aligns: Sequence[WD_ALIGN_PARAGRAPH] | None = None) -> None:
    """Append the three rows `{%tr for %}` / body / `{%tr endfor %}`; None fields stay blank."""
    start = _row(table)
    _cell(start.cells[0], f"{{%tr for {item} in {var} %}}", align=Align.LEFT)
    body = _row(table)
    for i, (cell, field) in enumerate(zip(body.cells, fields)):
        align = aligns[i] if aligns else Align.CENTER
        _cell(cell, f"{{{{ {item}.{field} }}}}" if field else "", align=align)
    end = _row(table)
    _cell(end.cells[0], "{%tr endfor %}", align=Align.LEFT)


def _section(doc: Document, *, landscape: bool) -> None:
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


def _new_document(title: str) -> Document:
    """Return an empty document with our styles, fonts and fixed core properties."""
    doc = Document()
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
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _without_dropped_types(data: bytes) -> bytes:
    """Return [Content_Types].xml without overrides for dropped parts (and the unused jpeg)."""
    root = etree.fromstring(data)
    for entry in list(root):
        part = entry.get("PartName", "").lstrip("/")
        if (part and _dropped(part)) or entry.get("Extension") == "jpeg":
            root.remove(entry)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zh_cn_theme(data: bytes) -> bytes:
    """Return theme1.xml with Chinese theme fonts: 黑体 for headings, 宋体 for body text."""
    root = etree.fromstring(data)
    scheme = root.find(f".//{{{_A}}}fontScheme")
    scheme.set("name", "jidi_docs 宋体-黑体")
    for tag, (latin, east_asia) in THEME_FONTS.items():
        fonts = scheme.find(f"{{{_A}}}{tag}")
        fonts.find(f"{{{_A}}}latin").set("typeface", latin)
        fonts.find(f"{{{_A}}}ea").set("typeface", east_asia)
        fonts.find(f"{{{_A}}}font[@script='Hans']").set("typeface", east_asia)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zh_cn_settings(data: bytes) -> bytes:
    """Return settings.xml with themeFontLang zh-CN and without the thumbnail request."""
    root = etree.fromstring(data)
    root.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    preview = root.find(qn("w:savePreviewPicture"))
    if preview is not None:
        root.remove(preview)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _package_bytes(doc: Document) -> bytes:
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


# ---------------------------------------------------------------------------------------------
# 附件1 《跨境电商人才社会培训基地认定评价表》
# ---------------------------------------------------------------------------------------------

#: 序号, 内容, 评价指标, 评分标准, 佐证材料, 自评分, 专家评分 (cm; landscape A4 minus 2 cm margins)
FORM1_COLUMNS = [
    ("序号", "no", 1.3, Align.CENTER),
    ("内容", "category", 2.4, Align.CENTER),
    ("评价指标", "indicator", 3.0, Align.CENTER),
    ("评分标准", "standard", 8.2, Align.LEFT),
    ("佐证材料", "evidence", 7.2, Align.LEFT),
    ("自评分", "score", 1.8, Align.CENTER),
    ("专家评分", None, 1.8, Align.CENTER),
]


def build_form1() -> Document:
    """Return 附件1 (评价表): title, header line, 7-column table with one looped row, 总分 row."""
    doc = _new_document("跨境电商人才社会培训基地认定评价表")
    _section(doc, landscape=True)
    _para(doc, "附件1：", "Form Tag", font=HEADING_FONT)
    _para(doc, "跨境电商人才社会培训基地认定评价表", "Form Title", font=TITLE_FONT)

    head = _table(doc, [3.2, 12.6, 4.0, 5.9], rows=0, borders=False)
    row = _row(head)
    _cell(row.cells[0], "申报单位名称：", align=Align.LEFT)
    _cell(row.cells[1], "{{ unit_name }}", align=Align.LEFT)
    _cell(row.cells[2], "所属区、县（市）：", align=Align.RIGHT)
    _cell(row.cells[3], "{{ district }}", align=Align.LEFT)
    _para(doc, "", "Table Text")

    table = _table(doc, [w for _, _, w, _ in FORM1_COLUMNS])
    header = _row(table, header=True)
    for cell, (label, _, _, _) in zip(header.cells, FORM1_COLUMNS):
        _cell(cell, label, header=True)
    _loop_rows(
        table,
        "rows",
        "r",
        [field for _, field, _, _ in FORM1_COLUMNS],
        aligns=[a for _, _, _, a in FORM1_COLUMNS],
    )
    total = _row(table)
    merged = _merge(total, 0, 4)
    _cell(merged, "总分", header=True)
    _cell(total.cells[5], "{{ total }}")
    _cell(total.cells[6], "")
    return doc


# ---------------------------------------------------------------------------------------------
# 附件2 《跨境电商人才社会培训基地认定申报表》
# ---------------------------------------------------------------------------------------------

#: 基本情况 grid: 6 columns, label / value pairs (cm; portrait A4 minus 2.6 cm margins = 15.8)
BASIC_WIDTHS = [2.8, 2.4, 2.9, 2.6, 2.3, 2.8]


def _basic_info(doc: Document) -> None:
    """Add 一、基本情况: a label/value grid whose labels and tags sit in separate cells."""
    _para(doc, "一、基本情况", "Section Heading", font=HEADING_FONT)
    t = _table(doc, BASIC_WIDTHS)

    def full(label: str, tag: str, *, align: WD_ALIGN_PARAGRAPH = Align.LEFT,
             height: float | None = None, cant_split: bool = True) -> None:
        row = _row(t, min_height_cm=height, cant_split=cant_split)
        _cell(row.cells[0], label)
        _cell(_merge(row, 1, 5), tag, align=align)

    def pair(label1: str, tag1: str, label2: str, tag2: str) -> None:
        row = _row(t, min_height_cm=0.8)
        _cell(row.cells[0], label1)
        _cell(_merge(row, 1, 2), tag1)
        _cell(row.cells[3], label2)
        _cell(_merge(row, 4, 5), tag2)

    full("单位名称", "{{ b.name }}", align=Align.CENTER, height=1.0)
    pair("注册地", "{{ b.reg_address }}", "所属区县", "{{ b.district }}")
    pair("法定代表人", "{{ b.legal_rep }}", "注册时间", "{{ b.reg_date }}")
    pair("联系人", "{{ b.contact }}", "电话", "{{ b.phone }}")
    pair("办公地址", "{{ b.office_address }}", "总面积\n（平方米）", "{{ b.total_area }}")
    full("培训场地及可容纳人数", "{{ b.venues }}", height=1.6)
    row = _row(t, min_height_cm=0.8)
    for i, text in enumerate(
        ["讲师数量", "{{ b.lecturer_count }}", "具有大学本科及以上学历讲师数量",
         "{{ b.bachelor_count }}", "占比（%）", "{{ b.ratio }}"]
    ):
        _cell(row.cells[i], text)
    pair("管理人员\n数量", "{{ b.manager_count }}", "涉及平台数量", "{{ b.platform_count }}")
    full("单位简介", "{{ b.intro }}", align=Align.LEFT, height=5.0, cant_split=False)
    _para(doc, "（请附营业执照原件扫描件、房产证或租房合同（盖红章）扫描件）", "Form Note")


def _opinion_box(
    doc: Document,
    tag: str,
    sign_lines: Sequence[str],
    *,
    keep_with_next: bool = False,
    short: bool = False,
) -> None:
    """Add a big one-column box: a tall row for the opinion, a row for the signature lines.

    The opinion row may split across pages only when it carries a (possibly long) tag; an
    empty box is kept whole and on the page of its signature lines. With `keep_with_next`, the
    box also stays on the page of what follows it (the closing 注, which must not stand alone).
    A `short` box (a few lines from the office) is kept whole even with its tag.
    """
    t = _table(doc, [15.8])
    top = _row(t, min_height_cm=4.5, cant_split=short or not tag)
    _cell(top.cells[0], tag, align=Align.LEFT)
    for p in top.cells[0].paragraphs:
        p.paragraph_format.keep_with_next = True
    top.cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    bottom = _row(t, min_height_cm=3.0)
    cell = bottom.cells[0]
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    for i, line in enumerate(sign_lines):
        p = _para(cell, line, "Table Text", align=Align.LEFT, first=(i == 0))
        p.paragraph_format.left_indent = Cm(7.5)  # type: ignore[attr-defined]
        p.paragraph_format.space_after = Pt(12)  # type: ignore[attr-defined]
        p.paragraph_format.keep_with_next = keep_with_next  # type: ignore[attr-defined]
    # One visual box: hide the line between the two rows.
    _cell_border(top.cells[0], "bottom", "nil")
    _cell_border(cell, "top", "nil")


def build_form2() -> Document:
    """Return 附件2 (申报表): sections 一 to 十 with their tables, notes and signature boxes."""
    doc = _new_document("跨境电商人才社会培训基地认定申报表")
    _section(doc, landscape=False)
    _para(doc, "附件2：", "Form Tag", font=HEADING_FONT)
    _para(doc, "跨境电商人才社会培训基地认定申报表", "Form Title", font=TITLE_FONT)
    _basic_info(doc)

    sections: list[tuple[str, str, str, list[tuple[str, str, float]], str]] = [
        ("二、管理运营团队", "managers", "m",
         [("序号", "no", 1.2), ("姓名", "name", 2.4), ("职务", "title", 2.8),
          ("学历", "education", 2.2), ("部门", "dept", 3.4), ("岗位", "post", 3.8)],
         "（此栏请自行增添）"),
        ("三、专兼职讲师", "lecturers", "t",
         [("序号", "no", 1.2), ("讲师姓名", "name", 2.0), ("专职/兼职", "kind", 1.8),
          ("职称学历", "title_edu", 3.0), ("研发平台", "platform", 2.4),
          ("联系电话", "phone", 2.8), ("备注", "note", 2.6)],
         "（请附讲师学历证书复印件、教师管理体系、兼职讲师合作协议等文件）"),
        ("四、已开展的跨境电商培训活动", "trainings", "a",
         [("序号", "no", 1.2), ("时间", "time", 3.0), ("地点", "place", 2.6),
          ("授课主题", "topic", 3.6), ("讲师", "lecturer", 1.8), ("培训人次", "count", 1.8),
          ("学时数", "hours", 1.8)],
         "（请附活动报名表、签到表及其他作证材料）"),
        ("五、已开展的企业人才对接和考察调研活动", "matchings", "a",
         [("序号", "no", 1.2), ("时间", "time", 3.0), ("地点", "place", 2.8),
          ("活动主题", "topic", 4.2), ("参与人次", "count", 1.8), ("备注", "note", 2.8)],
         "（请附组织证明材料，包含但不限于参会企业名单、输送人员名单）"),
        ("六、已开展的品牌建设和创新活动", "brands", "a",
         [("序号", "no", 1.2), ("时间", "time", 2.6), ("特色创新活动内容", "content", 5.0),
          ("社会影响力情况", "impact", 4.4), ("备注", "note", 2.6)],
         "（请附相关活动证明材料）"),
        ("七、企业荣誉", "honours", "h",
         [("序号", "no", 1.2), ("荣誉名称", "name", 5.0), ("签发单位", "issuer", 4.2),
          ("时间", "time", 2.6), ("备注", "note", 2.8)],
         "（请附企业荣誉证明材料）"),
        ("八、企业资质", "qualifications", "q",
         [("序号", "no", 1.2), ("资质名称", "name", 4.4), ("资质登记", "reg", 4.0),
          ("发证单位", "issuer", 3.6), ("有效期", "valid", 2.6)],
         "（请附企业资质证明材料）"),
    ]
    for heading, var, item, columns, note in sections:
        _para(doc, heading, "Section Heading", font=HEADING_FONT)
        _list_table(doc, var, item, columns)
        _para(doc, note, "Form Note")

    _para(doc, "九、申报单位审核意见", "Section Heading", font=HEADING_FONT)
    _opinion_box(
        doc,
        "{{ opinion }}",
        ["法定代表人（签章）：", "申请单位（公章）：", "日期：　　　年　　月　　日"],
    )
    _para(doc, "十、综试办审核意见", "Section Heading", font=HEADING_FONT)
    _opinion_box(
        doc,
        "{{ office_opinion }}",
        ["市综试办（公章）：", "日期：　　　　　年　　月　　日"],
        keep_with_next=True,
        short=True,
    )
    blank = _para(doc, "", "Form Note")
    blank.paragraph_format.keep_with_next = True
    _para(
        doc,
        "注：《跨境电商人才社会培训基地认定评价表》中要求提供的佐证材料与此申报表一并提交。",
        "Form Note",
    )
    return doc


# ---------------------------------------------------------------------------------------------
# 封面与目录: the bundle's cover (page 1) and contents (from page 2)
# ---------------------------------------------------------------------------------------------

#: Body width of the cover's A4 page: 210 mm minus margins of 28 mm (left) and 26 mm (right).
COVER_BODY_MM = 210 - 28 - 26

#: One contents paragraph per level: (style, title font, size in points).
CONTENTS_LEVELS = [
    ("Contents 1", HEADING_FONT, 14),
    ("Contents 2", BODY_FONT, 12),
    ("Contents 3", BODY_FONT, 12),
]
#: Line spacing of the contents, in points: at 28 pt one page holds 20 lines.
CONTENTS_LINE = 28
#: The same levels set closer, for a long contents (the ``dense`` context flag, set in
#: `jidi_docs.forms._cover` from the number of lines): 16 pt lines hold 36 lines on one page,
#: the 申报表, 评价表, 佐证材料, the 11 groups and 22 entries (an indicator folder of photos).
DENSE_LEVELS = [
    ("Contents 1 Dense", HEADING_FONT, 12),
    ("Contents 2 Dense", BODY_FONT, 11),
    ("Contents 3 Dense", BODY_FONT, 10.5),
]
DENSE_LINE = 16


def _cover_styles(doc: Document) -> None:
    """Add the cover's paragraph styles, so staff can restyle the cover in Word."""
    normal = doc.styles["Normal"]

    def add(name: str, font: str, size: float, align: WD_ALIGN_PARAGRAPH | None = None) -> object:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        _rfonts(style.element.get_or_add_rPr(), font)
        if align is not None:
            style.paragraph_format.alignment = align
        return style

    add("Cover Text", COVER_FONT, 16)
    title = add("Cover Title", TITLE_FONT, 26, Align.CENTER)
    title.paragraph_format.line_spacing = Pt(40)  # type: ignore[attr-defined]
    add("Cover Label", HEADING_FONT, 16, Align.DISTRIBUTE)
    heading = add("Contents Heading", HEADING_FONT, 22, Align.CENTER)
    heading.paragraph_format.page_break_before = True  # type: ignore[attr-defined]
    heading.paragraph_format.space_after = Pt(18)  # type: ignore[attr-defined]
    for levels, line in ((CONTENTS_LEVELS, CONTENTS_LINE), (DENSE_LEVELS, DENSE_LINE)):
        for level, (name, font, size) in enumerate(levels):
            style = add(name, font, size)
            fmt = style.paragraph_format  # type: ignore[attr-defined]
            fmt.left_indent = Mm(8 * level)
            fmt.line_spacing = Pt(line)
            if line == DENSE_LINE:
                fmt.space_before = fmt.space_after = Pt(0)
            fmt.tab_stops.add_tab_stop(
                Mm(COVER_BODY_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )


def build_cover() -> Document:
    """Return the cover and contents template.

    Page 1: the title (``{{ title }}``, two lines), the applicant's details in a borderless
    table (label, colon and tag in separate cells), the date. Page 2 on: 目录, one line per
    ``contents`` item — a paragraph per level (``line.level`` 0, 1, 2), each the title, a tab
    with dot leaders, and the printed page range.
    """
    doc = _new_document("申报材料封面与目录")
    _cover_styles(doc)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)

    for _ in range(3):
        _para(doc, "", "Cover Text")
    _para(doc, "{{ title }}", "Cover Title", font=TITLE_FONT)
    for _ in range(6):
        _para(doc, "", "Cover Text")

    # Label 30 mm (four characters spread out), a colon, then the rest of the text width: a
    # 20-character 单位名称 at 16 pt (the usual length of a 有限公司 name) stays on one line.
    colon_mm = 6
    widths = [3.0, colon_mm / 10, (COVER_BODY_MM - 30 - colon_mm) / 10]
    table = _table(doc, widths, borders=False)
    for label, tag in (
        ("申报单位", "{{ unit_name }}"),
        ("所属区县", "{{ district }}"),
        ("联系人", "{{ contact }}"),
        ("联系电话", "{{ phone }}"),
    ):
        row = _row(table)
        for cell, text, style, font in (
            (row.cells[0], label, "Cover Label", HEADING_FONT),
            (row.cells[1], "：", "Cover Text", COVER_FONT),
            (row.cells[2], tag, "Cover Text", COVER_FONT),
        ):
            p = _para(cell, text, style, font=font, first=True)
            p.paragraph_format.space_after = Pt(12)  # type: ignore[attr-defined]
    for _ in range(4):
        _para(doc, "", "Cover Text")
    _para(doc, "{{ date }}", "Cover Text", font=COVER_FONT, align=Align.CENTER)

    _para(doc, "目　　录", "Contents Heading", font=HEADING_FONT)
    _para(doc, "{%p for line in contents %}", "Normal")
    # One paragraph per level, set closer when the contents are long (``dense``).
    variants = [("dense and ", DENSE_LEVELS), ("", CONTENTS_LEVELS)]
    first = True
    for prefix, levels in variants:
        for level, (style, font, _size) in enumerate(levels):
            cond = f"line.level == {level}" if level < 2 else "true"
            _para(doc, f"{{%p {'if' if first else 'elif'} {prefix}{cond} %}}", "Normal")
            first = False
            p = _para(doc, "{{ line.title }}", style, font=font)
            run = p.add_run()  # type: ignore[attr-defined]
            run.add_tab()
            run.add_text("{{ line.pages }}")
            _rfonts(run._r.get_or_add_rPr(), BODY_FONT)
    _para(doc, "{%p endif %}", "Normal")
    _para(doc, "{%p endfor %}", "Normal")
    return doc


def build_all() -> dict[str, bytes]:
    """Return {"附件1.docx": bytes, "附件2.docx": bytes, "封面.docx": bytes}, deterministic."""
    return {
        "附件1.docx": _package_bytes(build_form1()),
        "附件2.docx": _package_bytes(build_form2()),
        "封面.docx": _package_bytes(build_cover()),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Write the templates into the directory given on the command line (default templates/)."""
    args = list(sys.argv[1:] if argv is None else argv)
    out_dir = Path(args[0]) if args else ROOT / "templates"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in build_all().items():
        (out_dir / name).write_bytes(data)
        print(f"已生成 {out_dir / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
