"""A copy of a .docx for LibreOffice without the style definitions nothing in it uses.

Why: our templates carry the ~180 styles of Word's default template (most of them table styles,
354 KB of styles.xml), and LibreOffice reads every one of them each time it opens a document.
Measured over UNO on this project's documents: opening the cover took 0.147 s with them and
0.091 s without; four merged forms 0.458 s and 0.349 s. What is drawn is the same: a style no
paragraph, run, table or list names never shows. The user's own .docx keeps all its styles; only
the copies LibreOffice converts are made lean, after documents of one template were merged (the
two forms share one, and would no longer merge if each lost other styles).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from lxml import etree

__all__ = ["make_lean", "write_stored"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STYLES = "word/styles.xml"
#: Where a part names a style: paragraph, run, table and list styles, and numbering's links.
_REFERENCE = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]*)"')


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


@lru_cache(maxsize=16)
def _lean_styles(styles: bytes, used: frozenset[str]) -> bytes | None:
    """`styles` without the definitions `used` does not need; None when nothing can go.

    Kept: the styles named in `used`, every default style, and whatever those are based on,
    linked to or followed by (in turn). The document defaults and latent styles stay as they are.
    """
    try:
        root = etree.fromstring(styles)
    except etree.XMLSyntaxError:
        return None
    by_id = {s.get(_q("styleId")): s for s in root.findall(_q("style"))}
    keep = set(used) | {i for i, s in by_id.items() if s.get(_q("default")) in ("1", "true")}
    todo = list(keep)
    while todo:
        style = by_id.get(todo.pop())
        for tag in ("basedOn", "link", "next"):
            ref = style.find(_q(tag)) if style is not None else None
            name = ref.get(_q("val")) if ref is not None else None
            if name is not None and name not in keep:
                keep.add(name)
                todo.append(name)
    unused = [s for i, s in by_id.items() if i not in keep]
    if not unused:
        return None
    for style in unused:
        root.remove(style)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def make_lean(paths: Sequence[Path]) -> list[Path]:
    """Drop from each .docx of `paths`, in place, the styles nothing in it uses; return `paths`.

    The file is rewritten stored, not deflated (LibreOffice reads it at once). A file that is
    not a .docx, or anything unexpected, leaves it as it is.
    """
    for path in paths:
        if path.suffix.lower() == ".docx":
            _make_lean(path)
    return list(paths)


def _make_lean(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            parts = {i.filename: z.read(i) for i in infos}
    except (OSError, zipfile.BadZipFile, ValueError):
        return
    used = frozenset(
        name.decode("utf-8", "replace")
        for part, data in parts.items()
        if part != _STYLES and part.endswith(".xml")
        for name in _REFERENCE.findall(data)
    )
    lean = _lean_styles(parts[_STYLES], used) if _STYLES in parts else None
    if lean is None:
        return
    parts[_STYLES] = lean
    tmp = path.with_name(f".{path.name}.lean")
    write_stored(tmp, ((info, parts[info.filename]) for info in infos))
    tmp.replace(path)


def write_stored(out: Path, parts: Iterable[tuple[zipfile.ZipInfo, bytes]]) -> None:
    """Write a .docx of `parts` (each named, dated and permissioned as its `ZipInfo` says) to
    `out`, stored, not deflated: for a document only LibreOffice reads, which it reads at once."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for info, data in parts:
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.external_attr = info.external_attr
            z.writestr(copy, data)
