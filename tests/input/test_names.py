"""Careless names: blank required text, path-like 单位名称, a NUL byte in the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from jidi_docs._fs import LEDGER_NAME, safe_filename
from jidi_docs.errors import InputError, ValidationFailed
from jidi_docs.forms._render import render
from jidi_docs.input._load import load, loads

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
TEXT = EXAMPLE.read_text("utf-8")
UNIT = "杭州示例跨境电商职业培训学校有限公司"


@pytest.mark.parametrize(
    "blank",
    ["''", "'   '", "'\u3000\u3000'", "'\u00a0\t'", "'\u200b'", "'\u2003\ufeff'", '"\\n"'],
)
def test_required_text_that_is_only_spaces_is_empty(blank: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        loads(TEXT.replace(f"单位名称: {UNIT}", f"单位名称: {blank}"), base_dir=EXAMPLE.parent)
    (issue,) = err.value.issues
    assert (issue.line, issue.field, issue.message) == (10, "基本情况 → 单位名称", "不能为空。")


def test_blank_lecturer_name_in_a_table_row_is_empty() -> None:
    with pytest.raises(ValidationFailed) as err:
        loads(TEXT.replace("姓名: 孙八", "姓名: '\u3000'"), base_dir=EXAMPLE.parent)
    assert [i.field for i in err.value.issues] == ["讲师 → 第 2 项 → 姓名"]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("../../逃逸", "逃逸"),
        ("..\\..\\逃逸", "逃逸"),
        (".隐藏", "隐藏"),
        ("杭州/西湖:学校", "杭州_西湖_学校"),
        ("..", "未命名"),
        (" . ", "未命名"),
    ],
)
def test_separators_and_leading_dots_never_shape_file_names(unit: str, expected: str) -> None:
    assert safe_filename(unit) == expected


def test_forms_of_a_path_like_unit_stay_in_the_output_folder(tmp_path: Path) -> None:
    source = tmp_path / "in" / "申报.yaml"
    source.parent.mkdir()
    source.write_text(TEXT.replace(f"单位名称: {UNIT}", "单位名称: ../../逃逸"), "utf-8")
    out = tmp_path / "out"

    paths = render(load(source), out)

    assert sorted(p.parent for p in paths) == [out, out]
    assert all(p.name.startswith("逃逸") for p in paths)
    hidden = [p.name for p in tmp_path.rglob("*") if p.name.startswith(".")]
    assert hidden == [LEDGER_NAME]  # jidi-docs' own record of what it wrote, nothing else


def test_a_nul_byte_is_named_with_its_line_and_position(tmp_path: Path) -> None:
    path = tmp_path / "申报.yaml"
    lines = TEXT.split("\n")
    lines[11] = lines[11].replace("西湖区", "西湖\x00区")
    path.write_bytes("\n".join(lines).encode("utf-8"))

    with pytest.raises(InputError) as err:
        load(path)

    issue = err.value.issue
    column = len(lines[11].split("\x00")[0].encode("utf-8")) + 1
    assert issue.line == 12
    assert f"这一行第 {column} 个字节）是空字符 NUL（0x00）" in issue.message
    assert "UTF-16" not in issue.message
