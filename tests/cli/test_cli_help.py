"""Test the Chinese help pages and usage errors of every command (jidi_docs.cli._zh)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from jidi_docs.cli import COMMAND_MODULES, app
from jidi_docs.cli._zh import COMMAND_ORDER

runner = CliRunner()

#: Words of English that may stand in Chinese help: names of programs, formats and the example.
ALLOWED = {
    "jidi",
    "cpu",
    "doc",
    "docs",
    "yaml",
    "json",
    "schema",
    "code",
    "word",
    "excel",
    "libreoffice",
    "ghostscript",
    "html",
    "markdown",
    "sqlite",
    "postgresql",
    "http",
    "https",
    "smtp",
    "smtps",
    "url",
    "docx",
    "wps",
    "xlsx",
    "admin",
    "password",
    "profile",
    "version",
    "help",
    "markup",
    "soffice",
    "pdfa",
    "pdf",
    "dpi",  # the unit of an image's resolution, as printers and scanners show it
    "jpeg",  # the photo format, as phones and cameras name it
    "date",
    "force",
    "jobs",
    "data",
    "host",
    "port",
    "database",
    "plain",
    "create",
    "report",
    "allow",
    "missing",
    "outside",
    "paths",
    "out",
    "no",
    "init",
    "check",
    "render",
    "bundle",
    "batch",
    "extract",
    "serve",
    "python",
    "windows",
    "macos",
    "linux",
    "path",
    "ctrl",
}
CLICK_ENGLISH = [
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "Show this message",
    "[required]",
    "default:",
    "Error:",
    "Try '",
    "Missing",
    "No such",
    "Got unexpected",
    "Invalid value",
    "Input should",
    "<path>",
    "{",
    "PATH",
    "TEXT",
    "INTEGER",
]


def english_words(text: str) -> list[str]:
    """ASCII words of 3+ letters that are neither an option name nor in ALLOWED."""
    text = re.sub(r"(?<!\w)--?[\w-]+", " ", text)  # option names
    text = re.sub(r"\S+\.(?:yaml|yml|docx|json|md|html)\b", " ", text)  # file names in examples
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in ALLOWED]


def assert_chinese(text: str) -> None:
    for phrase in CLICK_ENGLISH:
        assert phrase not in text, (phrase, text)
    assert english_words(text) == [], text


def test_the_top_help_lists_commands_in_workflow_order_each_with_an_example() -> None:
    result = runner.invoke(app, ["--help"])

    assert result.exit_code == 0
    assert_chinese(result.output)
    listed = re.findall(r"^  (\w+)\s", result.output.split("命令（按使用顺序）：")[1], re.MULTILINE)
    assert listed == list(COMMAND_ORDER)
    assert result.output.count("例子：jidi-docs ") == len(COMMAND_ORDER)


def test_every_command_is_in_the_workflow_order() -> None:
    assert set(COMMAND_MODULES) == set(COMMAND_ORDER)


@pytest.mark.parametrize("command", COMMAND_ORDER)
def test_every_command_help_is_chinese_with_types_as_words(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"用法：jidi-docs {command} [选项]")
    assert "显示本帮助并退出" in result.output
    assert_chinese(result.output)


@pytest.mark.parametrize("command", COMMAND_ORDER)
def test_an_unknown_option_is_explained_in_chinese(command: str) -> None:
    result = runner.invoke(app, [command, "--no-such-option"])

    assert result.exit_code == 2
    assert "错误：没有选项 --no-such-option" in result.output
    assert f"运行“jidi-docs {command} --help”查看帮助。" in result.output
    assert_chinese(result.output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render"], "错误：缺少参数“文件”"),
        (["check", "a.yaml", "b.yaml"], "错误：多余的参数：b.yaml"),
        (["batch", "x", "-j", "abc"], "错误：选项 --jobs/-j 的值不对：应为整数"),
        (["batch", "x", "-j", "0"], "错误：选项 --jobs/-j 的值不对：应不小于 1"),
        (["check", "x.yaml", "-r"], "错误：选项 -r 后面要写一个值"),
        (["nosuchcommand"], "错误：没有名为“nosuchcommand”的命令"),
        (["chek"], "错误：没有名为“chek”的命令，是不是要用 check、schema？"),
    ],
)
def test_usage_errors_are_chinese_and_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)

    assert result.exit_code == 2
    assert message in result.output
    assert_chinese(result.output.replace("nosuchcommand", "").replace("chek", ""))


def test_version_is_answered_by_the_console_script() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "jidi_docs", "--version"], capture_output=True, text=True, check=True
    )

    assert out.stdout.startswith("jidi-docs ")
