"""The lowest psutil pyproject.toml allows runs the process-stopping code.

Installed in a venv of its own (no system site packages) from pip's configured index, with the
package's source on the path and nothing else: `jidi_docs._procs` needs psutil alone. The kill
path is taken in full: a process tree killed, and the Unix socket a killed program left behind
removed, which reads each process's sockets through ``Process.net_connections`` (psutil 6.0;
5.9 had only ``connections``, and every time-out, interrupt and warm stop then raised
AttributeError).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from packaging.version import Version

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

KILL_PATH = """
import socket, subprocess, sys, time
from pathlib import Path
import psutil
from jidi_docs import _procs

folder = Path(sys.argv[1])
listener = (
    "import socket, sys, time\\n"
    "s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen()\\n"
    "time.sleep(60)\\n"
)
sock = folder / "OSL_PIPE_0_SingleOfficeIPC_test"
parent = subprocess.Popen(
    [sys.executable, "-c",
     "import subprocess, sys; subprocess.run([sys.executable, '-c', sys.argv[1], sys.argv[2]])",
     listener, str(sock)],
)
for _ in range(200):
    if sock.exists():
        break
    time.sleep(0.05)
child = psutil.Process(parent.pid).children(recursive=True)
_procs.kill_tree(parent.pid, sockets="SingleOfficeIPC")
parent.wait(timeout=10)
alive = [p.pid for p in child if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
print(psutil.__version__, len(child), alive, sock.exists())
"""


def _floor() -> str:
    """The psutil version pyproject.toml's dependencies start at."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    (spec,) = [d for d in project["dependencies"] if re.match(r"psutil\b", d)]
    found = re.search(r">=\s*([\d.]+)", spec)
    assert found, spec
    return found.group(1)


def test_the_lowest_psutil_allowed_kills_a_tree_and_removes_its_socket(tmp_path: Path) -> None:
    floor = _floor()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
         "--only-binary", ":all:", f"psutil=={floor}"],
        check=True,
        capture_output=True,
    )  # fmt: skip

    done = subprocess.run(
        [python, "-c", KILL_PATH, tmp_path],
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    version, children, alive, left = done.stdout.split(maxsplit=3)
    assert Version(version) == Version(floor)
    assert int(children) >= 1
    assert (alive, left.strip()) == ("[]", "False")
