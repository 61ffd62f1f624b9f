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

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

__all__ = ["app", "main"]

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
