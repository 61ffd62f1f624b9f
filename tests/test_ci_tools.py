"""The tools scripts/install_system_deps.sh installs for the tests are the pinned ones, and run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent


def lsp_message(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_yaml_language_server_is_the_version_pinned_in_scripts_node(
    yaml_language_server: str,
) -> None:
    pinned = json.loads((ROOT / "scripts" / "node" / "package.json").read_text("utf-8"))

    proc = subprocess.run(
        [yaml_language_server, "--version"], capture_output=True, text=True, check=True
    )

    assert proc.stdout.strip() == pinned["devDependencies"]["yaml-language-server"]


def read_lsp_message(stream: IO[bytes]) -> dict[str, Any]:
    length = 0
    while line := stream.readline().strip():
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    assert length, "yaml-language-server closed its output without answering"
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


def test_yaml_language_server_answers_initialize_over_stdio(yaml_language_server: str) -> None:
    init = {"processId": None, "rootUri": None, "capabilities": {}}
    with subprocess.Popen(
        [yaml_language_server, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as server:
        stdin, stdout = server.stdin, server.stdout
        assert stdin is not None
        assert stdout is not None
        try:
            stdin.write(
                lsp_message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init})
            )
            stdin.flush()
            reply = read_lsp_message(stdout)
            stdin.write(lsp_message({"jsonrpc": "2.0", "method": "exit"}))
            stdin.close()
            server.wait(timeout=30)
        finally:
            server.kill()

    assert reply["id"] == 1
    assert "textDocumentSync" in reply["result"]["capabilities"]
