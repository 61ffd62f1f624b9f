"""``extract -o`` into a folder that already holds an application: the form's values replace the
form's own fields; 自评分, 佐证材料 and the links to workbooks stay; the linked workbooks get the
form's rows; every file changed is kept under a backup name first, and the message says so."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

import jidi_docs
from jidi_docs.cli import app as cli_app
from jidi_docs.errors import InputError
from jidi_docs.forms._render import render
from jidi_docs.input._yaml import parse_yaml
from jidi_docs.pipeline import extract_to_file
from jidi_docs.pipeline._scaffold import write_table_template

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = ROOT / "data" / "示例"
EXAMPLE = EXAMPLE_DIR / "申报.yaml"
LINKED = {"讲师": "讲师.xlsx", "培训活动": "培训活动.xlsx", "企业荣誉": "企业荣誉.xlsx"}


def _fill(path: Path, key: str, rows: list[dict[str, Any]]) -> None:
    """A workbook as ``init`` makes it, with `rows` typed in as in Excel."""
    write_table_template(path, key)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    for r, row in enumerate(rows, start=2):
        for c, header in enumerate(headers, start=1):
            value = row.get(header)
            ws.cell(r, c).value = (
                int(value) if str(value).isdigit() and header != "联系电话" else value
            )
    wb.save(path)


def _block(text: str, key: str, indent: str = "") -> re.Match[str]:
    found = re.search(rf"^{indent}{key}:.*\n(?:{indent}  .*\n)+", text, re.MULTILINE)
    assert found is not None
    return found


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the example's folder with 讲师, 培训活动, 企业荣誉 and 培训场地 in workbooks."""
    target = tmp_path / "示例"
    shutil.copytree(EXAMPLE_DIR, target)
    data = parse_yaml(EXAMPLE.read_text(encoding="utf-8")).data
    text = EXAMPLE.read_text(encoding="utf-8")
    for key, name in LINKED.items():
        _fill(target / name, key, data[key])
        text = text.replace(_block(text, key)[0], f"{key}: {{文件: {name}}}   # 名单在表格里\n")
    _fill(target / "培训场地.xlsx", "培训场地", data["基本情况"]["培训场地"])
    venues = _block(text, "培训场地", "  ")[0]
    text = text.replace(venues, "  培训场地: {文件: 培训场地.xlsx}\n")
    (target / "申报.yaml").write_text(text, encoding="utf-8")
    assert jidi_docs.load(target / "申报.yaml").lecturers[1].platform == "速卖通"
    return target


def newer_form(tmp_path: Path) -> Path:
    """The example's 附件2 as the base later filled it: 孙八 now on Lazada, 单位简介 left blank."""
    form = render(jidi_docs.load(EXAMPLE), tmp_path / "表")[1]
    document = docx.Document(str(form))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.text == "速卖通":
                    cell.text = "Lazada"
                elif cell.text.startswith("本单位成立于"):
                    cell.text = ""
    document.save(str(form))
    return form


def test_extract_into_the_example_folder_keeps_scores_evidence_and_links(
    folder: Path, tmp_path: Path
) -> None:
    yaml_path = folder / "申报.yaml"
    before = yaml_path.read_text(encoding="utf-8")
    old = parse_yaml(before).data
    trainings = (folder / "培训活动.xlsx").read_bytes()
    lecturers_wb = openpyxl.load_workbook(folder / "讲师.xlsx").worksheets[0]
    notes = {c.coordinate: c.comment.text for c in lecturers_wb[1] if c.comment}
    checks = len(lecturers_wb.data_validations.dataValidation)

    result = CliRunner().invoke(cli_app, ["extract", str(newer_form(tmp_path)), "-o", str(folder)])

    assert result.exit_code == 0, result.output
    new = parse_yaml(yaml_path.read_text(encoding="utf-8")).data
    assert new["自评分"] == old["自评分"]
    assert new["佐证材料"] == old["佐证材料"]
    assert new["认定批次"] == old["认定批次"]
    assert {k: new[k] for k in LINKED} == {k: {"文件": v} for k, v in LINKED.items()}
    assert new["基本情况"]["培训场地"] == {"文件": "培训场地.xlsx"}
    assert new["基本情况"]["单位简介"] == old["基本情况"]["单位简介"]  # blank on the form
    assert new["基本情况"]["历年培训总人次"] == old["基本情况"]["历年培训总人次"]
    for key in ("自评分", "佐证材料"):  # as written, comments and all
        assert _block(before, key)[0] in yaml_path.read_text(encoding="utf-8")
    app = jidi_docs.load(yaml_path)
    assert [x.platform for x in app.lecturers] == ["亚马逊", "Lazada", "Shopee", "TikTok Shop"]
    assert app.basic.intro is not None
    assert app.basic.intro.startswith("本单位成立于")
    example = jidi_docs.load(EXAMPLE)
    assert app.trainings == example.trainings
    assert app.basic.venues == example.basic.venues
    assert (folder / "培训活动.xlsx").read_bytes() == trainings  # the same rows: not touched
    backups = sorted(p.name for p in folder.iterdir() if "修改备份" in p.name)
    assert [b.split("（")[0] for b in backups] == ["申报", "讲师"]
    assert (folder / backups[0]).read_text(encoding="utf-8") == before
    kept = openpyxl.load_workbook(folder / backups[1]).worksheets[0]
    assert kept["E3"].value == "速卖通"
    updated = openpyxl.load_workbook(folder / "讲师.xlsx").worksheets[0]
    assert {c.coordinate: c.comment.text for c in updated[1] if c.comment} == notes
    assert len(updated.data_validations.dataValidation) == checks
    out = " ".join(result.output.split())
    assert (
        "保留了原来的：认定批次、自评分、佐证材料、基本情况的历年培训总人次、单位简介（申报表里是空的）"
        in out
    )
    assert "讲师（在 讲师.xlsx 里）" in out
    assert f"讲师.xlsx 已按申报表写入 4 行（原来 4 行），原表格另存为 {backups[1]}" in out
    assert "培训活动.xlsx 的 4 行与申报表一致，没有改动" in out
    assert f"原来的 申报.yaml 已另存为 {backups[0]}" in out


def test_extract_into_a_plain_copy_of_the_example_replaces_its_lists_inline(
    tmp_path: Path,
) -> None:
    shutil.copytree(EXAMPLE_DIR, tmp_path / "示例")
    yaml_path = tmp_path / "示例" / "申报.yaml"

    written = extract_to_file(newer_form(tmp_path), tmp_path / "示例")

    text = yaml_path.read_text(encoding="utf-8")
    original = EXAMPLE.read_text(encoding="utf-8")
    for key in ("自评分", "佐证材料"):
        assert _block(original, key)[0] in text
    assert original.splitlines()[0] in text  # the file's own opening comments
    app = jidi_docs.load(yaml_path)
    example = jidi_docs.load(EXAMPLE)
    assert app.lecturers[1].platform == "Lazada"
    assert app.scores == example.scores
    assert app.evidence == example.evidence
    assert written.path == yaml_path


def test_extract_into_a_fresh_init_folder_fills_its_workbooks(tmp_path: Path) -> None:
    jidi_docs.init(tmp_path / "新")
    form = render(jidi_docs.load(EXAMPLE), tmp_path / "表")[1]

    written = extract_to_file(form, tmp_path / "新" / "申报.yaml")

    data = parse_yaml((tmp_path / "新" / "申报.yaml").read_text(encoding="utf-8")).data
    assert data["讲师"] == {"文件": "讲师.xlsx"}
    assert data["佐证材料"] == {"文件": "佐证材料.xlsx"}
    assert any(line == "讲师.xlsx 原来是空的，已写入申报表中的 4 行" for line in written.lines)
    backups = [p.name for p in (tmp_path / "新").iterdir() if "修改备份" in p.name]
    assert len(backups) == 1  # the YAML; the empty workbooks held nothing to keep
    example = jidi_docs.load(EXAMPLE)
    read = parse_yaml((tmp_path / "新" / "申报.yaml").read_text(encoding="utf-8"))
    lecturers = jidi_docs.input.expand_tables(read.data, base_dir=tmp_path / "新")["讲师"]
    assert [x["联系电话"] for x in lecturers] == [x.phone for x in example.lecturers]


def test_a_yaml_that_cannot_be_read_is_left_alone_and_said_so(tmp_path: Path) -> None:
    target = tmp_path / "申报.yaml"
    target.write_text("基本情况: [未闭合\n", encoding="utf-8")
    form = render(jidi_docs.load(EXAMPLE), tmp_path / "表")[1]

    result = CliRunner().invoke(cli_app, ["extract", str(form), "-o", str(target)])

    assert result.exit_code == 1
    assert "文件已经存在，但读不成申报 YAML" in result.output
    assert "--force" in result.output
    assert target.read_text(encoding="utf-8") == "基本情况: [未闭合\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["申报.yaml", "表"]


def test_a_yaml_written_in_flow_style_is_not_merged_into(tmp_path: Path) -> None:
    target = tmp_path / "申报.yaml"
    target.write_text("{认定批次: 杭州-2021, 自评分: {日常管理: 5}}\n", encoding="utf-8")
    form = render(jidi_docs.load(EXAMPLE), tmp_path / "表")[1]

    with pytest.raises(InputError, match="没法逐栏合并"):
        extract_to_file(form, target)

    assert target.read_text(encoding="utf-8") == "{认定批次: 杭州-2021, 自评分: {日常管理: 5}}\n"


def test_force_replaces_the_yaml_whole_and_keeps_the_old_one(folder: Path, tmp_path: Path) -> None:
    before = (folder / "申报.yaml").read_text(encoding="utf-8")

    written = extract_to_file(newer_form(tmp_path), folder, overwrite=True)

    data = parse_yaml(written.path.read_text(encoding="utf-8")).data
    assert data["自评分"] == dict.fromkeys(data["自评分"])  # the blank template
    backup = next(p for p in folder.iterdir() if p.name.startswith("申报（修改备份"))
    assert backup.read_text(encoding="utf-8") == before
    assert written.lines == [f"已整个覆盖 申报.yaml，原来的文件另存为 {backup.name}"]


def test_a_linked_workbook_that_cannot_be_read_stops_the_merge_before_any_write(
    folder: Path, tmp_path: Path
) -> None:
    (folder / "讲师.xlsx").write_bytes(b"not a workbook")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}

    with pytest.raises(InputError, match=r"讲师\.xlsx：这个表格读不出来"):
        extract_to_file(newer_form(tmp_path), folder / "申报.yaml")

    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
