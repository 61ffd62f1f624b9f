"""Exceptions raised by jidi_docs.

Our exception hierarchy::

    JidiDocsError                 root of everything we raise on purpose
    ├── UserError (ValueError)    the user can fix it: the message is Chinese and is printed as is
    │   ├── InputError            a file cannot be read: missing, not UTF-8, YAML syntax, empty …
    │   ├── ValidationFailed      the YAML was read but its content is wrong; carries every Issue
    │   ├── ProfileError          a 认定批次 profile is unknown or invalid
    │   ├── TemplateError         a .docx template is missing or its template tags are broken
    │   ├── ConversionError       LibreOffice is missing, failed, or wrote no PDF
    │   ├── EvidenceError         a 佐证材料 file is missing, unreadable or not allowed
    │   ├── BundleError           the submission bundle cannot be assembled
    │   ├── OutputError           an output file or folder cannot be written (permissions, disk full)
    │   └── PortalError           the web portal cannot do what ``serve`` was asked: port busy, wrong
    │                             data folder, a refused account or password, a backup or restore;
    │                             inside the portal, a refused upload or review move (its pages
    │                             show the message)
    ├── InternalError (RuntimeError)  a broken invariant: a bug in jidi_docs, shown with a traceback
    └── BatchInterrupted (KeyboardInterrupt)  Ctrl-C stopped a batch; carries what it finished

Why: the CLI catches `UserError` alone and prints its message without a traceback; anything else
is a bug and must stay loud. Inheriting from ValueError / RuntimeError lets callers that only know
the built-ins still catch what they expect.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import subprocess

from . import _platform

__all__ = [
    "BatchInterrupted",
    "BundleError",
    "ConversionError",
    "EvidenceError",
    "InputError",
    "InternalError",
    "Issue",
    "JidiDocsError",
    "OutputError",
    "PortalError",
    "ProfileError",
    "TemplateError",
    "UserError",
    "ValidationFailed",
]

E = TypeVar("E", bound=BaseException)

#: How a message names input that came from no file (data or text passed in by a script).
NO_SOURCE = "<输入>"


class JidiDocsError(Exception):
    """Base class for every error jidi_docs raises on purpose."""


class UserError(JidiDocsError, ValueError):
    """A problem the user can fix; `str(error)` is a complete Chinese message."""


class BatchInterrupted(JidiDocsError, KeyboardInterrupt):
    """Ctrl-C stopped a batch; `result` holds what it finished (a `jidi_docs.BatchResult`, its
    汇总表 written with the rest marked 未完成).

    Why a KeyboardInterrupt: a caller that stops on Ctrl-C still stops; one that wants to know
    what was done finds it here.
    """

    def __init__(self, result: Any) -> None:
        self.result = result
        super().__init__("批量生成被中断。")


class InternalError(JidiDocsError, RuntimeError):
    """A broken invariant inside jidi_docs: please report it with the traceback."""


@dataclass(frozen=True)
class Issue:
    """One problem found in an input file, located as precisely as we can.

    Attributes:
        file: the file the problem is in (None for text that came from no file).
        line: 1-based line, or None when the problem concerns the whole file.
        column: 1-based column, or None.
        field: the field path in the user's own Chinese labels, e.g. ``讲师 → 第 2 项 → 学历``.
        message: what is wrong and what is allowed, in Chinese.
    """

    file: str | None
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file or NO_SOURCE
        if self.line is not None:
            where += f" 第 {self.line} 行"
            if self.column is not None:
                where += f"第 {self.column} 列"
        field = f"「{self.field}」" if self.field else ""
        return f"{where}：{field}{self.message}"


class InputError(UserError):
    """A file cannot be read as input at all (missing, wrong encoding, YAML syntax, empty …)."""

    def __init__(self, issue: Issue, *, more: Sequence[Issue] = ()) -> None:
        self.issue = issue
        #: Every problem found: `issue` first, then those found after it (several typing slips
        #: of one YAML file are all named in one run).
        self.issues = [issue, *more]
        if not more:
            super().__init__(str(issue))
            return
        head = f"{issue.file or NO_SOURCE} 有 {len(self.issues)} 处格式错误："
        super().__init__(_listed(head, self.issues))

    def __reduce__(self) -> tuple[Any, ...]:
        more = {"more": self.issues[1:]}
        return (_rebuild, (type(self), (self.issue,), more), self.__dict__)


class ValidationFailed(UserError):
    """The input was read but its content breaks the rules; `issues` lists every problem at once."""

    def __init__(
        self, issues: Sequence[Issue], *, source: str | None = None, head: str | None = None
    ) -> None:
        self.issues = list(issues)
        self.source = source
        #: The message's first line, before the issues.
        self.head = head or f"{source or NO_SOURCE} 有 {len(self.issues)} 处错误："
        super().__init__(_listed(self.head, self.issues))

    def __reduce__(self) -> tuple[Any, ...]:
        kwargs = {"source": self.source, "head": self.head}
        return (_rebuild, (type(self), (self.issues,), kwargs), self.__dict__)


def _listed(head: str, issues: Sequence[Issue]) -> str:
    """`head`, then each issue on a line of its own."""
    return "\n".join([head, *(f"  • {i}" for i in issues)])


class ProfileError(UserError):
    """A 认定批次 profile is unknown or invalid."""


class TemplateError(UserError):
    """A .docx template is missing, unreadable, or has broken template tags."""


class ConversionError(UserError):
    """LibreOffice is missing, failed, timed out, or produced no usable PDF."""

    def __init__(self, message: str, *, stderr: str = "", returncode: int | None = None) -> None:
        self.stderr = stderr
        self.returncode = returncode
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self),), self.__dict__)

    @classmethod
    def from_process(
        cls, proc: subprocess.CompletedProcess[str], *, what: str = "LibreOffice 转换"
    ) -> ConversionError:
        """Build the error from a finished soffice process, keeping its stderr."""
        tail = (proc.stderr or proc.stdout or "").strip()[-2000:]
        msg = f"{what}失败（退出码 {proc.returncode}）"
        if tail:
            msg += f"：{tail}"
        return cls(msg, stderr=proc.stderr or "", returncode=proc.returncode)


class EvidenceError(UserError):
    """A 佐证材料 file is missing, unreadable, of a wrong kind, or outside the allowed folder."""

    def __init__(self, message: str, *, entry: str | None = None, path: Path | None = None) -> None:
        self.entry = entry
        self.path = path
        #: What is wrong with the file, without the entry and file it is about.
        self.reason = message
        prefix = f"佐证材料「{entry}」" if entry else "佐证材料"
        if path is not None:
            prefix += f"的文件 {path}"
        super().__init__(f"{prefix}：{message}")

    def __reduce__(self) -> tuple[Any, ...]:
        kwargs = {"entry": self.entry, "path": self.path}
        return (_rebuild, (type(self), (self.reason,), kwargs), self.__dict__)


class BundleError(UserError):
    """The submission bundle cannot be assembled."""


class PortalError(UserError):
    """The web portal cannot start or do what ``jidi-docs serve`` was asked (Chinese message)."""


def _rebuild(cls: type[E], args: tuple[Any, ...], kwargs: dict[str, Any]) -> E:
    """Return ``cls(*args, **kwargs)``: how pickle rebuilds errors whose arguments are keywords.

    Why: an exception pickles as its class and its message by default, and these build their
    message from structured arguments; rebuilt from the message alone, the message would be
    built twice (a worker process's error would reach the parent as ``佐证材料：佐证材料「…」``).
    """
    return cls(*args, **kwargs)


#: The programs that most likely hold a file open, by its suffix.
_HOLDERS = {
    ".docx": "Word 或 WPS",
    ".doc": "Word 或 WPS",
    ".xlsx": "Excel 或 WPS",
    ".xls": "Excel 或 WPS",
    ".csv": "Excel 或 WPS",
    ".pdf": "PDF 阅读器（如 WPS、Adobe Reader 或浏览器）",
}


def locked_message(path: Path) -> str:
    """The message for a file another program holds open (Windows refuses to replace it),
    naming the program that most likely does."""
    holder = _HOLDERS.get(path.suffix.lower(), "Word、WPS、Excel 等程序")
    return (
        f"「{path}」正被其他程序占用（多半是在 {holder} 中打开着），无法替换。"
        f"请先在 {holder} 中关闭它，再重试；若并没有打开它，请检查是否有写入权限。"
    )


class OutputError(UserError):
    """An output file or folder cannot be written (no permission, disk full, bad path)."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        #: True when another program (Word, WPS, Excel …) holds the file open.
        self.locked = locked
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self),), self.__dict__)

    @classmethod
    def from_os_error(cls, target: Path, error: OSError) -> OutputError:
        """Build the error for writing `target`, keeping the system's reason."""
        if _platform.is_locked_error(error, target):
            return cls(locked_message(target), locked=True)
        reasons = {
            errno.EACCES: "没有写入权限",
            errno.EPERM: "没有写入权限",
            errno.ENOSPC: "磁盘已满",
            errno.EROFS: "文件夹是只读的",
            errno.ENOENT: "文件夹不存在且无法创建",
            errno.ENOTDIR: "路径中有一段不是文件夹",
            errno.ENAMETOOLONG: "路径太长",
        }
        reason = reasons.get(error.errno or 0, error.strerror or str(error))
        return cls(
            f"无法写入 {target}：{reason}。请检查输出文件夹是否存在、是否有写入权限、磁盘是否已满。"
        )
