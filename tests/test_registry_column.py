"""A column added to a copy of the registry appears in every stage that derives from it.

The copy of ``schema/sections.yaml`` gains a 讲师 column 微信号; with nothing else changed, the
JSON Schema describes it, ``init``'s workbook has it as a header with its note, the spreadsheet
reader and the loader read it, and ``extract`` reads it back from a 申报表 table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import jsonschema
import openpyxl
import pytest
import yaml

import jidi_docs
from jidi_docs.forms._extract import extract_document
from jidi_docs.forms._render import render
from jidi_docs.input._load import validate
from jidi_docs.input._tables import expand_tables
from jidi_docs.pipeline._scaffold import scaffold_yaml, write_table_template
from jidi_docs.schema import Registry, load_registry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
REGISTRY_FILE = Path(jidi_docs.schema.__file__).with_name("sections.yaml")

NEW = {
    "列名": "微信号",
    "名称": "wechat",
    "类型": "文字",
    "说明": "讲师的微信号，便于联系",
    "例子": "qianqi-2021",
}


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    data = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    lecturer = next(s for s in data["栏目"] if s["键"] == "讲师")
    lecturer["列"].append(NEW)
    path = tmp_path_factory.mktemp("registry") / "sections.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_registry(path)


def example_data() -> dict[str, Any]:
    data: dict[str, Any] = jidi_docs.input._yaml.parse_yaml(
        EXAMPLE.read_text(encoding="utf-8")
    ).data
    return data


def test_the_schema_describes_the_new_column(copy: Registry) -> None:
    schema = jidi_docs.json_schema(reg=copy)
    data = example_data()
    data["讲师"][0]["微信号"] = "qianqi-2021"

    prop = schema["$defs"]["Lecturer"]["properties"]["微信号"]

    assert prop["description"] == "讲师的微信号，便于联系（选填）"
    assert prop["examples"] == ["qianqi-2021"]
    assert jsonschema.Draft202012Validator(schema).is_valid(data)
    assert not jsonschema.Draft202012Validator(jidi_docs.json_schema()).is_valid(data)


def test_the_scaffold_workbook_has_the_new_header_and_its_note(
    copy: Registry, tmp_path: Path
) -> None:
    path = tmp_path / "讲师.xlsx"

    write_table_template(path, "讲师", reg=copy)

    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[-1] == "微信号"
    note = ws.cell(row=1, column=len(header)).comment
    assert note is not None
    assert "讲师的微信号，便于联系" in note.text
    assert "qianqi-2021" in note.text
    assert "微信号" not in scaffold_yaml(reg=copy)  # a list column: in the workbook only


def test_the_spreadsheet_reader_and_the_loader_read_the_new_column(
    copy: Registry, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "专兼职", "学历", "微信号"])
    ws.append(["钱七", "专职", "本科", "qianqi-2021"])
    wb.save(tmp_path / "讲师.xlsx")
    data = example_data()
    data["讲师"] = {"文件": "讲师.xlsx"}

    rows = expand_tables(data, base_dir=tmp_path, reg=copy)["讲师"]
    app = validate(data, source=tmp_path / "申报.yaml", reg=copy)

    assert rows == [{"姓名": "钱七", "专兼职": "专职", "学历": "本科", "微信号": "qianqi-2021"}]
    assert app.lecturers[0].wechat == "qianqi-2021"  # type: ignore[attr-defined]
    with pytest.raises(jidi_docs.ValidationFailed, match="微信号"):
        validate(data, source=tmp_path / "申报.yaml")


def test_extract_reads_the_new_column_from_the_form(copy: Registry, tmp_path: Path) -> None:
    form2 = render(jidi_docs.load(EXAMPLE), tmp_path)[1]
    document = docx.Document(str(form2))
    lecturers = next(t for t in document.tables if "研发平台" in t.rows[0].cells[4].text)
    column = lecturers.add_column(docx.shared.Cm(2))
    column.cells[0].text = "微信号"
    column.cells[1].text = "qianqi-2021"

    read = extract_document(document, reg=copy).data["讲师"]
    default = extract_document(document).data["讲师"]

    assert read[0]["微信号"] == "qianqi-2021"
    assert list(read[0])[-1] == "微信号"
    assert "微信号" not in default[0]
