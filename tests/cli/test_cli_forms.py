"""Test the check, render and schema commands of jidi_docs.cli, in process and as ``python -m``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from jidi_docs._fs import LEDGER_NAME
from jidi_docs.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
UNIT = "杭州示例跨境电商职业培训学校有限公司"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(tmp_path: Path, text: str, name: str = "申报.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def bad_yaml(tmp_path: Path) -> Path:
    """The example with two mistakes: 自评分 over its maximum and an unknown 学历."""
    text = TEXT.replace("  财务情况: 4", "  财务情况: 6").replace(
        "学历: 硕士, 研发平台: 速卖通", "学历: 研究生, 研发平台: 速卖通"
    )
    return write(tmp_path, text)


# --------------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------------


def test_check_accepts_the_example_and_prints_derived_figures(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", str(EXAMPLE)])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{EXAMPLE}：填写正确。"
    for line in [
        "  讲师数量：4",
        "  具有大学本科及以上学历讲师数量：3",
        "  占比（%）：75",
        "  管理人员数量：4",
        "  涉及平台数量：6",
        "  总分：90",
    ]:
        assert line in lines
    assert result.stderr == ""


def test_check_lists_every_error_with_line_in_chinese_and_exits_1(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = bad_yaml(tmp_path)
    text = path.read_text(encoding="utf-8")
    score_line = text[: text.index("财务情况: 6")].count("\n") + 1
    edu_line = text[: text.index("学历: 研究生")].count("\n") + 1

    result = runner.invoke(app, ["check", str(path)])

    assert result.exit_code == 1
    assert result.stdout == ""
    err = result.stderr
    assert f"错误：{path} 有 2 处错误：" in err
    assert f"第 {edu_line} 行" in err
    assert "“研究生”不在可选范围内。是不是“硕士”？" in err
    assert f"第 {score_line} 行" in err
    assert "自评分不能超过该指标的分值 5 分" in err
    assert err.index(f"第 {edu_line} 行") < err.index(f"第 {score_line} 行")
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "没有.yaml", "文件不存在，请检查路径和文件名。"),
        (lambda d: d, "这是一个文件夹，里面没有 申报.yaml"),
        (lambda d: write(d, ""), "文件是空的：没有任何内容。"),
        (
            lambda d: write(d, "a:\n\tb: 1\n"),
            "第 2 行第 1 列：YAML 格式错误：不能用 Tab 键缩进，请改用空格。",
        ),
    ],
    ids=["missing", "directory", "empty", "tab"],
)
def test_check_reports_unreadable_input_without_traceback(
    runner: CliRunner, tmp_path: Path, make: object, message: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]

    result = runner.invoke(app, ["check", str(path)])

    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.startswith("错误：")
    assert "Traceback" not in result.output


def test_render_prints_warnings_for_removed_control_characters(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, TEXT.replace("法定代表人: 张三", "法定代表人: 张\x0b三"))
    line = TEXT[: TEXT.index("法定代表人: 张三")].count("\n") + 1

    result = runner.invoke(app, ["render", str(path), "-o", str(tmp_path / "输出")])

    assert result.exit_code == 0
    assert (
        result.stderr == f"提示：{path} 第 {line} 行：删除了 Word 文档不能容纳的控制字符 U+000B。\n"
    )


def test_unknown_profile_is_a_user_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", str(EXAMPLE), "--profile", "杭州-2099"])

    assert result.exit_code == 1
    assert "杭州-2099" in result.stderr
    assert "Traceback" not in result.output


def test_a_bug_is_not_disguised_as_a_user_error(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jidi_docs.cli.check as check_module

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(check_module, "load", broken)

    result = runner.invoke(app, ["check", str(EXAMPLE)])

    assert result.exit_code == 1
    assert isinstance(result.exception, KeyError)
    assert "错误：" not in result.stderr


def test_unknown_option_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", str(EXAMPLE), "--nope"])

    assert result.exit_code == 2


# --------------------------------------------------------------------------------------------
# render
# --------------------------------------------------------------------------------------------


def test_render_writes_both_forms_and_names_them(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "输出"

    result = runner.invoke(app, ["render", str(EXAMPLE), "-o", str(out)])

    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.name != LEDGER_NAME)
    assert names == [f"{UNIT}-附件1-评价表.docx", f"{UNIT}-附件2-申报表.docx"]
    assert result.stdout.splitlines() == [f"已生成 {out / n}" for n in names]
    form2 = docx.Document(str(out / names[1]))
    assert form2.tables[2].rows[1].cells[1].text == "钱七"


def test_render_writes_nothing_on_invalid_input(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "输出"

    result = runner.invoke(app, ["render", str(bad_yaml(tmp_path)), "-o", str(out)])

    assert result.exit_code == 1
    assert "有 2 处错误" in result.stderr
    assert not out.exists()


def test_render_keeps_previous_forms_when_new_input_is_invalid(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "输出"
    first = runner.invoke(app, ["render", str(EXAMPLE), "-o", str(out)])
    assert first.exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    result = runner.invoke(app, ["render", str(bad_yaml(tmp_path)), "-o", str(out)])

    assert result.exit_code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_render_replaces_stale_forms_and_leaves_no_temporary_files(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "输出"
    runner.invoke(app, ["render", str(EXAMPLE), "-o", str(out)])
    changed = write(tmp_path, TEXT.replace("法定代表人: 张三", "法定代表人: 张三丰"))

    result = runner.invoke(app, ["render", str(changed), "-o", str(out)])

    assert result.exit_code == 0
    assert min(p.name for p in out.iterdir()) == LEDGER_NAME  # no temporary file
    assert len(list(out.iterdir())) == 3
    form2 = docx.Document(str(out / f"{UNIT}-附件2-申报表.docx"))
    assert form2.tables[0].rows[2].cells[1].text == "张三丰"


# --------------------------------------------------------------------------------------------
# schema
# --------------------------------------------------------------------------------------------


def test_schema_prints_json_schema_with_chinese_keys(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema"])

    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "基本情况" in schema["properties"]
    assert "基本情况" in schema["required"]
    assert schema["additionalProperties"] is False
    text = json.dumps(schema, ensure_ascii=False)
    for word in ("西湖区", "建德市", "专职", "高中及以下", "人才培育及输送情况反馈"):
        assert word in text


def test_schema_written_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "schema.json"

    result = runner.invoke(app, ["schema", "-o", str(path)])

    assert result.exit_code == 0
    assert result.stdout.strip() == f"已写入 {path}"
    assert json.loads(path.read_text(encoding="utf-8"))["title"].startswith("杭州跨境电商")


# --------------------------------------------------------------------------------------------
# python -m jidi_docs
# --------------------------------------------------------------------------------------------


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "jidi_docs", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        check=False,
    )


def test_python_m_jidi_docs_help_lists_the_commands(tmp_path: Path) -> None:
    proc = run_module("--help", cwd=tmp_path)

    assert proc.returncode == 0, proc.stderr
    for command in ("check", "render", "schema"):
        assert command in proc.stdout


def test_python_m_jidi_docs_reports_user_errors_without_traceback(tmp_path: Path) -> None:
    proc = run_module("check", str(bad_yaml(tmp_path)), cwd=tmp_path)

    assert proc.returncode == 1
    assert "自评分不能超过该指标的分值 5 分" in proc.stderr
    assert "Traceback" not in proc.stderr
