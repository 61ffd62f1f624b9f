"""``jidi-docs serve`` as a clerk meets it: real processes, Chinese refusals, no false success.

Each case runs the command line in its own process (Django is configured once per process),
on its own data folder; the settings folder where data folders are remembered is the test
run's own (``XDG_CONFIG_HOME``, tests/conftest.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from servehelpers import PASSWORD, create_office, free_port, running, serve_command, wait_for_text

STRONG = "Zq9-长久的-passphrase"


def _cli(
    *args: str, password: str | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JIDI_ADMIN_PASSWORD"}
    if password is not None:
        env["JIDI_ADMIN_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "jidi_docs", "serve", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        start_new_session=True,  # no terminal: getpass reads the answers from stdin
    )


def _python(data: Path, code: str) -> str:
    """Run `code` with Django configured on `data`; return its output."""
    prelude = (
        "from pathlib import Path\n"
        "from jidi_docs.web import Options, prepare\n"
        f"prepare(Options(data_dir=Path({str(data)!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "网页版已启动" not in result.stdout


def test_create_admin_refuses_weak_passwords_in_chinese(tmp_path: Path) -> None:
    for password, expected in {
        "1234567890": "密码只包含数字",
        "qwertyuiop": "这个密码太常见了",
        "short": "密码长度太短",
        "office-2024x": "相似",
    }.items():
        result = _cli(
            "--data", str(tmp_path / "d"), "--create-admin", "office-2024x", password=password
        )

        assert result.returncode == 1, password
        assert "密码不符合要求" in result.stderr
        assert expected in result.stderr, (password, result.stderr)
        _no_traceback(result)


def test_create_admin_asks_twice_and_refuses_a_mismatch(tmp_path: Path) -> None:
    data = tmp_path / "d"

    mismatch = _cli("--data", str(data), "--create-admin", "office", stdin=f"{STRONG}\n{STRONG}x\n")
    created = _cli("--data", str(data), "--create-admin", "office", stdin=f"{STRONG}\n{STRONG}\n")

    assert mismatch.returncode == 1
    assert "两次输入的密码不一致" in mismatch.stderr
    _no_traceback(mismatch)
    assert created.returncode == 0, created.stderr
    assert "再输入一次" in created.stderr + created.stdout
    assert (
        _python(
            data,
            "from jidi_docs.web.models import User\nprint(User.objects.get(username='office').role)",
        ).strip()
        == "reviewer"
    )


def test_create_admin_refuses_a_base_account_and_clears_an_admins_locks(tmp_path: Path) -> None:
    data = tmp_path / "d"
    create_office(data)
    _python(
        data,
        "from jidi_docs.web.models import Base, Role, User\n"
        "from axes.models import AccessAttempt\n"
        "base = Base.objects.create(name='某基地', district='西湖区')\n"
        "User.objects.create_user('jidi', password='x', role=Role.BASE, base=base)\n"
        "AccessAttempt.objects.create(username='office', ip_address='192.0.2.1',"
        " user_agent='t', failures_since_start=50)\n",
    )

    refused = _cli("--data", str(data), "--create-admin", "jidi", password=STRONG)
    reset = _cli("--data", str(data), "--create-admin", "office", password=STRONG)

    assert refused.returncode == 1
    assert "“jidi”是培训基地的账号（某基地），不能改为管理员" in refused.stderr
    _no_traceback(refused)
    state = _python(
        data,
        "from jidi_docs.web.models import User\nfrom axes.models import AccessAttempt\n"
        "print(User.objects.get(username='jidi').role, AccessAttempt.objects.count())",
    )
    assert state.split() == ["base", "0"]  # still a base; the office's lock is gone
    assert reset.returncode == 0, reset.stderr


def test_serve_on_a_folder_without_the_portal_names_the_one_the_admin_was_made_in(
    tmp_path: Path,
) -> None:
    data = tmp_path / "门户数据"
    create_office(data)
    elsewhere = tmp_path / "别处" / "门户数据"

    result = _cli("--data", str(elsewhere), "--port", str(free_port()))

    assert result.returncode == 1
    assert "里没有网页版的数据" in result.stderr
    assert f'jidi-docs serve --data "{data.resolve()}"' in result.stderr
    assert not elsewhere.exists()  # no empty database was made there
    _no_traceback(result)


def test_a_busy_port_is_refused_in_chinese_before_anything_is_announced(tmp_path: Path) -> None:
    data = tmp_path / "d"
    create_office(data)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        result = _cli("--data", str(data), "--port", str(port))

    assert result.returncode == 1
    assert f"端口 {port} 已被占用" in result.stderr
    _no_traceback(result)


def test_without_the_web_extra_the_exact_install_command_is_given(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['waitress'] = None\n"  # as if the extra were not installed
        "sys.argv = ['jidi-docs', 'serve', '--data', sys.argv[1]]\n"
        "from jidi_docs.cli import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1
    assert "缺少 waitress" in result.stderr
    root = Path(__file__).resolve().parents[2]
    # this checkout is installed editable: the extra comes from the same folder, same Python
    assert f'"{sys.executable}" -m pip install -e "{root}[web]"' in result.stderr
    _no_traceback(result)
    assert not (tmp_path / "d").exists()


def test_serve_announces_the_folder_and_how_links_look(tmp_path: Path) -> None:
    data = tmp_path / "d"
    env = create_office(data)
    port = free_port()
    log = tmp_path / "serve.log"

    with running([*serve_command(data), "--port", str(port)], port, log, env):
        text = wait_for_text(log, "网页版已启动")

    assert "网页版已启动" in text
    assert f"数据文件夹：{data.resolve()}" in text
    assert f"http://127.0.0.1:{port}/join/…，在别的电脑上打不开" in text
    assert "--lan" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--lan", "--plain-http", "--host", "192.0.2.5"], "不能与 --public-url"),
        (["--lan", "--host", "myhost"], "IP 地址"),
        (["--lan", "--host", "0.0.0.0"], "IP 地址"),
    ],
)
def test_lan_options_that_cannot_work_are_refused(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    result = _cli("--data", str(tmp_path / "d"), *args)

    assert result.returncode == 2
    assert expected in result.stderr
    _no_traceback(result)


def test_the_settings_folder_is_where_each_os_keeps_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Windows: %APPDATA% (FOLDERID_RoamingAppData; source: Microsoft, "KNOWNFOLDERID",
    learn.microsoft.com/en-us/windows/win32/shell/knownfolderid); macOS: ~/Library/Application
    Support (source: Apple, "File System Programming Guide", "The Library Directory Stores
    App-Specific Files"); Linux: $XDG_CONFIG_HOME or ~/.config (freedesktop.org XDG Base
    Directory Specification). Simulated by setting `sys.platform`."""
    from jidi_docs import _platform

    home = str(tmp_path)
    monkeypatch.setattr(sys, "platform", "win32")
    roaming = str(tmp_path / "AppData" / "Roaming")
    assert _platform.config_dir({"USERPROFILE": home, "APPDATA": roaming}) == Path(
        roaming, "jidi-docs"
    )
    monkeypatch.setattr(sys, "platform", "darwin")
    assert _platform.config_dir({"HOME": home}) == Path(
        home, "Library", "Application Support", "jidi-docs"
    )
    monkeypatch.setattr(sys, "platform", "linux")
    assert _platform.config_dir({"HOME": home}) == Path(home, ".config", "jidi-docs")
    assert _platform.config_dir({"HOME": home, "XDG_CONFIG_HOME": "/x"}) == Path("/x", "jidi-docs")


def test_the_admin_password_from_the_environment_is_checked_too(tmp_path: Path) -> None:
    result = _cli("--data", str(tmp_path / "d"), "--create-admin", "office", password=PASSWORD)

    assert result.returncode == 0, result.stderr  # the tests' own password passes the rules
