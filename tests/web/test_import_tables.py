"""Import of loose spreadsheets (讲师.xlsx …) into a draft: all files or none, messages by row."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from jidi_docs.pipeline._scaffold import write_table_template


def _workbook(tmp_path: Path, key: str, rows: list[dict[str, Any]], **cells: Any) -> bytes:
    """The workbook `jidi-docs init` makes for list `key`, filled with `rows` as a base would."""
    path = tmp_path / f"{key}-template.xlsx"
    write_table_template(path, key)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for r, row in enumerate(rows, start=2):
        for column, value in row.items():
            sheet.cell(row=r, column=headers.index(column) + 1, value=value)
    for ref, value in cells.items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _import(client: Any, app: Any, files: list[SimpleUploadedFile]) -> str:
    """Post `files` to the import page as a browser does; return the page shown after it."""
    response = client.post(f"/app/{app.pk}/import/", {"file": files}, follow=True)
    app.refresh_from_db()
    return html.unescape(response.content.decode())


def _without(example: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in example.items() if k not in keys}


def test_several_workbooks_replace_their_lists_in_the_draft(
    make_base: Any, client_for: Any, example: dict[str, Any], tmp_path: Path
) -> None:
    from jidi_docs.web._library import validate_draft
    from jidi_docs.web._store import app_dir

    draft = _without(example, "讲师", "培训活动")
    draft["基本情况"] = {k: v for k, v in example["基本情况"].items() if k != "培训场地"}
    user, app = make_base(draft=draft)
    files = [
        _upload("讲师.xlsx", _workbook(tmp_path, "讲师", example["讲师"])),
        _upload("培训活动 (1).xlsx", _workbook(tmp_path, "培训活动", example["培训活动"])),
        _upload("培训场地.xlsx", _workbook(tmp_path, "培训场地", example["基本情况"]["培训场地"])),
    ]

    page = _import(client_for(user), app, files)

    assert "已导入" in page
    assert app.draft["讲师"] == example["讲师"]
    assert app.draft["培训活动"] == example["培训活动"]
    assert app.draft["基本情况"]["培训场地"] == example["基本情况"]["培训场地"]
    assert app.draft["基本情况"]["单位名称"] == example["基本情况"]["单位名称"]  # kept
    assert app.draft["企业资质"] == example["企业资质"]  # lists not imported are kept
    assert app.draft_version == 2
    assert validate_draft(app.draft, app_dir(app)).issues == []
    assert app.audit.filter(action="导入表格").exists()


def test_a_wrong_cell_imports_nothing_and_names_file_row_and_column(
    make_base: Any, client_for: Any, example: dict[str, Any], tmp_path: Path
) -> None:
    draft = _without(example, "讲师", "培训活动")
    user, app = make_base(draft=draft)
    activities = [dict(r) for r in example["培训活动"]]
    activities[1]["培训人次"] = "四十二"  # the sheet's row 3
    files = [
        _upload("讲师.xlsx", _workbook(tmp_path, "讲师", example["讲师"])),
        _upload("培训活动.xlsx", _workbook(tmp_path, "培训活动", activities)),
    ]

    page = _import(client_for(user), app, files)

    assert "未导入，草稿保持不变" in page
    assert "培训活动.xlsx（工作表 培训活动） 第 3 行" in page
    assert "「培训活动 → 第 2 项 → 培训人次」" in page
    assert "四十二" in page
    assert "讲师" not in app.draft  # the good file was not imported either
    assert app.draft_version == 1


def test_a_missing_required_column_is_named(
    make_base: Any, client_for: Any, example: dict[str, Any], tmp_path: Path
) -> None:
    user, app = make_base(draft=_without(example, "讲师"))
    content = _workbook(tmp_path, "讲师", example["讲师"], A1="名字")  # the 姓名 header renamed

    page = _import(client_for(user), app, [_upload("讲师.xlsx", content)])

    assert "讲师.xlsx（工作表 讲师） 第 1 行：「讲师」缺少必填的列“姓名”" in page
    assert "讲师" not in app.draft


def test_a_workbook_is_known_by_its_first_sheet_when_renamed(
    make_base: Any, client_for: Any, example: dict[str, Any], tmp_path: Path
) -> None:
    user, app = make_base(draft=_without(example, "讲师"))
    content = _workbook(tmp_path, "讲师", example["讲师"])

    _import(client_for(user), app, [_upload("下载.xlsx", content)])

    assert app.draft["讲师"] == example["讲师"]


def test_unknown_duplicate_and_evidence_workbooks_are_refused(
    make_base: Any, client_for: Any, example: dict[str, Any], tmp_path: Path
) -> None:
    user, app = make_base(draft=_without(example, "讲师"))
    other = openpyxl.Workbook()
    other.active.title = "Sheet"
    buffer = io.BytesIO()
    other.save(buffer)
    lecturers = _workbook(tmp_path, "讲师", example["讲师"])
    evidence = _workbook(tmp_path, "佐证材料", [{"名称": "营业执照", "指标": "基本情况"}])
    files = [
        _upload("名单.xlsx", buffer.getvalue()),
        _upload("讲师.xlsx", lecturers),
        _upload("讲师（2）.xlsx", lecturers),
        _upload("佐证材料.xlsx", evidence),
    ]

    page = _import(client_for(user), app, files)

    assert "名单.xlsx：认不出这是哪一份名单" in page
    assert "讲师（2）.xlsx：与“讲师.xlsx”都是“讲师”名单" in page
    assert "佐证材料.xlsx：佐证材料的文件不能随表格导入" in page
    assert "讲师" not in app.draft


def test_two_workbooks_of_one_name_import_nothing(
    make_base: Any, client_for: Any, example: dict[str, Any], tmp_path: Path
) -> None:
    """Dropped from two folders, both would be 讲师.xlsx: neither may silently win."""
    user, app = make_base(draft=_without(example, "讲师"))
    first = _workbook(tmp_path, "讲师", example["讲师"][:1])
    second = _workbook(tmp_path, "讲师", example["讲师"])
    files = [_upload("甲/讲师.xlsx", first), _upload("乙\\讲师.xlsx", second)]

    page = _import(client_for(user), app, files)

    assert "未导入：有几个文件同名，请改名后再导入：讲师.xlsx" in page
    assert "讲师" not in app.draft
    assert app.draft_version == 1


def test_tables_are_not_mixed_with_other_imports(
    make_base: Any, client_for: Any, example: dict[str, Any], tmp_path: Path
) -> None:
    user, app = make_base(draft=_without(example, "讲师"))
    files = [
        _upload("讲师.xlsx", _workbook(tmp_path, "讲师", example["讲师"])),
        _upload("申报.yaml", "基本情况: {}\n".encode()),
    ]

    page = _import(client_for(user), app, files)

    assert "请分开导入：申报.yaml" in page
    assert app.draft_version == 1


def test_the_office_cannot_import_into_a_draft(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any], tmp_path: Path
) -> None:
    _user, app = make_base(draft=_without(example, "讲师"))
    content = _workbook(tmp_path, "讲师", example["讲师"])

    response = client_for(make_reviewer("全市")).post(
        f"/app/{app.pk}/import/", {"file": [_upload("讲师.xlsx", content)]}
    )

    app.refresh_from_db()
    assert response.status_code == 404
    assert "讲师" not in app.draft


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_reading(
    make_base: Any, client_for: Any, example: dict[str, Any], tmp_path: Path
) -> None:
    import zipfile

    from jidi_docs.web._tables import UNPACKED_LIMIT

    user, app = make_base(draft=_without(example, "讲师"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (UNPACKED_LIMIT + 1))
    assert len(buffer.getvalue()) < 1024 * 1024  # a small upload

    page = _import(client_for(user), app, [_upload("讲师.xlsx", buffer.getvalue())])

    assert "讲师.xlsx：表格解压后超过 50 MB" in page
    assert app.draft_version == 1
