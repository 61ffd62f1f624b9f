"""Turn a validated Application into the plain dicts the .docx templates are filled with.

Pure functions: every value comes out as an already formatted `str`, so the templates hold no logic
beyond loops, and a test can check the wording without opening any .docx. The keys are the
template contract (see `templates/附件1.docx`, `templates/附件2.docx`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..schema import (
    SAME_AS_ABOVE,
    Application,
    BasicLayout,
    Column,
    Figure,
    Profile,
    Registry,
    fill,
)
from ._format import (
    MERGE_UP,
    fmt_date,
    fmt_number,
    fmt_period,
    fmt_short_date,
    lines_between_names,
)

__all__ = ["form1_context", "form2_context"]


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _rows(items: list[dict[str, str]], keys: list[str]) -> list[dict[str, str]]:
    """Number the rows; an empty list still gives one blank row to complete by hand."""
    if not items:
        return [dict.fromkeys(["no", *keys], "")]
    return [{"no": str(n), **item} for n, item in enumerate(items, start=1)]


def _cell(column: Column, value: Any) -> str:
    """A value of a list row as the form shows it, by the column's registry type."""
    if value is None:
        return ""
    if column.type == "时间段":
        return fmt_period(value)
    if column.type == "数字":
        return fmt_number(value)
    if column.type == "日期或长期" and not isinstance(value, str):
        return fmt_short_date(value)
    return str(value)


def _list_rows(app: Application) -> dict[str, list[dict[str, str]]]:
    """The rows of 附件2's tables 二 to 八, keyed and filled as the registry says.

    Each column fills the template cell named by its 模板键; columns sharing a cell (职称 and 学历
    in 职称／学历) are joined with ``／``, leaving out a blank one.
    """
    reg = app.registry
    out: dict[str, list[dict[str, str]]] = {}
    for section in reg.form_sections:
        name = next(c.name for c in reg.root.columns if c.label == section.key)
        keys = list(dict.fromkeys(c.template_key for c in section.columns if c.template_key))
        items = []
        for item in getattr(app, name):
            cells: dict[str, list[str]] = {key: [] for key in keys}
            for column in section.columns:
                if column.template_key:
                    text = _cell(column, getattr(item, column.name))
                    if column.keep_names and column.width:
                        text = lines_between_names(text, column.width)
                    cells[column.template_key].append(text)
            items.append({key: "／".join(x for x in parts if x) for key, parts in cells.items()})
        out[str(section.template_key)] = _rows(items, keys)
    return out


def _number(value: Any) -> str:
    """A figure or count as the forms print it: 4, 75, 4.5; blank for None."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return fmt_number(value)
    return _s(value)


def _basic_text(reg: Registry, column: Column, value: Any) -> str:
    """One 基本情况 field as the form prints it, before its format; blank when not filled."""
    if value is None or value == []:
        return ""
    if column.type == "日期":
        return fmt_date(value)
    if column.type in ("数字", "整数"):
        return _number(value)
    if column.type == "文字列表":
        return "、".join(dict.fromkeys(str(v) for v in value))
    if column.type == "栏目":  # one row a line, its filled columns in their formats
        section = reg.section(column.label)
        return "\n".join(
            "，".join(
                fill(c.format, _cell(c, getattr(item, c.name)), c.form_headers[0])
                for c in section.columns
                if getattr(item, c.name) is not None
            )
            for item in value
        )
    return str(value).rstrip("\n")


def _cells_and_widths(layout: BasicLayout) -> list[tuple[tuple[str, ...], float]]:
    """Each cell of the 基本情况 grid with the width (cm) of its value: a row of n cells gives
    each 6/n columns, the first for the label (as ``make templates`` draws it)."""
    out = []
    for row in layout.rows:
        span = len(layout.widths) // len(row.cells)
        for k, parts in enumerate(row.cells):
            out.append((parts, sum(layout.widths[k * span + 1 : (k + 1) * span])))
    return out


def _basic(app: Application) -> dict[str, str]:
    """The 基本情况 grid's cells by template key, as the registry lays them out.

    A cell holds its parts' texts, each in its own format and on a line of its own; a part not
    filled is left out.
    """
    reg = app.registry
    section = reg.mapping_section
    assert section.layout is not None  # checked when the registry is read
    basic = getattr(app, reg.root_column_of_type("栏目", required=True).name)
    cells: dict[str, str] = {}
    for parts, width in _cells_and_widths(section.layout):
        texts = []
        for name in parts:
            part = reg.basic_part(name)
            if isinstance(part, Figure):
                text = _number(getattr(app, str(part.attribute)))
            else:
                text = _basic_text(reg, part, getattr(basic, part.name))
            if text:
                text = fill(part.format, text, part.form_headers[0])
                if isinstance(part, Column) and part.keep_names:
                    text = lines_between_names(text, width)
                texts.append(text)
        first = reg.basic_part(parts[0])
        key = first.template_key or (first.name if isinstance(first, Column) else None)
        cells[str(key)] = "\n".join(texts)
    return cells


def form2_context(app: Application) -> dict[str, Any]:
    """Return the context of 附件2《申报表》: its title, 一 to 八, and the boxes 九 and 十.

    Everything comes from the registry the application was validated against: the 基本情况
    grid, the lists' columns, and the keys with a box of their own (十 is written by the
    office).
    """
    reg = app.registry
    boxes = {
        c.template_key or c.name: _s(getattr(app, c.name)).rstrip("\n")
        for c in reg.root.columns
        if c.heading
    }
    return {
        "title": app.profile.form_title,
        str(reg.mapping_section.template_key): _basic(app),
        **_list_rows(app),
        **boxes,
    }


def score_rows(profile: Profile, scores: dict[str, Decimal | None]) -> list[dict[str, str]]:
    """Return 附件1's body rows for `profile`, merged as the official form merges them."""
    rows: list[dict[str, str]] = []
    for number, category in enumerate(profile.categories, start=1):
        for k, ind in enumerate(category.indicators):
            first = k == 0
            rows.append(
                {
                    "no": str(number) if first else MERGE_UP,
                    "category": (
                        f"{category.name}\n（{fmt_number(category.max_points)}分）"
                        if first
                        else MERGE_UP
                    ),
                    "indicator": f"{ind.name}\n（{fmt_number(ind.max_points)}分）",
                    "standard": ind.standard,
                    "evidence": MERGE_UP if ind.evidence == SAME_AS_ABOVE else ind.evidence,
                    "score": fmt_number(scores.get(ind.name)),
                }
            )
    return rows


def form1_context(app: Application) -> dict[str, Any]:
    """Return the context of 附件1《评价表》: the profile's rows with each 自评分 and the 总分."""
    return {
        "title": app.profile.score_title,
        "unit_name": app.basic.name,
        "district": app.basic.district,
        "rows": score_rows(app.profile, app.scores.as_dict()),
        "total": fmt_number(app.total_score),
    }
