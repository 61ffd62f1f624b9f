"""Tests for templates/附件1.docx, 附件2.docx, 封面.docx and scripts/make_templates.py."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: Written out from the official notice (seeds/认定通知及附件.txt), not taken from the script.
FORM1_TEXTS = [
    "附件1：",
    "{{ title }}",  # the 认定批次's 评价表标题 (tests/forms/test_render.py)
    "申报单位名称：",
    "所属区、县（市）：",
    "序号",
    "内容",
    "评价指标",
    "评分标准",
    "佐证材料",
    "自评分",
    "专家评分",
    "总分",
]
FORM2_TEXTS = [
    "附件2：",
    "{{ title }}",  # the 认定批次's 申报表标题 (tests/forms/test_render.py)
    "一、基本情况",
    "二、管理运营团队",
    "三、专兼职讲师",
    "四、已开展的跨境电商培训活动",
    "五、已开展的企业人才对接和考察调研活动",
    "六、已开展的品牌建设和创新活动",
    "七、企业荣誉",
    "八、企业资质",
    "九、申报单位审核意见",
    "十、综试办审核意见",
    "单位名称",
    "注册地",
    "所属区县",
    "法定代表人",
    "注册时间",
    "联系人",
    "电话",
    "办公地址",
    "总面积\n（平方米）",
    "培训场地及可容纳人数",
    "讲师数量",
    "具有大学本科及以上学历讲师数量",
    "占比（%）",
    "管理人员\n数量",
    "涉及平台数量",
    "单位简介",
    "（请附营业执照原件扫描件、房产证或租房合同（盖红章）扫描件）",
    "（此栏请自行增添）",
    "（请附讲师学历证书复印件、教师管理体系、兼职讲师合作协议等文件）",
    "（请附活动报名表、签到表及其他作证材料）",
    "（请附组织证明材料，包含但不限于参会企业名单、输送人员名单）",
    "（请附相关活动证明材料）",
    "（请附企业荣誉证明材料）",
    "（请附企业资质证明材料）",
    "法定代表人（签章）：",
    "申请单位（公章）：",
    "日期：　　　年　　月　　日",
    "市综试办（公章）：",
    "日期：　　　　　年　　月　　日",
    "注：《跨境电商人才社会培训基地认定评价表》中要求提供的佐证材料与此申报表一并提交。",
]
FORM2_HEADERS = [
    ["序号", "姓名", "职务", "学历", "部门", "岗位"],
    ["序号", "讲师姓名", "专职/兼职", "职称学历", "研发平台", "联系电话", "备注"],
    ["序号", "时间", "地点", "授课主题", "讲师", "培训人次", "学时数"],
    ["序号", "时间", "地点", "活动主题", "参与人次", "备注"],
    ["序号", "时间", "特色创新活动内容", "社会影响力情况", "备注"],
    ["序号", "荣誉名称", "签发单位", "时间", "备注"],
    ["序号", "资质名称", "资质登记", "发证单位", "有效期"],
]


def all_texts(path: Path) -> list[str]:
    """Paragraph texts outside tables plus the text of every distinct table cell and paragraph."""
    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    for tc in doc.element.body.iter(f"{W}tc"):
        cell = docx.table._Cell(tc, None)  # type: ignore[arg-type]
        texts.append(cell.text)
        texts.extend(p.text for p in cell.paragraphs)
    return texts


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8")


def distinct_cells(row: object) -> list[str]:
    return [docx.table._Cell(tc, None).text for tc in row._tr.findall(f"{W}tc")]  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_templates.py"), str(out)],
        check=True,
        capture_output=True,
    )
    return out


ALL = ["附件1.docx", "附件2.docx", "封面.docx"]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


@pytest.mark.parametrize("name", ALL)
def test_committed_templates_match_the_generator(regenerated: Path, name: str) -> None:
    assert parts(regenerated / name) == parts(TEMPLATES / name)


@pytest.mark.parametrize("name", ALL)
def test_generator_output_is_byte_identical_across_runs(
    regenerated: Path, tmp_path: Path, name: str
) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_templates.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )

    assert (tmp_path / name).read_bytes() == (regenerated / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "expected"), [("附件1.docx", FORM1_TEXTS), ("附件2.docx", FORM2_TEXTS)]
)
def test_every_official_label_and_note_is_present(name: str, expected: list[str]) -> None:
    texts = all_texts(TEMPLATES / name)

    missing = [t for t in expected if t not in texts]

    assert missing == []


def test_form2_list_tables_have_the_official_header_rows() -> None:
    tables = docx.Document(str(TEMPLATES / "附件2.docx")).tables

    assert [distinct_cells(t.rows[0]) for t in tables[1:8]] == FORM2_HEADERS


@pytest.mark.parametrize("name", ["附件1.docx", "附件2.docx"])
def test_styles_declare_chinese_fonts_and_zh_cn(name: str) -> None:
    styles = part(TEMPLATES / name, "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*</w:docDefaults>", styles).group(0)  # type: ignore[union-attr]

    assert 'w:eastAsia="zh-CN"' in defaults
    assert 'w:eastAsia="宋体"' in defaults
    assert "Theme" not in defaults  # theme fonts would override the explicit ones
    for style, font in [
        ("Form Title", "方正小标宋简体"),
        ("Section Heading", "黑体"),
        ("Table Text", "宋体"),
        ("Table Header", "黑体"),
    ]:
        block = re.search(
            rf'<w:style [^>]*w:styleId="{style.replace(" ", "")}".*?</w:style>', styles
        )
        assert block is not None, style
        assert f'w:eastAsia="{font}"' in block.group(0), style


@pytest.mark.parametrize("name", ALL)
def test_every_run_names_its_east_asian_font(name: str) -> None:
    body = docx.Document(str(TEMPLATES / name)).element.body

    runs = list(body.iter(f"{W}r"))
    without = [r for r in runs if r.find(f"{W}rPr/{W}rFonts[@{W}eastAsia]") is None]

    assert runs
    assert without == []


def test_font_table_declares_the_title_font_with_a_fallback() -> None:
    fonts = part(TEMPLATES / "附件2.docx", "word/fontTable.xml")

    assert re.search(r'<w:font w:name="方正小标宋简体"><w:altName w:val="黑体"/>', fonts)


@pytest.mark.parametrize("name", ALL)
def test_labels_and_tags_never_share_a_cell(name: str) -> None:
    doc = docx.Document(str(TEMPLATES / name))

    mixed = []
    for tc in doc.element.body.iter(f"{W}tc"):
        text = docx.table._Cell(tc, None).text  # type: ignore[arg-type]
        if ("{{" in text or "{%" in text) and not re.fullmatch(
            r"\{\{ [\w.]+ \}\}|\{%tr [^%]+%\}", text
        ):
            mixed.append(text)

    assert mixed == []


@pytest.mark.parametrize("name", ["附件1.docx", "附件2.docx"])
def test_data_tables_have_full_borders_and_repeated_header_rows(name: str) -> None:
    doc = docx.Document(str(TEMPLATES / name))
    data_tables = [t for t in doc.tables if t.rows[0].cells[0].text == "序号"]

    assert data_tables
    for t in data_tables:
        borders = t._tbl.tblPr.find(f"{W}tblBorders")
        assert [b.get(f"{W}val") for b in borders] == ["single"] * 6
        assert t.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
        assert t.rows[2]._tr.find(f"{W}trPr/{W}cantSplit") is not None


def test_form1_is_landscape_a4_and_form2_portrait_a4() -> None:
    s1 = docx.Document(str(TEMPLATES / "附件1.docx")).sections[0]
    s2 = docx.Document(str(TEMPLATES / "附件2.docx")).sections[0]

    assert (round(s1.page_width.mm), round(s1.page_height.mm)) == (297, 210)
    assert (round(s2.page_width.mm), round(s2.page_height.mm)) == (210, 297)
    assert (s1.orientation, s2.orientation) == (WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT)


def test_form1_table_is_one_looped_row_and_a_total_spanning_five_columns() -> None:
    table = docx.Document(str(TEMPLATES / "附件1.docx")).tables[1]

    assert [distinct_cells(r)[0] for r in table.rows[1:4]] == [
        "{%tr for r in rows %}",
        "{{ r.no }}",
        "{%tr endfor %}",
    ]
    assert distinct_cells(table.rows[2]) == [
        "{{ r.no }}",
        "{{ r.category }}",
        "{{ r.indicator }}",
        "{{ r.standard }}",
        "{{ r.evidence }}",
        "{{ r.score }}",
        "",
    ]
    total = table.rows[4]._tr.findall(f"{W}tc")
    assert [
        tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val")
        if tc.find(f"{W}tcPr/{W}gridSpan") is not None
        else "1"
        for tc in total
    ] == ["5", "1", "1"]
    assert distinct_cells(table.rows[4]) == ["总分", "{{ total }}", ""]


def test_form2_full_width_values_span_the_row() -> None:
    t = docx.Document(str(TEMPLATES / "附件2.docx")).tables[0]

    for row, label in [(0, "单位名称"), (5, "培训场地及可容纳人数"), (8, "单位简介")]:
        tcs = t.rows[row]._tr.findall(f"{W}tc")
        assert distinct_cells(t.rows[row])[0] == label
        assert len(tcs) == 2
        assert tcs[1].find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "5"


@pytest.mark.parametrize("name", ALL)
def test_theme_is_simplified_chinese_with_song_and_hei(name: str) -> None:
    theme = part(TEMPLATES / name, "word/theme/theme1.xml")
    settings = part(TEMPLATES / name, "word/settings.xml")

    major = re.search(r"<a:majorFont>.*</a:majorFont>", theme, re.DOTALL).group(0)  # type: ignore[union-attr]
    minor = re.search(r"<a:minorFont>.*</a:minorFont>", theme, re.DOTALL).group(0)  # type: ignore[union-attr]
    assert '<a:ea typeface="黑体"/>' in major
    assert '<a:font script="Hans" typeface="黑体"/>' in major
    assert '<a:ea typeface="宋体"/>' in minor
    assert '<a:font script="Hans" typeface="宋体"/>' in minor
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)


@pytest.mark.parametrize("name", ALL)
def test_no_part_of_the_python_docx_default_template_is_left_over(name: str) -> None:
    names = set(parts(TEMPLATES / name))
    rels = part(TEMPLATES / name, "word/_rels/document.xml.rels") + part(
        TEMPLATES / name, "_rels/.rels"
    )
    types = part(TEMPLATES / name, "[Content_Types].xml")

    leftovers = {n for n in names if "stylesWithEffects" in n or "thumbnail" in n}
    leftovers |= {n for n in names if n.startswith("customXml/")}
    assert leftovers == set()
    for gone in ("stylesWithEffects", "thumbnail", "customXml"):
        assert gone not in rels
        assert gone not in types


def test_cover_template_has_the_cover_fields_and_contents_lines_per_level_and_spacing() -> None:
    document = docx.Document(str(TEMPLATES / "封面.docx"))
    texts = [p.text for p in document.paragraphs]
    cells = [distinct_cells(r) for r in document.tables[0].rows]

    assert "{{ title }}" in texts
    assert "{{ date }}" in texts
    assert "目　　录" in texts
    assert cells == [
        ["申报单位", "：", "{{ unit_name }}"],
        ["所属区县", "：", "{{ district }}"],
        ["联系人", "：", "{{ contact }}"],
        ["联系电话", "：", "{{ phone }}"],
    ]
    lines = [p for p in document.paragraphs if p.style.name.startswith("Contents ")]
    line = "{{ line.title }}\t{{ line.pages }}"
    assert [(p.style.name, p.text) for p in lines] == [
        ("Contents Heading", "目　　录"),
        ("Contents 1 Dense", line),  # a long contents, set closer
        ("Contents 2 Dense", line),
        ("Contents 3 Dense", line),
        ("Contents 1", line),
        ("Contents 2", line),
        ("Contents 3", line),
    ]
