"""Tests of jidi_docs.scaffold and the ``init`` / ``extract`` commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

import jidi_docs
from jidi_docs.cli import app as cli_app
from jidi_docs.forms._render import render
from jidi_docs.input._tables import table_columns
from jidi_docs.input._yaml import parse_yaml
from jidi_docs.pipeline._scaffold import (
    SCHEMA_FILE,
    TABLE_FILES,
    YAML_FILE,
    init,
    scaffold_yaml,
    summarize_unfilled,
)
from scaffolding import fill_scaffold

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"


def test_init_creates_the_yaml_the_schema_the_workbooks_and_one_folder_per_indicator(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "我的申报"

    result = init(folder)

    profile = jidi_docs.get_profile("杭州-2021")
    assert (
        (folder / YAML_FILE)
        .read_text(encoding="utf-8")
        .startswith(f"# yaml-language-server: $schema={SCHEMA_FILE}\n")
    )
    schema = json.loads((folder / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert schema["properties"]["讲师"]["required"] == ["文件"]
    for filename in TABLE_FILES.values():
        assert (folder / filename).is_file()
    evidence = sorted(p.name for p in (folder / "佐证材料").iterdir())
    assert evidence == sorted(profile.evidence_groups)
    assert len(result.created) == 2 + len(TABLE_FILES) + 1 + len(profile.evidence_groups)
    assert result.kept == []


def test_the_scaffold_yaml_names_every_field_with_a_comment() -> None:
    text = scaffold_yaml()

    data = parse_yaml(text).data
    assert set(data) == {
        "认定批次",
        "基本情况",
        "管理运营团队",
        "讲师",
        "培训活动",
        "对接调研活动",
        "品牌创新活动",
        "企业荣誉",
        "企业资质",
        "申报单位审核意见",
        "自评分",
        "佐证材料",
    }
    basic_keys = [a for a in jidi_docs.BasicInfo.model_fields.values()]
    assert set(data["基本情况"]) == {f.alias for f in basic_keys}
    assert set(data["自评分"]) == {i.name for i in jidi_docs.get_profile("杭州-2021").indicators}
    for line in text.splitlines():
        if re.match(r"^\s*(- )?[^\s#][^:]*:\s*$", line):
            pytest.fail(f"field without a comment: {line!r}")


def test_init_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / YAML_FILE).write_text("# 我已经填了一半\n", encoding="utf-8")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "我的讲师表"
    wb.save(tmp_path / "讲师.xlsx")

    result = init(tmp_path)

    assert (tmp_path / YAML_FILE).read_text(encoding="utf-8") == "# 我已经填了一半\n"
    assert openpyxl.load_workbook(tmp_path / "讲师.xlsx").active["A1"].value == "我的讲师表"
    assert {p.name for p in result.kept} == {YAML_FILE, "讲师.xlsx"}
    assert (tmp_path / "培训活动.xlsx").is_file()


def test_workbook_templates_have_the_yaml_keys_as_headers_and_help_against_excel_quirks(
    tmp_path: Path,
) -> None:
    init(tmp_path)

    ws = openpyxl.load_workbook(tmp_path / "讲师.xlsx").active
    headers = [c.value for c in ws[1]]
    assert headers == table_columns(("讲师",))[0]
    phone = headers.index("联系电话") + 1
    assert ws.cell(row=2, column=phone).number_format == "@"
    lists = {
        str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation
    }
    edu_col = openpyxl.utils.get_column_letter(headers.index("学历") + 1)
    assert lists[edu_col] == '"博士,硕士,本科,大专,中专,高中及以下"'
    assert "必填" in ws.cell(row=1, column=1).comment.text


def test_a_fresh_folder_loads_every_list_as_empty_and_reports_only_what_is_unfilled(
    tmp_path: Path,
) -> None:
    init(tmp_path)

    with pytest.raises(jidi_docs.ValidationFailed) as err:
        jidi_docs.load(tmp_path / YAML_FILE)
    summary = summarize_unfilled(err.value)

    assert [str(i) for i in summary.issues] == [
        (
            f"{tmp_path / YAML_FILE}：以下栏目还没有填写："
            "基本情况：单位名称、注册地、所属区县、法定代表人、注册时间、联系人、电话、办公地址、总面积；"
            "基本情况 → 培训场地 → 第 1 项：地址、可容纳人数。"
        )
    ]


def test_unfilled_summary_keeps_real_mistakes_on_their_own_lines(tmp_path: Path) -> None:
    init(tmp_path)
    path = tmp_path / YAML_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("  电话:", "  电话: 12345", 1), encoding="utf-8"
    )

    with pytest.raises(jidi_docs.ValidationFailed) as err:
        jidi_docs.load(path)
    summary = summarize_unfilled(err.value)

    assert len(summary.issues) == 2
    assert "电话" not in summary.issues[0].message
    assert summary.issues[1].field == "基本情况 → 电话"
    assert summary.issues[1].line == 17


def test_unfilled_summary_leaves_an_error_without_blanks_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("电话: 0571-87654321", "电话: 1"),
        encoding="utf-8",
    )
    with pytest.raises(jidi_docs.ValidationFailed) as err:
        jidi_docs.load(path)

    assert summarize_unfilled(err.value) is err.value


def test_init_then_fill_by_script_then_check_then_render(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "申报"

    created = runner.invoke(cli_app, ["init", str(folder)])
    fill_scaffold(folder)
    checked = runner.invoke(cli_app, ["check", str(folder / YAML_FILE)])
    rendered = runner.invoke(
        cli_app, ["render", str(folder / YAML_FILE), "-o", str(tmp_path / "输出")]
    )

    assert created.exit_code == 0, created.output
    assert "已创建 申报.yaml" in created.output
    assert checked.exit_code in (0, 3), checked.output
    assert "讲师数量：2" in checked.output
    assert rendered.exit_code == 0, rendered.output
    app = jidi_docs.load(folder / YAML_FILE)
    form2 = docx.Document(str(render(app, tmp_path / "再次")[1]))
    lecturers = form2.tables[2]
    assert [c.text for c in lecturers.rows[1].cells] == [
        "1",
        "钱七",
        "专职",
        "本科",
        "",
        "13800001111",
        "",
    ]
    assert [c.text for c in lecturers.rows[2].cells][:4] == ["2", "孙八", "兼职", "讲师／硕士"]
    assert form2.tables[3].rows[1].cells[3].text == "亚马逊入门"
    assert app.score("培训场地及环境") == 8


def test_check_on_a_fresh_folder_lists_what_is_still_empty_in_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli_app, ["init", str(tmp_path)])

    result = runner.invoke(cli_app, ["check", str(tmp_path / YAML_FILE)])

    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.strip().startswith("•")]
    assert len(lines) == 1
    assert "以下栏目还没有填写：基本情况：单位名称、注册地" in lines[0]


def test_init_command_refuses_a_file_as_folder(tmp_path: Path) -> None:
    target = tmp_path / "文件.txt"
    target.write_text("x", encoding="utf-8")

    result = CliRunner().invoke(cli_app, ["init", str(target)])

    assert result.exit_code == 1
    assert "这是一个文件，不是文件夹" in result.output


def test_filled_scaffold_is_valid_against_its_own_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    init(tmp_path)
    fill_scaffold(tmp_path)
    schema = json.loads((tmp_path / SCHEMA_FILE).read_text(encoding="utf-8"))
    # An editor reads YAML 1.2: 40 is a number, 2018-03-05 stays text.
    raw = yaml.safe_load((tmp_path / YAML_FILE).read_text(encoding="utf-8"))
    data = json.loads(json.dumps(raw, default=str))

    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]

    assert errors == []
    assert data["讲师"] == {"文件": "讲师.xlsx"}


def test_extract_command_writes_the_yaml_and_lists_what_it_could_not_read(tmp_path: Path) -> None:
    form2 = render(jidi_docs.load(EXAMPLE), tmp_path)[1]
    d = docx.Document(str(form2))
    d.tables[2].rows[1].cells[3].text = "讲师/研究生"
    d.save(str(form2))
    out = tmp_path / "读出.yaml"

    mine = tmp_path / "我的.yaml"
    mine.write_text("我的内容\n", encoding="utf-8")

    result = CliRunner().invoke(cli_app, ["extract", str(form2), "-o", str(out)])
    again = CliRunner().invoke(cli_app, ["extract", str(form2), "-o", str(out)])
    refused = CliRunner().invoke(cli_app, ["extract", str(form2), "-o", str(mine)])

    assert result.exit_code == 0, result.output
    assert "讲师 → 第 1 项 → 学历：讲师/研究生" in result.output
    assert "# 学历: 讲师/研究生    ← 未能读取" in out.read_text(encoding="utf-8")
    assert again.exit_code == 0, again.output  # its own earlier output is replaced
    assert refused.exit_code == 1
    assert "文件已经存在" in refused.output
    assert mine.read_text(encoding="utf-8") == "我的内容\n"
