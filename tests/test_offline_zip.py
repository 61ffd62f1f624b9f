"""scripts/build_offline_zip.py: an offline installer zip holds every wheel jidi-docs needs.

For this machine the zip is built and jidi-docs installed from it alone (``--no-index``) into a
venv of its own, then run. For Windows x64 the zip is built and checked without Windows (sources
of what is simulated in brackets): every
wheel fits CPython 3.12 on win_amd64 (wheel tags, PEP 425), every dependency is there with the
environment markers evaluated as on Windows (PEP 508; pip evaluates them for the system it runs
on, so Django's ``tzdata; sys_platform == "win32"`` must be added by the script), and
``安装.cmd`` is what cmd.exe runs: CRLF lines, ``chcp 65001`` for the UTF-8 text, the Python
launcher ``py -3.12`` (Python docs, "Using Python on Windows", 4.8 Python Launcher for Windows)
and ``%~dp0`` for the zip's folder (Microsoft, "call": ``%~dp0`` expands to the drive and path
of the batch file).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging import tags
from packaging.utils import parse_wheel_filename

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import build_offline_zip
import wheeltargets

EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _unpack(archive: Path, folder: Path) -> Path:
    with zipfile.ZipFile(archive) as z:
        z.extractall(folder)
    return folder


def test_jidi_docs_installs_from_the_zip_alone_and_runs(tmp_path: Path) -> None:
    archive = build_offline_zip.build("native", PYTHON, tmp_path / "dist", web=False)
    folder = _unpack(archive, tmp_path / "unpacked")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", tmp_path / "venv"], check=True)
    python = tmp_path / "venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}

    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index",
         "--find-links", folder / "wheels", "jidi-docs"],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    done = subprocess.run(
        [tmp_path / "venv" / "bin" / "jidi-docs", "check", EXAMPLE],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "预审结果：" in done.stdout
    assert "安装.sh" in zipfile.ZipFile(archive).namelist()


def test_the_windows_zip_carries_every_wheel_and_the_launcher(tmp_path: Path) -> None:
    archive = build_offline_zip.build("win_amd64", "3.12", tmp_path / "dist", web=True)
    folder = _unpack(archive, tmp_path / "unpacked")
    wheels = sorted((folder / "wheels").glob("*.whl"))
    # The tags CPython 3.12 on win_amd64 accepts, as pip itself lists them (packaging.tags).
    fits = {
        *tags.cpython_tags((3, 12), platforms=["win_amd64"]),
        *tags.compatible_tags((3, 12), platforms=["win_amd64"]),
    }

    for wheel in wheels:
        *_, wheel_tags = parse_wheel_filename(wheel.name)
        assert wheel_tags & fits, wheel.name
    names = {parse_wheel_filename(w.name)[0] for w in wheels}
    env = wheeltargets.environment("win_amd64", "3.12")
    assert wheeltargets.unmet(wheeltargets.wheel_metadata(wheels), ["jidi-docs[web]"], env) == []
    assert {"jidi-docs", "pikepdf", "pydantic-core", "django", "tzdata"} <= names
    script = (folder / "安装.cmd").read_bytes().decode("utf-8")
    assert script.count("\r\n") == script.count("\n")  # every line ends in CRLF
    assert script.startswith("@echo off\r\nchcp 65001 >nul\r\n")
    assert (
        'py -3.12 -m pip install --user --no-index --find-links "%~dp0wheels" "jidi-docs[web]"'
        in script
    )
