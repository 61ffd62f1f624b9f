"""Lazy re-exports for package ``__init__`` modules (PEP 562), and modules imported on first use.

Why: ``import jidi_docs`` runs on every command, ``--help`` included. Importing every stage eagerly
pulls in pydantic, python-docx, pikepdf, openpyxl … (0.6–1.2 s) that most commands never use.
Each package instead names where its public objects live; an object is imported on first access
and then cached in the package namespace, so later look-ups cost nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["OnFirstUse", "attach"]


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


class OnFirstUse:
    """Stands for module `name` and imports it when one of its attributes is first read.

    Why: a few modules cost 10–20 ms to import and only some functions of a widely imported
    module need them (`jidi_docs._platform`: psutil for process trees); with this, commands that
    never call those functions (``jidi-docs check``) never import them. Annotate the name with the
    real module under ``TYPE_CHECKING`` so type checkers see its types.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported on first use>"
