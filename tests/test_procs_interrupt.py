"""A Ctrl-C during a LibreOffice conversion is handled at once, also where waits cannot be cut.

Python on Windows runs a Ctrl-C handler only after a blocking wait returns: CPython
``Lib/subprocess.py`` waits for a process with one ``_winapi.WaitForSingleObject(self._handle,
timeout_millis)`` (``Popen._wait``, Windows branch) and, with pipes, joins its reader threads
with the whole time left (``Popen._communicate``); ``Modules/_winapi.c`` releases the GIL for
that wait and nothing wakes it for Ctrl-C. On Linux a signal cuts any wait short (PEP 475), so
here each of those waits is run with SIGINT blocked (``pthread_sigmask``), which gives Windows'
order of events with a real SIGINT: it is handled when the wait returns, not before. The same
holds for waiting on a worker's result before Python 3.14 (Python docs, `threading.Lock.acquire`:
"Lock acquisition can now be interrupted by signals on Windows", changed in 3.14), which a
batch does while its workers' LibreOffice runs and ``bundle`` while its conversion thread does.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import signal, subprocess, sys, time
sys.path.insert(0, sys.argv[1])
from jidi_docs import _platform, _procs

announced = []

def uninterruptible(wait):
    def windows_like(*args, **kwargs):
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        if not announced:  # the parent sends its SIGINT once a wait has begun
            announced.append(print("waiting", flush=True))
        try:
            return wait(*args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    return windows_like

subprocess.Popen._wait = uninterruptible(subprocess.Popen._wait)
subprocess.Popen._communicate = uninterruptible(subprocess.Popen._communicate)
proc = _platform.start_tree(["sleep", sys.argv[3]])
try:
    if sys.argv[2] == "ours":
        _procs.communicate(proc, 120)
    else:
        proc.communicate(timeout=120)
    print("not interrupted", flush=True)
except KeyboardInterrupt:
    print("interrupted while running" if proc.poll() is None else "interrupted after", flush=True)
finally:
    proc.kill()
    proc.wait()
"""


def _interrupt(how: str, seconds: int, script: str = SCRIPT) -> str:
    """Run `script` (waiting `how`: "ours" or "one wait"), send SIGINT once it waits; return
    what it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(ROOT / "src"), how, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "waiting"
    proc.send_signal(signal.SIGINT)  # a real Ctrl-C, to this process only
    out, _ = proc.communicate(timeout=60)
    return out.strip()


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_ctrl_c_is_handled_while_libreoffice_still_runs() -> None:
    assert _interrupt("ours", 60) == "interrupted while running"


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_control_one_long_wait_holds_ctrl_c_until_the_program_ends() -> None:
    """The emulation is faithful: ``communicate(timeout=…)`` in one piece, as the conversion
    waited before, handles the Ctrl-C only after the program ended."""
    assert _interrupt("one wait", 3) == "interrupted after"


FUTURES = """
import signal, sys, threading, time
import concurrent.futures as cf
sys.path.insert(0, sys.argv[1])
from jidi_docs import _procs

announced = []
wait = threading.Condition.wait

def windows_like(self, timeout=None):
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    if not announced and threading.current_thread() is threading.main_thread():
        announced.append(print("waiting", flush=True))
    try:
        return wait(self, timeout)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)

pool = cf.ThreadPoolExecutor(1)
future = pool.submit(time.sleep, float(sys.argv[3]))
threading.Condition.wait = windows_like  # the worker runs: only our waits from here
try:
    if sys.argv[2] == "ours":
        _procs.result(future)
    else:
        future.result()
    print("not interrupted", flush=True)
except KeyboardInterrupt:
    print("interrupted while running" if not future.done() else "interrupted after", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_ctrl_c_is_handled_while_a_worker_still_converts() -> None:
    assert _interrupt("ours", 5, FUTURES) == "interrupted while running"


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_control_waiting_for_a_result_in_one_piece_holds_ctrl_c() -> None:
    assert _interrupt("one wait", 3, FUTURES) == "interrupted after"
