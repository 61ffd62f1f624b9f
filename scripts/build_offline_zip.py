"""Build an offline installer zip: the jidi-docs wheel and every wheel it needs for one system.

For office PCs that have Python (python.org) but no way to reach the package index: unpack the
zip, double-click ``安装.cmd`` (Windows) or run ``sh 安装.sh`` (macOS), and pip installs from the
zip's ``wheels`` folder alone (``--no-index``). pip chooses the wheels here as it would on that
system (``pip download --only-binary=:all: --platform … --python-version …``), so a zip for
Windows x64 and Python 3.12 holds exactly what ``py -3.12 -m pip install`` needs there.

Why not a zip with Python inside: the one CPython build made for embedding on Windows (the
"embeddable package") is published only on python.org, and no package registry (PyPI, Debian,
npm) carries a Windows CPython; PyInstaller and Briefcase build for the system they run on.

Usage: ``python scripts/build_offline_zip.py --platform win_amd64 --python 3.12 [--web] -o dist``
(needs the package index, and ``packaging``: ``python -m pip install packaging``).
``--platform native`` builds for this machine (used by the test, which installs from it).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import wheeltargets

ROOT = Path(__file__).resolve().parent.parent

#: Windows: UTF-8 code page for the Chinese text, the Python launcher's version, wheels only.
WINDOWS = """@echo off
chcp 65001 >nul
echo 正在安装 jidi-docs（离线，不需要网络）……
py -{python} -m pip install --user --no-index --find-links "%~dp0wheels" "{spec}"
if errorlevel 1 (
  echo 安装失败。请确认已从 python.org 安装 Python {python}（64 位），并勾选了 Add python.exe to PATH。
) else (
  echo 安装完成。在 PowerShell 里运行 py -{python} -m jidi_docs --help 查看全部命令。
)
pause
"""
MACOS = """#!/bin/sh
cd "$(dirname "$0")"
echo "正在安装 jidi-docs（离线，不需要网络）……"
python{python} -m pip install --user --no-index --find-links ./wheels "{spec}" \\
  && echo "安装完成。运行 python{python} -m jidi_docs --help 查看全部命令。" \\
  || echo "安装失败。请确认已从 python.org 安装 Python {python}。"
"""


def _run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], check=True)


def build(platform: str, python: str, out: Path, *, web: bool) -> Path:
    """Build the zip for `platform` (a wheel platform tag, or ``native``) and `python`
    (``3.12``); return its path."""
    version = python.replace(".", "")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(tmp) / "wheels"
        # Without build isolation where hatchling is installed (the test extra): no download.
        isolation = (
            [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
        )
        _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *isolation,
             "--wheel-dir", wheels, ROOT)  # fmt: skip
        (project,) = wheels.glob("jidi_docs-*.whl")
        target = [] if platform == "native" else ["--platform", platform]
        spec = "jidi-docs[web]" if web else "jidi-docs"
        wanted = [f"{project}[web]" if web else str(project)]
        env = wheeltargets.environment(platform, python)
        for _ in range(5):  # what pip left out for the markers of the running system, then theirs
            _run(sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
                 *target, "--python-version", python, "--implementation", "cp",
                 "--find-links", wheels, "--dest", wheels, *wanted)  # fmt: skip
            wanted = wheeltargets.unmet(
                wheeltargets.wheel_metadata(wheels.glob("*.whl")), [spec], env
            )
            if not wanted:
                break
        else:
            raise SystemExit(f"仍缺少：{wanted}")
        name = f"{project.name.split('-')[1]}-{platform}-cp{version}{'-web' if web else ''}"
        archive = out / f"jidi-docs-{name}-离线安装.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            for wheel in sorted(wheels.glob("*.whl")):
                z.write(wheel, f"wheels/{wheel.name}")
            if platform.startswith("win") or platform == "native":
                text = WINDOWS.format(python=python, spec=spec).replace("\n", "\r\n")
                z.writestr("安装.cmd", text.encode("utf-8"))
            if platform.startswith("macosx") or platform == "native":
                z.writestr("安装.sh", MACOS.format(python=python, spec=spec).encode("utf-8"))
    return archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--platform", default="win_amd64", help="win_amd64, macosx_14_0_arm64 …")
    parser.add_argument("--python", default="3.12", help="the Python version, e.g. 3.12")
    parser.add_argument("--web", action="store_true", help="include the portal ([web])")
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    print(build(args.platform, args.python, args.out, web=args.web))


if __name__ == "__main__":
    main()
