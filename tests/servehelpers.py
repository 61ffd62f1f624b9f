"""Start ``jidi-docs serve`` in a subprocess for tests that talk to a real server over HTTP."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["PASSWORD", "free_port", "open_round", "serving", "wait_for_port"]

#: The password of the administrator ``office`` that `serving` creates.
PASSWORD = "office-password-42"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until `port` accepts connections; fail with `log` if `process` ends or 120 s pass."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(log.read_text(encoding="utf-8", errors="replace"))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"port {port} did not open:\n{log.read_text(encoding='utf-8', errors='replace')}")


@contextlib.contextmanager
def running(command: list[str], port: int, log: Path, env: dict[str, str]) -> Iterator[None]:
    """Run `command` (its own process group) until the block ends; it must open `port`."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port, process, log)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the server and any LibreOffice it started
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def serve_command(data: Path, *options: str) -> list[str]:
    """``jidi-docs serve --data DATA OPTIONS`` as this Python runs it."""
    return [sys.executable, "-m", "jidi_docs", "serve", "--data", str(data), *options]


def create_office(data: Path, *options: str) -> dict[str, str]:
    """Create the administrator ``office`` (migrating the database); return the server's env."""
    env = {**os.environ, "JIDI_ADMIN_PASSWORD": PASSWORD}
    subprocess.run(
        [*serve_command(data, *options), "--create-admin", "office"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env


@contextlib.contextmanager
def serving(data: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """``jidi-docs serve`` on loopback with the administrator ``office``; yields its base URL.

    `options` go to both the ``--create-admin`` run and the server (``--database`` …).
    """
    env = create_office(data, *options)
    port = port or free_port()
    command = [*serve_command(data, *options), "--port", str(port), "--jobs", "1"]
    with running(command, port, data / f"server-{port}.log", env):
        url = f"http://127.0.0.1:{port}"
        open_round(url)
        yield url


def open_round(url: str, days: int = 365) -> None:
    """Set the default 认定批次's 截止日期 `days` from today, as the office does on its page.

    Why: the built-in batch's own deadline (2021) has passed, and a portal refuses submissions
    after the deadline; a test server stands for a round that is open.
    """
    import datetime as dt
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def post(path: str, fields: dict[str, str], form_page: str | None = None) -> str:
        page = opener.open(url + (form_page or path), timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None, page
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token.group(1)}).encode()
        return opener.open(url + path, body, timeout=60).read().decode()

    post("/login/", {"username": "office", "password": PASSWORD})
    day = dt.date.today() + dt.timedelta(days=days)
    page = post("/deadline/", {"batch": _default_batch(), "day": day.isoformat()}, "/")
    assert "已把" in page, page


def _default_batch() -> str:
    from jidi_docs.schema import registry

    return registry().default_batch
