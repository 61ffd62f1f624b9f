"""`extract` on 申报表 typed by hand from the official text, in the layouts people use.

Each layout is built with python-docx (never from our template) and filled with the example's
data typed loosely; every field of the example must come back equal or be reported.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from handtyped import (
    UP,
    Form,
    add_column,
    drop_column,
    move_column,
    rename_label,
    typed_form,
    unreported,
    write_big_table,
    write_separate,
)
from typer.testing import CliRunner

import jidi_docs
from jidi_docs import _platform, extract
from jidi_docs.cli import app as cli_app
from jidi_docs.errors import InputError
from jidi_docs.forms._extract import summary_lines, to_yaml
from jidi_docs.input._yaml import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return parse_yaml(EXAMPLE.read_text(encoding="utf-8")).data


def section(form: Form, key: str) -> Any:
    return next(s for s in form.sections if s.key == key)


def rows_read(extracted: jidi_docs.forms._extract.Extracted) -> dict[str, int]:
    return {s.key: s.rows for s in extracted.sections}


EXAMPLE_ROWS = {
    "基本情况": 15,
    "管理运营团队": 4,
    "讲师": 4,
    "培训活动": 4,
    "对接调研活动": 2,
    "品牌创新活动": 1,
    "企业荣誉": 1,
    "企业资质": 1,
    "申报单位审核意见": 1,
}


# ---------------------------------------------------------------------------------------------
# Layouts that must read back completely
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("venues", ["lines", "semicolons", "numbered", "enumeration"])
def test_one_table_per_section_with_headings_in_paragraphs(
    venues: str, data: dict[str, Any], tmp_path: Path
) -> None:
    path = write_separate(typed_form(data, venue_shape=venues), tmp_path / "分表.docx")

    extracted = extract(path)

    assert unreported(data, extracted) == []
    assert extracted.notes == []
    assert rows_read(extracted) == EXAMPLE_ROWS


@pytest.mark.parametrize("venues", ["lines", "numbered"])
def test_one_big_table_with_headings_and_notes_as_merged_rows(
    venues: str, data: dict[str, Any], tmp_path: Path
) -> None:
    path = write_big_table(typed_form(data, venue_shape=venues), tmp_path / "大表.docx")

    extracted = extract(path)

    assert len(docx.Document(str(path)).tables) == 1
    assert unreported(data, extracted) == []
    assert rows_read(extracted) == EXAMPLE_ROWS
    # the 讲师 header's 联系电话 is not 基本情况's 电话
    assert extracted.data["基本情况"]["电话"] == "0571 8765 4321"


@pytest.mark.parametrize("repeated", [True, False], ids=["header-repeated", "no-header"])
def test_a_list_continued_on_the_next_page(
    repeated: bool, data: dict[str, Any], tmp_path: Path
) -> None:
    path = write_separate(
        typed_form(data),
        tmp_path / "续表.docx",
        continued={"培训活动": repeated, "讲师": repeated, "管理运营团队": repeated},
    )

    extracted = extract(path)

    assert len(docx.Document(str(path)).tables) == 1 + 7 + 2 + 3  # 一, 二–八, 九, 十, 3 续表
    assert unreported(data, extracted) == []
    assert rows_read(extracted) == EXAMPLE_ROWS


def test_labels_with_spaces_brackets_and_line_breaks_columns_reordered_no_serial_number(
    data: dict[str, Any], tmp_path: Path
) -> None:
    form = typed_form(data)
    rename_label(form, "单位名称", "单 位 名 称")
    rename_label(form, "总面积\n（平方米）", "总面积(平方米)")
    rename_label(form, "所属区县", "所属区县\n（市）")
    rename_label(form, "专职/兼职", "专职／兼职")
    rename_label(form, "职称学历", "职称\n学历")
    rename_label(form, "授课主题", "授 课 主 题")
    for s in form.sections:
        drop_column(s, "序号")
    move_column(section(form, "培训活动"), "时间", 4)
    move_column(section(form, "讲师"), "联系电话", 0)
    path = write_separate(form, tmp_path / "空格.docx")

    extracted = extract(path)

    assert unreported(data, extracted) == []
    assert extracted.notes == []
    assert rows_read(extracted) == EXAMPLE_ROWS


def test_basic_information_typed_as_label_and_value_paragraphs(
    data: dict[str, Any], tmp_path: Path
) -> None:
    path = write_separate(typed_form(data), tmp_path / "段落.docx", basic_as_paragraphs=True)

    extracted = extract(path)

    assert len(docx.Document(str(path)).tables) == 7 + 2
    assert unreported(data, extracted) == []
    assert rows_read(extracted) == EXAMPLE_ROWS


def test_separate_title_and_education_columns_and_a_label_merged_over_venue_rows(
    data: dict[str, Any], tmp_path: Path
) -> None:
    form = typed_form(data)
    lecturers = section(form, "讲师")
    i = lecturers.header.index("职称学历")
    lecturers.header[i : i + 1] = ["职称", "学历"]
    for row, item in zip(lecturers.rows, data["讲师"], strict=True):
        row[i : i + 1] = [item.get("职称", ""), item["学历"]]
    venues = data["基本情况"]["培训场地"]
    at = next(r for r, cells in enumerate(form.basic) if cells[0] == "培训场地及可容纳人数")
    form.basic[at : at + 1] = [
        ["培训场地及可容纳人数", venues[0]["地址"], f"{venues[0]['面积']}平方米", "60人"],
        [UP, venues[1]["地址"], f"{venues[1]['面积']}平方米", "45人"],
    ]
    path = write_separate(form, tmp_path / "合并.docx")

    extracted = extract(path)

    assert unreported(data, extracted) == []
    assert extracted.data["基本情况"]["培训场地"] == venues


def test_a_missing_and_an_extra_column_are_named_and_their_cells_noted(
    data: dict[str, Any], tmp_path: Path
) -> None:
    form = typed_form(data)
    drop_column(section(form, "对接调研活动"), "备注")
    add_column(section(form, "讲师"), "性别", ["男", "女", "男", "男"])
    form.basic = [row for row in form.basic if row[0] != "电话" and "电话" not in row]
    path = write_big_table(form, tmp_path / "缺列.docx")

    extracted = extract(path)
    lines = summary_lines(extracted)

    assert unreported(data, extracted) == []
    assert "五、已开展的企业人才对接和考察调研活动：读到 2 行；表中没有“备注”一栏" in lines
    assert "三、专兼职讲师：读到 4 行；多出的列“性别”没有读取" in lines
    assert any(line.startswith("一、基本情况：") and "“电话”" in line for line in lines)
    assert [n.text for n in extracted.notes if n.path[:1] == ("讲师",)] == ["男", "女", "男", "男"]
    text = to_yaml(extracted)
    assert "#   五、已开展的企业人才对接和考察调研活动：读到 2 行；表中没有“备注”一栏" in text
    assert "    # 性别: 女    ← 未能读取：“性别”一列不属于这一栏，没有读取" in text


def test_extra_blank_rows_are_skipped_and_a_lost_row_is_caught_by_the_counts(
    data: dict[str, Any], tmp_path: Path
) -> None:
    form = typed_form(data)
    section(form, "讲师").rows.insert(2, [""] * 7)
    section(form, "讲师").blank_rows = 5
    form.basic[6][1] = "5"  # 讲师数量 says 5, the list has 4
    path = write_separate(form, tmp_path / "空行.docx")

    extracted = extract(path)

    assert rows_read(extracted)["讲师"] == 4
    assert [(n.path, n.reason) for n in extracted.notes] == [
        (("讲师",), "表中写的讲师数量是 5，读到的是 4 行；请核对是否有行没有读到")
    ]


def test_text_typed_between_the_tables_is_reported(data: dict[str, Any], tmp_path: Path) -> None:
    form = typed_form(data)
    section(form, "企业荣誉").note = "另有：2021年度优秀培训机构（杭州市商务局）"
    path = write_separate(form, tmp_path / "段落.docx")

    extracted = extract(path)

    assert [(n.path, n.text) for n in extracted.notes] == [
        (("企业荣誉",), "另有：2021年度优秀培训机构（杭州市商务局）")
    ]
    assert "  # 另有：2021年度优秀培训机构（杭州市商务局）    ← 未能读取：这段文字不在表格里" in (
        to_yaml(extracted)
    )


# ---------------------------------------------------------------------------------------------
# Sections not found, found empty; files that are not a .docx
# ---------------------------------------------------------------------------------------------


def test_a_section_not_found_is_told_apart_from_one_found_empty_and_exits_3(
    data: dict[str, Any], tmp_path: Path
) -> None:
    form = typed_form(data)
    form.sections = [s for s in form.sections if s.key != "企业荣誉"]
    section(form, "企业资质").rows = []
    path = write_separate(form, tmp_path / "缺栏.docx")
    out = tmp_path / "读出.yaml"

    result = CliRunner().invoke(cli_app, ["extract", str(path), "-o", str(out)])

    assert result.exit_code == 3, result.output
    assert "七、企业荣誉：没有找到这一栏" in result.output
    assert "八、企业资质：找到了，但是空的" in result.output
    assert "没有找到 七、企业荣誉" in result.output
    written = out.read_text(encoding="utf-8")
    assert written.startswith("# 由 缺栏.docx 读取生成")
    assert "#   七、企业荣誉：没有找到这一栏" in written
    assert parse_yaml(written).data["企业荣誉"] == []


def test_a_form_read_completely_exits_0(data: dict[str, Any], tmp_path: Path) -> None:
    path = write_big_table(typed_form(data), tmp_path / "大表.docx")

    result = CliRunner().invoke(cli_app, ["extract", str(path), "-o", str(tmp_path / "a.yaml")])

    assert result.exit_code == 0, result.output
    assert "三、专兼职讲师：读到 4 行" in result.output
    assert "每一格都已读取" in result.output


@pytest.mark.parametrize("name", ["申报表.pdf", "申报表.jpg", "申报表.PNG"])
def test_a_pdf_or_a_photo_asks_for_the_word_file(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n")

    with pytest.raises(InputError, match="请找到填写申报表时用的 Word 文件"):
        jidi_docs.extract(path)


def test_a_doc_without_a_converter_says_how_to_read_it(tmp_path: Path) -> None:
    from jidi_docs.forms import read_form  # what extract builds on; extract finds LibreOffice

    path = tmp_path / "申报表.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")

    with pytest.raises(InputError, match=r"需要先用 LibreOffice 转换成 \.docx"):
        read_form(path)


@pytest.mark.soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_a_word_97_or_wps_file_is_converted_with_libreoffice_and_read(
    suffix: str, soffice: str, data: dict[str, Any], tmp_path: Path
) -> None:
    src = write_big_table(typed_form(data, venue_shape="semicolons"), tmp_path / "大表.docx")
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    # Through .odt: LibreOffice 7.4 writes python-docx's tables into a .doc it cannot read back
    # when converting .docx → .doc directly (measured: 0 tables), not when the source is .odt.
    for target, source in (("odt", src), ("doc", tmp_path / "大表.odt")):
        subprocess.run(
            [
                soffice,
                profile,
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    doc = tmp_path / "大表.doc"
    # WPS Office saves its .wps in the Word 97 binary format; the name is what differs.
    path = doc if suffix == ".doc" else doc.rename(tmp_path / "大表.wps")
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an OLE file, not a .docx

    extracted = jidi_docs.extract(path)

    assert extracted.source == str(path)
    assert unreported(data, extracted) == []
    assert rows_read(extracted) == EXAMPLE_ROWS


def test_a_doc_without_libreoffice_says_what_to_install_or_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "申报表.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    # No LibreOffice anywhere: not on PATH, not named, not in the standard install places.
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JIDI_DOCS_SOFFICE", raising=False)
    monkeypatch.setattr(_platform, "_standard_places", lambda platform, environ: [])

    result = CliRunner().invoke(cli_app, ["extract", str(path), "-o", str(tmp_path / "a.yaml")])

    assert result.exit_code == 1
    assert "没有找到 LibreOffice" in result.output
    assert "另存为 .docx" in result.output
    assert "Traceback" not in result.output


@pytest.mark.soffice
def test_a_damaged_doc_is_refused_with_a_message(soffice: str, tmp_path: Path) -> None:
    path = tmp_path / "申报表.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(range(256)) * 8)

    result = CliRunner().invoke(cli_app, ["extract", str(path), "-o", str(tmp_path / "a.yaml")])

    assert result.exit_code == 1
    assert "申报表.doc" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "a.yaml").exists()


@pytest.mark.parametrize("header", ["职称(学历)", "职称（学历）", "职称 学历", "职称/学历"])
@pytest.mark.parametrize("typed", ["{}({})", "{}（{}）", "{} {}", "{}/{}"])
def test_title_and_education_in_one_cell_are_split_however_typed(
    header: str, typed: str, data: dict[str, Any], tmp_path: Path
) -> None:
    form = typed_form(data)
    lecturers = section(form, "讲师")
    i = lecturers.header.index("职称学历")
    lecturers.header[i] = header
    for row, item in zip(lecturers.rows, data["讲师"], strict=True):
        row[i] = typed.format(item["职称"], item["学历"])  # 高级电子商务师(本科) …
    path = write_separate(form, tmp_path / "职称学历.docx")

    extracted = extract(path)

    assert unreported(data, extracted) == []
    assert extracted.notes == []
    assert [(x["职称"], x["学历"]) for x in extracted.data["讲师"]] == [
        (x["职称"], x["学历"]) for x in data["讲师"]
    ]


def test_a_bracket_that_holds_no_education_level_is_reported() -> None:
    from jidi_docs.forms._extract._cells import Unreadable, parse_title_education

    assert parse_title_education("（本科）") == {"学历": "本科"}
    assert parse_title_education("讲师 (硕士)") == {"职称": "讲师", "学历": "硕士"}
    with pytest.raises(Unreadable, match="职称（学历）"):
        parse_title_education("讲师（研究生）")
