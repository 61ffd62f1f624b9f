"""`make demo` installs what the demo needs; `make test` (and .ci/run) everything the tests drive."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "install_system_deps.sh"
#: What the bare machine below has: a shell and the few tools the script itself uses.
TOOLS = ("bash", "dirname", "grep", "ls", "cat", "cmp", "cp", "mkdir")
#: Packages only the tests need, never the demo.
TEST_ONLY = {"nodejs", "npm", "chromium", "qpdf", "ghostscript", "poppler-utils", "caddy"}


def _bare_machine(tmp_path: Path) -> tuple[Path, Path]:
    """A PATH with the basic tools and a stand-in apt-get that writes down what it is asked for;
    `fc-list` finds no font, `id` says root. LibreOffice, Node.js … are nowhere on it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    log = tmp_path / "apt.log"
    (bin_dir / "apt-get").write_text(f'#!{shutil.which("bash")}\necho "$@" >> {log}\n', "utf-8")
    (bin_dir / "fc-list").write_text(f"#!{shutil.which('bash')}\nexit 0\n", "utf-8")
    # As root, as on a fresh CI machine (the script would otherwise ask sudo).
    (bin_dir / "id").write_text(f"#!{shutil.which('bash')}\necho 0\n", "utf-8")
    for stub in ("apt-get", "fc-list", "id"):
        (bin_dir / stub).chmod(0o755)
    return bin_dir, log


def _installed(tmp_path: Path, *args: str) -> set[str]:
    bin_dir, log = _bare_machine(tmp_path)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}

    done = subprocess.run(
        ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    lines = log.read_text("utf-8").splitlines()
    installs = [line for line in lines if line.startswith("install")]
    assert len(installs) == 1, lines
    return {word for word in installs[0].split() if not word.startswith("-")} - {"install"}


def test_the_demo_installs_libreoffice_writer_and_fonts_only(tmp_path: Path) -> None:
    assert _installed(tmp_path, "demo") == {
        "libreoffice-writer-nogui",
        "fonts-noto-cjk",
        "fonts-liberation2",
    }


def test_the_tests_install_the_demos_set_and_what_they_drive(tmp_path: Path) -> None:
    wanted = _installed(tmp_path / "test", "test")

    assert {"libreoffice-writer-nogui", "fonts-noto-cjk", "fonts-liberation2"} <= wanted
    assert wanted >= TEST_ONLY
    assert _installed(tmp_path / "default") == wanted  # .ci/run calls it without a word


def test_make_demo_installs_the_package_alone_and_the_demos_programs() -> None:
    commands = subprocess.run(
        ["make", "-n", "-B", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout

    assert "pip install --quiet -e .\n" in commands
    assert "[test]" not in commands
    assert "install_system_deps.sh demo" in commands


def test_make_test_installs_the_test_extra_and_everything_the_tests_drive() -> None:
    commands = subprocess.run(
        ["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout

    assert "pip install --quiet -e '.[test]'" in commands
    assert "install_system_deps.sh test" in commands
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "bash scripts/install_system_deps.sh\n" in ci  # everything, as `test` installs
