"""Tests of jidi_docs.tables: lists of the application read from .xlsx and .csv files."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest

from jidi_docs.errors import ValidationFailed
from jidi_docs.input._jsonschema import json_schema
from jidi_docs.input._load import load, loads, validate
from jidi_docs.input._sheet import cell_text, column_letter
from jidi_docs.input._tables import TABLE_PATHS, table_columns
from jidi_docs.input._yaml import parse_yaml, read_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"

HEAD = """认定批次: 杭州-2021
基本情况:
  单位名称: 杭州示例跨境电商职业培训学校有限公司
  注册地: 杭州市西湖区文三路 478 号
  所属区县: 西湖区
  法定代表人: 张三
  注册时间: 2015-06-18
  联系人: 李四
  电话: 0571-87654321
  办公地址: 杭州市西湖区文三路 478 号
  总面积: 1260
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / "申报.yaml")
    return tmp_path


def example_data() -> dict[str, Any]:
    return parse_yaml(read_text(EXAMPLE)).data


def get(data: Any, path: tuple[str, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


def put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for p in path[:-1]:
        data = data[p]
    data[path[-1]] = value


def cell(value: Any) -> Any:
    return "；".join(value) if isinstance(value, list) else value


def write_xlsx(path: Path, rows: list[list[Any]], *, sheet: str = "Sheet1") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)


def write_csv(path: Path, rows: list[list[Any]], encoding: str) -> None:
    import csv

    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([["" if v is None else v for v in row] for row in rows])


def rows_of(items: list[dict[str, Any]], path: tuple[str, ...]) -> list[list[Any]]:
    columns = table_columns(path)[0]
    return [["序号", *columns]] + [
        [n, *(cell(item.get(c)) for c in columns)] for n, item in enumerate(items, start=1)
    ]


def model_list(app: Any, path: tuple[str, ...]) -> list[Any]:
    obj = app
    names = {
        ("基本情况", "培训场地"): ("basic", "venues"),
        ("管理运营团队",): ("managers",),
        ("讲师",): ("lecturers",),
        ("培训活动",): ("trainings",),
        ("对接调研活动",): ("matchmakings",),
        ("品牌创新活动",): ("brand_activities",),
        ("企业荣誉",): ("honours",),
        ("企业资质",): ("qualifications",),
        ("佐证材料",): ("evidence",),
    }[path]
    for n in names:
        obj = getattr(obj, n)
    return [item.model_dump() for item in obj]


@pytest.mark.parametrize("path", TABLE_PATHS, ids=lambda p: p[-1])
@pytest.mark.parametrize(
    ("suffix", "encoding"), [(".xlsx", None), (".csv", "utf-8-sig"), (".csv", "gbk")]
)
def test_every_list_from_a_spreadsheet_equals_the_same_list_in_yaml(
    folder: Path, path: tuple[str, ...], suffix: str, encoding: str | None
) -> None:
    expected = load(EXAMPLE)
    data = example_data()
    name = f"{path[-1]}{suffix}"
    rows = rows_of(get(data, path), path)
    if suffix == ".xlsx":
        write_xlsx(folder / name, rows)
    else:
        write_csv(folder / name, rows, encoding or "utf-8")
    put(data, path, {"文件": name})

    app = validate(data, source=folder / "申报.yaml")

    assert model_list(app, path) == model_list(expected, path)
    assert len(model_list(app, path)) >= 1


def test_a_list_in_a_named_sheet_is_read_from_that_sheet(folder: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["这一页是说明"])
    ws = wb.create_sheet("2021年")
    ws.append(["姓名", "专兼职", "学历"])
    ws.append(["钱七", "专职", "本科"])
    wb.save(folder / "名单.xlsx")

    app = loads(
        HEAD + "讲师: {文件: 名单.xlsx, 工作表: 2021年}\n", base_dir=folder, source="申报.yaml"
    )

    assert [t.name for t in app.lecturers] == ["钱七"]


# ---------------------------------------------------------------------------------------------
# Excel's quirks
# ---------------------------------------------------------------------------------------------


def lecturers_from(folder: Path, rows: list[list[Any]]) -> list[Any]:
    write_xlsx(folder / "讲师.xlsx", rows)
    app = loads(HEAD + "讲师: {文件: 讲师.xlsx}\n", base_dir=folder, source="申报.yaml")
    return app.lecturers


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (13800001111.0, "13800001111"),  # a number cell: openpyxl gives a float
        (13800001111, "13800001111"),
        ("1.3800001111E+10", "13800001111"),  # text in scientific notation, all digits present
        ("13800001111.0", "13800001111"),  # text exported from a number cell
        ("  13800001111 ", "13800001111"),
        ("0571-87654321", "0571-87654321"),
    ],
)
def test_phone_numbers_come_back_as_the_digits_typed(
    folder: Path, stored: Any, expected: str
) -> None:
    lecturers = lecturers_from(
        folder, [["姓名", "专兼职", "学历", "联系电话"], ["钱七", "专职", "本科", stored]]
    )

    assert lecturers[0].phone == expected


def test_a_phone_number_excel_shortened_is_an_error_naming_file_row_and_column(
    folder: Path,
) -> None:
    write_csv(
        folder / "讲师.csv",
        [["姓名", "专兼职", "学历", "联系电话"], ["钱七", "专职", "本科", "1.38E+10"]],
        "gbk",
    )

    with pytest.raises(ValidationFailed) as err:
        loads(HEAD + "讲师: {文件: 讲师.csv}\n", base_dir=folder, source="申报.yaml")

    assert [str(i) for i in err.value.issues] == [
        (
            "讲师.csv 第 2 行：「讲师 → 联系电话」“1.38E+10”是 Excel 用科学计数法显示的数字，后面几位已经丢失，"
            "无法还原。请把这一列的单元格格式设为“文本”，重新输入完整的号码后再保存。"
        )
    ]


def test_dates_as_date_cells_or_text_and_numbers_as_text(folder: Path) -> None:
    write_xlsx(
        folder / "培训活动.xlsx",
        [
            ["时间", "地点", "授课主题", "讲师", "培训人次", "学时数"],
            [dt.datetime(2020, 7, 6), "教室", "课一", "钱七", 56, 30],
            ["2020/7/6 ~ 2020/7/10", "教室", "课二", "钱七", "42", " 24 "],
            [dt.date(2021, 3, 22), "教室", "课三", "钱七", 60.0, 4.5],
        ],
    )
    write_xlsx(
        folder / "企业资质.xlsx",
        [
            ["资质名称", "资质登记", "发证单位", "有效期"],
            ["许可证", "00123", "教育局", dt.datetime(2025, 6, 30)],
            ["证书", 123.0, "协会", "长期"],
        ],
    )

    app = loads(
        HEAD + "培训活动: {文件: 培训活动.xlsx}\n企业资质: {文件: 企业资质.xlsx}\n",
        base_dir=folder,
        source="申报.yaml",
    )

    assert [str(t.time) for t in app.trainings] == [
        "2020-07-06",
        "2020-07-06 ~ 2020-07-10",
        "2021-03-22",
    ]
    assert [t.trainees for t in app.trainings] == [56, 42, 60]
    assert [t.hours for t in app.trainings] == [Decimal(30), Decimal(24), Decimal("4.5")]
    assert [q.valid_until for q in app.qualifications] == [dt.date(2025, 6, 30), "长期"]
    assert [q.registration for q in app.qualifications] == ["00123", "123"]


def test_title_rows_merged_headers_spaces_and_empty_rows(folder: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["已开展的跨境电商培训活动"])  # a title row merged across the table
    ws.merge_cells("A1:H1")
    ws.append(["序号", " 时 间 ", "地点", "授课主题", None, "讲师", "培训情况", None])
    ws.append([None, None, None, None, None, None, "培训人次", "学时数（小时）"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")  # a header merged down over two rows
    ws.merge_cells("C2:C3")
    ws.merge_cells("D2:E3")  # a header merged across two columns
    ws.merge_cells("F2:F3")
    ws.merge_cells("G2:H2")  # a group header above two sub-headers
    ws.append(
        [
            1,
            "2020-07-06 ~ 2020-07-10",
            " 本校 1 号教室 ",
            "亚马逊欧洲站运营实战",
            None,
            "钱七",
            56,
            30,
        ]
    )
    ws.merge_cells("D4:E4")
    ws.append([None] * 8)
    ws.append([2, "2020-10-12", "机房", "速卖通", None, "孙八", "42", "24"])
    wb.save(folder / "培训活动.xlsx")

    app = loads(HEAD + "培训活动: {文件: 培训活动.xlsx}\n", base_dir=folder, source="申报.yaml")

    assert [(t.place, t.topic, t.trainees, t.hours) for t in app.trainings] == [
        ("本校 1 号教室", "亚马逊欧洲站运营实战", 56, Decimal(30)),
        ("机房", "速卖通", 42, Decimal(24)),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("  ", None),
        (True, "是"),
        (dt.time(9, 30), "09:30"),
        (0.1, "0.1"),
        (1e-05, "0.00001"),
        ("1.5E+2", "150"),
        ("a\r\nb", "a\nb"),
        ("\u3000张三\u3000", "张三"),
    ],
)
def test_cell_text_turns_excel_values_back_into_typed_text(
    value: Any, expected: str | None
) -> None:
    assert cell_text(value) == expected


def test_column_letters_follow_excel() -> None:
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


# ---------------------------------------------------------------------------------------------
# Bad spreadsheets: every message names file, sheet, row and column
# ---------------------------------------------------------------------------------------------

TRAININGS = ["时间", "地点", "授课主题", "讲师", "培训人次", "学时数"]


def errors_for(
    folder: Path, rows: list[list[Any]], entry: str = "{文件: 培训活动.xlsx}"
) -> list[str]:
    write_xlsx(folder / "培训活动.xlsx", rows)
    with pytest.raises(ValidationFailed) as err:
        loads(HEAD + f"培训活动: {entry}\n", base_dir=folder, source="申报.yaml")
    return [str(i) for i in err.value.issues]


GOOD = ["2020-07-06", "教室", "课", "钱七", 56, 30]


def test_a_wrong_cell_names_file_sheet_row_and_column(folder: Path) -> None:
    rows = [TRAININGS, GOOD, GOOD, ["2020-07-06", "教室", "课", "钱七", 56, "三十"]]

    assert errors_for(folder, rows) == [
        "培训活动.xlsx（工作表 Sheet1） 第 4 行：「培训活动 → 第 3 项 → 学时数」应是数字，现在是“三十”。"
    ]


def test_an_empty_required_cell_is_reported_at_its_row(folder: Path) -> None:
    rows = [TRAININGS, GOOD, ["2020-07-06", None, "课", "钱七", 56, 30]]

    assert errors_for(folder, rows) == [
        "培训活动.xlsx（工作表 Sheet1） 第 3 行：「培训活动 → 第 2 项 → 地点」是必填栏目，不能缺少。"
    ]


def test_a_header_of_the_registry_aliases_is_read_as_its_column(folder: Path) -> None:
    write_xlsx(
        folder / "培训活动.xlsx",
        [["日期", "培训地点", "课程主题", "授课讲师", "培训人次", "学时"], GOOD],
    )

    app = loads(HEAD + "培训活动: {文件: 培训活动.xlsx}\n", base_dir=folder, source="申报.yaml")

    assert (app.trainings[0].place, app.trainings[0].hours) == ("教室", 30)


def test_an_unknown_column_names_the_nearest_valid_header(folder: Path) -> None:
    rows = [[*TRAININGS[:5], "总学时"], GOOD]

    assert errors_for(folder, rows) == [
        (
            "培训活动.xlsx（工作表 Sheet1） 第 1 行：「培训活动」第 F 列“总学时”不是可用的列名。是不是“学时数”？"
            "可用的列名有：时间、地点、授课主题、讲师、培训人次、学时数。"
        ),
        "培训活动.xlsx（工作表 Sheet1） 第 1 行：「培训活动」缺少必填的列“学时数”。请在表头加上这一列。",
    ]


def test_a_column_without_header_but_with_content_is_an_error(folder: Path) -> None:
    rows = [[*TRAININGS, None], [*GOOD, "随手记"]]

    assert errors_for(folder, rows) == [
        "培训活动.xlsx（工作表 Sheet1） 第 1 行：「培训活动」第 G 列有内容，但没有列名。请填写列名或删除这一列。"
    ]


def test_a_column_twice_is_an_error(folder: Path) -> None:
    rows = [[*TRAININGS, "地点"], [*GOOD, "别处"]]

    assert errors_for(folder, rows) == [
        "培训活动.xlsx（工作表 Sheet1） 第 1 行：「培训活动」列名“地点”出现了两次（第 B 列和第 G 列），请只保留一列。"
    ]


def test_a_missing_file_is_reported_at_its_yaml_line(folder: Path) -> None:
    assert errors_for(folder, [TRAININGS], entry="{文件: 活动.xlsx}") == [
        f"申报.yaml 第 12 行第 12 列：「培训活动 → 文件」找不到表格文件 活动.xlsx（在 {folder} 中查找）。请检查文件名和扩展名。"
    ]


def test_an_unknown_sheet_lists_the_sheets_there_are(folder: Path) -> None:
    assert errors_for(folder, [TRAININGS, GOOD], entry="{文件: 培训活动.xlsx, 工作表: 2021}") == [
        "培训活动.xlsx：「培训活动」表格文件 培训活动.xlsx 里没有名为“2021”的工作表。现有的工作表：Sheet1。"
    ]


def test_an_old_xls_file_is_refused_with_what_to_do(folder: Path) -> None:
    (folder / "培训活动.xls").write_bytes(b"\xd0\xcf\x11\xe0")

    assert errors_for(folder, [TRAININGS], entry="{文件: 培训活动.xls}") == [
        (
            "培训活动.xls：「培训活动」不支持 .xls 格式的表格 培训活动.xls：请用 .xlsx 或 .csv"
            "（.xls 旧格式请在 Excel 中另存为 .xlsx）。"
        )
    ]


def test_a_csv_in_neither_utf8_nor_gbk_is_refused(folder: Path) -> None:
    (folder / "讲师.csv").write_bytes("姓名\n".encode("utf-16"))

    with pytest.raises(ValidationFailed) as err:
        loads(HEAD + "讲师: {文件: 讲师.csv}\n", base_dir=folder, source="申报.yaml")

    assert [i.message for i in err.value.issues] == [
        "表格文件 讲师.csv 既不是 UTF-8 也不是 GBK 编码。请在 Excel 中另存为“CSV UTF-8”或 .xlsx。"
    ]


def test_an_entry_with_other_keys_than_file_and_sheet_is_an_error(folder: Path) -> None:
    write_xlsx(folder / "讲师.xlsx", [["姓名", "专兼职", "学历"]])

    with pytest.raises(ValidationFailed) as err:
        loads(HEAD + "讲师: {文件: 讲师.xlsx, 表: 1}\n", base_dir=folder, source="申报.yaml")

    assert [(i.line, i.field) for i in err.value.issues] == [(12, "讲师 → 表")]


def test_a_sheet_with_only_headers_gives_an_empty_list(folder: Path) -> None:
    write_xlsx(folder / "讲师.xlsx", [["序号", "姓名", "专兼职", "学历"], [1], [2]])

    app = loads(HEAD + "讲师: {文件: 讲师.xlsx}\n", base_dir=folder, source="申报.yaml")

    assert app.lecturers == []


@pytest.mark.parametrize("path", TABLE_PATHS, ids=lambda p: p[-1])
def test_the_schema_accepts_a_file_entry_for_every_list(path: tuple[str, ...]) -> None:
    schema = json_schema()
    node = schema
    for part in path[:-1]:
        node = schema["$defs"][node["properties"][part]["$ref"].split("/")[-1]]
    validator = jsonschema.Draft202012Validator(node["properties"][path[-1]])

    assert validator.is_valid({"文件": "名单.xlsx", "工作表": "2021年"})
    assert validator.is_valid([])
    assert not validator.is_valid({"文件": "名单.xlsx", "表": "2021年"})
    assert not validator.is_valid({"工作表": "2021年"})


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"\xd0\xcf\x11\xe0 an old workbook renamed", "它不是 .xlsx 格式"),
        (b"", "它不是 .xlsx 格式"),
        (None, "文件内容不完整"),
    ],
    ids=["renamed-xls", "empty", "zip-without-workbook"],
)
def test_an_unreadable_workbook_is_explained_in_chinese(
    folder: Path, content: bytes | None, why: str
) -> None:
    target = folder / "培训活动.xlsx"
    if content is None:
        import zipfile

        with zipfile.ZipFile(target, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
    else:
        target.write_bytes(content)

    with pytest.raises(ValidationFailed) as err:
        loads(HEAD + "培训活动: {文件: 培训活动.xlsx}\n", base_dir=folder, source="申报.yaml")

    (message,) = [i.message for i in err.value.issues]
    assert why in message, message
    assert "另存为" in message
    english = set(re.findall(r"[A-Za-z]+", message)) - {"xlsx", "xls", "et", "Excel", "WPS"}
    assert not english, message


def test_a_spreadsheets_header_error_is_reported_with_every_other_problem(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "讲师.xlsx",
        [["姓名", "专兼职", "学位", "学历"], ["钱七", "专职", "学士", "本科"]],
    )
    write_xlsx(
        tmp_path / "培训活动.xlsx",
        [
            ["时间", "地点", "授课主题", "讲师", "培训人次", "学时数"],
            ["2020-07-06 ~ 2020-07-10", "本校", "亚马逊运营", "钱七", "三十", 30],
        ],
    )
    text = HEAD.replace("所属区县: 西湖区", "所属区县: 火星区") + (
        "讲师: {文件: 讲师.xlsx}\n培训活动: {文件: 培训活动.xlsx}\n"
    )

    with pytest.raises(ValidationFailed) as exc:
        loads(text, source="申报.yaml", base_dir=tmp_path)

    where = [(i.file, i.line) for i in exc.value.issues]
    assert where == [
        ("申报.yaml", 5),  # the YAML's own problem first
        ("培训活动.xlsx（工作表 Sheet1）", 2),
        ("讲师.xlsx（工作表 Sheet1）", 1),
    ]
    messages = [i.message for i in exc.value.issues]
    assert "火星区" in messages[0]
    assert "应是整数" in messages[1] or "三十" in messages[1]
    assert "第 C 列“学位”不是可用的列名" in messages[2]
