"""Test jidi_docs._platform: the one place for OS-specific code.

The Windows and macOS branches run here on Linux by simulating the platform: `sys.platform`,
the environment, fake install folders, a fake ``winreg`` module and Windows error numbers.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
import types
from pathlib import Path

import psutil
import pytest
from typing_extensions import Self

import jidi_docs
from jidi_docs import _platform, _procs
from jidi_docs._fs import LEDGER_NAME, MAX_PATH, path_units, safe_filename, write_files
from jidi_docs.errors import ConversionError, OutputError
from jidi_docs.forms._render import form_paths
from jidi_docs.pdf._convert import SofficeConverter

SRC = Path(jidi_docs.__file__).parent

#: Calls and names that exist on one OS only (or behave differently), allowed in _platform alone.
FORBIDDEN = {
    "killpg": r"\bkillpg\b",
    "SIGKILL": r"\bSIGKILL\b",
    "/proc": r"/proc\b",
    "fork": r"\bos\.fork\b|[\"']fork(server)?[\"']|forkserver_preload",
    "winreg": r"\bwinreg\b",
    "os.setsid": r"\bos\.setsid\b",
    "start_new_session": r"\bstart_new_session\b",
    "signal.SIG* other than SIGINT": r"\bsignal\.SIG(?!INT\b)[A-Z_]+",
    "os.kill": r"\bos\.kill\b",
    "process groups": r"\bgetpgid\b|\bgetpgrp\b|CREATE_NEW_PROCESS_GROUP",
    "platform checks": r"\bsys\.platform\b|\bos\.name\b",
    "POSIX/Windows-only modules": r"^\s*(import|from)\s+(fcntl|msvcrt|resource|pwd|grp|termios)\b",
    "ctypes.windll": r"\bwindll\b",
}


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of `path` with comments and docstrings blanked (words there are allowed)."""
    lines = path.read_text("utf-8").splitlines()
    blank: set[int] = set()
    previous = tokenize.NEWLINE
    with path.open("rb") as fh:
        for tok in tokenize.tokenize(fh.readline):
            if tok.type == tokenize.COMMENT:
                row, col = tok.start
                lines[row - 1] = lines[row - 1][:col]
            elif tok.type == tokenize.STRING and previous in (
                tokenize.NEWLINE,
                tokenize.INDENT,
                tokenize.DEDENT,
                tokenize.ENCODING,
            ):
                blank.update(range(tok.start[0], tok.end[0] + 1))  # a docstring
            if tok.type not in (tokenize.NL, tokenize.COMMENT):
                previous = tok.type
    return [(n, text) for n, text in enumerate(lines, 1) if n not in blank]


def test_no_os_specific_code_outside_the_platform_module() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.parent == SRC / "_platform":  # the one place for it
            continue
        for n, text in _code_lines(path):
            for what, pattern in FORBIDDEN.items():
                if re.search(pattern, text):
                    found.append(f"{path.relative_to(SRC)}:{n}: {what}: {text.strip()}")
    assert found == []


def test_the_scan_sees_what_it_forbids(tmp_path: Path) -> None:
    """Control for the scan: each forbidden use is caught in code, none in comments or docs."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Docs may say killpg, SIGKILL, /proc and fork."""\n'
        "import os, signal  # a comment may say os.kill\n"
        "os.killpg(1, signal.SIGKILL)\n"
        "signal.signal(signal.SIGINT, None)\n"
        "signal.SIGTERM\n"
        "import winreg\n"
        "ctx = get_context('forkserver')\n"
        "open('/proc/self/cmdline')\n"
        "if sys.platform == 'win32': pass\n",
        encoding="utf-8",
    )
    hits = {
        n: [what for what, pattern in FORBIDDEN.items() if re.search(pattern, text)]
        for n, text in _code_lines(sample)
    }
    assert hits == {
        2: [],
        3: ["killpg", "SIGKILL", "signal.SIG* other than SIGINT"],
        4: [],
        5: ["signal.SIG* other than SIGINT"],
        6: ["winreg"],
        7: ["fork"],
        8: ["/proc"],
        9: ["platform checks"],
    }


# -- finding LibreOffice ------------------------------------------------------------------------


def _program(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """An environment with an empty PATH and a home folder of our own."""
    (tmp_path / "bin").mkdir()
    return {"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path / "home")}


def test_explicit_program_wins_over_the_variable_and_path(tmp_path, clean_env) -> None:
    on_path = _program(tmp_path / "bin" / "soffice")
    by_env = _program(tmp_path / "env" / "soffice")
    chosen = _program(tmp_path / "chosen" / "soffice")
    env = {**clean_env, "JIDI_DOCS_SOFFICE": str(by_env)}

    assert _platform.find_soffice(chosen, environ=env).path == str(chosen)
    assert _platform.find_soffice(None, environ=env).path == str(by_env)
    assert _platform.find_soffice(None, environ=clean_env).path == str(on_path)


def test_an_install_folder_or_app_bundle_may_be_named(tmp_path, clean_env) -> None:
    program = _program(tmp_path / "LibreOffice" / "program" / "soffice")
    app = _program(tmp_path / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")

    assert _platform.find_soffice(tmp_path / "LibreOffice", environ=clean_env).path == str(program)
    assert _platform.find_soffice(tmp_path / "LibreOffice.app", environ=clean_env).path == str(app)


def test_a_wrong_path_the_user_gave_is_reported_not_replaced(tmp_path, clean_env) -> None:
    _program(tmp_path / "bin" / "soffice")  # would be found on PATH, but the user named another
    env = {**clean_env, "JIDI_DOCS_SOFFICE": str(tmp_path / "没有这个" / "soffice.exe")}

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_platform.os, "environ", env)
        with pytest.raises(ConversionError) as info:
            SofficeConverter()

    first = str(info.value).splitlines()[0]
    assert first.startswith(f"JIDI_DOCS_SOFFICE 指定的 {tmp_path / '没有这个' / 'soffice.exe'}")
    assert "不是 LibreOffice 程序" in first


def _as_windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, registry: str | None) -> dict:
    """Simulate Windows: sys.platform, Program Files folders under tmp_path, a fake registry."""
    monkeypatch.setattr(sys, "platform", "win32")
    fake = types.ModuleType("winreg")
    fake.HKEY_LOCAL_MACHINE, fake.HKEY_CURRENT_USER = "HKLM", "HKCU"
    opened = []

    class Key:
        def __init__(self, hive: str, key: str) -> None:
            opened.append((hive, key))
            if registry is None or hive != "HKLM":
                raise FileNotFoundError(2, "not found")

        def __enter__(self) -> Self:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

    fake.OpenKey = Key
    fake.QueryValueEx = lambda handle, name: (f'"{registry}"', 1)
    monkeypatch.setitem(sys.modules, "winreg", fake)
    env = {
        "PATH": str(tmp_path / "bin"),
        "ProgramFiles": str(tmp_path / "Program Files"),
        "ProgramFiles(x86)": str(tmp_path / "Program Files (x86)"),
        "USERPROFILE": str(tmp_path / "home"),
    }
    return {"env": env, "opened": opened}


def test_windows_program_files_x86_is_searched(monkeypatch, tmp_path) -> None:
    sim = _as_windows(monkeypatch, tmp_path, registry=None)
    exe = _program(tmp_path / "Program Files (x86)" / "LibreOffice" / "program" / "soffice.exe")

    search = _platform.find_soffice(environ=sim["env"])

    assert search.path == str(exe)
    assert search.tried[1] == str(tmp_path / "Program Files" / "LibreOffice/program/soffice.exe")


def test_windows_registry_app_path_is_searched(monkeypatch, tmp_path) -> None:
    exe = _program(tmp_path / "D盘" / "LibreOffice" / "program" / "soffice.exe")
    sim = _as_windows(monkeypatch, tmp_path, registry=str(exe))

    search = _platform.find_soffice(environ=sim["env"])

    assert search.path == str(exe)
    assert search.tried[-1] == f"注册表 App Paths：{exe}"
    assert sim["opened"][0] == (
        "HKLM",
        r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\soffice.exe",
    )


def test_windows_nothing_found_names_the_places_and_the_windows_installer(
    monkeypatch, tmp_path
) -> None:
    sim = _as_windows(monkeypatch, tmp_path, registry=None)
    monkeypatch.setattr(_platform.os, "environ", sim["env"])

    with pytest.raises(ConversionError) as info:
        SofficeConverter()

    text = str(info.value)
    assert f"  - {tmp_path / 'Program Files' / 'LibreOffice/program/soffice.exe'}" in text
    assert f"  - {tmp_path / 'Program Files (x86)' / 'LibreOffice/program/soffice.exe'}" in text
    assert "安装方法：请从 https://zh-cn.libreoffice.org/download/ 下载 Windows 版" in text
    assert "apt-get" not in text


def test_macos_user_applications_folder_is_searched(monkeypatch, tmp_path, clean_env) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    app = _program(Path(clean_env["HOME"]) / "Applications/LibreOffice.app/Contents/MacOS/soffice")

    search = _platform.find_soffice(environ=clean_env)

    assert search.path == str(app)
    assert search.tried == [
        "PATH 中的 soffice、libreoffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        str(app),
    ]


def test_macos_install_hint(monkeypatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")

    assert "brew install --cask libreoffice" in _platform.install_hint()
    assert "「应用程序」" in _platform.install_hint()


@pytest.mark.parametrize(
    ("platform", "where"),
    [
        ("linux", "Debian/Ubuntu 请安装 python3-uno"),
        ("win32", "program\\python.exe"),
        ("darwin", "LibreOffice.app/Contents/Resources/python"),
    ],
)
def test_where_a_python_with_uno_comes_from_fits_the_os(monkeypatch, platform, where) -> None:
    """Windows and macOS LibreOffice bring their own Python (LibreOffice core,
    ``pyuno/zipcore/python.cxx`` and ``python.sh``: installed beside soffice); only Linux
    needs a package."""
    monkeypatch.setattr(sys, "platform", platform)

    hint = _platform.uno_python_hint()

    assert where in hint
    assert "JIDI_DOCS_UNO_PYTHON" in hint
    assert ("python3-uno" in hint) == (platform == "linux")


# -- process trees ------------------------------------------------------------------------------


def _sleeper_tree(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start a shell that starts a sleeper (as soffice starts soffice.bin); return both."""
    pidfile = tmp_path / "child.pid"
    proc = _platform.start_tree(
        ["/bin/sh", "-c", f"sleep 300 & echo $! > {pidfile}; wait"], env={"PATH": "/bin"}
    )
    for _ in range(100):
        if pidfile.is_file() and pidfile.read_text().strip():
            return proc, int(pidfile.read_text())
        time.sleep(0.05)
    raise AssertionError("the sleeper did not start")


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_kill_tree_stops_the_program_and_what_it_started(tmp_path) -> None:
    proc, child = _sleeper_tree(tmp_path)

    _procs.kill_tree(proc.pid)
    proc.communicate(timeout=10)

    for _ in range(50):
        if _gone(child):
            break
        time.sleep(0.1)
    assert _gone(child)


def test_kill_tree_removes_the_request_sockets_the_killed_program_left(tmp_path) -> None:
    """A killed LibreOffice leaves its request socket file; asked to, kill_tree removes it, and
    no other socket of the program."""
    sockets = [tmp_path / "OSL_PIPE_0_SingleOfficeIPC_ab12", tmp_path / "other.sock"]
    listener = (
        "import socket, sys, time\n"
        "for path in sys.argv[1:]:\n"
        "    s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(); globals()[path] = s\n"
        "print('listening', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", listener, *map(str, sockets)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "listening"

        _procs.kill_tree(proc.pid, sockets="SingleOfficeIPC")

        assert proc.wait(timeout=10) is not None
        assert [s.exists() for s in sockets] == [False, True]  # a killed program leaves both
    finally:
        proc.kill()
        proc.communicate()


def test_interrupt_workers_on_windows_stops_libreoffice_below_us(monkeypatch, tmp_path) -> None:
    """Windows has no SIGINT for another process: the LibreOffice trees are stopped instead."""
    before = _procs.descendants()
    soffice = tmp_path / "soffice"  # a process named like LibreOffice
    soffice.write_bytes(Path("/bin/sleep").read_bytes())
    soffice.chmod(0o755)
    fake_lo = subprocess.Popen([str(soffice), "300"])
    bystander = subprocess.Popen(["/bin/sleep", "300"])
    monkeypatch.setattr(sys, "platform", "win32")
    try:
        _platform.interrupt_workers(before)

        fake_lo.wait(timeout=10)
        assert bystander.poll() is None
    finally:
        for p in (fake_lo, bystander):
            p.kill()
            p.wait()


def test_interrupt_workers_sends_sigint_to_workers_started_since(tmp_path) -> None:
    script = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGINT, lambda *a: sys.exit(42))\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    old = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert old.stdout is not None
    old.stdout.readline()
    before = _procs.descendants()
    new = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert new.stdout is not None
    new.stdout.readline()
    try:
        _platform.interrupt_workers(before)

        assert new.wait(timeout=10) == 42
        assert old.poll() is None
    finally:
        for p in (old, new):
            p.kill()
            p.wait()
            p.stdout.close()  # type: ignore[union-attr]


# -- console and files --------------------------------------------------------------------------


def test_setup_console_replaces_what_gbk_cannot_show() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="gbk")

    _platform.setup_console([stream])
    stream.write("预审 ✔ 符合 • 完")
    stream.flush()

    assert raw.getvalue().decode("gbk") == "预审 ? 符合 ? 完"
    assert not _platform.can_show("✔", stream)
    assert _platform.can_show("√ 符合", stream)


def windows_error(winerror: int) -> type[PermissionError]:
    """The PermissionError Windows raises with `winerror` set (Python sets the attribute on
    Windows only, so a subclass carries it here).

    Sources: Microsoft, "System Error Codes (0-499)"
    (https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes--0-499-):
    ERROR_ACCESS_DENIED 5, ERROR_SHARING_VIOLATION 32, ERROR_LOCK_VIOLATION 33; [MS-FSCC]
    2.4 FileRenameInformation (https://learn.microsoft.com/en-us/openspecs/windows_protocols/
    ms-fscc/): replacing a target that is open fails with STATUS_ACCESS_DENIED, i.e. error 5,
    which is what os.replace (MoveFileExW with MOVEFILE_REPLACE_EXISTING, CPython
    ``Modules/posixmodule.c`` ``internal_rename``) gets over a file Word or Excel has open;
    CPython ``PC/errmap.h`` maps 5 and 32 to EACCES, hence PermissionError.
    """
    return type(f"WinError{winerror}", (PermissionError,), {"winerror": winerror})


@pytest.mark.parametrize("winerror", [5, 32, 33])
def test_a_file_open_in_word_is_named_with_the_program_to_close_it_in(tmp_path, winerror) -> None:
    target = tmp_path / "评价表.docx"
    target.write_bytes(b"open in Word")

    error = OutputError.from_os_error(target, windows_error(winerror)(13, "Permission denied"))

    assert str(error) == (
        f"「{target}」正被其他程序占用（多半是在 Word 或 WPS 中打开着），无法替换。"
        "请先在 Word 或 WPS 中关闭它，再重试；若并没有打开它，请检查是否有写入权限。"
    )
    assert error.locked


def test_access_denied_without_the_file_and_a_plain_permission_error_are_permission(
    tmp_path,
) -> None:
    missing = tmp_path / "汇总表.xlsx"  # error 5 for a file not there: a folder we may not write

    for error in (windows_error(5)(13, "Access is denied"), PermissionError(13, "denied")):
        result = OutputError.from_os_error(missing, error)
        assert not result.locked
        assert "没有写入权限" in str(result)


def _counting_replace(monkeypatch, failures: list[BaseException]) -> list[str]:
    """Make os.replace raise `failures` one by one, then work; return the targets tried."""
    tried: list[str] = []
    real = os.replace

    def replace(src, dst):
        tried.append(Path(dst).name)
        if failures:
            raise failures.pop(0)
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return tried


def test_a_file_held_for_a_moment_is_replaced_after_a_retry(tmp_path, monkeypatch) -> None:
    """Antivirus scanners and OneDrive open a new file for a moment, and a rename over it
    then fails with WinError 32 (see `windows_error` for the sources): tried again."""
    target = tmp_path / "申报材料.pdf"
    busy = windows_error(32)
    tried = _counting_replace(monkeypatch, [busy(13, "in use"), busy(13, "in use")])

    write_files({target: b"%PDF-new"})

    assert target.read_bytes() == b"%PDF-new"
    assert tried.count(target.name) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [LEDGER_NAME, target.name]


def test_a_file_held_open_is_reported_after_the_retries_naming_the_program(
    tmp_path, monkeypatch
) -> None:
    target = tmp_path / "汇总表.xlsx"
    write_files({target: b"old"})
    denied = windows_error(5)
    tried = _counting_replace(monkeypatch, [denied(13, "denied") for _ in range(20)])

    with pytest.raises(OutputError) as info:
        write_files({target: b"new"})

    assert info.value.locked
    assert "多半是在 Excel 或 WPS 中打开着" in str(info.value)
    assert tried.count(target.name) == len(_platform.RETRY_DELAYS) + 1
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [LEDGER_NAME, target.name]


PERMISSION = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from jidi_docs._fs import write_files
from jidi_docs.errors import OutputError
tried = []
real = os.replace
def replace(src, dst):
    tried.append(str(dst))
    real(src, dst)
os.replace = replace
target = Path(sys.argv[2])
try:
    write_files({target: b"new"})
    print(json.dumps(["written", tried]))
except OutputError as e:
    print(json.dumps([str(e), e.locked, tried, sorted(os.listdir(target.parent))]))
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_a_real_permission_error_is_reported_at_once() -> None:
    """Real on Linux: a user renaming over another user's file in a sticky folder gets EPERM
    (no Windows error number), so nothing is tried again."""
    base = Path(tempfile.mkdtemp())  # in the system's temporary folder: the other user sees it
    base.chmod(0o755)
    folder = base / "共享"
    folder.mkdir()
    folder.chmod(0o1777)  # anyone may add files, only the owner may replace or delete them
    target = folder / "评价表.docx"
    write_files({target: b"root's"})  # ours (in the ledger), owned by root
    (folder / LEDGER_NAME).chmod(0o644)

    try:
        done = subprocess.run(
            ["runuser", "-u", "nobody", "--", "/usr/bin/python3", "-c", PERMISSION,
             str(SRC.parent), str(target)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        content = target.read_bytes()
    finally:
        shutil.rmtree(base)

    assert done.returncode == 0, done.stderr
    message, locked, tried, left = json.loads(done.stdout)
    assert message.startswith(f"无法写入 {target}：没有写入权限。")
    assert not locked
    assert tried == [str(target)]  # once: no retry for an error that is not a held file
    assert left == [LEDGER_NAME, target.name]
    assert content == b"root's"


def test_hide_sets_the_windows_hidden_attribute(monkeypatch, tmp_path) -> None:
    import ctypes

    calls = []
    kernel32 = types.SimpleNamespace(
        GetFileAttributesW=lambda path: 0x20,  # FILE_ATTRIBUTE_ARCHIVE
        SetFileAttributesW=lambda path, attrs: calls.append((path, attrs)),
    )
    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(kernel32=kernel32), raising=False)
    target = tmp_path / ".jidi-docs.json"

    _platform.hide(target)  # Linux: nothing to do
    monkeypatch.setattr(sys, "platform", "win32")
    _platform.hide(target)

    assert calls == [(str(target), 0x22)]


# -- names valid on Windows -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CON", "_CON"),
        ("com1.公司", "_com1.公司"),
        ("LPT9", "_LPT9"),
        ("杭州某公司. . .", "杭州某公司"),
        ("a:b/c*d?", "a_b_c_d"),
    ],
)
def test_names_windows_refuses_are_made_valid(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_form_paths_stay_within_windows_path_limit(tmp_path) -> None:
    deep = tmp_path.joinpath(*["很长的文件夹名称"] * 15)
    app = types.SimpleNamespace(basic=types.SimpleNamespace(name="杭州" + "跨境电商" * 8 + "公司"))

    paths = form_paths(app, deep)  # type: ignore[arg-type]

    for path in paths.values():
        assert path_units(path.absolute()) + 16 <= MAX_PATH  # room for the temporary name
        assert path.name.startswith("杭州跨境电商")
        assert len(path.name) < len(f"{app.basic.name}-附件1-评价表.docx")  # shortened
        assert path.name.endswith(("-附件1-评价表.docx", "-附件2-申报表.docx"))
    short = form_paths(app, tmp_path)  # type: ignore[arg-type]
    assert short["附件1"].name == f"{app.basic.name}-附件1-评价表.docx"


def test_the_cache_folder_is_where_each_os_keeps_caches(monkeypatch, tmp_path) -> None:
    home = str(tmp_path)
    monkeypatch.setattr(sys, "platform", "win32")
    local = str(tmp_path / "AppData" / "Local")
    assert _platform.cache_dir({"USERPROFILE": home, "LOCALAPPDATA": local}) == Path(
        local, "jidi-docs", "cache"
    )
    monkeypatch.setattr(sys, "platform", "darwin")
    assert _platform.cache_dir({"HOME": home}) == Path(home, "Library", "Caches", "jidi-docs")
    monkeypatch.setattr(sys, "platform", "linux")
    assert _platform.cache_dir({"HOME": home}) == Path(home, ".cache", "jidi-docs")
    xdg = str(tmp_path / "xdg")
    assert _platform.cache_dir({"HOME": home, "XDG_CACHE_HOME": xdg}) == Path(xdg, "jidi-docs")


def test_the_font_folders_are_the_users_then_the_machines(tmp_path) -> None:
    """Windows keeps fonts a user installed for themselves in %LOCALAPPDATA%\\Microsoft\\Windows\\
    Fonts (Windows 10 1809 and later; Microsoft Learn, "Font installation for the current user"),
    the machine's in %WINDIR%\\Fonts (%SystemRoot% where WINDIR is not set). Simulated with the
    environment alone: the folders are only named here, never read."""
    local, windir = tmp_path / "Local", tmp_path / "Windows"
    env = {"LOCALAPPDATA": str(local), "WINDIR": str(windir)}

    folders = _platform.font_folders(env)

    assert folders[:2] == [local / "Microsoft" / "Windows" / "Fonts", windir / "Fonts"]
    assert Path("/usr/share/fonts") in folders  # every OS's, this one's among them
    assert _platform.font_folders({"SystemRoot": str(windir)})[0] == windir / "Fonts"
