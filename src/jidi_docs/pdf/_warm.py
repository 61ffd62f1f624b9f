"""A LibreOffice kept running across conversions, for long-running work (the portal, long batches).

Why: starting LibreOffice costs about a second of every conversion call; a bundle's own documents
then take a fraction of that. `WarmConverter` starts LibreOffice once, listening on a private
pipe, and hands it documents over UNO through a small driver (`_uno_driver`) run by a Python
that has LibreOffice's ``uno`` module (Debian's python3-uno for /usr/bin/python3; LibreOffice's
own Python on Windows and macOS), which talks to us over a loopback socket (`_channel`: why not
its standard input and output). Measured in ``benchmarks/bundle.py`` (section warm).

Everything else is `SofficeConverter`'s: staged copies, documents of one template merged, every
output checked, one retry. Only the step that ran ``soffice --convert-to`` goes to the running
office instead. Safety:

- the office converts one job at a time, each document opened, exported and closed before the
  next, so two jobs never share a document; a second job may be handed over while the first
  runs (it waits in the driver, so the office goes on without a pause), a third waits here;
- a job that takes longer than the timeout, or a LibreOffice that crashed, ends both processes;
  the next job (the retry included) starts them again, with a fresh profile after a failure;
- no Python with ``uno``, or an office that does not come up: the one-shot conversion is used
  instead (with a warning), so a warm converter never converts less than a cold one.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .. import _platform, _procs
from ..errors import ConversionError
from . import _fonts, _soffice
from ._channel import TOKEN_ENV, Channel, Listener
from ._convert import SofficeConverter

__all__ = ["WarmConverter", "uno_python"]

logger = logging.getLogger(__name__)

_DRIVER = Path(__file__).with_name("_uno_driver.py")

#: How a Python with ``uno`` is started. Not ``-I``: LibreOffice's own Python is a launcher on
#: Windows (``program\python.exe``, LibreOffice's ``pyuno/zipcore/python.cxx``) and macOS
#: (``Contents/Resources/python``, ``pyuno/zipcore/python.sh``/``mac.sh``) that puts ``uno`` on
#: PYTHONPATH and sets PYTHONHOME, then starts the real interpreter with the same arguments;
#: ``-I`` implies ``-E``, which makes that interpreter ignore both, so ``import uno`` fails.
#: ``-s`` keeps the user's own site-packages out (every Python we may meet, 3.8 on, has it);
#: the ``PYTHON*`` variables of our own environment are left out instead of ``-E`` (`_python_env`).
PYTHON_FLAGS = ("-s",)


def _python_env() -> dict[str, str]:
    """Our environment without its ``PYTHON*`` variables (our venv's paths must not reach
    Debian's python3; LibreOffice's launchers set their own)."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("PYTHON")}


def _has_uno(python: str) -> bool:
    """Whether `python` (an interpreter or LibreOffice's launcher) can ``import uno``."""
    try:
        probe = subprocess.run(
            [python, *PYTHON_FLAGS, "-c", "import uno"],
            capture_output=True,
            timeout=30,
            check=False,
            env=_python_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


@cache
def uno_python(soffice: str | None = None) -> str | None:
    """Return a Python that can ``import uno``, or None.

    Tried in order: ``JIDI_DOCS_UNO_PYTHON``, this Python, the ``python`` beside the LibreOffice
    program (Windows and macOS installs bring one), ``/usr/bin/python3`` (Debian's python3-uno).
    """
    candidates = [os.environ.get("JIDI_DOCS_UNO_PYTHON"), sys.executable]
    if soffice:
        program = Path(soffice).resolve().parent
        candidates += [str(program / "python"), str(program / "python.exe")]
        candidates.append(str(program.parent / "Resources" / "python"))  # LibreOffice.app
    candidates.append("/usr/bin/python3")
    for python in dict.fromkeys(c for c in candidates if c):
        if Path(python).is_file() and _has_uno(python):
            return python
    return None


class WarmConverter(SofficeConverter):
    """Convert documents with one LibreOffice kept running until `close`.

    Use it like `SofficeConverter`, for as long as the work lasts::

        with WarmConverter() as conv:
            for job in jobs:
                pdfs = conv.convert(job.docs, job.out_dir)

    Safe to share between threads: jobs run one after the other.

    Args:
        python: a Python with LibreOffice's ``uno`` module (default: found by `uno_python`).
        start_timeout: seconds allowed for LibreOffice to start and accept the driver.
        Others: as for `SofficeConverter`; `timeout` and `timeout_per_document` bound each job.

    Raises:
        ConversionError: LibreOffice is not installed.
    """

    def __init__(
        self,
        *,
        python: str | None = None,
        start_timeout: float = 120.0,
        timeout: float = 120.0,
        timeout_per_document: float = 30.0,
        soffice: str | None = None,
        merge: bool = True,
        pdfa: bool = False,
    ) -> None:
        super().__init__(
            timeout=timeout,
            timeout_per_document=timeout_per_document,
            soffice=soffice,
            merge=merge,
            pdfa=pdfa,
        )
        self.python = python or uno_python(self.soffice)
        # `submit` hands documents to the running office and returns at once (without a Python
        # with ``uno`` every conversion starts LibreOffice).
        self.background = self.python is not None
        if self.python is None:
            logger.warning(
                "未找到带 uno 模块的 Python（%s），每次转换将单独启动 LibreOffice。",
                _platform.uno_python_hint(),
            )
        self.start_timeout = start_timeout
        self._lock = threading.Lock()
        self._office: subprocess.Popen[bytes] | None = None
        self._driver: subprocess.Popen[bytes] | None = None
        self._channel: Channel | None = None
        self._office_profile: Path | None = None
        #: Jobs handed to the office, oldest first; it converts them one after the other.
        self._queue: collections.deque[_Job] = collections.deque()
        #: Taken in `_begin`, given back when the job's answer is read or the office stopped.
        self._slots = threading.BoundedSemaphore(2)
        self._starter: threading.Thread | None = None
        self.starts = 0  # how many times LibreOffice was started (for tests and benchmarks)

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop LibreOffice and the driver, then remove the profile and scratch files."""
        with self._lock:
            self._closed = True  # under this lock: a start in the background never follows
            self._stop()
        super().close()

    def prestart(self) -> bool:
        """Start LibreOffice in the background now; return whether a start was begun.

        Why: the start takes one to two seconds. Begun before the first documents are ready (a
        batch worker calls this before filling its first forms), it is over, or nearly, by the
        time they are; the first job waits for whatever is left of it. A start that fails here
        is simply made again by the first job, which then reports the failure.
        """
        if self.python is None or self._closed or self._starter is not None or self.running:
            return False

        def start() -> None:
            with self._lock:
                if self._closed or self.running:
                    return
                try:
                    self._start(self._profile)
                except Exception as exc:  # noqa: BLE001 - the first job starts it again
                    logger.debug("LibreOffice could not be started ahead: %s", exc)
                    self._stop()

        self._starter = threading.Thread(target=start, daemon=True)
        self._starter.start()
        return True

    @property
    def running(self) -> bool:
        """True while the office and its driver are up."""
        return (
            self._office is not None
            and self._office.poll() is None
            and self._driver is not None
            and self._driver.poll() is None
        )

    def _start(self, profile: Path) -> None:
        """Start LibreOffice with `profile`, listening on a private pipe, and the driver."""
        assert self.python is not None
        if not (profile / "user").is_dir() and not _soffice.seed_profile(self.soffice, profile):
            _fonts.write_substitution_table(profile)
        pipe = f"jidi-{uuid.uuid4().hex}"
        env = self._env()
        self._office = _platform.start_tree(
            [
                self.soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._office_profile = profile
        self.starts += 1
        listener = Listener()
        try:
            log = profile.parent / f"uno-driver-{self.starts}.log"
            with log.open("wb") as err:  # why it failed, should it fail before connecting
                self._driver = _platform.start_tree(
                    [
                        self.python,
                        *PYTHON_FLAGS,
                        str(_DRIVER),
                        pipe,
                        str(self.start_timeout),
                        str(listener.port),
                    ],
                    env={**_python_env(), TOKEN_ENV: listener.token},
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                )
            deadline = time.monotonic() + self.start_timeout
            driver = self._driver
            try:
                self._channel = listener.accept(deadline, lambda: driver.poll() is None)
            except ConnectionError as exc:
                raise ConnectionError(log.read_text("utf-8", "replace").strip()[-1500:]) from exc
        finally:
            listener.close()
        self._read_reply(deadline)  # {"ready": true}

    def _stop(self, reason: str = "LibreOffice 已停止") -> None:
        """End the driver and the office (whatever state they are in); the jobs handed to it
        end with `reason`."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        for proc in (self._driver, self._office):
            if proc is not None and proc.poll() is None:
                _procs.kill_tree(proc.pid, sockets=_soffice.SOCKETS)
            if proc is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=10)
                for stream in (proc.stdin, proc.stdout, proc.stderr):
                    if stream is not None:
                        with contextlib.suppress(OSError):
                            stream.close()
        if self._office_profile is not None:
            # soffice.bin left behind
            _procs.kill_matching(self._office_profile.as_uri(), sockets=_soffice.SOCKETS)
        self._office = self._driver = None
        self._office_profile = None
        for job in self._queue:  # jobs handed to the stopped office will never be answered
            job.error = job.error or reason
            self._slots.release()
        self._queue.clear()

    # -- one job --------------------------------------------------------------------------------

    def _read_reply(self, deadline: float) -> dict[str, list[str]]:
        """Return the driver's next answer; raise TimeoutError (after `deadline`, a
        `time.monotonic` time) or ConnectionError (the driver ended, or could not reach
        LibreOffice)."""
        assert self._channel is not None
        reply: dict[str, Any] = self._channel.read(deadline)
        if "fatal" in reply:
            raise ConnectionError(str(reply["fatal"])[-1500:])
        return reply

    def _begin(self, docs: list[Path], out_dir: Path, profile: Path, pdf_filter: str) -> object:
        """Hand `docs` to the running office (started first if need be) and return at once."""
        run = None if self.python is None else self._hand_over(docs, out_dir, profile, pdf_filter)
        if run is None:
            return super()._run(docs, out_dir, profile, pdf_filter=pdf_filter)
        return run

    def _hand_over(
        self, docs: list[Path], out_dir: Path, profile: Path, pdf_filter: str
    ) -> _Job | None:
        """Write the job to the driver and return it; None when the office does not come up."""
        self._slots.acquire()  # `_end` or `_stop` gives it back
        handed = False
        try:
            with self._lock:
                self._check_open()  # closed from another thread: no LibreOffice after `close`
                if not self.running or self._office_profile != profile:
                    self._stop()
                    try:
                        self._start(profile)
                    except (TimeoutError, ConnectionError) as exc:
                        self._stop()
                        logger.warning("LibreOffice 常驻进程未能启动（%s），改为单次转换。", exc)
                        return None
                timeout = self.timeout + self.timeout_per_document * len(docs)
                # A job queued behind another starts when that one ends, at its deadline latest.
                begins = max([time.monotonic(), *(j.deadline for j in self._queue)])
                run = _Job(len(docs), timeout, begins + timeout)
                self._queue.append(run)
                handed = True
                job = {
                    "docs": [str(d) for d in docs],
                    "out_dir": str(out_dir),
                    "filter": self._export_filter(pdf_filter),
                }
                assert self._channel is not None
                with contextlib.suppress(OSError):  # the driver is gone: `_end` finds out
                    self._channel.send(job)
                return run
        except BaseException:
            with self._lock:
                self._stop()  # which ends a job handed over
            raise
        finally:
            if not handed:
                self._slots.release()

    def _end(self, run: object) -> subprocess.CompletedProcess[str]:
        """Wait for the office to finish the job `_begin` handed it (and any job before it)."""
        if not isinstance(run, _Job):
            return super()._end(run)
        with self._lock:
            while run.reply is None and run in self._queue:
                first = self._queue[0]  # answers come in the order the jobs were handed over
                try:
                    first.reply = self._read_reply(first.deadline)
                except TimeoutError:
                    first.timed_out = True
                    self._stop()  # which ends the jobs behind it too: their retry starts anew
                    continue
                except (ConnectionError, ValueError) as exc:
                    self._stop(f"LibreOffice 异常退出：{exc}")  # the retry starts a new office
                    continue
                except BaseException:
                    self._stop()
                    raise
                self._queue.popleft()
                self._slots.release()
            if run.timed_out:
                raise ConversionError(
                    f"LibreOffice 转换超时（{run.timeout:.0f} 秒内未完成 {run.count} 个文档），"
                    "已终止。请检查文档是否过大或损坏，或关闭占用资源的程序后重试。"
                )
            if run.reply is None:  # stopped meanwhile (closed, crashed or interrupted)
                return subprocess.CompletedProcess(["uno"], 1, "", run.error)
            if not self.running:
                self._stop()
            errors = run.reply.get("errors", [])
            return subprocess.CompletedProcess(["uno"], 1 if errors else 0, "", "\n".join(errors))

    def _run(
        self, docs: list[Path], out_dir: Path, profile: Path, *, pdf_filter: str = "pdf"
    ) -> subprocess.CompletedProcess[str]:
        """Convert `docs` into `out_dir` in the running office (started first if need be)."""
        return self._end(self._begin(docs, out_dir, profile, pdf_filter))


@dataclass(eq=False)
class _Job:
    """A job handed to the office: how many documents, by when it must be done, and how it
    ended: the driver's answer, a time-out, or why the office stopped before answering."""

    count: int
    timeout: float
    deadline: float
    reply: dict[str, list[str]] | None = None
    timed_out: bool = False
    error: str = ""
