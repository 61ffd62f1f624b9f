"""Everything that differs between Windows, macOS and Linux, in one place.

Why: the staff who prepare applications use Windows (some macOS); the tests run on Linux. Every
POSIX- or Windows-only call is here (a test scans the rest of the package), read at call time,
so the other branches can be tested on Linux by simulating the platform. Here: finding
LibreOffice, starting and interrupting processes (`jidi_docs._procs` stops them, portably), the
pool's start method, consoles that never crash on a character, files held open, hidden files,
the fonts each OS has, and limits for one unit of work (`work_limits`: POSIX timer and
``RLIMIT_AS``; none on Windows). Two parts live in modules of their own: the fonts each OS has
(`_fonts`) and files another program holds open (`_locks`).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from .._lazy import OnFirstUse
from .._procs import kill_tree
from . import _fonts
from ._locks import RETRY_DELAYS, is_locked_error, retry_locked

if TYPE_CHECKING:
    import multiprocessing.context

    import psutil
else:  # ~20 ms at every start, only process trees and the pool need them: imported when used
    multiprocessing, psutil = OnFirstUse("multiprocessing"), OnFirstUse("psutil")

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

__all__ = [
    "RETRY_DELAYS",
    "SOFFICE_ENV",
    "SofficeSearch",
    "TimeLimitExceeded",
    "cache_dir",
    "cjk_faces",
    "config_dir",
    "find_soffice",
    "font_folders",
    "hide",
    "install_hint",
    "interrupt_workers",
    "is_locked_error",
    "name",
    "pool_context",
    "retry_locked",
    "setup_console",
    "shipped",
    "shipped_stem",
    "start_tree",
    "system_cjk_fonts",
    "uno_python_hint",
    "work_limits",
]

#: Environment variable naming the LibreOffice program (``soffice``/``soffice.exe``).
SOFFICE_ENV = "JIDI_DOCS_SOFFICE"

_FILE_ATTRIBUTE_HIDDEN = 0x2


def _platform() -> str:
    """``win32``, ``darwin`` or ``linux`` (read at call time, so tests can simulate others)."""
    return "linux" if sys.platform.startswith("linux") else sys.platform


def name() -> str:
    """This OS as the functions here take it: ``win32``, ``darwin`` or ``linux``."""
    return _platform()


# -- finding LibreOffice ----------------------------------------------------------------------


@dataclass
class SofficeSearch:
    """Where LibreOffice was looked for (`tried`, in order) and the program found (`path`).

    `chosen` is what the user named (``--soffice`` or the variable) when that was no LibreOffice.
    """

    path: str | None = None
    tried: list[str] = field(default_factory=list)
    chosen: str | None = None


def _program_in(place: Path, platform: str) -> Path | None:
    """The soffice program at `place`: the program itself, an install folder, or LibreOffice.app."""
    exe = "soffice.exe" if platform == "win32" else "soffice"
    for candidate in (
        place,
        place / exe,
        place / "program" / exe,
        place / "Contents" / "MacOS" / "soffice",
        place / "LibreOffice.app" / "Contents" / "MacOS" / "soffice",
    ):
        if _is_program(candidate, platform):
            return candidate
    return None


def _is_program(path: Path, platform: str) -> bool:
    return path.is_file() and (platform == "win32" or os.access(path, os.X_OK))


def _registry_app_path() -> list[str]:
    """The registry's App Paths entries for soffice.exe (machine, then user); Windows only."""
    try:  # imported here: it exists on Windows only
        winreg: Any = importlib.import_module("winreg")
    except ImportError:
        return []
    key = r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\soffice.exe"
    found = []
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(hive, key) as handle:
                value, _ = winreg.QueryValueEx(handle, "")
        except OSError:
            continue
        if value:
            found.append(str(value).strip('"'))
    return found


def _standard_places(platform: str, environ: Mapping[str, str]) -> list[str]:
    """Where the LibreOffice installers of `platform` put the program, most usual first."""
    home = Path(environ.get("HOME") or environ.get("USERPROFILE") or Path.home())
    if platform == "win32":
        roots = []
        for var, default in (
            ("ProgramFiles", r"C:\Program Files"),
            ("ProgramW6432", r"C:\Program Files"),
            ("ProgramFiles(x86)", r"C:\Program Files (x86)"),
        ):
            root = environ.get(var, default)
            if root not in roots:
                roots.append(root)
        places = [str(Path(r) / "LibreOffice" / "program" / "soffice.exe") for r in roots]
        for r in roots:  # older installers used versioned folders ("LibreOffice 7")
            found = Path(r).glob("LibreOffice */program/soffice.exe")
            places.extend(sorted((str(p) for p in found), reverse=True))
        places.extend(f"注册表 App Paths：{p}" for p in _registry_app_path())
        return places
    if platform == "darwin":
        app = "LibreOffice.app/Contents/MacOS/soffice"
        return [f"/Applications/{app}", str(home / "Applications" / app)]
    places = ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/local/bin/soffice"]
    opt = Path("/opt").glob("libreoffice*/program/soffice")
    places.extend(sorted((str(p) for p in opt), reverse=True))
    places.extend(
        [
            "/snap/bin/libreoffice",
            "/var/lib/flatpak/exports/bin/org.libreoffice.LibreOffice",
            str(home / ".local/share/flatpak/exports/bin/org.libreoffice.LibreOffice"),
        ]
    )
    return places


def find_soffice(
    explicit: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> SofficeSearch:
    """Find LibreOffice: `explicit`, then ``JIDI_DOCS_SOFFICE``, then PATH, then standard places.

    A program the user named (`explicit` or the environment variable) that is not there ends the
    search with `SofficeSearch.chosen` set, so a typo is reported instead of silently replaced.
    """
    env = os.environ if environ is None else environ
    platform = _platform()
    search = SofficeSearch()
    for origin, value in (("--soffice", explicit), (SOFFICE_ENV, env.get(SOFFICE_ENV))):
        if value:
            search.tried.append(f"{origin}：{value}")
            found = _program_in(Path(value).expanduser(), platform)
            if found is None:
                search.chosen = f"{origin} 指定的 {value}"
                return search
            search.path = str(found)
            return search
    search.tried.append("PATH 中的 soffice、libreoffice")
    for name in ("soffice", "libreoffice"):
        on_path = shutil.which(name, path=env.get("PATH"))
        if on_path:
            search.path = on_path
            return search
    for place in _standard_places(platform, env):
        search.tried.append(place)
        found = _program_in(Path(place.rpartition("：")[2]), platform)
        if found is not None:
            search.path = str(found)
            return search
    return search


def install_hint() -> str:
    """How a user of this operating system installs what PDF conversion needs."""
    platform = _platform()
    if platform == "win32":
        return (
            "请从 https://zh-cn.libreoffice.org/download/ 下载 Windows 版 LibreOffice 安装包，"
            "按默认位置安装（或在命令提示符中运行 winget install TheDocumentFoundation.LibreOffice）；"
            f"装在其他位置时，用 --soffice 指定 soffice.exe 的路径，或设置环境变量 {SOFFICE_ENV}。"
        )
    if platform == "darwin":
        return (
            "请从 https://zh-cn.libreoffice.org/download/ 下载 macOS 版 LibreOffice，"
            "把 LibreOffice 拖进「应用程序」文件夹（或运行 brew install --cask libreoffice）；"
            f"装在其他位置时，用 --soffice 指定 LibreOffice.app 的路径，或设置环境变量 {SOFFICE_ENV}。"
        )
    return "sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk"


def uno_python_hint() -> str:
    """How a user of this OS gets a Python with LibreOffice's ``uno`` module (Chinese)."""
    platform = _platform()
    if platform == "win32":
        return (
            "Windows 版 LibreOffice 自带，位于安装文件夹的 program\\python.exe；"
            "若没有，请重新运行 LibreOffice 安装程序，选择「修改」并勾选「Python 脚本支持」，"
            "或用环境变量 JIDI_DOCS_UNO_PYTHON 指定"
        )
    if platform == "darwin":
        return (
            "macOS 版 LibreOffice 自带，位于 LibreOffice.app/Contents/Resources/python；"
            "若没有，请重新安装 LibreOffice，或用环境变量 JIDI_DOCS_UNO_PYTHON 指定"
        )
    return "Debian/Ubuntu 请安装 python3-uno，或用环境变量 JIDI_DOCS_UNO_PYTHON 指定"


# -- process trees ------------------------------------------------------------------------------


def start_tree(cmd: Sequence[str], **popen: Any) -> subprocess.Popen[Any]:
    """Start `cmd` detached from the terminal's Ctrl-C; `popen` goes to `subprocess.Popen`.

    Output goes to pipes (as bytes) unless `popen` says otherwise: the caller decodes it, never
    with the locale's codec. Why detached: a terminal's Ctrl-C must reach only our Python
    processes, which then stop the program (`jidi_docs._procs.kill_tree`) and clean up; a half-stopped
    LibreOffice would otherwise keep its profile locked.
    """
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    if _platform() == "win32":
        popen["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)
    else:
        popen["start_new_session"] = True
    return subprocess.Popen(list(cmd), **popen)


def _is_soffice(p: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return bool(p.name().lower().startswith("soffice"))
    return False


def interrupt_workers(started_before: set[int]) -> None:
    """Interrupt the worker processes we started since `started_before`, as Ctrl-C would.

    POSIX: SIGINT to each of them in our process group (the pool's workers; LibreOffice runs in
    a session of its own and is stopped by its worker). Windows has no SIGINT for another process
    (``os.kill`` there terminates it at once, orphaning its LibreOffice), so their LibreOffice
    trees are stopped instead: each busy worker's conversion then fails fast, and the worker
    cleans up and returns.
    """
    try:
        descendants = [
            p for p in psutil.Process().children(recursive=True) if p.pid not in started_before
        ]
    except psutil.Error:
        return
    if _platform() == "win32":
        for p in descendants:
            if _is_soffice(p):
                kill_tree(p.pid)
        return
    group = os.getpgrp()
    for p in descendants:
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(p.pid) == group:
                p.send_signal(signal.SIGINT)


def pool_context() -> multiprocessing.context.BaseContext:
    """The batch pool's start method: forkserver where it exists, else spawn (Windows).

    Why not fork: forking a threaded parent (rich's refresher) can deadlock; forkserver starts
    workers with the worker module imported. ``JIDI_DOCS_START_METHOD=spawn`` (tests) forces it.
    """
    wanted = os.environ.get("JIDI_DOCS_START_METHOD")
    methods = multiprocessing.get_all_start_methods()
    if wanted in methods:
        return multiprocessing.get_context(wanted)
    if _platform() != "win32" and "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["jidi_docs.pipeline._worker"])
        return ctx
    return multiprocessing.get_context("spawn")


# -- console ------------------------------------------------------------------------------------


def setup_console(streams: Sequence[IO[str]] | None = None) -> None:
    """Make stdout/stderr replace what their encoding cannot show, instead of crashing.

    Why: a Chinese Windows console (or ``> 预审.txt`` there) encodes GBK, which lacks ✔ ⚠ ✘ •;
    Python would raise UnicodeEncodeError in the middle of a report.
    """
    for stream in streams if streams is not None else (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def can_show(text: str, stream: IO[str] | None = None) -> bool:
    """True when `stream` (stdout by default) can encode every character of `text`."""
    encoding = getattr(stream if stream is not None else sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# -- fonts --------------------------------------------------------------------------------------


def system_cjk_fonts(
    platform: str | None = None, *, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The Chinese fonts `platform` (default: this OS) has without anyone installing them, each
    with its other (Chinese) name, or ""; for Windows, those of this computer
    (`jidi_docs._platform._fonts.system_cjk_fonts`)."""
    env = os.environ if environ is None else environ
    return _fonts.system_cjk_fonts(platform or _platform(), env)


def font_folders(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The usual font folders of every OS, the user's own first (`_fonts.font_folders`)."""
    return _fonts.font_folders(os.environ if environ is None else environ, Path.home())


def cjk_faces(
    platform: str | None = None, *, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The installed Simplified-Chinese font of each style form fonts come in, on `platform`
    (default: this OS; `jidi_docs._platform._fonts.cjk_faces`)."""
    return _fonts.cjk_faces(platform or _platform(), os.environ if environ is None else environ)


# -- files --------------------------------------------------------------------------------------


def shipped(name: str) -> str:
    """`name` of a file shipped in the package (UTF-8 on disk) as this process must spell it.

    Why: Python on Linux decodes file names with the locale's codec; under ``zh_CN.GBK`` the
    package's ``杭州-2021.yaml`` would otherwise be looked for under its GBK bytes and not found.
    With a UTF-8 locale, and on Windows and macOS, this returns `name` unchanged.
    """
    return os.fsdecode(name.encode("utf-8"))


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder for `jidi_docs._cache` (%LOCALAPPDATA%, ~/Library/Caches, $XDG_CACHE_HOME)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or env.get("USERPROFILE") or Path.home())
    platform = _platform()
    if platform == "win32":
        return Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local") / "jidi-docs" / "cache"
    if platform == "darwin":
        return home / "Library" / "Caches" / "jidi-docs"
    return Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "jidi-docs"


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder for settings jidi_docs remembers across runs (%APPDATA%, ~/Library/Application
    Support, $XDG_CONFIG_HOME): e.g. the portal's data folders, so ``serve`` started elsewhere
    can name the right one."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or env.get("USERPROFILE") or Path.home())
    platform = _platform()
    if platform == "win32":
        return Path(env.get("APPDATA") or home / "AppData" / "Roaming") / "jidi-docs"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "jidi-docs"
    return Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "jidi-docs"


def shipped_stem(path: Path) -> str:
    """The real (UTF-8) stem of a shipped file the OS lists; see `shipped`."""
    return os.fsencode(path.stem).decode("utf-8", errors="replace")


def hide(path: Path) -> None:
    """Give `path` the hidden attribute on Windows (its name starts with a dot for the others)."""
    if _platform() != "win32":
        return
    with contextlib.suppress(AttributeError, OSError):
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        attributes = kernel32.GetFileAttributesW(str(path))
        if attributes != -1 and attributes != 0xFFFFFFFF:
            kernel32.SetFileAttributesW(str(path), attributes | _FILE_ATTRIBUTE_HIDDEN)


# -- limits for one unit of work -----------------------------------------------------------------


class TimeLimitExceeded(Exception):
    """The unit of work ran longer than its time limit."""


def _raise_time_limit(signum: int, frame: FrameType | None) -> None:
    raise TimeLimitExceeded


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    in_main = threading.current_thread() is threading.main_thread()
    if seconds is None or not hasattr(signal, "setitimer") or not in_main:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_time_limit)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _memory_ceiling(extra_bytes: int | None) -> Iterator[None]:
    """Let this process grow by at most `extra_bytes` of address space inside the block.

    Why address space: it is the limit every POSIX system enforces on allocation itself, so a
    runaway allocation fails with MemoryError in the work that made it, not in the whole worker
    later. Child processes started inside the block would inherit it: start none there.
    """
    # The limit is the whole process's: a thread of a host program (an executor's worker
    # thread) must not set it for everyone; and macOS does not enforce RLIMIT_AS.
    in_main = threading.current_thread() is threading.main_thread()
    usable = extra_bytes is not None and resource is not None and in_main
    current = int(psutil.Process().memory_info().vms) if usable else None  # address space
    if current is None or _platform() == "darwin":
        yield
        return
    assert extra_bytes is not None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = current + extra_bytes
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY:
        ceiling = min(ceiling, soft)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def work_limits(*, seconds: float | None, memory_bytes: int | None) -> Iterator[None]:
    """Run the block with a time limit and a memory ceiling (None: no limit of that kind).

    Raises (inside the block):
        TimeLimitExceeded: the block ran longer than `seconds` (checked between Python steps).
        MemoryError: the block allocated more than `memory_bytes` beyond what the process had.
    """
    with _time_limit(seconds), _memory_ceiling(memory_bytes):
        yield
