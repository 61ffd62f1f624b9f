"""The line channel between `WarmConverter` and its UNO driver: a loopback socket.

Why a socket, not the driver's standard input and output:

- on Windows, ``select()`` (and so `selectors`) accepts sockets only, never pipes (Python docs of
  `select.select`: "On Windows, only sockets are supported"; CPython ``Modules/selectmodule.c``
  calls Winsock's ``select``), so a reply could not be waited for with a time limit;
- LibreOffice's Python on Windows is a launcher (``program\\python.exe``, LibreOffice core
  ``pyuno/zipcore/python.cxx``) that starts the real interpreter with ``CreateProcessW(…,
  bInheritHandles=FALSE, …)`` and no ``STARTF_USESTDHANDLES``: pipes we hand the launcher are not
  handed on. A socket the driver opens itself does not depend on either.

The driver connects to a port on 127.0.0.1 that we listen on, and first sends a secret it got
through its environment (never its command line, which other local users can read); a
connection without it is closed. Every wait is cut into slices of `SLICE` seconds: Python on
Windows runs a Ctrl-C handler only once a blocking call returns, so no single wait here lasts
longer than that. The same code runs on every OS.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import socket
import time
from collections.abc import Callable
from typing import Any

from .._procs import SLICE  # the longest single wait: a Ctrl-C is handled within it

__all__ = ["SLICE", "TOKEN_ENV", "Channel", "Listener"]
#: The environment variable that hands the driver its secret.
TOKEN_ENV = "JIDI_DOCS_DRIVER_TOKEN"


class Channel:
    """JSON lines over a connected socket, read with deadlines."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = b""
        sock.settimeout(SLICE)

    def send(self, message: dict[str, Any]) -> None:
        """Send one JSON line (raises OSError when the peer is gone)."""
        self._sock.sendall((json.dumps(message) + "\n").encode("utf-8"))

    def readline(self, deadline: float) -> str:
        """Return the next line (without its end).

        Raises:
            TimeoutError: none came before `deadline` (a `time.monotonic` time).
            ConnectionError: the peer closed the connection.
        """
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            # never wait past the deadline: an answer arriving after it is too late
            self._sock.settimeout(min(SLICE, left))
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:  # one slice passed: look at the deadline again
                continue
            except OSError as exc:
                raise ConnectionError(str(exc)) from exc
            if not chunk:
                raise ConnectionError("连接已关闭")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8")

    def read(self, deadline: float) -> dict[str, Any]:
        """Return the next JSON message; see `readline` (ValueError: not JSON)."""
        message: dict[str, Any] = json.loads(self.readline(deadline))
        return message

    def close(self) -> None:
        """Close the connection (the driver then ends, and ends LibreOffice)."""
        with contextlib.suppress(OSError):
            self._sock.close()


class Listener:
    """A port on 127.0.0.1 that accepts one driver, the one that knows `token`."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(16)
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(SLICE)
        self.port: int = self._sock.getsockname()[1]

    def accept(self, deadline: float, alive: Callable[[], bool]) -> Channel:
        """Return the channel of the first connection that sends our token.

        Raises:
            TimeoutError: none came before `deadline`.
            ConnectionError: `alive` says the driver ended before connecting.
        """
        while True:
            if time.monotonic() >= deadline:
                raise TimeoutError
            try:
                sock, _ = self._sock.accept()
            except TimeoutError:
                if not alive():
                    raise ConnectionError("UNO 驱动程序未能启动") from None
                continue
            channel = Channel(sock)
            try:
                first = channel.readline(min(deadline, time.monotonic() + 10))
            except (TimeoutError, ConnectionError, ValueError):
                first = ""
            if hmac.compare_digest(first.encode("utf-8"), self.token.encode("utf-8")):
                return channel
            channel.close()  # not our driver

    def close(self) -> None:
        """Stop listening."""
        with contextlib.suppress(OSError):
            self._sock.close()
