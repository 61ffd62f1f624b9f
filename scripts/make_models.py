"""Write the model classes' fields in src/jidi_docs/schema/_model.py from sections.yaml.

Run from the repository root (``make models``)::

    python scripts/make_models.py           # rewrites the fields in place
    python scripts/make_models.py --check   # exit 1, saying which class, when they are stale

Each class of ``_model.py`` (``Lecturer`` …) has its fields between two marker lines; this script
writes them from the registry's section of the same model name: the Python name, the static type
(the one the registry's type gives, `jidi_docs.schema._derive.python_type`) and ``_f(section,
name)``, which takes the key, description, example and default from the registry at import. A
section new in the registry gets a class of its own, placed before the application's. What is
not between the markers (docstrings, computed properties) is left as it is.
"""

from __future__ import annotations

import re
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jidi_docs.schema import (  # the generator's own view of the types
    Column,
    Registry,
    Section,
    _derive,
    _types,
    registry,
)

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "src" / "jidi_docs" / "schema" / "_model.py"
START = "    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --"
END = "    # -- end of fields --"
#: New classes go above this line.
APPLICATION = "# The application"


def _names() -> dict[int, str]:
    """The names the types module gives its type objects, by identity (``Text``, ``Count`` …)."""
    return {id(value): name for name, value in vars(_types).items() if not name.startswith("_")}


def source_of(kind: Any, names: dict[int, str]) -> str:
    """Return how the type object `kind` is written in source."""
    if id(kind) in names:
        return names[id(kind)]
    if kind is type(None):
        return "None"
    if isinstance(kind, type) and not typing.get_args(kind):
        return kind.__name__
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Literal:
        return f"Literal[{', '.join(repr(a).replace(chr(39), chr(34)) for a in args)}]"
    if origin in (typing.Union, types.UnionType):
        return " | ".join(source_of(a, names) for a in args)
    if origin is list:
        return f"list[{source_of(args[0], names)}]"
    raise ValueError(f"no source text for the type {kind!r}")


def field_lines(reg: Registry, owner: Section | None) -> list[str]:
    """Return the field lines of the class of `owner` (None: the application)."""
    stand_ins: dict[str, type[BaseModel]] = {
        s.key: type(s.model, (BaseModel,), {}) for s in reg.sections
    }
    columns: tuple[Column, ...] = owner.columns if owner else reg.root.columns
    key = owner.key if owner else ""
    names = _names()
    out = []
    for column in columns:
        kind = _derive.python_type(column, stand_ins, None, reg)
        out.append(f'    {column.name}: {source_of(kind, names)} = _f("{key}", "{column.name}")')
    return out


def _new_class(section: Section, lines: list[str]) -> str:
    doc = section.description or section.key
    return "\n".join(
        [f"class {section.model}(StrictModel):", f'    """{doc}."""', "", START, *lines, END]
    )


def generate(text: str, reg: Registry) -> str:
    """Return `text` (the source of ``_model.py``) with every class's fields from `reg`."""
    owners: list[tuple[str, Section | None]] = [(s.model, s) for s in reg.sections]
    owners.append((reg.root.model, None))
    for model, owner in owners:
        lines = field_lines(reg, owner)
        found = re.search(
            rf"^class {model}\(.*?\n{re.escape(START)}\n(.*?){re.escape(END)}\n",
            text,
            re.DOTALL | re.MULTILINE,
        )
        if found:
            text = (
                text[: found.start(1)] + "".join(f"{ln}\n" for ln in lines) + text[found.end(1) :]
            )
            continue
        if owner is None:
            raise ValueError(f"_model.py 中没有 {model} 类")
        divider = text.index(APPLICATION)
        block_start = text.rindex("\n# ---", 0, divider) + 1
        text = f"{text[:block_start]}{_new_class(owner, lines)}\n\n\n{text[block_start:]}"
    return text


def main(argv: list[str] | None = None) -> int:
    """Rewrite the fields in place, or with ``--check`` say whether they are up to date."""
    args = sys.argv[1:] if argv is None else argv
    current = MODEL.read_text(encoding="utf-8")
    wanted = generate(current, registry())
    if "--check" in args:
        if wanted != current:
            print(f"{MODEL} 的字段与 sections.yaml 不一致：请运行 make models。", file=sys.stderr)
            return 1
        return 0
    if wanted != current:
        MODEL.write_text(wanted, encoding="utf-8")
        print(f"已更新 {MODEL}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
