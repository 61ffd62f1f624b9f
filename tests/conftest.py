"""Shared pytest fixtures for the jidi_docs test suite."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pdfhelpers import require_soffice

ROOT = Path(__file__).resolve().parent.parent

#: Where scripts/install_system_deps.sh installs the version pinned in scripts/node/.
YAML_LANGUAGE_SERVER = ROOT / ".cache" / "node" / "node_modules" / ".bin" / "yaml-language-server"


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
