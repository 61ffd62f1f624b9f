"""Test evidence by folder (jidi_docs.input._folders, through jidi_docs.load)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

import jidi_docs
from jidi_docs.input._folders import name_key
from jidi_docs.pipeline._scaffold import init

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
SCANS = ROOT / "data" / "示例" / "佐证材料"


def _folder_application(
    folder: Path, *, evidence_line: str = "佐证材料: {文件: 佐证材料.xlsx}"
) -> Path:
    """A fresh `init` folder whose 申报.yaml is the example without its 佐证材料 list."""
    init(folder)
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text[: text.index("佐证材料:   #")] + evidence_line + "\n"
    path = folder / "申报.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _put(folder: Path, rel: str, scan: str = "营业执照.pdf") -> None:
    target = folder / "佐证材料" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCANS / scan, target)


def _list_rows(folder: Path, rows: list[tuple[str, str, str]]) -> None:
    path = folder / "佐证材料.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    wb.save(path)


def test_files_in_an_indicators_folder_are_its_evidence_in_name_order(tmp_path: Path) -> None:
    path = _folder_application(tmp_path)
    _put(tmp_path, "培训场地及环境/照片10.jpg", "教室照片.jpg")
    _put(tmp_path, "培训场地及环境/照片2.jpg", "教室照片.jpg")
    _put(tmp_path, "培训场地及环境/2020年/签到表.pdf")
    _put(tmp_path, "基本情况/营业执照.pdf")
    (tmp_path / "佐证材料" / "基本情况" / "Thumbs.db").write_bytes(b"x")
    (tmp_path / "佐证材料" / "基本情况" / "~$说明.docx").write_bytes(b"x")

    app = jidi_docs.load(path)

    found = [(e.indicator, e.name, e.files, e.origin, e.from_folder) for e in app.evidence]
    folder = "文件夹 佐证材料/"
    assert found == [
        ("基本情况", "营业执照", ["佐证材料/基本情况/营业执照.pdf"], folder + "基本情况", True),
        (
            "培训场地及环境",
            "2020年/签到表",
            ["佐证材料/培训场地及环境/2020年/签到表.pdf"],
            folder + "培训场地及环境",
            True,
        ),
        (
            "培训场地及环境",
            "照片2",
            ["佐证材料/培训场地及环境/照片2.jpg"],
            folder + "培训场地及环境",
            True,
        ),
        (
            "培训场地及环境",
            "照片10",
            ["佐证材料/培训场地及环境/照片10.jpg"],
            folder + "培训场地及环境",
            True,
        ),
    ]
    # Alone (no list written), the folders need no notice: lock and system files are not news.
    assert app.warnings == []


def test_a_list_names_and_orders_its_files_and_unlisted_ones_follow_with_a_notice(
    tmp_path: Path,
) -> None:
    path = _folder_application(tmp_path)
    _put(tmp_path, "日常管理/a-计划.pdf")
    _put(tmp_path, "日常管理/b-总结.pdf")
    _put(tmp_path, "日常管理/c-制度.pdf")
    _put(
        tmp_path, "其他/营业执照副本.pdf"
    )  # outside the indicators' folders: only the list adds it
    _list_rows(
        tmp_path,
        [
            ("年度工作总结", "日常管理", "佐证材料/日常管理/b-总结.pdf"),
            ("年度工作计划", "日常管理", "佐证材料\\日常管理\\a-计划.pdf"),  # typed on Windows
            ("营业执照副本", "基本情况", "佐证材料/其他/营业执照副本.pdf"),
        ],
    )

    app = jidi_docs.load(path)

    found = [(e.indicator, e.name, e.origin) for e in app.evidence]
    assert found == [
        ("日常管理", "年度工作总结", "佐证材料.xlsx（工作表 佐证材料） 第 2 行"),
        ("日常管理", "年度工作计划", "佐证材料.xlsx（工作表 佐证材料） 第 3 行"),
        ("基本情况", "营业执照副本", "佐证材料.xlsx（工作表 佐证材料） 第 4 行"),
        ("日常管理", "c-制度", "文件夹 佐证材料/日常管理"),
    ]
    (notice,) = app.warnings
    assert notice.message == (
        "1 个文件放在评价指标的文件夹里，但佐证材料清单没有列出，已按所在文件夹加入，"
        "以文件名为标题：佐证材料/日常管理/c-制度.pdf。"
    )


def test_what_the_folders_hold_but_do_not_give_is_named_in_a_notice(tmp_path: Path) -> None:
    path = _folder_application(tmp_path)
    _put(tmp_path, "日常管理/制度.pdf")
    (tmp_path / "佐证材料" / "日常管理" / "制度汇编.docx").write_bytes(b"PK\x03\x04")
    _put(tmp_path, "人才培育/签到表.pdf")  # a folder named after no indicator
    _put(tmp_path, "执照.pdf")  # directly under 佐证材料, listed nowhere

    app = jidi_docs.load(path)

    assert [e.name for e in app.evidence] == ["制度"]
    messages = [w.message for w in app.warnings]
    assert messages[0] == (
        "1 个文件不是 PDF 或图片，没有放进申报材料：佐证材料/日常管理/制度汇编.docx。"
        "请另存为 PDF 后放回原文件夹。"
    )
    assert messages[1].startswith(
        "文件夹 佐证材料/人才培育 不是评价指标的名称，里面的 1 个文件没有放进申报材料。"
        "请把它们移到对应指标的文件夹中：基本情况、培训场地及环境、"
    )
    assert messages[2] == (
        "1 个文件直接放在 佐证材料 文件夹里，不属于任何评价指标，也没有列在佐证材料清单中，"
        "没有放进申报材料：佐证材料/执照.pdf。请把它们移到对应指标的文件夹中。"
    )
    assert all(w.file == str(path) and w.field == "佐证材料" for w in app.warnings)


def test_an_example_with_its_own_list_and_loose_scans_gets_no_notice() -> None:
    app = jidi_docs.load(EXAMPLE)

    assert app.warnings == []
    assert not any(e.from_folder for e in app.evidence)
    assert app.evidence[0].origin == f"申报.yaml 第 {_line('营业执照副本扫描件')} 行"


def test_data_validated_without_a_file_reads_no_folder(tmp_path: Path) -> None:
    # The portal validates data standing for a 申报.yaml in its own folder; its uploads are
    # listed explicitly, so nothing may be picked up from the disk behind its back.
    _folder_application(tmp_path)
    _put(tmp_path, "基本情况/营业执照.pdf")
    data = jidi_docs.load(EXAMPLE).model_dump(by_alias=True, mode="json", exclude_none=True)
    data["佐证材料"] = []

    app = jidi_docs.validate(data, source=tmp_path / "申报.yaml")

    assert app.evidence == []


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["照片10", "照片2", "照片1"], ["照片1", "照片2", "照片10"]),
        (["B", "a", "C"], ["a", "B", "C"]),
        (["第12页", "第3页"], ["第3页", "第12页"]),
    ],
)
def test_names_sort_as_people_number_them(names: list[str], expected: list[str]) -> None:
    assert sorted(names, key=name_key) == expected


def _line(needle: str) -> int:
    text = EXAMPLE.read_text(encoding="utf-8")
    return text.count("\n", 0, text.index(needle)) + 1


def test_a_scan_saved_without_its_extension_is_taken_by_its_content(tmp_path: Path) -> None:
    path = _folder_application(tmp_path)
    _put(tmp_path, "办公条件/租赁合同扫描", "租赁合同.pdf")
    _put(tmp_path, "办公条件/教室", "教室照片.jpg")

    app = jidi_docs.load(path)

    assert [(e.name, e.files) for e in app.evidence] == [
        ("教室", ["佐证材料/办公条件/教室"]),
        ("租赁合同扫描", ["佐证材料/办公条件/租赁合同扫描"]),
    ]
    assert app.warnings == []
