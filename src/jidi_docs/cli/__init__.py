"""The ``jidi-docs`` command line: argument parsing only; the work is done by the library.

One command per module (``forms``, ``check``, ``bundle``, ``batch``, ``scaffold``), each adding
itself to `app`. Exit codes: 0 ok · 1 user error (bad input, missing LibreOffice …) · 2 usage
error · 3 valid input but some condition/application failed · 130 interrupted.
"""

from __future__ import annotations

# Each module registers its commands on `app` when imported.
from . import batch, bundle, check, forms, scaffold, serve  # noqa: F401
from ._common import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the command line (the ``jidi-docs`` console script)."""
    app()
