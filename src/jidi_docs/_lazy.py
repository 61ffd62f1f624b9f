"""Lazy re-exports for package ``__init__`` modules (PEP 562).

Why: ``import jidi_docs`` runs on every command, ``--help`` included. Importing every stage eagerly
pulls in pydantic, python-docx, pikepdf, openpyxl … (0.6–1.2 s) that most commands never use.
Each package instead names where its public objects live; an object is imported on first access
and then cached in the package namespace, so later look-ups cost nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(
    package: str, modules: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for `package`, whose public names live in `modules`.

    Args:
        package: the package's ``__name__``.
        modules: module, relative to `package` (``"._load"``) → the public names it defines.
    """
    exports = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module, package), name)
        globals_ = importlib.import_module(package).__dict__
        globals_[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
