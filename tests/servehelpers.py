"""Start ``jidi-docs serve`` in a subprocess for tests that talk to a real server over HTTP."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "PASSWORD",
    "Browser",
    "free_port",
    "open_round",
    "serving",
    "wait_for_port",
    "wait_for_text",
]

#: The password of the administrator ``office`` that `serving` creates.
PASSWORD = "office-password-42"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], log: Path, *, host: str = "127.0.0.1"
) -> None:
    """Wait until `port` accepts connections; fail with `log` if `process` ends or 120 s pass."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(log.read_text(encoding="utf-8", errors="replace"))
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"port {port} did not open:\n{log.read_text(encoding='utf-8', errors='replace')}")


@contextlib.contextmanager
def running(
    command: list[str], port: int, log: Path, env: dict[str, str], *, host: str = "127.0.0.1"
) -> Iterator[None]:
    """Run `command` (its own process group) until the block ends; it must open `port`."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port, process, log, host=host)
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
    """Create the administrator ``office`` (migrating the database) and open the round
    (`open_round`); return the server's env."""
    env = {**os.environ, "JIDI_ADMIN_PASSWORD": PASSWORD}
    subprocess.run(
        [*serve_command(data, *options), "--create-admin", "office"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    open_round(data, *options)
    return env


_OPEN_ROUND = """
import datetime as dt, sys
from pathlib import Path
from jidi_docs.web import Options, prepare
prepare(Options(data_dir=Path(sys.argv[1]), database_url=sys.argv[2] or None))
from jidi_docs.schema import registry
from jidi_docs.web.models import Deadline
day = dt.date.today() + dt.timedelta(days=int(sys.argv[3]))
Deadline.objects.update_or_create(batch=registry().default_batch, defaults={"day": day})
"""


def open_round(data: Path, *options: str, days: int = 365) -> None:
    """Set the default 认定批次's 截止日期 `days` from today, as the office does on its page.

    Why: the built-in batch's own deadline (2021) has passed, and a portal refuses submissions
    after the deadline; a test server stands for a round that is open. Written to the
    database directly (in a process of its own, as the server's options configure it), so it
    works whatever the server's cookies require (https behind a proxy, --lan).
    """
    database = options[options.index("--database") + 1] if "--database" in options else ""
    subprocess.run(
        [sys.executable, "-c", _OPEN_ROUND, str(data), database, str(days)],
        check=True,
        capture_output=True,
        timeout=300,
    )


@contextlib.contextmanager
def serving(data: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """``jidi-docs serve`` on loopback with the administrator ``office``; yields its base URL.

    `options` go to both the ``--create-admin`` run and the server (``--database`` …).
    """
    env = create_office(data, *options)
    port = port or free_port()
    command = [*serve_command(data, *options), "--port", str(port), "--jobs", "1"]
    with running(command, port, data / f"server-{port}.log", env):
        yield f"http://127.0.0.1:{port}"


class Browser:
    """Cookies and CSRF like a browser; a load balancer sends each request to `server`."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()  # cookies are per host, not port: shared by both
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(
        self, url: str, data: dict[str, Any] | None = None, *, json_body: Any = None
    ) -> tuple[int, bytes, str]:
        headers = {}
        body = None
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers = {"Content-Type": "application/json", "X-CSRFToken": csrf}
        elif data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=300) as r:
                return r.status, r.read(), r.url
        except urllib.error.HTTPError as e:
            return e.code, e.read(), url

    def page(self, url: str) -> str:
        status, body, _ = self.request(url)
        assert status == 200, (url, status)
        return body.decode("utf-8")

    def login(self, server: str, username: str, password: str = PASSWORD) -> None:
        self.page(f"{server}/login/")  # sets the CSRF cookie
        _, _, landed = self.request(
            f"{server}/login/", {"username": username, "password": password}
        )
        assert not landed.endswith("/login/"), f"login {username} refused"


def wait_for_text(log: Path, text: str, timeout: float = 60) -> str:
    """Wait until `log` contains `text`; return the log (fail after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if text in content:
            return content
        time.sleep(0.2)
    pytest.fail(f"“{text}” not in {log}:\n{content}")
