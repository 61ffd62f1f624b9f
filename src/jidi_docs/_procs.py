"""Stopping the processes we started, and those they started: portable, through psutil.

Why a module of its own: stopping a LibreOffice must leave nothing behind on every system — not
the launcher, not soffice.bin, not a soffice.bin started just as its launcher was stopped — and
psutil does the same on Windows, macOS and Linux (no ``/proc``, no process groups), so none of
this needs `jidi_docs._platform`. Waiting for them, or for work done alongside them, is cut
into short slices, so a Ctrl-C is handled at once on Windows too (`communicate`, `as_completed`).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ._lazy import OnFirstUse

if TYPE_CHECKING:
    import concurrent.futures as cf

    import psutil
else:  # ~15 ms at every start, only stopping processes needs it: imported when used
    psutil = OnFirstUse("psutil")

__all__ = [
    "SLICE",
    "as_completed",
    "communicate",
    "descendants",
    "kill_matching",
    "kill_tree",
    "result",
]

#: Longest single wait for a process or a worker, in seconds (see `communicate`).
SLICE = 0.25

_T = TypeVar("_T")


def _kill_all(procs: Sequence[psutil.Process], sockets: str | None = None) -> int:
    """Kill `procs` children first, waiting for each generation before killing its parents.

    Why in that order: a parent still running collects its killed child at once (LibreOffice's
    launcher waits for soffice.bin); a child whose parent was killed first is left to the
    system's init, and we measured one that reaps such orphans only after a second.

    With `sockets`, the Unix socket files they listened on whose path contains it are removed
    afterwards: a killed program leaves them behind (LibreOffice: ``/tmp/OSL_PIPE_…``).
    """
    files = [s for s in _unix_sockets(procs) if sockets in s] if sockets else []
    left = list(procs)
    killed = 0
    while left:
        parents = set()
        for p in left:
            with contextlib.suppress(psutil.Error):
                parents.add(p.ppid())
        # Those that are no one's parent here; all that are left when they form a cycle (a
        # process id reused meanwhile).
        leaves = [p for p in left if p.pid not in parents] or left
        for p in leaves:
            with contextlib.suppress(psutil.Error):
                p.kill()
                killed += 1
        psutil.wait_procs(leaves, timeout=5)
        left = [p for p in left if p not in leaves]
    for path in files:
        with contextlib.suppress(OSError):
            Path(path).unlink()
    return killed


def kill_tree(pid: int, *, sockets: str | None = None) -> None:
    """Kill process `pid` and every process it started (LibreOffice's launcher and soffice.bin);
    `sockets` as for `kill_matching`."""
    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    _kill_all(procs, sockets)


def _matching(marker: str) -> list[psutil.Process]:
    """Every process (but this one) whose command line mentions `marker`."""
    me = os.getpid()
    return [
        p
        for p in psutil.process_iter(["cmdline"])
        if p.pid != me and any(marker in part for part in p.info.get("cmdline") or [])
    ]


def _unix_sockets(procs: Sequence[psutil.Process]) -> set[str]:
    """The paths of the Unix sockets `procs` listen on; none where the system does not say
    (Windows has no such files)."""
    paths: set[str] = set()
    for p in procs:
        with contextlib.suppress(psutil.Error, ValueError, NotImplementedError):
            # For Unix sockets psutil gives the address as the path (a str).
            paths.update(str(c.laddr) for c in p.net_connections(kind="unix") if c.laddr)
    return paths


def kill_matching(marker: str, *, sockets: str | None = None) -> int:
    """Kill every process (ours) whose command line mentions `marker`; return how many.

    Why: a program can outlive the handle we hold on it: a signal may land while
    `subprocess.Popen` is still starting it, and soffice.bin can outlive its launcher. Our
    private profile folder is in every LibreOffice command line we start, so it names exactly our
    processes. With `sockets`, the Unix socket files they listened on whose path contains it are
    removed too (see `_kill_all`).
    """
    killed = 0
    # Scanned again after each kill: a launcher killed while it was starting its program
    # (LibreOffice's soffice → soffice.bin, just after it was started) leaves that program
    # running on its own, and only a second look finds it.
    for _ in range(5):
        hits = _matching(marker)
        if not hits:
            break
        killed += _kill_all(hits, sockets)
    return killed


def communicate(proc: subprocess.Popen[bytes], timeout: float) -> tuple[bytes | None, bytes | None]:
    """Return `proc`'s output once it ends, like ``proc.communicate(timeout=timeout)``, but
    waiting in slices of `SLICE` seconds.

    Why: Python on Windows runs a Ctrl-C handler only after a blocking wait returns (CPython
    ``Lib/subprocess.py``: ``Popen._wait`` is one ``_winapi.WaitForSingleObject(handle,
    timeout)`` and ``_communicate`` joins its reader threads with the whole time left; neither
    wakes for Ctrl-C), so one wait of two minutes would hold a Ctrl-C until LibreOffice is
    done. Waiting again after `subprocess.TimeoutExpired` loses no output (Python docs of
    ``Popen.communicate``).

    Raises:
        subprocess.TimeoutExpired: `proc` ran longer than `timeout`.
    """
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        try:
            return proc.communicate(timeout=max(0.0, min(SLICE, left)))
        except subprocess.TimeoutExpired:
            if left <= SLICE:
                raise


def as_completed(futures: Iterable[cf.Future[_T]]) -> Iterator[cf.Future[_T]]:
    """Yield `futures` as they finish, like `concurrent.futures.as_completed`, waiting in slices
    of `SLICE` seconds.

    Why: before Python 3.14 a lock wait on Windows cannot be cut short by Ctrl-C (threading
    docs, ``Lock.acquire``: interruptible on Windows only since 3.14), and waiting for a future
    without a time limit is one such wait; the batch waits on its workers that way for as long
    as their LibreOffice runs.
    """
    import concurrent.futures as cf

    pending = set(futures)
    while pending:
        done, pending = cf.wait(pending, timeout=SLICE, return_when=cf.FIRST_COMPLETED)
        yield from done


def result(future: cf.Future[_T]) -> _T:
    """Return `future`'s result (or raise its exception), waiting in slices (`as_completed`)."""
    for done in as_completed([future]):
        return done.result()
    raise AssertionError("unreachable")  # pragma: no cover


def descendants() -> set[int]:
    """The ids of every process this one started, directly or not."""
    try:
        return {p.pid for p in psutil.Process().children(recursive=True)}
    except psutil.Error:
        return set()
