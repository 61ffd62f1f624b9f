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

附件2 is drawn from the registry of the forms' sections (``schema/sections.yaml``): each part's
heading, the 基本情况 grid, each list's columns (header, template key, width) and note, the 九/十
boxes and the closing note. The titles are the default 认定批次's (the forms print the title of
each application's own 认定批次 through ``{{ title }}``). The low-level parts are in
``_docxparts.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Cm, Mm, Pt

from _docxparts import (
    BODY_FONT,
    COVER_FONT,
    HEADING_FONT,
    TITLE_FONT,
    Align,
    add_style,
    cell,
    cell_border,
    loop_rows,
    merge,
    new_document,
    package_bytes,
    para,
    portrait_or_landscape,
    rfonts,
    row,
    table,
)
from jidi_docs.schema import Column, Profile, Registry, Section, builtin_profile, registry

if TYPE_CHECKING:
    from docx.document import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

ROOT = Path(__file__).resolve().parent.parent

#: The Jinja name of a list table's row.
ROW = "r"


# ---------------------------------------------------------------------------------------------
# 附件1 《跨境电商人才社会培训基地认定评价表》
# ---------------------------------------------------------------------------------------------

#: 序号, 内容, 评价指标, 评分标准, 佐证材料, 自评分, 专家评分 (cm; landscape A4 minus 2 cm margins)
FORM1_COLUMNS: list[tuple[str, str | None, float, WD_ALIGN_PARAGRAPH]] = [
    ("序号", "no", 1.3, Align.CENTER),
    ("内容", "category", 2.4, Align.CENTER),
    ("评价指标", "indicator", 3.0, Align.CENTER),
    ("评分标准", "standard", 8.2, Align.LEFT),
    ("佐证材料", "evidence", 7.2, Align.LEFT),
    ("自评分", "score", 1.8, Align.CENTER),
    ("专家评分", None, 1.8, Align.CENTER),
]


def build_form1(profile: Profile) -> Document:
    """Return 附件1 (评价表): title, header line, 7-column table with one looped row, 总分 row."""
    doc = new_document(profile.score_title)
    portrait_or_landscape(doc, landscape=True)
    para(doc, "附件1：", "Form Tag", font=HEADING_FONT)
    para(doc, "{{ title }}", "Form Title", font=TITLE_FONT)

    head = table(doc, [3.2, 12.6, 4.0, 5.9], rows=0, lines=False)
    first = row(head)
    cell(first.cells[0], "申报单位名称：", align=Align.LEFT)
    cell(first.cells[1], "{{ unit_name }}", align=Align.LEFT)
    cell(first.cells[2], "所属区、县（市）：", align=Align.RIGHT)
    cell(first.cells[3], "{{ district }}", align=Align.LEFT)
    para(doc, "", "Table Text")

    scores = table(doc, [w for _, _, w, _ in FORM1_COLUMNS])
    header = row(scores, header=True)
    for c, (label, _, _, _) in zip(header.cells, FORM1_COLUMNS, strict=True):
        cell(c, label, header=True)
    loop_rows(
        scores,
        "rows",
        "r",
        [field for _, field, _, _ in FORM1_COLUMNS],
        aligns=[a for _, _, _, a in FORM1_COLUMNS],
    )
    total = row(scores)
    cell(merge(total, 0, 4), "总分", header=True)
    cell(total.cells[5], "{{ total }}")
    cell(total.cells[6], "")
    return doc


# ---------------------------------------------------------------------------------------------
# 附件2 《跨境电商人才社会培训基地认定申报表》, from the registry
# ---------------------------------------------------------------------------------------------


def _basic_info(doc: Document, reg: Registry) -> None:
    """Add 一、基本情况: the registry's grid of labels and values, each in a cell of its own.

    A row of n cells gives each 6/n of the six columns: the label, then the value across the rest.
    """
    section = reg.mapping_section
    assert section.layout is not None  # checked when the registry is read
    assert section.heading is not None
    para(doc, section.heading, "Section Heading", font=HEADING_FONT)
    grid = table(doc, section.layout.widths)
    for line in section.layout.rows:
        added = row(grid, min_height_cm=line.height, cant_split=not line.may_split)
        span = len(section.layout.widths) // len(line.cells)
        align = Align.LEFT if line.align == "靠左" else Align.CENTER
        for k, parts in enumerate(line.cells):
            first = reg.basic_part(parts[0])
            start = k * span
            cell(added.cells[start], first.form_headers[0])
            value = (
                merge(added, start + 1, start + span - 1) if span > 2 else added.cells[start + 1]
            )
            key = first.template_key or (first.name if isinstance(first, Column) else None)
            cell(value, f"{{{{ {section.template_key}.{key} }}}}", align=align)
    for c in added.cells:  # the last row keeps with the note under the table
        for p in c.paragraphs:
            p.paragraph_format.keep_with_next = True
    para(doc, section.form_note or "", "Form Note")


def _list_table(doc: Document, reg: Registry, section: Section) -> None:
    """Add a list of 附件2: the header row and one looped row, a column per template key.

    Columns sharing a template key (职称 and 学历) share a cell, headed and sized by the first.
    """
    columns: dict[str, Column] = {}
    for column in section.columns:
        if column.template_key:
            columns.setdefault(column.template_key, column)
    widths = [reg.form.number_width, *(c.width or 2.0 for c in columns.values())]
    grid = table(doc, widths)
    head = row(grid, header=True)
    labels = ["序号", *(c.form_headers[0] for c in columns.values())]
    for c, label in zip(head.cells, labels, strict=True):
        cell(c, label, header=True)
    loop_rows(grid, str(section.template_key), ROW, ["no", *columns], last_keeps_with_next=True)


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
    box = table(doc, [15.8])
    top = row(box, min_height_cm=4.5, cant_split=short or not tag)
    cell(top.cells[0], tag, align=Align.LEFT)
    for p in top.cells[0].paragraphs:
        p.paragraph_format.keep_with_next = True
    top.cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    bottom = row(box, min_height_cm=3.0)
    sign = bottom.cells[0]
    sign.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    for i, line in enumerate(sign_lines):
        p = para(sign, line, "Table Text", align=Align.LEFT, first=(i == 0))
        p.paragraph_format.left_indent = Cm(7.5)
        p.paragraph_format.space_after = Pt(12)
        p.paragraph_format.keep_with_next = keep_with_next
    # One visual box: hide the line between the two rows.
    cell_border(top.cells[0], "bottom", "nil")
    cell_border(sign, "top", "nil")


def build_form2(reg: Registry, profile: Profile) -> Document:
    """Return 附件2 (申报表): its parts in the registry's order, with tables, notes and boxes.

    The application's top-level keys are walked in order: a section printed on the form (基本情况,
    and each list with a template key) adds its heading, table and note; a key with a heading of
    its own (九、十) adds an opinion box with its signature lines; the last box stays with the
    closing note.
    """
    doc = new_document(profile.form_title)
    portrait_or_landscape(doc, landscape=False)
    para(doc, "附件2：", "Form Tag", font=HEADING_FONT)
    para(doc, "{{ title }}", "Form Title", font=TITLE_FONT)
    boxes = [c for c in reg.root.columns if c.heading]
    for column in reg.root.columns:
        if column.type == "栏目" and column.label == reg.mapping_section.key:
            _basic_info(doc, reg)
        elif column.type == "栏目" and reg.section(column.label).template_key:
            section = reg.section(column.label)
            para(doc, section.heading or section.key, "Section Heading", font=HEADING_FONT)
            _list_table(doc, reg, section)
            para(doc, section.form_note or "", "Form Note")
        elif column.heading:
            para(doc, column.heading, "Section Heading", font=HEADING_FONT)
            _opinion_box(
                doc,
                f"{{{{ {column.template_key or column.name} }}}}",
                column.sign_lines,
                keep_with_next=column is boxes[-1],
                short=column.office_only,
            )
    blank = para(doc, "", "Form Note")
    blank.paragraph_format.keep_with_next = True
    para(doc, reg.form.closing_note, "Form Note")
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
    add_style(doc, "Cover Text", COVER_FONT, 16, bold=None)
    title = add_style(doc, "Cover Title", TITLE_FONT, 26, bold=None).paragraph_format
    title.alignment = Align.CENTER
    title.line_spacing = Pt(40)
    add_style(
        doc, "Cover Label", HEADING_FONT, 16, bold=None
    ).paragraph_format.alignment = Align.DISTRIBUTE
    heading = add_style(doc, "Contents Heading", HEADING_FONT, 22, bold=None).paragraph_format
    heading.alignment = Align.CENTER
    heading.page_break_before = True
    heading.space_after = Pt(18)
    for levels, line in ((CONTENTS_LEVELS, CONTENTS_LINE), (DENSE_LEVELS, DENSE_LINE)):
        for level, (name, font, size) in enumerate(levels):
            fmt = add_style(doc, name, font, size, bold=None).paragraph_format
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
    doc = new_document("申报材料封面与目录")
    _cover_styles(doc)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)

    for _ in range(3):
        para(doc, "", "Cover Text")
    para(doc, "{{ title }}", "Cover Title", font=TITLE_FONT)
    for _ in range(6):
        para(doc, "", "Cover Text")

    # Label 30 mm (four characters spread out), a colon, then the rest of the text width: a
    # 20-character 单位名称 at 16 pt (the usual length of a 有限公司 name) stays on one line.
    colon_mm = 6
    widths = [3.0, colon_mm / 10, (COVER_BODY_MM - 30 - colon_mm) / 10]
    details = table(doc, widths, lines=False)
    for label, tag in (
        ("申报单位", "{{ unit_name }}"),
        ("所属区县", "{{ district }}"),
        ("联系人", "{{ contact }}"),
        ("联系电话", "{{ phone }}"),
    ):
        added = row(details)
        for target, text, style, font in (
            (added.cells[0], label, "Cover Label", HEADING_FONT),
            (added.cells[1], "：", "Cover Text", COVER_FONT),
            (added.cells[2], tag, "Cover Text", COVER_FONT),
        ):
            p = para(target, text, style, font=font, first=True)
            p.paragraph_format.space_after = Pt(12)
    for _ in range(4):
        para(doc, "", "Cover Text")
    para(doc, "{{ date }}", "Cover Text", font=COVER_FONT, align=Align.CENTER)

    para(doc, "目　　录", "Contents Heading", font=HEADING_FONT)
    para(doc, "{%p for line in contents %}", "Normal")
    # One paragraph per level, set closer when the contents are long (``dense``).
    first = True
    for prefix, levels in (("dense and ", DENSE_LEVELS), ("", CONTENTS_LEVELS)):
        for level, (style, font, _size) in enumerate(levels):
            cond = f"line.level == {level}" if level < 2 else "true"
            para(doc, f"{{%p {'if' if first else 'elif'} {prefix}{cond} %}}", "Normal")
            first = False
            p = para(doc, "{{ line.title }}", style, font=font)
            run = p.add_run()
            run.add_tab()
            run.add_text("{{ line.pages }}")
            rfonts(run._r.get_or_add_rPr(), BODY_FONT)
    para(doc, "{%p endif %}", "Normal")
    para(doc, "{%p endfor %}", "Normal")
    return doc


def build_all(reg: Registry | None = None, profile: Profile | None = None) -> dict[str, bytes]:
    """Return {"附件1.docx": bytes, "附件2.docx": bytes, "封面.docx": bytes}, deterministic.

    Args:
        reg: the registry 附件2 is drawn from (default: the built-in ``sections.yaml``).
        profile: the 认定批次 whose titles the files' properties carry (default: the registry's).
    """
    reg = reg or registry()
    profile = profile or builtin_profile(reg.default_batch)
    return {
        "附件1.docx": package_bytes(build_form1(profile)),
        "附件2.docx": package_bytes(build_form2(reg, profile)),
        "封面.docx": package_bytes(build_cover()),
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
