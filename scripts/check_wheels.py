"""Which CPython versions can install jidi-docs from wheels alone, on Windows and macOS.

For each system and Python version, pip resolves the project's runtime dependencies (core and
the ``[web]`` extra, with everything they pull in) against the package index's file lists, as
the install on that system would, but accepting binary wheels only (``--only-binary=:all:
--platform … --python-version …``; ``--dry-run`` downloads nothing but metadata). A resolve
that fails means some dependency would have to be compiled there, which an office PC cannot do;
the package pip names is printed.

Usage: ``python scripts/check_wheels.py [--python 3.10 3.11 …] [--markdown]`` (Python 3.11+).
Needs the package index (network); takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import tomllib  # type: ignore[import-not-found,unused-ignore]  # Python 3.11+, run on the build machine
from packaging.utils import canonicalize_name

import wheeltargets

ROOT = Path(__file__).resolve().parent.parent
#: The systems people install on, as pip names their wheels' platforms. macOS: 13 to 15 (a
#: wheel for an older macOS works on newer ones; pip counts those in).
PLATFORMS = {
    "Windows x64": "win_amd64",
    "Windows arm64": "win_arm64",
    "macOS 13 x86_64 (Intel)": "macosx_13_0_x86_64",
    "macOS 13 arm64 (Apple 芯片)": "macosx_13_0_arm64",
    "macOS 14 arm64 (Apple 芯片)": "macosx_14_0_arm64",
    "macOS 15 arm64 (Apple 芯片)": "macosx_15_0_arm64",
}
PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]


def requirements(extras: tuple[str, ...] = ("web",)) -> list[str]:
    """The runtime requirements in pyproject.toml: the dependencies and the `extras`."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    found = list(project["dependencies"])
    for extra in extras:
        found += project["optional-dependencies"][extra]
    return found


def resolve(reqs: list[str], platform: str, python: str) -> tuple[bool, str]:
    """Resolve `reqs` for `platform` and `python` from wheels only, with the dependencies pip
    leaves out for the markers of the running system (`wheeltargets`): (ok, what was missing
    or how many wheels)."""
    env = wheeltargets.environment(platform, python)
    extra: list[str] = []
    for _ in range(5):
        ok, note, packages = _resolve_once([*reqs, *extra], platform, python)
        if not ok:
            return ok, note
        more = wheeltargets.unmet(packages, [*reqs, *extra], env)
        if not more:
            return ok, note
        extra += more
    return False, f"仍缺少 {extra}"


def _resolve_once(
    reqs: list[str], platform: str, python: str
) -> tuple[bool, str, dict[str, list[str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
             "--quiet", "--report", str(report), "--only-binary=:all:",
             "--platform", platform, "--python-version", python, "--implementation", "cp",
             "--target", str(Path(tmp) / "target"), *reqs],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode == 0:
            wheels = json.loads(report.read_text("utf-8"))["install"]
            packages: dict[str, list[str]] = {
                canonicalize_name(w["metadata"]["name"]): w["metadata"].get("requires_dist", [])
                for w in wheels
            }
            return True, f"{len(wheels)} 个 wheel", packages
    missing = re.findall(r"No matching distribution found for ([^\s]+)", done.stderr)
    # Every version of a package rejected: one of its own dependencies has no wheel there.
    missing += re.findall(r"Cannot install ([\w.\-]+(?:\[[^\]]+\])?)==", done.stderr)[:1]
    if missing:
        return False, "缺少 " + "、".join(dict.fromkeys(missing)) + " 的 wheel", {}
    return False, done.stderr.strip().splitlines()[-1][:80], {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--python", nargs="+", default=PYTHONS)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    core, full = requirements(()), requirements()
    rows = []
    for label, platform in PLATFORMS.items():
        cells = []
        for python in args.python:
            ok, note = resolve(full, platform, python)
            if ok:
                cells.append("✓ 全部（含网页版）")
            else:
                core_ok, core_note = resolve(core, platform, python)
                cells.append(f"✓ 仅命令行；网页版{note}" if core_ok else f"✗ {core_note}")
            print(f"# {label} Python {python}: {cells[-1]}", file=sys.stderr, flush=True)
        rows.append((label, cells))
    if args.markdown:
        print("| 系统 | " + " | ".join(f"Python {v}" for v in args.python) + " |")
        print("|---|" + "---|" * len(args.python))
        for label, cells in rows:
            print(f"| {label} | " + " | ".join(cells) + " |")
    else:
        for label, cells in rows:
            print(label, *cells, sep="\t")


if __name__ == "__main__":
    main()
