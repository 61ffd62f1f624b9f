"""Shared pieces of the command line: the Typer app, consoles, and the one error handler."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar, cast

import typer

from .. import _platform
from .._text import wrap
from ..errors import InputError, UserError, ValidationFailed
from ._zh import ZhGroup, ZhTyper

if TYPE_CHECKING:
    from rich.console import Console

    from ..schema import Application

__all__ = [
    "CoverDateOption",
    "ForceOption",
    "FromYamlOption",
    "ImageDpiOption",
    "ImageQualityOption",
    "MaxSizeOption",
    "OnePerPageOption",
    "ProfileOption",
    "SofficeOption",
    "app",
    "err_console",
    "handle_errors",
    "out_console",
    "print_app_warnings",
]

app = ZhTyper(
    name="jidi-docs",
    cls=ZhGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="杭州跨境电商人才社会培训基地认定：从一个 YAML 文件生成评价表、申报表和整套申报材料。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from .._version import version_line

        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", help="显示版本号并退出", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    """杭州跨境电商人才社会培训基地认定：从一个 YAML 文件生成评价表、申报表和整套申报材料。"""


class _LazyConsole:
    """A rich `Console` made on first use: importing rich costs ~40 ms that ``--version`` skips."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


# Before any output: a console that cannot show a character gets "?" instead of a crash.
_platform.setup_console()
# emoji=False: text the user wrote (a unit's name, a path with ":thumbs_up:") is printed as
# written, and rich does not load its table of emoji codes at every start.
_OPTIONS: dict[str, Any] = {"highlight": False, "soft_wrap": True, "emoji": False}
out_console = cast("Console", _LazyConsole(**_OPTIONS))
err_console = cast("Console", _LazyConsole(stderr=True, **_OPTIONS))

ProfileOption = Annotated[
    Optional[str],  # noqa: UP045  (Typer needs Optional on Python 3.10)
    typer.Option(
        "--profile",
        "-p",
        metavar="批次",
        help="认定批次名称或批次文件（.yaml），默认取 YAML 中的“认定批次”",
    ),
]

#: Every command that writes: replace same-named files jidi-docs did not write.
ForceOption = Annotated[
    bool,
    typer.Option("--force", help="覆盖输出位置上不是 jidi-docs 生成的同名文件（默认不覆盖）"),
]

#: bundle and batch: forms edited by hand are rebuilt from the YAML instead of used as edited.
FromYamlOption = Annotated[
    bool,
    typer.Option(
        "--from-yaml",
        help="申报表、评价表在生成后用 Word 改过时，也按申报 YAML 重新生成（改过的另存为备份）；"
        "默认用改过的那一份",
    ),
]


def _cover_date(value: str | None) -> str | None:
    """Check ``--date`` at once, so a typo is reported before any work starts."""
    if value is not None:
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            raise typer.BadParameter(
                f"“{value}”不是日期，请写成 YYYY-MM-DD，例如 2021-08-10。"
            ) from None
    return value


#: bundle and batch: the date on the cover.
CoverDateOption = Annotated[
    Optional[str],  # noqa: UP045  (Typer needs Optional on Python 3.10)
    typer.Option(
        "--date",
        metavar="日期",
        help="封面上的日期，例如 2021-08-10（默认：今天；晚于申报截止日期时会提示）",
        callback=_cover_date,
    ),
]

#: bundle and batch: how photos and scans go into the bundle, and when its size is worth a word.
ImageDpiOption = Annotated[
    int,
    typer.Option(
        "--image-dpi",
        min=0,
        metavar="dpi",
        help="照片、扫描件在申报材料中的分辨率，更大的会缩小到这个分辨率；0 表示保持原样",
    ),
]
ImageQualityOption = Annotated[
    int,
    typer.Option(
        "--image-quality",
        min=1,
        max=95,
        metavar="质量",
        help="缩小后的照片保存为 JPEG 的质量（1–95）",
    ),
]
OnePerPageOption = Annotated[
    bool,
    typer.Option("--one-per-page", help="每张照片单独一页（默认两张横向照片排在同一页）"),
]
MaxSizeOption = Annotated[
    float,
    typer.Option(
        "--max-size",
        min=0,
        metavar="MB",
        help="申报材料 PDF 超过这个大小（MB）时提示；0 表示不提示",
    ),
]

F = TypeVar("F", bound=Callable[..., Any])

SofficeOption = Annotated[
    Optional[Path],  # noqa: UP045  (Typer needs Optional on Python 3.10)
    typer.Option(
        "--soffice",
        metavar="路径",
        help=(
            "LibreOffice 程序 soffice 的位置（也可以是它的安装文件夹）；"
            f"默认依次查找环境变量 {_platform.SOFFICE_ENV}、系统路径和常见安装位置"
        ),
        show_default=False,
    ),
]


class _ConsoleHandler(logging.Handler):
    """Print the library's warnings (already Chinese sentences) on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        err_console.print(f"[yellow]提示：[/yellow]{record.getMessage()}", markup=True)


@contextlib.contextmanager
def _library_warnings_on_console() -> Iterator[None]:
    """Show the library's warnings on stderr while one command runs, then restore logging.

    Why restore: commands also run in-process (tests, scripts calling `app`); leaving our handler
    installed or propagation off would hide later warnings from the host program's own logging.
    """
    logger = logging.getLogger("jidi_docs")
    handler = _ConsoleHandler()
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def bullet(stream: Any) -> str:
    """The list bullet: • where `stream` can show it, else · (a GBK console has no •)."""
    return "•" if _platform.can_show("•", stream) else "·"


def _error_width() -> int | None:
    """The width of the terminal errors go to, or None when they go to a file or a pipe."""
    if not sys.stderr.isatty():
        return None
    return shutil.get_terminal_size().columns


def _wrapped(text: str, width: int | None, indent: int) -> str:
    """`text` broken into lines for a terminal `width` cells wide, later lines indented.

    Why not let the terminal wrap: it cuts anywhere, inside a name, a number or a path
    (`jidi_docs._text.wrap` breaks at spaces and punctuation only).
    """
    if width is None:
        return text
    lines = [line for part in text.splitlines() for line in wrap(part, max(width - indent - 1, 20))]
    return ("\n" + " " * indent).join(lines)


def print_user_error(error: UserError) -> None:
    """Print a user error in red, every issue on its own line (wrapped on a terminal)."""
    width = _error_width()
    several = isinstance(error, InputError) and len(error.issues) > 1
    if isinstance(error, ValidationFailed) or several:
        issues = error.issues if isinstance(error, (ValidationFailed, InputError)) else []
        err_console.print(
            f"[bold red]错误：[/bold red]{error.args[0].splitlines()[0]}", markup=True
        )
        for issue in issues:
            text = _wrapped(str(issue), width, 4)
            err_console.print(f"  {bullet(err_console.file)} {text}", markup=False)
    else:
        err_console.print("[bold red]错误：[/bold red]", markup=True, end="")
        err_console.print(_wrapped(str(error), width, 0), markup=False)


def print_app_warnings(application: Application) -> None:
    """Print what the loader fixed on its own (e.g. removed control characters)."""
    for issue in application.warnings:
        err_console.print(f"[yellow]提示：[/yellow]{issue}", markup=True)


def handle_errors(func: F) -> F:
    """Turn user errors into a Chinese message and exit 1; let bugs show their traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _library_warnings_on_console():
                return func(*args, **kwargs)
        except UserError as error:
            print_user_error(error)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err_console.print("已取消。", markup=False)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def exit_with(code: int) -> None:
    """Leave the command with `code` (Typer's way, so in-process tests see it)."""
    if code:
        raise typer.Exit(code)


def stdout_is_terminal() -> bool:
    """True when standard output is a terminal (progress bars), False for pipes and logs."""
    return sys.stdout.isatty()


def image_options(dpi: int, quality: int, one_per_page: bool) -> Any:
    """The `jidi_docs.pdf.ImageOptions` of the command line's image options."""
    from ..pdf import ImageOptions

    try:
        return ImageOptions(dpi=dpi, quality=quality, two_per_page=not one_per_page)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--image-dpi") from None
