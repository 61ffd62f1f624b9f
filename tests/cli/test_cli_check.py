"""Test the ``jidi-docs check`` command (jidi_docs.cli.check), run in-process."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jidi_docs._text import display_width
from jidi_docs.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
TEST_PROFILE = Path(__file__).resolve().parents[1] / "data" / "profiles" / "测试-2021春.yaml"
EVIDENCE = [
    "营业执照.pdf",
    "租赁合同.pdf",
    "场地清单.pdf",
    "教室照片.jpg",
    "年度计划与总结.pdf",
    "财务情况表.pdf",
    "讲师材料.pdf",
    "人才培养体系.pdf",
    "培训活动.pdf",
    "人才输送.pdf",
    "品牌建设.pdf",
    "荣誉与协议.pdf",
]

runner = CliRunner()


def line_of(needle: str) -> int:
    """The 1-based line of the contract example that contains `needle`."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def write_application(folder: Path, *replacements: tuple[str, str]) -> Path:
    """Write the contract example (text replaced as given) and its evidence files into `folder`."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / "申报.yaml"
    path.write_text(text, encoding="utf-8")
    for name in EVIDENCE:
        (folder / "佐证材料").mkdir(exist_ok=True)
        shutil.copyfile(EXAMPLE.parent / "佐证材料" / name, folder / "佐证材料" / name)
    return path


def test_valid_application_exits_0_showing_figures_conditions_and_scores(tmp_path: Path) -> None:
    path = write_application(tmp_path)

    result = runner.invoke(app, ["check", str(path)])

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"{path}：填写正确。" in out
    for line in (
        "讲师数量：4",
        "具有大学本科及以上学历讲师数量：3",
        "占比（%）：75",
        "管理人员数量：4",
        "涉及平台数量：6",
        "基础条件小计：24",
        "总分：90",
    ):
        assert f"  {line}\n" in out
    assert "认定条件" in out
    assert "需注意" in out
    assert "评价表自评分" in out
    assert "人才培育及输送情况反馈" in out
    assert "预审结果：17 项符合，1 项需注意，0 项不符合。" in out


def test_condition_not_met_exits_3_with_the_reason(tmp_path: Path) -> None:
    path = write_application(tmp_path, ("办公面积: 260", "办公面积: 18"))

    result = runner.invoke(app, ["check", str(path)])

    assert result.exit_code == 3, result.output
    assert "✘ 不符合" in result.stdout
    assert "18 平方米" in result.stdout
    assert "预审结果：16 项符合，1 项需注意，1 项不符合。" in result.stdout


def test_invalid_input_exits_1_with_a_chinese_message_and_no_traceback(tmp_path: Path) -> None:
    path = write_application(tmp_path, ("  办公面积: 260", "  办公面积: 很大"))

    result = runner.invoke(app, ["check", str(path)])

    assert result.exit_code == 1
    assert "错误：" in result.stderr
    assert f"第 {line_of('办公面积: 260')} 行第 9 列" in result.stderr
    assert "办公面积" in result.stderr
    assert "Traceback" not in result.output
    assert "预审结果" not in result.stdout


def test_missing_file_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "没有.yaml")])

    assert result.exit_code == 1
    assert "没有.yaml" in result.stderr


def test_json_output_is_the_report_for_scripts(tmp_path: Path) -> None:
    path = write_application(tmp_path, ("学时数: 24}", "学时数: 16}"))

    result = runner.invoke(app, ["check", str(path), "--json"])

    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["valid"] is True
    assert data["passed"] is False
    assert data["total_score"] == 90
    assert data["figures"]["讲师数量"] == 4
    failed = [c for c in data["conditions"] if c["status"] == "不符合"]
    assert [c["key"] for c in failed] == ["training_hours"]
    assert "16 学时" in failed[0]["reason"]
    assert len(data["score_rows"]) == 10


def test_json_output_for_invalid_input_lists_the_issues(tmp_path: Path) -> None:
    path = write_application(tmp_path, ("专兼职: 专职, 职称: 讲师", "专兼职: 全职, 职称: 讲师"))

    result = runner.invoke(app, ["check", str(path), "--json"])

    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False
    [issue] = data["issues"]
    assert issue["line"] == line_of("专兼职: 专职, 职称: 讲师")
    assert issue["field"] == "讲师 → 第 2 项 → 专兼职"
    assert "全职" in issue["message"]


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_report_file_holds_the_conditions_and_the_scores(tmp_path: Path, suffix: str) -> None:
    path = write_application(tmp_path, ("有效期: 2025-06-30", "有效期: 2021-06-30"))
    report = tmp_path / "报告" / f"预审{suffix}"

    result = runner.invoke(app, ["check", str(path), "--report", str(report)])

    assert result.exit_code == 3
    assert f"已写入预审报告 {report}" in result.stdout
    text = report.read_text(encoding="utf-8")
    assert "杭州示例跨境电商职业培训学校有限公司" in text
    assert "企业资质在申报截止日期仍有效" in text
    assert "“民办学校办学许可证”有效期至 2021 年 6 月 30 日" in text
    assert "人才培育及输送情况反馈" in text
    assert "预审结果：16 项符合，1 项需注意，1 项不符合。" in text
    if suffix == ".md":
        assert "| 企业资质在申报截止日期仍有效 | ✘ 不符合 |" in text
        assert "| 单位业绩 | 小计 | 5 | 4 |" in text
        assert "| 总分 |  | 100 | 90 |" in text
    else:
        assert text.startswith("<!DOCTYPE html>")
        assert '<td class="不符合">✘ 不符合</td>' in text
        assert '<tr class="total"><td>总分</td><td></td><td class="num">100</td>' in text


def test_report_escapes_text_typed_by_the_user(tmp_path: Path) -> None:
    name = "单位名称: A&B <b>培训</b> | 学校"
    path = write_application(tmp_path, ("单位名称: 杭州示例跨境电商职业培训学校有限公司", name))
    md, page = tmp_path / "r.md", tmp_path / "r.html"

    runner.invoke(app, ["check", str(path), "-r", str(md)])
    runner.invoke(app, ["check", str(path), "-r", str(page)])

    assert "A&amp;B &lt;b&gt;培训&lt;/b&gt; | 学校" in page.read_text(encoding="utf-8")
    assert "<b>" not in page.read_text(encoding="utf-8")
    assert "A&B \\<b\\>培训\\</b\\> \\| 学校" in md.read_text(encoding="utf-8")


def test_report_with_another_suffix_is_a_usage_error(tmp_path: Path) -> None:
    path = write_application(tmp_path)

    result = runner.invoke(app, ["check", str(path), "--report", str(tmp_path / "r.txt")])

    assert result.exit_code == 2
    assert ".md" in result.output
    assert not (tmp_path / "r.txt").exists()


def test_json_with_report_keeps_stdout_pure_json(tmp_path: Path) -> None:
    path = write_application(tmp_path)

    result = runner.invoke(app, ["check", str(path), "--json", "-r", str(tmp_path / "r.md")])

    assert result.exit_code == 0
    assert json.loads(result.stdout)["passed"] is True
    assert "已写入预审报告" in result.stderr
    assert (tmp_path / "r.md").is_file()


def test_profile_option_checks_against_another_batch(tmp_path: Path) -> None:
    path = write_application(tmp_path)
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("自评分:")]
    path.write_text(
        head + "自评分:\n  培训场地及环境: 18\n  办公条件: 9\n  教师管理系统: 25\n"
        "  课程体系: 8\n  人才培育情况: 26\n",
        encoding="utf-8",
    )

    result = runner.invoke(app, ["check", str(path), "--profile", str(TEST_PROFILE), "--json"])

    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["batch"] == "测试-2021春"
    assert data["total_score"] == 86
    statuses = {c["key"]: c["status"] for c in data["conditions"]}
    assert statuses["fulltime_lecturers"] == "不符合"
    assert statuses["evidence_coverage"] == "不符合"  # this application files no evidence
    assert [r["max_points"] for r in data["score_rows"]] == [20, 10, 30, 10, 30]


def test_a_folder_argument_means_its_application_file(tmp_path: Path) -> None:
    write_application(tmp_path)

    result = runner.invoke(app, ["check", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "预审结果" in result.output
    assert "文件夹" not in result.output


def test_a_folder_without_an_application_file_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])

    assert result.exit_code == 1
    assert "这是一个文件夹，里面没有 申报.yaml" in result.output


def test_text_that_looks_like_an_emoji_code_is_printed_as_written(tmp_path: Path) -> None:
    folder = tmp_path / ":thumbs_up: 基地"
    folder.mkdir()
    path = write_application(folder)

    result = runner.invoke(app, ["check", str(path)])

    assert result.exit_code == 0, result.output
    assert f"{path}：填写正确。" in result.stdout


def _block(out: str, title: str) -> list[str]:
    """The lines under `title` up to the next blank line."""
    lines = out.splitlines()
    start = lines.index(title) + 1
    return lines[start : lines.index("", start)]


@pytest.mark.parametrize("columns", [40, 60, 100])
def test_conditions_wrap_to_the_terminal_and_keep_every_reason_whole(
    tmp_path: Path, columns: int
) -> None:
    path = write_application(tmp_path)

    shown = runner.invoke(app, ["check", str(path)], env={"COLUMNS": str(columns)})
    data = json.loads(runner.invoke(app, ["check", str(path), "--json"]).stdout)

    block = _block(shown.stdout, "认定条件")
    assert all(display_width(line) < columns for line in block), block
    # One heading line per condition, then its reason on lines indented under it.
    # One heading per condition (a title too long for the line goes on, indented 12 cells),
    # then its reason on lines indented 6 cells.
    headings = [i for i, line in enumerate(block) if not line.startswith("      ")]
    assert len(headings) == len(data["conditions"])
    for n, condition in enumerate(data["conditions"]):
        end = headings[n + 1] if n + 1 < len(headings) else len(block)
        lines = block[headings[n] : end]
        title = [line.removeprefix(" " * 12) for line in lines[1:] if line.startswith(" " * 12)]
        head = lines[0].split(f"{condition['status']}  ", 1)[1]
        assert (head + "".join(title)).replace(" ", "") == condition["title"].replace(" ", "")
        pieces = [line.removeprefix("      ") for line in lines[1 + len(title) :]]
        # Nothing lost or added: the lines are the reason, cut only where a space was or
        # between two characters; no number is cut and no line starts with closing punctuation.
        assert "".join(pieces).replace(" ", "") == condition["reason"].replace(" ", "")
        for before, after in itertools.pairwise(pieces):
            assert not (before[-1:].isdigit() and after[:1].isdigit()), (before, after)
            assert after[:1] not in "，。；：、）」』》！？", (before, after)


def test_score_table_columns_line_up_in_display_cells(tmp_path: Path) -> None:
    path = write_application(tmp_path)

    out = runner.invoke(app, ["check", str(path)]).stdout

    block = _block(out, "评价表自评分")
    assert block[0].split() == ["内容", "评价指标", "分值", "自评分"]
    # 分值 and 自评分 are right-aligned in the last columns: every row ends at the same cell.
    assert len({display_width(line) for line in block}) == 1, block
    assert block[-1].split() == ["总分", "100", "90"]
    assert block[5].split() == ["小计", "25", "24"]


def test_check_prints_no_box_drawing_characters_and_does_not_load_rich() -> None:
    # A Chinese Windows console draws box-drawing characters two cells wide, which breaks
    # framed tables; and `check` starts faster without rich.
    code = (
        "import sys\n"
        "from jidi_docs.cli import main\n"
        f"sys.argv = ['jidi-docs', 'check', {str(EXAMPLE)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "print('rich loaded' if 'rich' in sys.modules else 'no rich', code)\n"
    )

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout

    assert "认定条件" in out
    assert "评价表自评分" in out
    assert not any(0x2500 <= ord(ch) <= 0x257F for ch in out)
    assert out.rstrip().endswith("no rich 0")


def test_check_lists_each_indicators_evidence_and_where_it_was_found(tmp_path: Path) -> None:
    path = write_application(tmp_path)
    (tmp_path / "佐证材料" / "日常管理").mkdir()
    (tmp_path / "佐证材料" / "日常管理" / "值班制度.pdf").write_bytes(
        (tmp_path / "佐证材料" / "营业执照.pdf").read_bytes()
    )

    out = runner.invoke(app, ["check", str(path)], env={"COLUMNS": "100"}).stdout

    block = _block(out, "佐证材料（按评价指标）")
    assert block[:2] == [
        "  基本情况：1 份",
        f"    营业执照副本扫描件：佐证材料/营业执照.pdf（申报.yaml 第 {line_of('营业执照副本扫描件')} 行）",
    ]
    daily = block.index("  日常管理：2 份")
    assert block[daily + 2] == "    值班制度：佐证材料/日常管理/值班制度.pdf（文件夹中）"
    headings = [line.split("：")[0].strip() for line in block if not line.startswith("    ")]
    assert headings[:3] == ["基本情况", "培训场地及环境", "日常管理"]
    assert len(headings) == 11  # 基本情况 and the 10 indicators, each once


def test_a_fresh_init_folder_named_as_a_folder_gets_the_unfilled_summary_first(
    tmp_path: Path,
) -> None:
    assert runner.invoke(app, ["init", str(tmp_path / "我的申报")]).exit_code == 0

    result = runner.invoke(app, ["check", str(tmp_path / "我的申报")])

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"错误：{tmp_path / '我的申报' / '申报.yaml'} 还有栏目没有填写："
    assert lines[1].startswith(
        f"  • {tmp_path / '我的申报' / '申报.yaml'}：以下栏目还没有填写：基本情况：单位名称、"
    )
    assert "现在是空值" not in result.output
    assert len(lines) == 2


def test_errors_on_a_terminal_wrap_at_spaces_and_punctuation_only(tmp_path: Path) -> None:
    """The terminal is a real pseudo-terminal (`pty`), 50 columns wide, as a console would be."""
    import pty

    path = write_application(tmp_path, ("学历: 本科, 研发平台", "学历: 大学, 研发平台"))
    parent, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "50", "PYTHONPATH": str(ROOT / "src")}

    proc = subprocess.run(
        [sys.executable, "-m", "jidi_docs", "check", str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        env=env,
        timeout=120,
        check=False,
    )
    os.close(child)
    shown = b""
    with contextlib.suppress(OSError):  # the terminal is closed once everything is read
        while chunk := os.read(parent, 65536):
            shown += chunk
    os.close(parent)

    assert proc.returncode == 1
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown.decode("utf-8")).replace("\r", "")
    issue = [line for line in text.splitlines() if line.strip()][1:]
    assert all(display_width(line) <= 50 or "/" in line for line in issue), issue
    assert len(issue) > 2  # wrapped: each issue goes on, indented under its bullet
    assert all(line.startswith(("  • ", "    ")) for line in issue)
    joined = "".join(line.strip() for line in issue)
    assert "“大学”不在可选范围内" in joined  # nothing lost, no word of the data split
    assert "是不是“本科”？" in joined


def test_every_typing_slip_is_listed_in_one_run_also_for_scripts(tmp_path: Path) -> None:
    path = write_application(
        tmp_path, ("  联系人: 李四", "  联系人：李四"), ("  电话: 0571", "  电话:0571")
    )

    shown = runner.invoke(app, ["check", str(path)])
    data = json.loads(runner.invoke(app, ["check", str(path), "--json"]).stdout)

    assert shown.exit_code == 1
    assert shown.output.splitlines()[0] == f"错误：{path} 有 2 处格式错误："
    assert [i["line"] for i in data["issues"]] == [line_of("联系人: 李四"), line_of("电话: 0571")]
