"""Batch meets copies, backups and one unit twice: builds one, says why the others are left out."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from test_batch import EXAMPLE_UNIT, make_application
from typer.testing import CliRunner

from jidi_docs.cli import app as cli_app
from jidi_docs.pipeline._batch import batch
from jidi_docs.pipeline._discover import leftovers


def remarks(summary: Path) -> dict[str, str | None]:
    """单位名称 → 备注 of the 汇总表's first sheet."""
    ws = openpyxl.load_workbook(summary).worksheets[0]
    return {r[2]: r[8] for r in ws.iter_rows(min_row=2, values_only=True)}


def no_code(path: Path) -> None:
    """Leave the 统一社会信用代码 of the application at `path` blank."""
    text = re.sub(r"统一社会信用代码: *\S+", "统一社会信用代码:", path.read_text("utf-8"))
    path.write_text(text, "utf-8")


def age(path: Path, seconds: int) -> None:
    """Make `path` look changed `seconds` ago."""
    stamp = path.stat().st_mtime - seconds
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("申报 - 副本.yaml", "副本"),  # Windows Explorer, Chinese
        ("申报 - 副本 (2).yaml", "副本"),
        ("申报 - Copy.yaml", "副本"),  # Windows Explorer, English
        ("申报 副本.yaml", "副本"),  # macOS Finder, Chinese
        ("申报 copy 2.yaml", "副本"),  # macOS Finder, English
        ("申报（修改备份 2021-08-10 093000）.yaml", "备份"),  # jidi-docs' own backup
    ],
)
def test_a_copy_beside_its_original_is_left_out_with_the_reason(name: str, what: str) -> None:
    """The names are those copies get in Explorer and Finder as users report them (the Chinese
    Windows one, 申报 - 副本.yaml, as found in a district's folder); no vendor document lists
    them. A copy named otherwise (申报 (2).yaml) is still caught as the same unit twice
    (`test_batch_builds_one_of_each_unit_and_lists_the_others`)."""
    folder = Path("各单位/甲")
    found = [(folder / "申报.yaml", "甲/申报.yaml"), (folder / name, f"甲/{name}")]

    kept, left = leftovers(found)

    assert kept == [found[0]]
    original, kind, reason = left[folder / name]
    assert (original, kind) == (folder / "申报.yaml", what)
    assert f"甲/申报.yaml 的{what}" in reason or f"甲/申报.yaml 之前留下的{what}" in reason


def test_a_copy_whose_original_is_gone_is_an_application() -> None:
    found = [(Path("甲/申报 - 副本.yaml"), "甲/申报 - 副本.yaml"), (Path("乙/申报.yaml"), "乙")]

    assert leftovers(found) == (found, {})


def test_batch_builds_one_of_each_unit_and_lists_the_others(tmp_path: Path) -> None:
    first = make_application(tmp_path / "in" / "甲", EXAMPLE_UNIT)
    shutil.copyfile(first, first.with_name("申报 - 副本.yaml"))
    make_application(tmp_path / "in" / "甲-新", EXAMPLE_UNIT)  # same credit code
    age(first, 3600)
    by_name = make_application(tmp_path / "in" / "乙", "杭州乙培训学校有限公司")
    no_code(by_name)
    again = make_application(tmp_path / "in" / "乙-重交", "杭州乙培训学校 有限公司")
    no_code(again)
    age(by_name, 60)

    result = batch(tmp_path / "in", tmp_path / "out", jobs=1, pdf=False)

    status = {i.display: i.status for i in result.items}
    assert status == {
        "甲/申报 - 副本.yaml": "left_out",
        "甲/申报.yaml": "left_out",
        "甲-新/申报.yaml": "built",
        "乙/申报.yaml": "left_out",
        "乙-重交/申报.yaml": "built",
    }
    reasons = {i.display: i.reason for i in result.left_out}
    assert reasons["甲/申报.yaml"] == (
        "与 甲-新/申报.yaml 是同一单位（统一社会信用代码相同），只生成了修改时间较新的 "
        "甲-新/申报.yaml；确实要用这一份时，请把另一份移出文件夹。"
    )
    assert "（单位名称相同）" in reasons["乙/申报.yaml"]
    assert reasons["甲/申报 - 副本.yaml"].startswith("这是 甲/申报.yaml 的副本")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == sorted(
        [EXAMPLE_UNIT, "杭州乙培训学校 有限公司"]
    )
    assert result.summary is not None
    assert remarks(result.summary[0]) == {
        EXAMPLE_UNIT: "未生成 甲/申报 - 副本.yaml（它是副本）；"
        "未生成 甲/申报.yaml（同一单位的另一份申报）",
        "杭州乙培训学校 有限公司": "未生成 乙/申报.yaml（同一单位的另一份申报）",
    }


def test_the_command_lists_what_it_left_out_and_why(tmp_path: Path) -> None:
    first = make_application(tmp_path / "in", EXAMPLE_UNIT, evidence=False)
    shutil.copyfile(first, first.with_name("申报 - 副本.yaml"))

    result = CliRunner().invoke(
        cli_app, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--no-pdf"]
    )

    assert result.exit_code == 0, result.output
    assert "[1/2] 未生成（副本或重复）：申报 - 副本.yaml" in result.output
    assert "副本或重复未生成 1 份" in result.output
    assert "以下文件没有生成：" in result.output
    assert "  • 申报 - 副本.yaml：这是 申报.yaml 的副本（复制文件时系统起的名字），没有生成" in (
        result.output
    )
