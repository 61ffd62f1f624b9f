"""A minimal Language Server Protocol client over stdio, to ask yaml-language-server for diagnostics.

It opens one document at a time and returns the diagnostics the server publishes for it, as an
editor would show them. Requests the server sends to the client (configuration, capability
registration) are answered with empty results, which makes the server use its defaults.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any

from typing_extensions import Self


def _frame(payload: dict[str, Any]) -> bytes:
    body = json.dumps(payload).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read(stream: IO[bytes]) -> dict[str, Any] | None:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


class YamlLanguageServer:
    """yaml-language-server started with ``--stdio``; use as a context manager."""

    def __init__(self, executable: str, root: Path) -> None:
        self._proc = subprocess.Popen(
            [executable, "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next_id = 0
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()
        self._request(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "capabilities": {}},
        )
        self._notify("initialized", {})

    def _pump(self) -> None:
        assert self._proc.stdout is not None
        while (message := _read(self._proc.stdout)) is not None:
            if "method" in message and "id" in message:  # a request from the server
                result: Any = [] if message["method"] == "workspace/configuration" else None
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            else:
                self._messages.put(message)

    def _send(self, payload: dict[str, Any]) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(_frame(payload))
        self._proc.stdin.flush()

    def _notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _request(self, method: str, params: dict[str, Any], timeout: float = 60) -> Any:
        self._next_id += 1
        self._send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self._messages.get(timeout=max(0.1, deadline - time.monotonic()))
            if message.get("id") == self._next_id:
                return message.get("result")

    def diagnostics(self, path: Path, *, settle: float = 1.5, timeout: float = 60) -> list[Any]:
        """Open `path` (its text as on disk) and return the diagnostics published for it.

        The server may publish more than once (before and after it has read the schema); the last
        list wins once nothing new has come for `settle` seconds.
        """
        uri = path.as_uri()
        text = path.read_text(encoding="utf-8")
        self._notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        found: list[Any] | None = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self._messages.get(timeout=settle if found is not None else 1)
            except queue.Empty:
                if found is not None:
                    break
                continue
            params = message.get("params") or {}
            if message.get("method") == "textDocument/publishDiagnostics" and params["uri"] == uri:
                found = list(params["diagnostics"])
        self._notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        assert found is not None, f"yaml-language-server published no diagnostics for {path}"
        return found

    def close(self) -> None:
        try:
            self._request("shutdown", {}, timeout=10)
            self._notify("exit", {})
            self._proc.wait(timeout=10)
        except (OSError, queue.Empty, subprocess.TimeoutExpired):
            pass  # a server that does not shut down in time is killed below
        finally:
            if self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait()
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None:
                    stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
