"""Everything that depends on the operating system, in one place.

Limits for one unit of work (`work_limits`): a time limit (POSIX interval timer; the running code
gets `TimeLimitExceeded`) and a memory ceiling (POSIX ``RLIMIT_AS``: an allocation beyond it raises
`MemoryError`). Where the system has neither (Windows) the work runs without them.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["TimeLimitExceeded", "work_limits"]

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]


class TimeLimitExceeded(Exception):
    """The unit of work ran longer than its time limit."""


def _raise_time_limit(signum: int, frame: FrameType | None) -> None:
    raise TimeLimitExceeded


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None
    previous = signal.signal(signal.SIGALRM, _raise_time_limit)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _address_space() -> int | None:
    """Return this process's current virtual memory size in bytes, or None if unknown."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency
        return None
    return int(psutil.Process().memory_info().vms)


@contextlib.contextmanager
def _memory_ceiling(extra_bytes: int | None) -> Iterator[None]:
    """Let this process grow by at most `extra_bytes` of address space inside the block.

    Why address space: it is the limit every POSIX system enforces on allocation itself, so a
    runaway allocation fails with MemoryError in the work that made it, not in the whole worker
    later. Child processes started inside the block would inherit it: start none there.
    """
    # The limit is the whole process's: a thread of a host program (an executor's worker
    # thread) must not set it for everyone; and macOS does not enforce RLIMIT_AS.
    in_main = threading.current_thread() is threading.main_thread()
    usable = extra_bytes is not None and resource is not None and in_main
    current = _address_space() if usable else None
    if current is None or sys.platform == "darwin":
        yield
        return
    assert extra_bytes is not None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = current + extra_bytes
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY:
        ceiling = min(ceiling, soft)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def work_limits(*, seconds: float | None, memory_bytes: int | None) -> Iterator[None]:
    """Run the block with a time limit and a memory ceiling (None: no limit of that kind).

    Raises (inside the block):
        TimeLimitExceeded: the block ran longer than `seconds` (checked between Python steps).
        MemoryError: the block allocated more than `memory_bytes` beyond what the process had.
    """
    with _time_limit(seconds), _memory_ceiling(memory_bytes):
        yield
