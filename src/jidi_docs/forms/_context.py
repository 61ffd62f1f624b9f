"""Turn a validated Application into the plain dicts the .docx templates are filled with.

Pure functions: every value comes out as an already formatted `str`, so the templates hold no logic
beyond loops, and a test can check the wording without opening any .docx. The keys are the
template contract (see `templates/附件1.docx`, `templates/附件2.docx`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..schema import SAME_AS_ABOVE, Application, Column, Profile, registry
from ._format import MERGE_UP, fmt_date, fmt_number, fmt_period, fmt_short_date

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
    reg = registry()
    out: dict[str, list[dict[str, str]]] = {}
    for section in reg.form_sections:
        name = next(c.name for c in reg.root.columns if c.label == section.key)
        keys = list(dict.fromkeys(c.template_key for c in section.columns if c.template_key))
        items = []
        for item in getattr(app, name):
            cells: dict[str, list[str]] = {key: [] for key in keys}
            for column in section.columns:
                if column.template_key:
                    cells[column.template_key].append(_cell(column, getattr(item, column.name)))
            items.append({key: "／".join(x for x in parts if x) for key, parts in cells.items()})
        out[str(section.template_key)] = _rows(items, keys)
    return out


def _venues(app: Application) -> str:
    lines = []
    for v in app.basic.venues:
        parts = [v.address]
        if v.area is not None:
            parts.append(f"面积 {fmt_number(v.area)} 平方米")
        parts.append(f"可容纳 {v.capacity} 人")
        lines.append("，".join(parts))
    return "\n".join(lines)


def _unit_name(app: Application) -> str:
    name = app.basic.name
    if app.basic.credit_code:
        name += f"\n（统一社会信用代码：{app.basic.credit_code}）"
    return name


def _office_address(app: Application) -> str:
    text = app.basic.office_address
    if app.basic.office_area is not None:
        text += f"\n（独立办公面积 {fmt_number(app.basic.office_area)} 平方米）"
    return text


def _platform_count(app: Application) -> str:
    count = str(app.platform_count)
    if app.basic.platforms:
        count += f"\n（{'、'.join(dict.fromkeys(app.basic.platforms))}）"
    return count


def _intro(app: Application) -> str:
    intro = (app.basic.intro or "").rstrip("\n")
    if app.basic.total_trainees is not None:
        extra = f"历年组织人才培训总人次：{app.basic.total_trainees}"
        intro = f"{intro}\n{extra}" if intro else extra
    return intro


def form2_context(app: Application) -> dict[str, Any]:
    """Return the context of 附件2《申报表》: sections 一 to 十 (十 is written by the office)."""
    b = app.basic
    ratio = app.bachelor_ratio
    basic = {
        "name": _unit_name(app),
        "reg_address": b.reg_address,
        "district": b.district,
        "legal_rep": b.legal_rep,
        "reg_date": fmt_date(b.reg_date),
        "contact": b.contact,
        "phone": b.phone,
        "office_address": _office_address(app),
        "total_area": fmt_number(b.total_area),
        "venues": _venues(app),
        "lecturer_count": str(app.lecturer_count),
        "bachelor_count": str(app.bachelor_count),
        "ratio": fmt_number(ratio) if ratio is not None else "",
        "manager_count": str(app.manager_count),
        "platform_count": _platform_count(app),
        "intro": _intro(app),
    }
    return {
        "b": basic,
        **_list_rows(app),
        "opinion": _s(app.opinion).rstrip("\n"),
        "office_opinion": _s(app.office_opinion).rstrip("\n"),
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
        "unit_name": app.basic.name,
        "district": app.basic.district,
        "rows": score_rows(app.profile, app.scores.as_dict()),
        "total": fmt_number(app.total_score),
    }
