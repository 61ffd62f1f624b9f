"""The JSON Schema (``jidi-docs schema``) accepts exactly what the loader accepts, as an editor sees it.

Both directions, with the `jsonschema` library over YAML read as YAML 1.2 (as editors read it):
every application the loader accepts is valid against the schema, and every bad input of the
loader's catalogue that is still a YAML document is invalid — but for the few listed in
`SCHEMA_CANNOT_SEE`, which no JSON Schema can tell apart, and which the test keeps honest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from test_load import CATALOGUE, EXAMPLE, TEXT, edit

import jidi_docs
from jidi_docs.errors import InputError, UserError
from jidi_docs.pipeline._scaffold import SCHEMA_FILE, YAML_FILE, init
from scaffolding import fill_scaffold
from yaml12 import Yaml12Error, load_yaml12


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = jidi_docs.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator: jsonschema.Draft202012Validator, text: str) -> list[str]:
    data = load_yaml12(text)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


#: Applications the loader accepts (each is loaded here too, so the list cannot hold a bad one).
VALID: dict[str, str] = {
    "the example": TEXT,
    "YAML 1.1 look-alikes stay text": edit("电话: 0571-87654321", "电话: 057187654321")
    .replace("备注: 平台服务商外聘", "备注: no")
    .replace("备注: 参会企业 46 家", "备注: 9:30")
    .replace("资质登记: 教民 133010670000123 号", "资质登记: 0571000123")
    .replace("研发平台: 亚马逊", "研发平台: on")
    .replace("研发平台: 速卖通", "研发平台: true")
    .replace("职务: 校长", "职务: 2021-08-17")
    .replace("岗位: 全面管理", "岗位: 0x1F"),
    "blank optional fields": edit("备注: 平台服务商外聘", "备注: ")
    .replace("  办公面积: 260", "  办公面积:")
    .replace("  统一社会信用代码: 91330106723456781M", "  统一社会信用代码:")
    .replace("  财务情况: 4", "  财务情况:")
    .replace("申报单位审核意见: 经审核，本单位所报材料真实、准确、完整。", "申报单位审核意见:"),
    "quoted empty optional text": edit("备注: 平台服务商外聘", "备注: ''"),
    "quoted numbers": edit("培训人次: 56", "培训人次: '56'")
    .replace("总面积: 1260", "总面积: '1260.5'")
    .replace("  财务情况: 4", "  财务情况: '4.5'"),
    "a landline typed as a number": edit("电话: 0571-87654321", "电话: 87654321"),
    "a mobile typed as a number": edit("电话: 0571-87654321", "电话: 13800001111"),
    "one file or a list of files": edit(
        "文件: 佐证材料/营业执照.pdf", "文件: [佐证材料/营业执照.pdf, 佐证材料/教室照片.jpg]"
    ),
    "dates as people write them": edit("注册时间: 2015-06-18", "注册时间: 2015年6月18日")
    .replace("时间: 2021-01-15", "时间: 2021/1/15")
    .replace("有效期: 2025-06-30", "有效期: 长期"),
    "a period with 至": edit("2020-07-06 ~ 2020-07-10", "2020-07-06 至 2020-07-10"),
    "no 认定批次": edit("认定批次: 杭州-2021\n", ""),
    "no lists at all": TEXT.split("管理运营团队:")[0] + "自评分:\n  财务情况: 4\n",
}


def _tables_folder(folder: Path) -> Path:
    """The example with 讲师 in a workbook: ``讲师: {文件: 讲师.xlsx, 工作表: 名单}``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "名单"
    ws.append(["姓名", "专兼职", "学历"])
    ws.append(["钱七", "专职", "本科"])
    wb.save(folder / "讲师.xlsx")
    start, rest = TEXT.split("讲师:\n", 1)
    rest = rest.split("\n\n", 1)[1]
    path = folder / "申报.yaml"
    path.write_text(start + "讲师: {文件: 讲师.xlsx, 工作表: 名单}\n\n" + rest, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(VALID))
def test_what_the_loader_accepts_the_schema_accepts(
    case: str, validator: jsonschema.Draft202012Validator
) -> None:
    text = VALID[case]
    jidi_docs.loads(text, base_dir=EXAMPLE.parent)

    assert errors(validator, text) == []


def test_a_list_given_as_a_spreadsheet_is_valid(
    tmp_path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    path = _tables_folder(tmp_path)
    jidi_docs.load(path)

    assert errors(validator, path.read_text(encoding="utf-8")) == []


def test_the_filled_scaffold_is_valid_against_the_schema_init_wrote(tmp_path: Path) -> None:
    init(tmp_path)
    fill_scaffold(tmp_path)
    jidi_docs.load(tmp_path / YAML_FILE)
    schema = json.loads((tmp_path / SCHEMA_FILE).read_text(encoding="utf-8"))
    data = load_yaml12((tmp_path / YAML_FILE).read_text(encoding="utf-8"))

    found = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]

    assert found == []
    assert data["讲师"] == {"文件": "讲师.xlsx"}


#: Bad inputs whose fault no JSON Schema can see, and why. The test below checks that the schema
#: does accept each of them (so an entry is removed as soon as the schema learns to see it).
SCHEMA_CANNOT_SEE = {
    "credit code check character": "the check character is computed (GB 32100-2015)",
    "a date that does not exist": "a pattern cannot know the days of each month",
    "range ending before it starts": "JSON Schema cannot compare two dates in one string",
    "area in exponent notation": "YAML 1.2 reads 1.26e3 as the number 1260; its spelling is gone",
    "自评分 not a number": ".nan is a number to YAML 1.2 and every comparison with NaN is false",
    "mobile one digit short": "as a YAML 1.2 number 1380000222 may be 01380000222, a landline",
}


def _catalogue_data(case: str) -> Any:
    try:
        return load_yaml12(CATALOGUE[case].text)
    except Yaml12Error:
        return Yaml12Error


@pytest.mark.parametrize("case", list(CATALOGUE))
def test_what_the_loader_refuses_the_schema_refuses(
    case: str, validator: jsonschema.Draft202012Validator
) -> None:
    with pytest.raises(UserError) as refused:
        jidi_docs.loads(CATALOGUE[case].text)
    data = _catalogue_data(case)
    if data is Yaml12Error:
        # Not one YAML document of plain data: the editor's YAML parser reports it (as the
        # loader does, before validation), the schema is never asked.
        assert isinstance(refused.value, InputError), case
        return

    found = list(validator.iter_errors(data))

    if case in SCHEMA_CANNOT_SEE:
        assert found == [], SCHEMA_CANNOT_SEE[case]
    else:
        assert found, case


def test_the_catalogue_mostly_reaches_the_schema() -> None:
    reached = [c for c in CATALOGUE if _catalogue_data(c) is not Yaml12Error]

    assert len(reached) >= 30
    assert set(SCHEMA_CANNOT_SEE) <= set(reached)


def test_every_key_has_a_chinese_description_and_limits_are_minimum_and_maximum(
    validator: jsonschema.Draft202012Validator,
) -> None:
    schema = validator.schema
    text = json.dumps(schema, ensure_ascii=False)
    for node in [*schema["$defs"].values(), schema]:
        for key, prop in node["properties"].items():
            assert prop.get("description"), key
    lecturer = schema["$defs"]["Lecturer"]["properties"]
    assert lecturer["学历"]["enum"] == ["博士", "硕士", "本科", "大专", "中专", "高中及以下"]
    assert lecturer["学历"]["examples"] == ["本科"]
    finance = schema["properties"]["自评分"]["properties"]["财务情况"]
    assert (finance["minimum"], finance["maximum"]) == (0, 5)
    assert '"ge"' not in text
    assert '"le"' not in text
