"""Build the bundle's cover and contents pages as a .docx, for LibreOffice to convert.

Why .docx and not reportlab: the pages are Chinese, and reportlab cannot embed the Noto CJK fonts
(PostScript outlines). Going through python-docx and LibreOffice gives the same fonts and
typography as the filled forms: 方正小标宋简体 for the title, 黑体 for headings, 仿宋_GB2312 for the
cover details and 宋体 for the contents, every run tagged ``w:lang w:eastAsia="zh-CN"``.

Layout: the cover is page 1; a page break follows, and the contents start on page 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

if TYPE_CHECKING:
    from pathlib import Path

    from docx.document import Document
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

__all__ = ["ContentsLine", "build_cover_docx"]

#: The text shown instead of a page range for an item that has no file.
MISSING = "缺"


@dataclass(frozen=True)
class ContentsLine:
    """One line of the contents page.

    Attributes:
        level: 0 for a top part (申报表, 佐证材料), 1 for an indicator, 2 for an entry.
        title: the text shown.
        pages: the printed page range, e.g. ``"3–5"`` or ``"7"``, or ``"缺"`` for a missing item.
    """

    level: Literal[0, 1, 2]
    title: str
    pages: str


def _style_run(run: Run, *, font: str, size: float, bold: bool = False) -> Run:
    """Return `run` set to `font` for both Latin and East Asian text, `size` points, zh-CN."""
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    return run


def _para(doc: Document, *, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(0)
    return p


def build_cover_docx(
    out: Path,
    *,
    title: str,
    unit_name: str,
    district: str,
    contact: str,
    phone: str,
    date_text: str,
    contents: list[ContentsLine],
) -> Path:
    """Write the cover (page 1) and contents (from page 2) to `out` and return `out`.

    Args:
        out: the .docx to write.
        title: the bundle title, e.g. ``杭州跨境电商人才社会培训基地认定申报材料``.
        unit_name: 申报单位 (单位名称).
        district: 所属区县.
        contact: 联系人.
        phone: 联系电话.
        date_text: the date as printed, e.g. ``2021年8月10日``.
        contents: the contents lines with their printed page ranges.
    """
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    body_width = Mm(210 - 28 - 26)

    # -- cover -----------------------------------------------------------------------------------
    for _ in range(3):
        _style_run(_para(doc).add_run(""), font="仿宋_GB2312", size=16)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.line_spacing = Pt(40)
    _style_run(p.add_run(title), font="方正小标宋简体", size=26)
    for _ in range(6):
        _style_run(_para(doc).add_run(""), font="仿宋_GB2312", size=16)

    table = doc.add_table(rows=0, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Label 30 mm (four characters spread out), value the rest of the text width: a 20-character
    # 单位名称 at 16 pt (the usual length of a 有限公司 name) then stays on one line.
    label_width, value_width = Mm(30), body_width - Mm(30)
    table.columns[0].width, table.columns[1].width = label_width, value_width
    for label, value in (
        ("申报单位", unit_name),
        ("所属区县", district),
        ("联 系 人", contact),
        ("联系电话", phone),
    ):
        cells = table.add_row().cells
        cells[0].width, cells[1].width = label_width, value_width
        lp = cells[0].paragraphs[0]
        lp.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
        _style_run(lp.add_run(label), font="黑体", size=16)
        vp = cells[1].paragraphs[0]
        _style_run(vp.add_run(f"：{value}"), font="仿宋_GB2312", size=16)
        for c in cells:
            c.paragraphs[0].paragraph_format.space_after = Pt(12)
    for _ in range(4):
        _style_run(_para(doc).add_run(""), font="仿宋_GB2312", size=16)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style_run(p.add_run(date_text), font="仿宋_GB2312", size=16)

    # -- contents --------------------------------------------------------------------------------
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.add_run().add_break(WD_BREAK.PAGE)
    p.paragraph_format.space_after = Pt(18)
    _style_run(p.add_run("目　　录"), font="黑体", size=22)
    for line in contents:
        p = _para(doc)
        fmt = p.paragraph_format
        fmt.left_indent = Mm(8 * line.level)
        fmt.line_spacing = Pt(28)
        fmt.tab_stops.add_tab_stop(body_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        heading = line.level == 0
        _style_run(
            p.add_run(line.title), font="黑体" if heading else "宋体", size=14 if heading else 12
        )
        _style_run(p.add_run(f"\t{line.pages}"), font="宋体", size=14 if heading else 12)

    doc.save(out)
    return out
