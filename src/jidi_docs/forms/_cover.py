"""Fill the bundle's cover and contents pages (templates/封面.docx), for LibreOffice to convert.

Why a Word template and not code: office staff adjust the cover in Word as they do the forms
(its styles are named Cover Title, Cover Label, Cover Text, Contents Heading, Contents 1–3).
Why .docx and not reportlab: the pages are Chinese, and reportlab cannot embed the Noto CJK fonts
(PostScript outlines); LibreOffice gives the same fonts and typography as the filled forms.

The template is filled by the same `FormTemplate` machinery as the forms, from a plain context
(`cover_context`): ``title``, ``unit_name``, ``district``, ``contact``, ``phone``, ``date``,
``contents`` (a list of ``{"level", "title", "pages"}``) and ``dense`` (set the contents closer:
more than `ROOMY_LINES` lines). Layout: the cover is page 1; the contents start on page 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .._fs import atomic_write_many
from .._resources import template_path
from ._render import load_template

__all__ = ["ContentsLine", "build_cover_docx", "cover_context", "render_cover_bytes"]

#: The text shown instead of a page range for an item that has no file.
MISSING = "缺"

#: Contents lines that one page holds at the usual spacing; longer contents are set closer
#: (the template's ``dense`` styles: 36 lines to a page), so that up to about 30 entries the
#: contents stay on one page.
ROOMY_LINES = 20


@dataclass(frozen=True)
class ContentsLine:
    """One line of the contents page.

    Attributes:
        level: 0 for a top part (申报表, 佐证材料), 1 for an indicator, 2 for an entry.
        title: the text shown.
        pages: the printed page range, e.g. ``"3–5"`` or ``"7"``, or ``"缺"`` for a missing item.
    """

    level: Literal[0, 1, 2]
    title: str
    pages: str


def cover_context(
    *,
    title: str,
    unit_name: str,
    district: str,
    contact: str,
    phone: str,
    date_text: str,
    contents: list[ContentsLine],
) -> dict[str, Any]:
    """Return the context templates/封面.docx is filled with.

    Args:
        title: the bundle title; a line break starts its second line.
        unit_name: 申报单位 (单位名称).
        district: 所属区县.
        contact: 联系人.
        phone: 联系电话.
        date_text: the date as printed, e.g. ``2021年8月10日``.
        contents: the contents lines with their printed page ranges.
    """
    return {
        "title": title,
        "unit_name": unit_name,
        "district": district,
        "contact": contact,
        "phone": phone,
        "date": date_text,
        "dense": len(contents) > ROOMY_LINES,
        "contents": [
            {"level": line.level, "title": line.title, "pages": line.pages} for line in contents
        ],
    }


def render_cover_bytes(
    context: dict[str, Any], *, template: Path | None = None
) -> tuple[bytes, list[str]]:
    """Return the filled cover and contents .docx as bytes, and Chinese warnings about values.

    Args:
        context: from `cover_context`.
        template: another cover template (default: the bundled templates/封面.docx).

    Raises:
        TemplateError: the template is missing, broken, or uses a field the context lacks.
    """
    path = template if template is not None else template_path("封面")
    # Stored, not deflated: this document only goes to LibreOffice, on the way to the bundle.
    data, warnings = load_template(Path(path)).render_bytes(context, compress=False)
    return data, [f"封面与目录：{w}" for w in warnings]


def build_cover_docx(out: Path, *, template: Path | None = None, **fields: Any) -> Path:
    """Write the cover (page 1) and contents (from page 2) to `out` and return `out`.

    `fields` are the keyword arguments of `cover_context`; `template` as for
    `render_cover_bytes`.
    """
    data, _warnings = render_cover_bytes(cover_context(**fields), template=template)
    atomic_write_many({Path(out): data})
    return Path(out)
