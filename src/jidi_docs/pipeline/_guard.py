"""Guards around a batch: in the calling process, that a script calls it under a main guard; in
the worker processes, interrupts, per-application limits, warnings and error texts, so one
application's failure stays its own.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import contextlib
import logging
import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._platform import TimeLimitExceeded, work_limits
from ..errors import UserError

if TYPE_CHECKING:
    from types import FrameType

    from ._plan import Options

logger = logging.getLogger("jidi_docs.pipeline._batch")

__all__ = [
    "called_without_main_guard",
    "capture_warnings",
    "converting",
    "error_text",
    "init_worker",
    "one_application",
    "task",
]


#: Set in worker processes of our own pool once SIGINT arrived: start no new application.
_cancelled = False
#: True while a worker waits for LibreOffice, the only place where SIGINT interrupts at once.
_interruptible = False


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    """Remember the interrupt; abort a LibreOffice conversion now, anything else at its end.

    Why not always raise: a KeyboardInterrupt raised at a random point lands inside clean-up
    code too (``ZipFile.__del__``: "Exception ignored …" on the console). Python steps of one
    application take well under a second; the task then stops before the next application.
    """
    global _cancelled
    first = not _cancelled
    _cancelled = True
    if first and _interruptible:
        raise KeyboardInterrupt


def init_worker() -> None:
    """Worker initializer: SIGINT stops the current task, and an idle worker stays quiet.

    Why: Ctrl-C reaches every process of the terminal's process group. Python's default would
    raise KeyboardInterrupt in idle workers too and print their tracebacks; this way a busy
    worker stops between applications (or kills its LibreOffice at once) and the pool is then
    shut down cleanly by the parent.
    """
    signal.signal(signal.SIGINT, _on_sigint)


def _stop_if_cancelled() -> None:
    if _cancelled:
        raise KeyboardInterrupt


@contextlib.contextmanager
def task() -> Any:
    _stop_if_cancelled()
    yield
    _stop_if_cancelled()


@contextlib.contextmanager
def converting() -> Any:
    """Let SIGINT interrupt the LibreOffice call in the block (the converter kills it)."""
    global _interruptible
    _stop_if_cancelled()
    _interruptible = True
    try:
        yield
    finally:
        _interruptible = False
    _stop_if_cancelled()


@contextlib.contextmanager
def one_application(options: Options) -> Any:
    """One application's unit of work: stop here if cancelled, else run it within its limits.

    Why: a file that is huge or hostile must fail alone, quickly, with its own message, and
    never hold a worker (and the applications queued behind it) or exhaust its memory.
    """
    _stop_if_cancelled()
    try:
        with work_limits(seconds=options.time_limit, memory_bytes=options.memory_limit):
            yield
    except TimeLimitExceeded:
        raise UserError(
            f"处理该申报超过了 {options.time_limit:g} 秒的时间上限，已停止（其他申报照常处理）。"
            "请检查文件是否异常庞大或损坏。"
        ) from None
    except MemoryError:
        mb = (options.memory_limit or 0) // 2**20
        raise UserError(
            f"处理该申报需要的内存超过了 {mb} MB 的上限，已停止（其他申报照常处理）。"
            "请检查文件是否异常庞大或损坏。"
        ) from None


class _Capture(logging.Handler):
    """Collect the library's warnings while one application is processed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def capture_warnings() -> Any:
    handler = _Capture()
    root = logging.getLogger("jidi_docs")
    root.addHandler(handler)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)


def error_text(exc: BaseException) -> str:
    """Return the message the user sees for `exc`: ours verbatim, anything else as a bug."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, cf.BrokenExecutor):
        return "处理该申报的工作进程意外退出（可能内存不足或被系统终止），未能生成。请重新运行。"
    # The traceback goes to the log (the CLI shows it); the table gets one line.
    logger.error("内部错误：\n%s", "".join(traceback.format_exception(exc)).strip())
    return (
        f"内部错误：{type(exc).__name__}: {exc}。请单独运行 jidi-docs bundle 处理该文件，"
        "把完整输出报告给开发者。"
    )


def called_without_main_guard() -> bool:
    """True when a script calls `batch` from its top level, outside ``if __name__ == "__main__":``.

    Why: the pool's workers start by running the main script again (spawn, the default on
    Windows and macOS, and forkserver); an unguarded call then starts a batch inside every worker
    and each one dies, which would otherwise be reported as workers killed for lack of memory.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path or not str(path).endswith(".py"):
        return False
    frame = sys._getframe(1)
    while frame is not None and not (
        frame.f_globals is vars(main) and frame.f_code.co_name == "<module>"
    ):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return False  # called from a function, a thread or an interactive session
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return False
    line = frame.f_lineno
    return not any(
        isinstance(node, ast.If)
        and _is_main_test(node.test)
        and node.lineno <= line <= (node.end_lineno or node.lineno)
        for node in ast.walk(tree)
    )


def _is_main_test(test: ast.expr) -> bool:
    """True for ``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.comparators) == 1):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return bool(names and consts and isinstance(test.ops[0], ast.Eq))
