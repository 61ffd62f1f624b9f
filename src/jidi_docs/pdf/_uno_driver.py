"""Drive a running LibreOffice over UNO: one conversion job per line of standard input.

Run by `jidi_docs.pdf._warm.WarmConverter` with a Python that has LibreOffice's ``uno`` module
(Debian's ``/usr/bin/python3`` with python3-uno; LibreOffice's own Python on Windows and macOS).
It therefore uses the standard library and ``uno`` only, never jidi_docs.

Usage: ``python _uno_driver.py PIPE_NAME CONNECT_TIMEOUT PORT`` with the secret in the
environment variable ``JIDI_DOCS_DRIVER_TOKEN``. It connects to PORT on 127.0.0.1 (its caller
listens there; why not standard input and output: `jidi_docs.pdf._channel`), sends the secret
as its first line, then ``{"ready": true}`` once LibreOffice answers (or ``{"fatal": "..."}``),
then reads JSON lines ``{"docs": [...], "out_dir": "...", "filter": "..."}`` and answers each
with ``{"converted": [...], "errors": [...]}``: the documents that gave a file, and one line of
text per document that failed. A lost connection to LibreOffice (it crashed) ends the driver
with exit code 3 after answering, so the caller starts both again. When the caller's connection
closes (the caller ended, however it ended) the driver tells LibreOffice to terminate.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

#: Output extension → export filter, as LibreOffice's ``--convert-to`` picks them for Writer.
FILTERS = {"pdf": "writer_pdf_Export", "docx": "MS Word 2007 XML"}


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe: str, timeout: float) -> object:
    """Return LibreOffice's desktop, retrying while the office is still starting."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException while the office starts; re-raised at the end
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def parse_filter(spec: str) -> tuple[str, str, list[PropertyValue]]:
    """``ext[:FilterName[:json options]]`` as ``--convert-to`` takes it → (ext, name, filter data)."""
    ext, _, rest = spec.partition(":")
    name, _, options = rest.partition(":")
    data = []
    if options:
        for key, item in json.loads(options).items():
            value = item["value"]
            kind = item.get("type")
            if kind == "boolean":
                value = str(value).lower() == "true"
            elif kind in ("long", "short"):  # e.g. SelectPdfVersion: ignored when given as text
                value = int(value)
            data.append(prop(key, value))
    return ext, name or FILTERS[ext], data


def convert(desktop: object, doc: str, out_dir: str, spec: str) -> str:
    ext, name, data = parse_filter(spec)
    target = Path(out_dir) / f"{Path(doc).stem}.{ext}"
    component = desktop.loadComponentFromURL(  # type: ignore[attr-defined]
        uno.systemPathToFileUrl(str(Path(doc).resolve())),
        "_blank",
        0,
        (prop("Hidden", True), prop("ReadOnly", True), prop("UpdateDocMode", 0)),
    )
    if component is None:
        raise RuntimeError(f"LibreOffice could not open {doc}")
    try:
        args = [prop("FilterName", name), prop("Overwrite", True)]
        if data:
            args.append(
                prop("FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", tuple(data)))
            )
        component.storeToURL(uno.systemPathToFileUrl(str(target)), tuple(args))
    finally:
        component.close(True)
    return str(target)


def main() -> int:
    pipe, timeout, port = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    token = os.environ.pop("JIDI_DOCS_DRIVER_TOKEN", "")
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.settimeout(None)

        def send(message: object) -> None:
            sock.sendall((json.dumps(message) + "\n").encode("utf-8"))

        sock.sendall(f"{token}\n".encode())
        try:
            desktop = connect(pipe, timeout)
        except Exception as exc:  # noqa: BLE001  (say why, then end)
            send({"fatal": f"{type(exc).__name__}: {exc}"})
            return 2
        send({"ready": True})
        for line in sock.makefile("r", encoding="utf-8", newline="\n"):
            job = json.loads(line)
            converted, errors, lost = [], [], False
            for doc in job["docs"]:
                try:
                    convert(desktop, doc, job["out_dir"], job["filter"])
                    converted.append(doc)
                except Exception as exc:  # noqa: BLE001  (any UNO error: report it, go on)
                    errors.append(f"{Path(doc).name}: {type(exc).__name__}: {exc}")
                    lost = "DisposedException" in type(exc).__name__ or "Connection" in str(exc)
                    if lost:
                        break
            send({"converted": converted, "errors": errors})
            if lost:
                return 3
    # The connection closed: our caller is gone (even if it was killed), so the office goes too.
    with contextlib.suppress(Exception):
        desktop.terminate()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
