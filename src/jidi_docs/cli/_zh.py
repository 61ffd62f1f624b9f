"""Chinese help pages and usage errors for the command line.

Typer (0.29) writes its help and its usage errors in English, with hard-coded strings in the
click it vendors. The people who run ``jidi-docs`` read Chinese, so the two places where the
parser talks to them are ours: `ZhCommand.format_help` / `ZhGroup.format_help` write the help
page from the same declarations Typer uses (each parameter's help, metavar, default), and
`ZhGroup.main` catches the parser's exceptions and says what went wrong in Chinese.

Why not gettext: the vendored click does not call gettext at all. The classes below use only
Typer's public extension points (``cls=`` of a command or group) and the documented attributes
of its exceptions; tests/cli/test_cli_help.py fails loudly if a later Typer changes them.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer._click import exceptions as _errors
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandFunctionType

__all__ = ["ZhCommand", "ZhGroup", "ZhTyper", "example_of"]

#: Words for the parameter types a help page shows (click's type names).
_TYPE_WORDS = {
    "path": "路径",
    "integer": "整数",
    "text": "文字",
    "float": "数字",
    "choice": "选项",
    "boolean": "是/否",
}
#: The order commands are listed in: the order people use them.
COMMAND_ORDER = ("init", "check", "render", "bundle", "batch", "extract", "schema", "serve")
_HELP_TEXT = "显示本帮助并退出"


def example_of(help_text: str | None) -> str | None:
    """Return the ``例子：…`` line of a command's help, if it has one."""
    for line in inspect.cleandoc(help_text or "").splitlines():
        if line.strip().startswith("例子："):
            return line.strip().removeprefix("例子：").strip()
    return None


def _metavar(param: Any) -> str:
    if param.metavar:
        word = str(param.metavar)
    else:
        word = _TYPE_WORDS.get(getattr(param.type, "name", ""), "值")
    return f"{word}…" if param.nargs == -1 else word


def _is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False)) or getattr(param, "count", False)


def _option_label(param: Any) -> str:
    names = ", ".join(sorted(param.opts, key=len))
    return names if _is_flag(param) else f"{names} {_metavar(param)}"


def _option_help(param: Any) -> str:
    if param.name == "help":
        return _HELP_TEXT
    text = inspect.cleandoc(param.help or "")
    default = param.default
    if (
        param.show_default is not False
        and default not in (None, False, (), [], "")
        and not (_is_flag(param))
    ):
        text += f"（默认：{default}）"
    if param.required:
        text += "（必填）"
    return text


def _rows(formatter: Any, title: str, rows: Sequence[tuple[str, str]]) -> None:
    if not rows:
        return
    width = max(_width(left) for left, _ in rows) + 2
    formatter.write(f"\n{title}：\n")
    for left, right in rows:
        formatter.write(f"  {left}{' ' * (width - _width(left))}{right}\n")


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: a CJK character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _usage_line(command: Any, ctx: Any) -> str:
    pieces = ["[选项]"]
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            word = _metavar(param)
            pieces.append(word if param.required else f"[{word}]")
    if isinstance(command, TyperGroup):
        pieces.append("命令 [参数]…")
    return f"用法：{ctx.command_path} {' '.join(pieces)}"


def _description(command: Any) -> str:
    return inspect.cleandoc(command.help or "").partition("\f")[0]


def _write_help(command: Any, ctx: Any, formatter: Any) -> None:
    formatter.write(_usage_line(command, ctx) + "\n")
    text = _description(command)
    if text:
        formatter.write("\n" + "\n".join(f"  {line}" for line in text.splitlines()) + "\n")
    params = command.get_params(ctx)
    arguments = [
        (_metavar(p), inspect.cleandoc(getattr(p, "help", None) or ""))
        for p in params
        if p.param_type_name == "argument"
    ]
    options = [
        (_option_label(p), _option_help(p))
        for p in params
        if p.param_type_name == "option" and not getattr(p, "hidden", False)
    ]
    _rows(formatter, "参数", arguments)
    _rows(formatter, "选项", options)


class ZhCommand(TyperCommand):
    """A Typer command whose help page is Chinese."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Write the Chinese help page of this command."""
        _write_help(self, ctx, formatter)


class ZhGroup(TyperGroup):
    """The ``jidi-docs`` group: Chinese help, commands in workflow order, Chinese usage errors."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Return the commands in the order people use them (others after, as added)."""
        names = list(self.commands)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: rank.get(n, len(rank)))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Write the Chinese help page: usage, options, then each command with an example."""
        _write_help(self, ctx, formatter)
        rows: list[tuple[str, str]] = []
        for name in self.list_commands(ctx):
            command = self.commands[name]
            if command.hidden:
                continue
            summary = _description(command).splitlines()[0] if command.help else ""
            rows.append((name, summary))
            example = example_of(command.help)
            if example:
                rows.append(("", f"例子：{example}"))
        _rows(formatter, "命令（按使用顺序）", rows)
        formatter.write(f"\n每个命令的详细说明：{ctx.command_path} 命令 --help\n")

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; usage errors are explained in Chinese (exit code 2)."""
        try:
            code = super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except _errors.NoArgsIsHelpError as e:
            typer.echo(e.ctx.get_help())
            code = 0
        except _errors.UsageError as e:
            _show_usage_error(e)
            code = e.exit_code
        except typer.Abort:
            typer.echo("已取消。", err=True)
            code = 1
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


class ZhTyper(typer.Typer):
    """A Typer app whose commands are `ZhCommand` unless told otherwise."""

    def command(
        self, name: str | None = None, *, cls: type[TyperCommand] | None = ZhCommand, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        """Register a command (as `typer.Typer.command`), with the Chinese help page."""
        return super().command(name, cls=cls, **kwargs)


# -- usage errors ---------------------------------------------------------------------------

_PATTERNS = [
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"), "多余的参数：{0}"),
    (re.compile(r"^Input should be a valid integer.*$"), "应为整数"),
    (re.compile(r"^Input should be a valid number.*$"), "应为数字"),
    (re.compile(r"^Input should be greater than or equal to (\S+?)\.?$"), "应不小于 {0}"),
    (re.compile(r"^Input should be greater than (\S+?)\.?$"), "应大于 {0}"),
    (re.compile(r"^Input should be less than or equal to (\S+?)\.?$"), "应不大于 {0}"),
    (re.compile(r"^No such command '(.*)'\.?$"), "没有名为“{0}”的命令"),
    (re.compile(r"^Missing command\.?$"), "缺少命令"),
    (re.compile(r"^Option '(.*)' requires an argument\.?$"), "选项 {0} 后面要写一个值"),
    (re.compile(r"^Option '(.*)' requires \d+ arguments\.?$"), "选项 {0} 后面少写了值"),
    (re.compile(r"^Option '(.*)' does not take a value\.?$"), "选项 {0} 后面不能写值"),
    (re.compile(r"^'(.*)' is not a valid integer( range)?\.?$"), "“{0}”不是整数"),
    (re.compile(r"^'(.*)' is not a valid float( range)?\.?$"), "“{0}”不是数字"),
    (re.compile(r"^(.*) is not in the range (.*)\.$"), "{0} 超出允许的范围（{1}）"),
    (re.compile(r"^'(.*)' is not one of (.*)\.$"), "“{0}”不在可选值 {1} 之中"),
    (re.compile(r"^'(.*)' is not (.*)\.$"), "“{0}”应为 {1}"),
]


_SUGGESTED = re.compile(r"^No such command '(.*?)'\.?\s*Did you mean (.*?)\??$", re.DOTALL)


def _translate(message: str) -> str:
    text = message.strip()
    m = _SUGGESTED.match(text)
    if m:  # click lists its guesses in English quotes: 'check', 'schema'
        guesses = "、".join(g.strip().strip("'") for g in m.group(2).split(","))
        return f"没有名为“{m.group(1)}”的命令，是不是要用 {guesses}？"
    for pattern, chinese in _PATTERNS:
        m = pattern.match(text)
        if m:
            return chinese.format(*m.groups())
    return text


def _param_word(param: Any) -> str:
    if param is None:
        return "参数"
    if param.param_type_name == "argument":
        return f"参数“{_metavar(param)}”"
    return f"选项 {'/'.join(sorted(param.opts, key=len, reverse=True))}"


def _chinese(e: _errors.UsageError) -> str:
    if isinstance(e, _errors.MissingParameter):
        param = e.param
        help_text = inspect.cleandoc(getattr(param, "help", None) or "")
        what = f"（{help_text}）" if help_text else ""
        return f"缺少{_param_word(param)}{what}"
    if isinstance(e, _errors.NoSuchOption):
        text = f"没有选项 {e.option_name}"
        if e.possibilities:
            text += f"，是不是要用 {'、'.join(e.possibilities)}？"
        return text
    if isinstance(e, _errors.BadParameter):
        return f"{_param_word(e.param)} 的值不对：{_translate(e.message)}"
    return _translate(e.message)


def _show_usage_error(e: _errors.UsageError) -> None:
    lines = []
    ctx = e.ctx
    if ctx is not None:
        lines.append(_usage_line(ctx.command, ctx))
    lines.append(f"错误：{_chinese(e)}。".replace("。。", "。").replace("？。", "？"))
    if ctx is not None:
        lines.append(f"运行“{ctx.command_path} --help”查看帮助。")
    typer.echo("\n".join(lines), err=True)
