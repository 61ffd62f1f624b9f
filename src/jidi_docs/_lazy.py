"""Lazy public faces for package ``__init__`` modules (PEP 562), and modules imported on first use.

Why lazy: ``import jidi_docs`` runs on every command, ``--help`` included. Importing every stage
eagerly pulls in pydantic, python-docx, pikepdf, openpyxl … (0.6–1.2 s) that most commands never
use. Each package instead names where its public objects live; an object is imported on first
access and then cached in the package namespace, so later look-ups cost nothing.

Each public name is written once, as a re-export inside the package's ``if TYPE_CHECKING:``
block::

    if TYPE_CHECKING:
        from ._model import Application as Application

That line is what type checkers read (the ``X as X`` form is an explicit re-export for mypy
``--strict`` and pyright alike); `attach` reads the same lines from the package's source and
builds the package's ``__all__``, ``__getattr__`` and ``__dir__`` from them, so nothing else
lists the names.

Public objects report where users find them (as httpx does): a class or function exported by
``jidi_docs`` has ``__module__ == "jidi_docs"``, one exported by a sub-package only (say
``jidi_docs.schema.Column``) that sub-package's name. Reprs, documentation and pickles then name
the public place, and the private module can move. This happens when the private module has been
imported (the package sees its sub-module bound), whichever way it was reached.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import sys
import types
from typing import Any

__all__ = ["OnFirstUse", "attach", "exports_of"]

#: The root package, whose exports outrank a sub-package's as an object's public home.
_ROOT = __name__.rpartition(".")[0]

#: ``from <module> import <names>`` statements, with or without parentheses.
_FROM = re.compile(r"^[ \t]+from[ \t]+(\.[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.MULTILINE)
_REEXPORT = re.compile(r"\b(\w+)[ \t]+as[ \t]+(\w+)\b")

#: package → {public name: module relative to the package}; filled as packages are attached.
_EXPORTS: dict[str, dict[str, str]] = {}


def _source(package: str, file: str) -> str:
    try:
        with open(file, encoding="utf-8") as f:  # noqa: PTH123 - pathlib costs start-up here
            return f.read()
    except OSError:  # a zip or frozen install: ask the loader
        loader = sys.modules[package].__loader__
        source = loader.get_source(package) if loader else None  # type: ignore[attr-defined]
        if source is None:
            raise
        return str(source)


def exports_of(source: str) -> dict[str, str]:
    """Return public name → module for the ``from .x import Name as Name`` lines of `source`.

    Only the ``if TYPE_CHECKING:`` block's lines count (they are indented); a plain ``import``
    or an alias to another name is no re-export.
    """
    exports: dict[str, str] = {}
    for module, names in _FROM.findall(source):
        for name, alias in _REEXPORT.findall(names):
            if name == alias:
                exports[name] = module
    return exports


class _Package(types.ModuleType):
    """A package module that gives its sub-modules' public objects their public ``__module__``."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if isinstance(value, types.ModuleType) and name.startswith("_"):
            _publish(value)


def attach(package: str, file: str) -> None:
    """Make `package` (its ``__name__`` and ``__file__``) a lazy face over its re-exports.

    Sets the package's ``__all__`` (sorted case-insensitively), ``__getattr__`` and ``__dir__``.

    Args:
        package: the package's ``__name__``.
        file: the package's ``__file__``, whose ``if TYPE_CHECKING:`` re-exports are read.
    """
    exports = exports_of(_source(package, file))
    _EXPORTS[package] = exports
    module = sys.modules[package]
    namespace = module.__dict__

    def __getattr__(name: str) -> Any:
        try:
            where = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(where, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(n for n in exports if not n.startswith("__"))

    namespace["__all__"] = sorted(exports, key=str.casefold)
    namespace["__getattr__"] = __getattr__
    namespace["__dir__"] = __dir__
    module.__class__ = _Package
    for value in list(namespace.values()):  # sub-modules imported before the face was set
        if isinstance(value, types.ModuleType) and value.__name__.startswith(f"{package}._"):
            _publish(value)


def _home(package: str, name: str) -> str:
    """Return the outermost package that exports `name` of `package` (itself, or the root)."""
    if package != _ROOT and _EXPORTS.get(_ROOT, {}).get(name) == package.removeprefix(_ROOT):
        return _ROOT
    return package


def _publish(module: types.ModuleType) -> None:
    """Give the public objects defined in private `module` the name of their public package."""
    package = module.__name__.rpartition(".")[0]
    exports = _EXPORTS.get(package, {})
    for name in exports:  # whichever sibling the face imports it from
        value = module.__dict__.get(name)
        defined_in = str(getattr(value, "__module__", ""))
        if defined_in != module.__name__ and not defined_in.startswith(f"{module.__name__}."):
            continue  # another package's object, re-exported here
        if isinstance(value, type):
            _resolve_annotations(value, sys.modules[defined_in])
        if isinstance(value, (type, types.FunctionType)) or hasattr(value, "__wrapped__"):
            value.__module__ = _home(package, name)  # classes, functions, cached functions


def _resolve_annotations(cls: type, module: types.ModuleType) -> None:
    """Evaluate `cls`'s own string annotations in `module`, where they were written.

    Why: ``typing.get_type_hints`` and pydantic look annotations up in the namespace of the
    class's ``__module__``; once that names the public package, strings such as ``"Path | None"``
    would be looked up there. Annotations naming what only type checkers import stay strings.
    """
    resolved = {}
    for key, annotation in cls.__annotations__.items():  # its own (Python ≥ 3.10)
        resolved[key] = annotation
        if isinstance(annotation, str):
            # A name imported for type checkers only fails: the string is left as it is.
            with contextlib.suppress(Exception):
                resolved[key] = eval(annotation, module.__dict__, dict(vars(cls)))
    cls.__annotations__ = resolved


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
