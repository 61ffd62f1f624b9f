"""How the ``jidi-docs`` process ends (jidi_docs.cli.run), run as real subprocesses: the exit
code, the output and the `atexit` handlers survive skipping Python's module teardown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"

SCRIPT = """
import atexit, sys, threading, time
from pathlib import Path
from jidi_docs.cli import run
marks = Path(sys.argv[1])
atexit.register(lambda: marks.joinpath("atexit").write_text("ran"))
if sys.argv[2] == "thread":
    def late():
        time.sleep(0.5)
        marks.joinpath("thread").write_text("done")
    threading.Thread(target=late).start()
sys.argv = ["jidi-docs", *sys.argv[3:]]
run()
print("not reached", file=sys.stderr)
"""


def _run(tmp_path: Path, *args: str, thread: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), "thread" if thread else "-", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", str(EXAMPLE)], 0),
        (["check", "没有这个文件.yaml"], 1),
        (["check", "--no-such-option"], 2),
        (["--version"], 0),
    ],
)
def test_exit_code_output_and_atexit_handlers_survive_the_quick_exit(
    tmp_path: Path, args: list[str], code: int
) -> None:
    done = _run(tmp_path, *args)

    assert done.returncode == code, done.stderr
    assert "not reached" not in done.stderr
    assert (tmp_path / "atexit").read_text() == "ran"
    if args[0] == "check" and code == 0:
        # Everything the command printed reached the pipe, down to the last line.
        assert done.stdout.rstrip().endswith("预审结果：17 项符合，1 项需注意，0 项不符合。")
    if code == 1:
        assert "文件不存在" in done.stderr


def test_output_to_a_file_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    with out.open("w", encoding="utf-8") as fh:
        done = subprocess.run(
            [sys.executable, "-m", "jidi_docs", "check", str(EXAMPLE)],
            stdout=fh,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )

    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert text.startswith(f"{EXAMPLE}：填写正确。")
    assert text.rstrip().endswith("预审结果：17 项符合，1 项需注意，0 项不符合。")


def test_a_thread_still_running_is_waited_for(tmp_path: Path) -> None:
    done = _run(tmp_path, "check", str(EXAMPLE), thread=True)

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "thread").read_text() == "done"
    assert (tmp_path / "atexit").read_text() == "ran"
