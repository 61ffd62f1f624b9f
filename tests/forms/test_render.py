"""Tests for jidi_docs.render and jidi_docs._resources: filling the real templates."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from jidi_docs._resources import template_path
from jidi_docs.errors import InternalError, OutputError, TemplateError
from jidi_docs.forms._format import MERGE_UP
from jidi_docs.forms._template import FormTemplate, check_package, render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# --------------------------------------------------------------------------------------------
# hand-built contexts (the shape context.py promises)
# --------------------------------------------------------------------------------------------

LIST_FIELDS = {
    "managers": ["no", "name", "title", "education", "dept", "post"],
    "lecturers": ["no", "name", "kind", "title_edu", "platform", "phone", "note"],
    "trainings": ["no", "time", "place", "topic", "lecturer", "count", "hours"],
    "matchings": ["no", "time", "place", "topic", "count", "note"],
    "brands": ["no", "time", "content", "impact", "note"],
    "honours": ["no", "name", "issuer", "time", "note"],
    "qualifications": ["no", "name", "reg", "issuer", "valid"],
}

#: index of each list's table in 附件2 (table 0 is 基本情况, then 二…八, then 九, 十)
LIST_TABLE = {name: i + 1 for i, name in enumerate(LIST_FIELDS)}


def basic() -> dict[str, str]:
    return {
        "name": "杭州示例跨境电商职业培训学校有限公司",
        "reg_address": "杭州市西湖区文三路 478 号",
        "district": "西湖区",
        "legal_rep": "张三",
        "reg_date": "2015 年 6 月 18 日",
        "contact": "李四",
        "phone": "0571-87654321",
        "office_address": "杭州市西湖区文三路 478 号华星时代广场 A 座 1203 室",
        "total_area": "1260",
        "venues": "文三路 478 号 A 座 12 层 1 号教室：150 平方米，60 人\n"
        "文三路 478 号 A 座 12 层实训机房：120 平方米，45 人",
        "lecturer_count": "4",
        "bachelor_count": "3",
        "ratio": "75",
        "manager_count": "4",
        "platform_count": "6",
        "intro": "本单位成立于 2015 年，专注跨境电商人才培养与输送，\n"
        "与多家跨境电商平台及服务商建立长期合作关系。",
    }


def items(name: str, n: int) -> list[dict[str, str]]:
    """Return n rows for list `name`; 0 gives the one blank row context.py sends."""
    fields = LIST_FIELDS[name]
    if n == 0:
        return [dict.fromkeys(fields, "")]
    return [
        {f: (str(i) if f == "no" else f"{name}-{f}-{i}") for f in fields} for i in range(1, n + 1)
    ]


def form2_context(n: int = 2, **overrides: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "title": "跨境电商人才社会培训基地认定申报表",
        "b": basic(),
        "opinion": "经审核，本单位所报材料真实、准确、完整。",
        "office_opinion": "",
    }
    for name in LIST_FIELDS:
        ctx[name] = items(name, n)
    ctx.update(overrides)
    return ctx


def form1_rows() -> list[dict[str, str]]:
    """The official 评价表 rows, with MERGE_UP where the official form merges cells."""
    m = MERGE_UP
    spec = [
        (
            "1",
            "基础条件\n（25分）",
            "培训场地及环境\n（10分）",
            "能提供培训场地或实训机房。",
            "提供培训场地清单。",
            "10",
        ),
        (m, m, "日常管理\n（5分）", "具备年度工作计划。", "提供年度工作计划。", "5"),
        (m, m, "财务情况\n（5分）", "近三年平均资产增值。", "提供增减情况表。", "4"),
        (m, m, "办公条件\n（5分）", "有独立办公用房。", "提供租赁合同。", "5"),
        (
            "2",
            "专业匹配\n（30分）",
            "教师管理系统\n（15分）",
            "3名及以上专职讲师。",
            "提供讲师劳动合同；\n提供人才培养体系。",
            "14",
        ),
        (m, m, "人才培养体系\n（15分）", "有完善科学的课程设置。", m, "13"),
        (
            "3",
            "人才输送\n（30分）",
            "人才培育情况\n（15分）",
            "培训总人次超过1000。",
            "提供培训活动清单。",
            "15",
        ),
        (m, m, "人才输送情况\n（15分）", "积极组织企业人才对接会。", m, "12"),
        (
            "4",
            "品牌建设\n（10分）",
            "创新工作\n（10分）",
            "在人才培训领域创新工作。",
            "提供品牌建设材料。",
            "8",
        ),
        (
            "5",
            "单位业绩\n（5分）",
            "人才培育及输送情况反馈\n（5分）",
            "获得的荣誉。",
            "提供荣誉材料。",
            "4",
        ),
    ]
    keys = ["no", "category", "indicator", "standard", "evidence", "score"]
    return [dict(zip(keys, row, strict=True)) for row in spec]


def form1_context(**overrides: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "title": "跨境电商人才社会培训基地认定评价表",
        "unit_name": "杭州示例跨境电商职业培训学校有限公司",
        "district": "西湖区",
        "rows": form1_rows(),
        "total": "90",
    }
    ctx.update(overrides)
    return ctx


@pytest.fixture(scope="module")
def form1() -> FormTemplate:
    return FormTemplate.load(template_path("附件1"))


@pytest.fixture(scope="module")
def form2() -> FormTemplate:
    return FormTemplate.load(template_path("附件2"))


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def row_texts(table: Any, row: int) -> list[str]:
    """Texts of the distinct cells of a row (a horizontally merged cell counted once)."""
    tcs = table.rows[row]._tr.findall(f"{W}tc")
    return [docx.table._Cell(tc, table).text for tc in tcs]


def convert(soffice: str, src: Path, out_dir: Path, fmt: str, profile: Path) -> Path:
    """Convert with real LibreOffice using its own profile; return the output file."""
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(src),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    out = out_dir / f"{src.stem}.{fmt.split(':')[0]}"
    assert proc.returncode == 0, proc.stderr
    assert out.is_file(), f"soffice wrote no {out.name}: {proc.stdout} {proc.stderr}"
    return out


# --------------------------------------------------------------------------------------------
# _resources
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["附件1", "附件2"])
def test_template_path_finds_each_bundled_template(name: str) -> None:
    path = template_path(name)

    assert path.name == f"{name}.docx"
    assert zipfile.is_zipfile(path)


def test_template_path_rejects_an_unknown_name_in_chinese() -> None:
    with pytest.raises(
        TemplateError, match=r"^没有名为「附件3」的模板（可用的模板：附件1、附件2、封面）。$"
    ):
        template_path("附件3")


def test_load_reports_a_missing_template_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"^找不到模板文件 .*不存在\.docx。$"):
        FormTemplate.load(tmp_path / "不存在.docx")


def test_load_reports_a_file_that_is_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "坏.docx"
    bad.write_text("not a zip", encoding="utf-8")

    with pytest.raises(TemplateError, match=r"^模板 坏\.docx 不是有效的 Word（\.docx）文件"):
        FormTemplate.load(bad)


# --------------------------------------------------------------------------------------------
# 附件2: values land in the right cells
# --------------------------------------------------------------------------------------------


def test_fills_every_basic_info_value_next_to_its_label(
    form2: FormTemplate, tmp_path: Path
) -> None:
    out = tmp_path / "申报表.docx"

    warnings = form2.render(form2_context(), out)

    assert warnings == []
    t = docx.Document(str(out)).tables[0]
    b = basic()
    assert row_texts(t, 0) == ["单位名称", b["name"]]
    assert row_texts(t, 1) == ["注册地", b["reg_address"], "所属区县", b["district"]]
    assert row_texts(t, 2) == ["法定代表人", b["legal_rep"], "注册时间", "2015 年 6 月 18 日"]
    assert row_texts(t, 3) == ["联系人", b["contact"], "电话", b["phone"]]
    assert row_texts(t, 4) == ["办公地址", b["office_address"], "总面积\n（平方米）", "1260"]
    assert row_texts(t, 5) == ["培训场地及可容纳人数", b["venues"]]
    assert row_texts(t, 6) == [
        "讲师数量",
        "4",
        "具有大学本科及以上学历讲师数量",
        "3",
        "占比（%）",
        "75",
    ]
    assert row_texts(t, 7) == ["管理人员\n数量", "4", "涉及平台数量", "6"]
    assert row_texts(t, 8) == ["单位简介", b["intro"]]


def test_puts_the_opinion_above_the_signature_lines(form2: FormTemplate, tmp_path: Path) -> None:
    out = tmp_path / "申报表.docx"

    form2.render(form2_context(opinion="同意申报。\n材料属实。"), out)

    box = docx.Document(str(out)).tables[8]
    assert box.cell(0, 0).text == "同意申报。\n材料属实。"
    assert (
        box.cell(1, 0).text
        == "法定代表人（签章）：\n申请单位（公章）：\n日期：　　　年　　月　　日"
    )


@pytest.mark.parametrize("name", list(LIST_FIELDS))
@pytest.mark.parametrize("n", [0, 1, 300])
def test_renders_one_table_row_per_list_item(
    form2: FormTemplate, tmp_path: Path, name: str, n: int
) -> None:
    out = tmp_path / "申报表.docx"

    form2.render(form2_context(n=2, **{name: items(name, n)}), out)

    table = docx.Document(str(out)).tables[LIST_TABLE[name]]
    assert len(table.rows) == 1 + max(n, 1)
    fields = LIST_FIELDS[name]
    if n == 0:
        assert row_texts(table, 1) == [""] * len(fields)
    else:
        for i in (1, n):
            assert row_texts(table, i) == [
                str(i) if f == "no" else f"{name}-{f}-{i}" for f in fields
            ]


def test_header_row_keeps_the_official_labels(form2: FormTemplate, tmp_path: Path) -> None:
    out = tmp_path / "申报表.docx"

    form2.render(form2_context(), out)

    lecturers = docx.Document(str(out)).tables[LIST_TABLE["lecturers"]]
    assert row_texts(lecturers, 0) == [
        "序号",
        "讲师姓名",
        "专职/兼职",
        "职称学历",
        "研发平台",
        "联系电话",
        "备注",
    ]


# --------------------------------------------------------------------------------------------
# values appear exactly as typed
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "含实验 & <实践> \"引号\" '单引号'",
        "TikTok Shop 直播 😀🚀 𠮷",
        "{{ b.name }} 与 {% if x %}条件{% endif %} 与 {# 注释 #}",
        "  前后空格  ",
        "&amp; 不是实体",
    ],
)
def test_values_appear_exactly_as_typed(form2: FormTemplate, tmp_path: Path, value: str) -> None:
    out = tmp_path / "申报表.docx"
    b = basic() | {"name": value}

    warnings = form2.render(form2_context(b=b), out)

    assert warnings == []
    assert docx.Document(str(out)).tables[0].cell(0, 1).text == value


def test_line_breaks_in_a_value_become_word_line_breaks(
    form2: FormTemplate, tmp_path: Path
) -> None:
    out = tmp_path / "申报表.docx"
    b = basic() | {"intro": "第一行\n第二行\r\n第三行\t制表"}

    form2.render(form2_context(b=b), out)

    cell = docx.Document(str(out)).tables[0].cell(8, 1)
    assert cell.text == "第一行\n第二行\n第三行\t制表"
    assert len(cell._tc.findall(f".//{W}br")) == 2
    assert len(cell._tc.findall(f".//{W}tab")) == 1
    assert len(cell.paragraphs) == 1


@pytest.mark.parametrize(
    ("dirty", "clean", "codes"),
    [
        ("垂直\x0b制表", "垂直制表", "U+000B"),
        ("响铃\x07换页\x0c", "响铃换页", "U+0007、U+000C"),
        ("代理\ud800项", "代理项", "U+D800"),
        ("非字符\ufffe", "非字符", "U+FFFE"),
        ("空字符\x00", "空字符", "U+0000"),
    ],
)
def test_forbidden_characters_are_removed_with_a_warning_naming_the_field(
    form2: FormTemplate, tmp_path: Path, dirty: str, clean: str, codes: str
) -> None:
    out = tmp_path / "申报表.docx"
    trainings = items("trainings", 3)
    trainings[1]["topic"] = dirty

    warnings = form2.render(form2_context(trainings=trainings), out)

    assert warnings == [
        f"「trainings[1].topic」含有 Word 文档不允许的控制字符（{codes}），已删除。"
    ]
    table = docx.Document(str(out)).tables[LIST_TABLE["trainings"]]
    assert table.cell(2, 3).text == clean


def test_same_context_gives_byte_identical_files(form2: FormTemplate, tmp_path: Path) -> None:
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"

    form2.render(form2_context(n=5), a)
    form2.render(form2_context(n=5), b)

    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_fresh_load_renders_the_same_bytes(form2: FormTemplate, tmp_path: Path) -> None:
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"

    form2.render(form2_context(), a)
    render_docx(template_path("附件2"), form2_context(), b)

    assert a.read_bytes() == b.read_bytes()


# --------------------------------------------------------------------------------------------
# 附件1: rows, total and vertical merges
# --------------------------------------------------------------------------------------------


def test_form1_fills_header_line_rows_and_total(form1: FormTemplate, tmp_path: Path) -> None:
    out = tmp_path / "评价表.docx"

    form1.render(form1_context(), out)

    doc = docx.Document(str(out))
    assert row_texts(doc.tables[0], 0) == [
        "申报单位名称：",
        "杭州示例跨境电商职业培训学校有限公司",
        "所属区、县（市）：",
        "西湖区",
    ]
    table = doc.tables[1]
    assert len(table.rows) == 1 + 10 + 1
    assert row_texts(table, 1) == [
        "1",
        "基础条件\n（25分）",
        "培训场地及环境\n（10分）",
        "能提供培训场地或实训机房。",
        "提供培训场地清单。",
        "10",
        "",
    ]
    assert row_texts(table, 11) == ["总分", "90", ""]


def test_form1_merges_marked_cells_into_the_cell_above(form1: FormTemplate, tmp_path: Path) -> None:
    out = tmp_path / "评价表.docx"

    form1.render(form1_context(), out)

    xml = document_xml(out)
    assert MERGE_UP not in xml
    # 序号 and 内容 restart for categories 1, 2, 3 (4 and 5 have one row each); 佐证材料 twice.
    assert len(re.findall(r'<w:vMerge w:val="restart"/>', xml)) == 2 * 3 + 2
    # continuations: 序号+内容 on 3 + 1 + 1 rows, 佐证材料 on 2 rows
    assert len(re.findall(r"<w:vMerge/>", xml)) == 2 * 5 + 2
    table = docx.Document(str(out)).tables[1]
    # python-docx reports a vertically merged cell's text on every row it covers
    assert table.cell(4, 1).text == "基础条件\n（25分）"
    assert table.cell(6, 4).text == "提供讲师劳动合同；\n提供人才培养体系。"
    assert table.cell(8, 4).text == "提供培训活动清单。"
    assert table.cell(8, 2).text == "人才输送情况\n（15分）"


def test_merge_marker_inside_other_text_is_not_a_merge(form1: FormTemplate, tmp_path: Path) -> None:
    out = tmp_path / "评价表.docx"
    rows = [
        *form1_rows()[:1],
        {
            "no": "2",
            "category": f"前{MERGE_UP}后",
            "indicator": "x",
            "standard": "y",
            "evidence": "z",
            "score": "1",
        },
    ]

    warnings = form1.render(form1_context(rows=rows), out)

    assert warnings == ["「rows[1].category」含有内部使用的字符 U+E000，已删除。"]
    assert "vMerge" not in document_xml(out)
    assert docx.Document(str(out)).tables[1].cell(2, 1).text == "前后"


def test_merge_marker_in_the_first_row_leaves_a_blank_cell(
    form1: FormTemplate, tmp_path: Path
) -> None:
    out = tmp_path / "评价表.docx"
    rows = form1_rows()
    rows[0]["score"] = MERGE_UP

    form1.render(form1_context(rows=rows), out)

    table = docx.Document(str(out)).tables[1]
    assert table.cell(1, 5).text == ""
    assert table.cell(2, 5).text == "5"


def test_a_300_row_evaluation_table_keeps_every_row(form1: FormTemplate, tmp_path: Path) -> None:
    out = tmp_path / "评价表.docx"
    rows = [
        {
            "no": str(i),
            "category": f"类{i}",
            "indicator": f"指标{i}",
            "standard": f"标准{i}",
            "evidence": f"材料{i}",
            "score": str(i % 10),
        }
        for i in range(1, 301)
    ]

    form1.render(form1_context(rows=rows), out)

    table = docx.Document(str(out)).tables[1]
    assert len(table.rows) == 302
    assert [table.cell(r, 3).text for r in (1, 150, 300)] == ["标准1", "标准150", "标准300"]


# --------------------------------------------------------------------------------------------
# errors and atomic writing
# --------------------------------------------------------------------------------------------


def _edit_template(src: Path, dst: Path, old: str, new: str) -> None:
    """Copy a template, replacing the text of the first run whose text equals `old`."""
    doc = docx.Document(str(src))
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        if run.text == old:
                            run.text = new
                            doc.save(str(dst))
                            return
    raise AssertionError(f"{old!r} not found")


def test_a_broken_tag_names_the_template_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "附件2.docx"
    _edit_template(template_path("附件2"), broken, "{{ b.phone }}", "{{ b.phone ")

    with pytest.raises(TemplateError) as info:
        FormTemplate.load(broken)

    assert re.match(
        r"^模板 附件2\.docx 中的模板标签有语法错误（word/document\.xml 第 \d+ 行，"
        r"该处文字为「\{\{ b\.phone [^」]*」）：",
        str(info.value),
    ), str(info.value)


def test_an_unclosed_row_loop_is_a_template_error(tmp_path: Path) -> None:
    broken = tmp_path / "附件2.docx"
    _edit_template(template_path("附件2"), broken, "{%tr endfor %}", "结束")

    with pytest.raises(
        TemplateError,
        match=r"^模板 附件2\.docx 中的模板标签有语法错误（word/document\.xml 第 \d+ 行",
    ):
        FormTemplate.load(broken)


def test_an_unknown_field_is_a_template_error_and_writes_nothing(
    form2: FormTemplate, tmp_path: Path
) -> None:
    out = tmp_path / "申报表.docx"
    ctx = form2_context()
    del ctx["b"]["phone"]

    with pytest.raises(TemplateError, match=r"^模板 附件2\.docx 使用了数据中没有的字段.*phone"):
        form2.render(ctx, out)

    assert list(tmp_path.iterdir()) == []


def test_a_failed_rename_leaves_the_target_alone_and_no_temp(
    form2: FormTemplate, tmp_path: Path
) -> None:
    out = tmp_path / "申报表.docx"
    out.mkdir()  # os.replace cannot put a file over a directory
    (out / "keep.txt").write_text("old", encoding="utf-8")

    with pytest.raises(OutputError, match="已有同名的文件夹"):
        form2.render(form2_context(), out)

    assert (out / "keep.txt").read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["申报表.docx"]


def test_an_unreadable_result_is_an_internal_error(
    form2: FormTemplate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jidi_docs.errors import InternalError

    monkeypatch.setattr(FormTemplate, "render_bytes", lambda self, ctx: (b"PK broken", []))
    with pytest.raises(InternalError, match=r"^由模板 附件2\.docx 生成的 x\.docx 无法重新打开"):
        form2.render(form2_context(), tmp_path / "x.docx")

    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# users may edit labels in Word / LibreOffice
# --------------------------------------------------------------------------------------------


def test_a_reworded_label_keeps_rendering(tmp_path: Path) -> None:
    edited = tmp_path / "附件2.docx"
    _edit_template(template_path("附件2"), edited, "联系人", "申报联系人")
    out = tmp_path / "申报表.docx"

    FormTemplate.load(edited).render(form2_context(), out)

    assert row_texts(docx.Document(str(out)).tables[0], 3) == [
        "申报联系人",
        "李四",
        "电话",
        "0571-87654321",
    ]


@pytest.mark.soffice
def test_a_template_resaved_by_libreoffice_still_renders(soffice: str, tmp_path: Path) -> None:
    edited = tmp_path / "edited" / "附件2.docx"
    edited.parent.mkdir()
    _edit_template(template_path("附件2"), edited, "联系人", "申报联系人")
    resaved = convert(
        soffice, edited, tmp_path / "resaved", "docx:MS Word 2007 XML", tmp_path / "profile"
    )
    out = tmp_path / "申报表.docx"

    FormTemplate.load(resaved).render(form2_context(n=3), out)

    doc = docx.Document(str(out))
    assert row_texts(doc.tables[0], 3) == ["申报联系人", "李四", "电话", "0571-87654321"]
    assert doc.tables[0].cell(8, 1).text == basic()["intro"]
    lecturers = doc.tables[LIST_TABLE["lecturers"]]
    assert len(lecturers.rows) == 4
    assert row_texts(lecturers, 3)[1] == "lecturers-name-3"


@pytest.mark.soffice
def test_rendered_form2_converts_to_a_pdf_with_embedded_cjk_fonts(
    soffice: str, form2: FormTemplate, tmp_path: Path
) -> None:
    docx_out = tmp_path / "申报表.docx"
    form2.render(form2_context(n=3), docx_out)

    pdf = convert(soffice, docx_out, tmp_path, "pdf", tmp_path / "profile")

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in [
        "跨境电商人才社会培训基地认定申报表",
        "杭州示例跨境电商职业培训学校有限公司",
        "2015 年 6 月 18 日",
        "trainings-topic-3",
        "经审核，本单位所报材料真实、准确、完整。",
        "法定代表人（签章）：",
    ]:
        assert expected in text
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$", line) for line in cjk), fonts
    # LibreOffice names the subset after the .ttc's shared CFF font ("NotoSansCJKjp-Regular-…")
    # whichever face (SC/JP/…) it used; the SC glyph forms are checked on a rendered page.
    assert all(re.search(r"\+NotoS(ans|erif)CJK", line) for line in cjk), fonts


# -- the self-check of every rendered form ------------------------------------------------------


def test_check_package_accepts_a_filled_form_holding_the_value(form2: FormTemplate) -> None:
    data, _ = form2.render_bytes(form2_context())
    check_package(data, "申报表", expect=[form2_context()["b"]["name"]])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) // 2], "无法重新打开"),
        (lambda data: _replace_part(data, "word/document.xml", b"<w:document"), "无法重新打开"),
        (lambda data: _replace_part(data, "[Content_Types].xml", None), "无法重新打开"),
    ],
    ids=["truncated", "body not XML", "no content types"],
)
def test_check_package_refuses_a_broken_package(
    form2: FormTemplate, damage: Any, message: str
) -> None:
    data, _ = form2.render_bytes(form2_context())
    with pytest.raises(InternalError, match=message):
        check_package(damage(data), "申报表")


def test_check_package_refuses_a_form_without_the_value(form2: FormTemplate) -> None:
    data, _ = form2.render_bytes(form2_context())
    with pytest.raises(InternalError, match="缺少已填写的内容：不在表里的单位"):
        check_package(data, "申报表", expect=["不在表里的单位"])


def _replace_part(data: bytes, name: str, content: bytes | None) -> bytes:
    """`data` (a .docx) with part `name` replaced by `content`, or left out when None."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info))
            elif content is not None:
                dst.writestr(info, content)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# the compiled templates kept on disk (jidi_docs._cache)
# --------------------------------------------------------------------------------------------

_LOAD_AND_RENDER = """
import sys
from jidi_docs._resources import template_path
from jidi_docs.forms._template import FormTemplate
data, _ = FormTemplate.load(template_path("附件2")).render_bytes({context!r})
sys.stdout.buffer.write(("docxtpl" in sys.modules and b"compiled" or b"cached") + data)
"""


def test_a_second_process_renders_from_the_cache_the_same_bytes(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    script = _LOAD_AND_RENDER.format(context=form2_context(n=3))

    runs = [
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, check=True)
        for _ in range(2)
    ]

    assert runs[0].stdout.startswith(b"compiled")
    assert runs[1].stdout.startswith(b"cached")  # docxtpl not even imported
    assert runs[0].stdout.removeprefix(b"compiled") == runs[1].stdout.removeprefix(b"cached")
    assert len(list((tmp_path / "cache" / "jidi-docs" / "templates").iterdir())) == 1


def test_a_damaged_cache_entry_is_compiled_again(
    form2: FormTemplate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    FormTemplate.load(template_path("附件2"))
    (entry,) = (tmp_path / "cache" / "jidi-docs" / "templates").iterdir()
    entry.write_bytes(b"\x00damaged")

    again = FormTemplate.load(template_path("附件2"))

    assert again.render_bytes(form2_context())[0] == form2.render_bytes(form2_context())[0]
    assert entry.read_bytes() != b"\x00damaged"  # written anew
