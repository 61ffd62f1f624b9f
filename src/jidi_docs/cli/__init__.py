"""The ``jidi-docs`` command line: argument parsing only; the work is done by the library.

One command per module (``forms``, ``check``, ``bundle``, ``batch``, ``scaffold``), each adding
itself to `app` when imported. Exit codes: 0 ok · 1 user error (bad input, missing LibreOffice …)
· 2 usage error · 3 valid input but some condition/application failed · 130 interrupted.

Why commands are imported lazily: each module imports what its command needs (pydantic models,
python-docx, pikepdf, rich tables …). `main` reads the command's name from the arguments and
imports only that module, so ``jidi-docs check`` never pays for LibreOffice or PDF code and
``--version`` for none of it. ``jidi_docs.cli.app`` (used by tests and scripts) has every command.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import typer

__all__ = ["app", "main", "run"]

#: Command name → the module (in this package) that registers it; in the order of `--help`.
COMMAND_MODULES = {
    "init": "scaffold",
    "check": "check",
    "render": "forms",
    "bundle": "bundle",
    "batch": "batch",
    "extract": "scaffold",
    "schema": "forms",
    "serve": "serve",
}


def _register(modules: list[str]) -> typer.Typer:
    """Import the command `modules` (each registers its commands once) and return the app."""
    for module in modules:
        importlib.import_module(f"{__name__}.{module}")
    from ._common import app

    return app


def _all_commands() -> typer.Typer:
    return _register(list(dict.fromkeys(COMMAND_MODULES.values())))


def _command_in(argv: list[str]) -> str | None:
    """The command named in `argv` (the first word that is not an option), if it is one of ours."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMAND_MODULES else None
    return None


def __getattr__(name: str) -> Any:
    if name == "app":
        return _all_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Run the command line (the ``jidi-docs`` console script)."""
    argv = sys.argv[1:]
    if argv == ["--version"]:  # answered before Typer is even imported; same text as its option
        from .._version import version_line

        print(version_line())
        return
    command = _command_in(argv)
    ahead: dict[str, Any] = {}  # what a command started before parsing, for it to take
    try:
        if command == "bundle":
            from ._ahead import start_ahead

            start_ahead(argv, ahead)
        # No command (help) or an unknown word: load every command, so help and errors list
        # them all.
        app = _register([COMMAND_MODULES[command]]) if command is not None else _all_commands()
        app(obj=ahead)
    finally:
        for _, converter in ahead.values():  # not taken: a usage error, --help
            if converter is not None:
                converter.close()


def run() -> NoReturn:
    """Run the command line, then end the process: the ``jidi-docs`` console script and
    ``python -m jidi_docs`` (`main` returns, for scripts and tests that call it).

    Why not simply return: Python's own shutdown then takes apart every module the command
    imported, about 0.1 s after a bundle (pydantic, lxml, pikepdf, python-docx …) with nothing
    left to do. Here the steps of an orderly exit that matter are taken — `atexit` handlers
    (logging, temporary folders), output flushed — and the process ends with the command's exit
    code. While a thread of ours or a library's is still running, the normal exit is taken.
    """
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.exit(code)  # type: ignore[arg-type]
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): the message, exit code 1
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe (… | head): nothing to flush to
            stream.flush()
    os._exit(code)
