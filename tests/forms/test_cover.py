"""Test the cover and contents pages (templates/封面.docx filled), as .docx and as LibreOffice
renders them."""

from __future__ import annotations

import re
import subprocess
import zipfile

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn

from jidi_docs.forms._cover import ContentsLine, build_cover_docx
from jidi_docs.pdf._convert import SofficeConverter
from pdfhelpers import pdf_text, require_soffice

UNIT = "杭州示例跨境电商职业培训学校有限公司"  # 20 characters, a usual length
CONTENTS = [
    ContentsLine(0, "附件2 跨境电商人才社会培训基地认定申报表", "1–4"),
    ContentsLine(0, "附件1 跨境电商人才社会培训基地认定评价表", "5–6"),
    ContentsLine(0, "佐证材料", "7–9"),
    ContentsLine(1, "基本情况", "7–8"),
    ContentsLine(2, "营业执照副本扫描件", "7–8"),
    ContentsLine(2, "房屋租赁合同", "缺"),
    ContentsLine(1, "创新工作", "9"),
    ContentsLine(2, "品牌建设报道", "9"),
]


def build(path, **overrides):
    kwargs = {
        "title": "跨境电商人才社会培训基地认定\n申报材料",
        "unit_name": UNIT,
        "district": "西湖区",
        "contact": "李四",
        "phone": "0571-87654321",
        "date_text": "2021年8月10日",
        "contents": CONTENTS,
    }
    kwargs.update(overrides)
    return build_cover_docx(path, **kwargs)


def test_every_run_is_tagged_simplified_chinese_with_its_east_asian_font(tmp_path):
    document = docx.Document(build(tmp_path / "cover.docx"))

    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    runs += [
        r
        for t in document.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    fonts = {r._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in runs}
    # Language comes from the document defaults; no run may override it.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    overrides = [r for r in runs if r._element.rPr.find(qn("w:lang")) is not None]

    assert fonts == {"方正小标宋简体", "黑体", "仿宋_GB2312", "宋体"}
    assert default_lang.get(qn("w:eastAsia")) == "zh-CN"
    assert overrides == []


def test_contents_lines_end_in_a_tab_to_their_pages_and_indent_by_level(tmp_path):
    document = docx.Document(build(tmp_path / "cover.docx"))

    lines = [p for p in document.paragraphs if "\t" in p.text]

    assert [p.text for p in lines] == [f"{c.title}\t{c.pages}" for c in CONTENTS]
    indents = [
        round(p.style.paragraph_format.left_indent.mm)
        if p.style.paragraph_format.left_indent
        else 0
        for p in lines
    ]
    assert indents == [0, 0, 0, 8, 16, 16, 8, 16]
    assert [p.style.name for p in lines] == [f"Contents {c.level + 1}" for c in CONTENTS]


def test_values_are_escaped_and_the_title_breaks_into_two_lines(tmp_path):
    document = docx.Document(
        build(tmp_path / "cover.docx", unit_name="A & B <公司> \"'", title="第一行\n第二行")
    )

    title = next(p for p in document.paragraphs if p.style.name == "Cover Title")
    assert title.text == "第一行\n第二行"  # python-docx reads <w:br/> as a line break
    assert "A & B <公司> \"'" in [c.text for c in document.tables[0].rows[0].cells]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    require_soffice()
    root = tmp_path_factory.mktemp("cover")
    with SofficeConverter() as conv:
        (pdf,) = conv.convert([build(root / "cover.docx")], root)
    return pdf


@pytest.mark.soffice
def test_cover_page_shows_title_on_two_lines_then_unit_details_and_date(rendered):
    cover = pdf_text(rendered)[0]
    lines = [re.sub(r"\s", "", line) for line in cover.splitlines() if line.strip()]

    assert lines[:2] == ["跨境电商人才社会培训基地认定", "申报材料"]
    assert lines[2:] == [
        f"申报单位：{UNIT}",  # one line: the value column is wide enough
        "所属区县：西湖区",
        "联系人：李四",
        "联系电话：0571-87654321",
        "2021年8月10日",
    ]


@pytest.mark.soffice
def test_contents_page_lists_every_line_with_dot_leaders_and_page_ranges(rendered):
    pages = pdf_text(rendered)
    lines = [re.sub(r"\s", "", line) for line in pages[1].splitlines() if line.strip()]

    assert len(pages) == 2
    assert lines[0] == "目录"
    assert len(lines[1:]) == len(CONTENTS)
    for line, item in zip(lines[1:], CONTENTS, strict=False):
        assert re.fullmatch(
            re.escape(re.sub(r"\s", "", item.title)) + r"\.{5,}" + re.escape(item.pages), line
        ), line


@pytest.mark.soffice
def test_cover_pages_are_a4_with_embedded_fonts(rendered):
    fonts = subprocess.run(
        ["pdffonts", str(rendered)], check=True, capture_output=True, text=True
    ).stdout

    with pikepdf.open(rendered) as pdf:
        sizes = {tuple(round(float(v)) for v in page.mediabox) for page in pdf.pages}
    assert sizes == {(0, 0, 595, 842)}
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    assert all(row.split()[-5] == "yes" for row in rows), fonts
    assert "Serif" in fonts
    assert "Sans" in fonts


def test_the_cover_document_is_stored_with_the_templates_other_parts(tmp_path):
    # It only goes to LibreOffice: stored, not deflated; only its body is filled in.
    from jidi_docs._resources import template_path

    with (
        zipfile.ZipFile(build(tmp_path / "cover.docx")) as cover,
        zipfile.ZipFile(template_path("封面")) as template,
    ):
        assert {i.compress_type for i in cover.infolist()} == {zipfile.ZIP_STORED}
        assert sorted(cover.namelist()) == sorted(template.namelist())
        assert cover.read("word/styles.xml") == template.read("word/styles.xml")


def long_contents(entries: int) -> list[ContentsLine]:
    """The contents of a bundle with `entries` files in one indicator folder (photos, say)."""
    groups = ["基本情况", "培训场地及环境", "日常管理", "财务情况", "办公条件", "教师管理系统"]
    groups += ["人才培养体系", "人才培育情况", "人才输送情况", "创新工作", "人才培育及输送情况反馈"]
    lines = [
        ContentsLine(0, "附件2 跨境电商人才社会培训基地认定申报表", "1–4"),
        ContentsLine(0, "附件1 跨境电商人才社会培训基地认定评价表", "5–6"),
        ContentsLine(0, "佐证材料", f"7–{6 + entries}"),
    ]
    for group in groups:
        lines.append(ContentsLine(1, group, "7" if group == "培训场地及环境" else "缺"))
        if group == "培训场地及环境":
            lines += [ContentsLine(2, f"教室照片 {n:02d}", str(7 + n)) for n in range(entries)]
    return lines


@pytest.mark.soffice
@pytest.mark.parametrize(("entries", "pages"), [(5, 2), (22, 2), (30, 3)])
def test_contents_of_up_to_22_entries_in_11_groups_fit_on_one_page(
    tmp_path, entries: int, pages: int
) -> None:
    """36 lines (申报表, 评价表, 佐证材料, 11 groups, 22 entries) stay on the contents page;
    beyond, the contents go on to a second page, whole."""
    require_soffice()
    contents = long_contents(entries)

    with SofficeConverter() as conv:
        (pdf,) = conv.convert([build(tmp_path / "cover.docx", contents=contents)], tmp_path)

    text = pdf_text(pdf)
    assert len(text) == pages
    listed = [line for page in text[1:] for line in page.splitlines() if "教室照片" in line]
    assert len(listed) == entries


def test_a_long_contents_is_set_closer_and_a_short_one_is_not(tmp_path) -> None:
    short = docx.Document(build(tmp_path / "short.docx"))
    long = docx.Document(build(tmp_path / "long.docx", contents=long_contents(20)))

    styles = {p.style.name for p in short.paragraphs if "\t" in p.text}
    dense = {p.style.name for p in long.paragraphs if "\t" in p.text}
    assert styles == {"Contents 1", "Contents 2", "Contents 3"}
    assert dense == {"Contents 1 Dense", "Contents 2 Dense", "Contents 3 Dense"}
