"""Build the wheel, install it with its dependencies in a venv of its own, and render from it.

The venv sees none of the base interpreter's site packages, and pip resolves the wheel's declared
dependencies from its configured index, so a dependency missing from ``pyproject.toml`` fails
here, whatever the machine has installed elsewhere. The test environment's versions are used as
constraints (no version choice to make, and pip's cache already holds those wheels).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"


def clean_env() -> dict[str, str]:
    """The environment without PYTHONPATH or an active venv, so only the installed package counts."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return (wheel, venv python) with the wheel and its dependencies installed."""
    base = tmp_path_factory.mktemp("wheel")
    # No build isolation: the build backend is in the test extra already.
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        base / "dist",
        ROOT,
        cwd=base,
    )
    (wheel,) = (base / "dist").glob("jidi_docs-*.whl")
    # No pip inside the venv (saves bootstrapping one): this pip installs into it via --python.
    run(sys.executable, "-m", "venv", "--without-pip", base / "venv", cwd=base)
    python = base / "venv" / "bin" / "python"
    frozen = run(sys.executable, "-m", "pip", "freeze", "--exclude-editable", cwd=base).stdout
    constraints = base / "constraints.txt"
    constraints.write_text(frozen, "utf-8")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-compile",
        "--only-binary",
        ":all:",
        "--constraint",
        constraints,
        wheel,
        cwd=base,
    )
    return wheel, python


def test_venv_sees_no_system_site_packages(venv: tuple[Path, Path]) -> None:
    _, python = venv
    cfg = (python.parent.parent / "pyvenv.cfg").read_text("utf-8")

    proc = run(python, "-c", "import docx, sys; print(docx.__file__); print(sys.path)", cwd=ROOT)

    assert "include-system-site-packages = false" in cfg
    found = Path(proc.stdout.splitlines()[0])
    assert found.is_relative_to(python.parent.parent), f"python-docx came from {found}"


def test_wheel_carries_both_templates_and_the_profile(venv: tuple[Path, Path]) -> None:
    wheel, _ = venv

    names = zipfile.ZipFile(wheel).namelist()

    assert "jidi_docs/templates/附件1.docx" in names
    assert "jidi_docs/templates/附件2.docx" in names
    assert "jidi_docs/templates/封面.docx" in names
    assert "jidi_docs/schema/profiles/杭州-2021.yaml" in names
    assert "jidi_docs/py.typed" in names


def test_installed_package_renders_the_example_outside_the_source_tree(
    venv: tuple[Path, Path], tmp_path: Path
) -> None:
    _, python = venv
    script = (
        "import sys, jidi_docs\n"
        "from jidi_docs._resources import template_path\n"
        "print(jidi_docs.__file__)\n"
        "print(template_path('附件1'))\n"
        "for p in jidi_docs.render(jidi_docs.load(sys.argv[1]), 'out'):\n"
        "    print(p)\n"
    )

    proc = run(python, "-c", script, EXAMPLE, cwd=tmp_path)

    package, template, *written = proc.stdout.splitlines()
    site = python.parent.parent
    assert Path(package).is_relative_to(site)
    assert Path(template).is_relative_to(site)
    assert not Path(template).is_relative_to(ROOT)
    assert len(written) == 2
    form2 = docx.Document(str(tmp_path / written[1]))
    assert form2.tables[2].rows[1].cells[1].text == "钱七"


def test_console_script_is_installed(venv: tuple[Path, Path], tmp_path: Path) -> None:
    _, python = venv

    proc = run(python.parent / "jidi-docs", "render", EXAMPLE, "-o", tmp_path / "out", cwd=tmp_path)

    assert proc.stdout.count("已生成") == 2
    written = sorted((tmp_path / "out").glob("*.docx"))
    assert len(written) == 2
    assert any(docx.Document(str(p)).tables for p in written)
