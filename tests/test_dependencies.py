"""Test pyproject.toml's runtime dependencies: each is used by the package it is installed for."""

from __future__ import annotations

import ast
import importlib.metadata
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "jidi_docs"


def _used_names() -> set[str]:
    """Top-level modules the package imports, by statement or by name in a string
    (``OnFirstUse("psutil")``, ``"pillow_heif:register_heif_opener"``)."""
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                used.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                used.add(node.module.split(".")[0])
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found = re.match(r"^([A-Za-z_]\w*)[.:]", node.value)
                used.update({node.value, found[1]} if found else {node.value})
    return used


def _runtime_dependencies() -> list[str]:
    """The installed package's requirements that no extra asks for (pyproject's dependencies)."""
    required = importlib.metadata.requires("jidi-docs") or []
    return [re.split(r"[<>=!~\[ ;(]", r, maxsplit=1)[0] for r in required if "extra ==" not in r]


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them (``pillow_heif`` is ``pillow-heif``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_runtime_dependency_is_imported_by_the_package() -> None:
    modules = importlib.metadata.packages_distributions()
    used = _used_names()
    unused = []
    for dist in _runtime_dependencies():
        provided = {m for m, ds in modules.items() if _normal(dist) in {_normal(d) for d in ds}}
        if not provided & used:
            unused.append(dist)

    assert unused == [], "runtime dependencies no module of src imports: move them to [test]"


def test_the_search_finds_an_unused_dependency() -> None:
    modules = importlib.metadata.packages_distributions()
    provided = {m for m, dists in modules.items() if "pypdf" in dists}

    assert provided == {"pypdf"}
    assert not provided & _used_names()  # the package reads PDFs with pikepdf only
