"""The production recipe's systemd unit (``deploy/jidi-docs.service``) is valid and its command
starts the portal. (Its Caddy configuration runs in tests/web/test_proxy.py.)"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from servehelpers import create_office, free_port, running, wait_for_text

UNIT = Path(__file__).resolve().parents[2] / "deploy" / "jidi-docs.service"
#: Where the unit expects the program (a venv in /opt/jidi-docs) and its data.
PROGRAM, DATA = "/opt/jidi-docs/bin/jidi-docs", "/var/lib/jidi-docs"


def _systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI 环境必须安装 systemd（systemd-analyze，见 scripts/install_system_deps.sh）")
    pytest.skip("systemd-analyze is not installed: apt-get install systemd")


def _here(text: str) -> str:
    """The unit with the program path of this checkout's installation."""
    return text.replace(PROGRAM, str(Path(sys.executable).parent / "jidi-docs"))


def test_the_systemd_unit_verifies_without_a_warning(tmp_path: Path) -> None:
    unit = tmp_path / UNIT.name
    unit.write_text(_here(UNIT.read_text(encoding="utf-8")), encoding="utf-8")

    done = subprocess.run(
        [_systemd_analyze(), "verify", str(unit)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    # systemd-analyze exits 0 on a mistyped setting and only warns: any line is a finding
    assert done.stderr.strip() == "", done.stderr
    assert PROGRAM in UNIT.read_text(encoding="utf-8")


def test_the_units_command_and_environment_start_the_portal(tmp_path: Path) -> None:
    text = UNIT.read_text(encoding="utf-8")
    env = dict(os.environ)
    for line in text.splitlines():
        if line.startswith("Environment="):
            key, _, value = line.removeprefix("Environment=").partition("=")
            env[key] = value.replace(DATA, str(tmp_path / "data"))
        if line.startswith("ExecStart="):
            command = shlex.split(_here(line.removeprefix("ExecStart=")))
    port = free_port()
    command = [c.replace(DATA, str(tmp_path / "data")) for c in command]
    command[command.index("--port") + 1] = str(port)
    env.update(create_office(tmp_path / "data"))

    with running(command, port, tmp_path / "serve.log", env):
        log = wait_for_text(tmp_path / "serve.log", "网页版已启动")

    assert "网页版已启动" in log
    assert env["JIDI_PUBLIC_URL"] + "/join/…" in log  # the unit's public address is used
