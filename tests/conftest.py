"""Shared pytest fixtures for the jidi_docs test suite."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from pdfhelpers import require_soffice

ROOT = Path(__file__).resolve().parent.parent

#: Where scripts/install_system_deps.sh installs the version pinned in scripts/node/.
YAML_LANGUAGE_SERVER = ROOT / ".cache" / "node" / "node_modules" / ".bin" / "yaml-language-server"


def pytest_configure(config: pytest.Config) -> None:
    """Let Ctrl-C reach the programs the tests start, even when the run itself ignores it.

    A shell without job control starts a background command (``make test &`` in a script)
    with SIGINT ignored (POSIX, Shell Command Language 2.11: "If job control is disabled …
    when the shell executes an asynchronous list, the commands in the list shall inherit from
    the shell a signal action of ignored (SIG_IGN) for the SIGINT and SIGQUIT signals"); every
    child inherits that, and Python then installs no KeyboardInterrupt handler ("SIGINT is
    translated into a KeyboardInterrupt exception if the parent process has not changed it",
    CPython Doc/library/signal.rst). The Ctrl-C tests would then test the shell, not the tool.
    A handler set here is reset to the default in every program started (execve), so each
    gets Ctrl-C as from a user's terminal.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Give the run its own cache folder (`jidi_docs._cache`): tests never read or fill the
    user's, and every run meets an empty cache first, then its own entries."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    # and its own settings folder (`jidi_docs._platform.config_dir`: the portal's data folders)
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of the soffice executable (tests using it should be marked `soffice`).

    Skips locally without LibreOffice; fails when CI is set, because the CI image installs it
    and a skip there would hide every conversion test.
    """
    return require_soffice()


@pytest.fixture(scope="session")
def yaml_language_server() -> str:
    """Path of the pinned yaml-language-server; start it with ``[path, "--stdio"]`` for LSP.

    Skips locally when it is not installed (``bash scripts/install_system_deps.sh`` installs
    it); fails when CI is set, where that script has run.
    """
    node = shutil.which("node")
    if node and os.access(YAML_LANGUAGE_SERVER, os.X_OK):
        return str(YAML_LANGUAGE_SERVER)
    missing = "Node.js（node）" if not node else f"yaml-language-server（{YAML_LANGUAGE_SERVER}）"
    if os.environ.get("CI"):
        pytest.fail(f"CI 环境必须安装 {missing}（见 scripts/install_system_deps.sh），测试不得跳过")
    pytest.skip(f"{missing} is not installed: run bash scripts/install_system_deps.sh")
