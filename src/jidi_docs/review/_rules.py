"""The 认定条件 of the notice, one function each: status and a Chinese reason citing the figures.

Every rule takes the application and its profile; thresholds and the deadline come from the
profile only. A rule about a list the application left empty says 未填写 (需注意), never 符合.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..forms import fmt_number
from ..schema import Application, Profile
from ._results import FAIL, OK, WARN, ConditionResult, Status

__all__ = [
    "credit_division",
    "crossborder",
    "district",
    "education",
    "fulltime",
    "hours",
    "legal_person",
    "listing",
    "nth",
    "num",
    "office",
    "result",
    "subtotals",
    "total_trainees",
    "venue",
    "verdict_for",
]

#: 机构类别 (the first two characters of a 统一社会信用代码, GB 32100-2015 附录) we name in reasons.
_CREDIT_CATEGORIES = {
    "11": "机关",
    "12": "事业单位",
    "51": "社会团体",
    "52": "民办非企业单位",
    "53": "基金会",
    "91": "企业",
    "92": "个体工商户",
    "93": "农民专业合作社",
}
#: Categories that are not an independent legal person: experts will ask about them.
_NOT_LEGAL_PERSON = {"92"}
#: How many items a reason lists before it says “等 N 项”.
_LIST_LIMIT = 10


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def num(value: Any) -> Decimal | None:
    """Return a score as Decimal; tolerant, because a plain `Application` keeps scores as typed."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def listing(items: Iterable[str]) -> str:
    """Join items with 、, cut after `_LIST_LIMIT` so a 300-row table gives a readable reason."""
    items = list(items)
    if len(items) <= _LIST_LIMIT:
        return "、".join(items)
    return "、".join(items[:_LIST_LIMIT]) + f" 等 {len(items)} 项"


def verdict_for(key: str, title: str) -> Callable[[Status, str], ConditionResult]:
    """Return the maker of one condition's result, so each rule states only status and reason."""

    def make(status: Status, reason: str) -> ConditionResult:
        return ConditionResult(key=key, title=title, status=status, reason=reason)

    return make


def result(key: str, title: str, problems: list[str], ok: str, status: Status) -> ConditionResult:
    verdict = verdict_for(key, title)
    return verdict(status, "；".join(problems) + "。") if problems else verdict(OK, ok)


def nth(kind: str, n: int) -> str:
    return f"{kind}第 {n} 项"


# ---------------------------------------------------------------------------------------------
# Conditions, one function each
# ---------------------------------------------------------------------------------------------


def district(app: Application, p: Profile) -> ConditionResult:
    title = "所属区县在认定范围内"
    verdict = verdict_for("district", title)
    d = app.basic.district
    if d in p.districts:
        return verdict(OK, f"所属区县为{d}。")
    return verdict(
        FAIL,
        f"所属区县“{d}”不在本批次的认定范围内（{'、'.join(p.districts)}）。",
    )


def credit_division(app: Application, p: Profile) -> ConditionResult:
    title = "统一社会信用代码登记在本地"
    verdict = verdict_for("credit_code_division", title)
    code = app.basic.credit_code
    if not code:
        return verdict(
            WARN,
            "未填写统一社会信用代码，无法核对登记地；建议在「基本情况 → 统一社会信用代码」填写。",
        )
    division = code.strip()[2:8]
    prefix = p.credit_code_prefix
    if division.startswith(prefix):
        return verdict(
            OK,
            f"统一社会信用代码的登记管理机关行政区划码为 {division}"
            + (f"，属于 {prefix} 开头的本地区划。" if prefix else "。"),
        )
    return verdict(
        FAIL,
        f"统一社会信用代码的行政区划码为 {division}，不是以 {prefix} 开头，"
        "说明单位不是在本地登记注册的。",
    )


def legal_person(app: Application, p: Profile) -> ConditionResult:
    del p
    title = "独立法人单位"
    verdict = verdict_for("legal_person", title)
    code = app.basic.credit_code
    if not code:
        return verdict(
            WARN,
            "未填写统一社会信用代码，无法核对单位类别。",
        )
    category = code.strip()[:2]
    name = _CREDIT_CATEGORIES.get(category)
    shown = f"“{category}”（{name}）" if name else f"“{category}”"
    if category in _NOT_LEGAL_PERSON:
        return verdict(
            WARN,
            f"统一社会信用代码前两位为{shown}，不是独立法人，请确认是否具备申报资格。",
        )
    return verdict(OK, f"统一社会信用代码前两位为{shown}。")


def venue(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_venue_capacity
    title = f"至少一处培训场地可容纳 {need} 人"
    verdict = verdict_for("venue", title)
    venues = app.basic.venues
    if not venues:
        return verdict(FAIL, "未填写培训场地（基本情况 → 培训场地）。")
    best = max(venues, key=lambda v: v.capacity)
    if best.capacity >= need:
        return verdict(
            OK,
            f"最大的培训场地（{best.address}）可容纳 {best.capacity} 人，不少于 {need} 人。",
        )
    return verdict(
        FAIL,
        f"最大的培训场地（{best.address}）只能容纳 {best.capacity} 人，少于 {need} 人。",
    )


def office(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_office_area
    title = f"独立办公用房不小于 {fmt_number(need)} 平方米"
    verdict = verdict_for("office", title)
    area = app.basic.office_area
    if area is None:
        return verdict(
            WARN,
            "未填写办公面积，无法核对；请在「基本情况 → 办公面积」填写平方米数。",
        )
    if area >= need:
        return verdict(
            OK,
            f"办公面积 {fmt_number(area)} 平方米，不小于 {fmt_number(need)} 平方米。",
        )
    return verdict(
        FAIL,
        f"办公面积 {fmt_number(area)} 平方米，小于 {fmt_number(need)} 平方米。",
    )


def fulltime(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_fulltime_lecturers
    title = f"专职讲师不少于 {need} 名"
    verdict = verdict_for("fulltime_lecturers", title)
    have = app.fulltime_count
    if have >= need:
        return verdict(
            OK,
            f"专职讲师 {have} 名（讲师共 {app.lecturer_count} 名），不少于 {need} 名。",
        )
    return verdict(
        FAIL,
        f"专职讲师 {have} 名（讲师共 {app.lecturer_count} 名），少于 {need} 名。",
    )


def education(app: Application, p: Profile) -> ConditionResult:
    floor = p.conditions.min_lecturer_education
    title = f"讲师学历一般为{floor}及以上"
    verdict = verdict_for("lecturer_education", title)
    limit = p.education_rank(floor)
    below = [t for t in app.lecturers if p.education_rank(t.education) > limit]
    if not app.lecturers:
        return verdict(WARN, "未填写讲师。")
    if not below:
        return verdict(
            OK,
            f"{app.lecturer_count} 名讲师都具有{floor}及以上学历。",
        )
    names = listing(f"{t.name}（{t.education}）" for t in below)
    return verdict(
        WARN,
        f"{len(below)} 名讲师低于{floor}学历：{names}；"
        f"{floor}及以上学历讲师占比 {fmt_number(app.bachelor_ratio)}%。",
    )


def total_trainees(app: Application, p: Profile) -> ConditionResult:
    over = p.conditions.total_trainees_over
    title = f"历年培训总人次超过 {over}"
    verdict = verdict_for("total_trainees", title)
    total = app.basic.total_trainees
    if total is None:
        return verdict(
            WARN,
            "未填写历年培训总人次，无法核对；请在「基本情况 → 历年培训总人次」填写。",
        )
    if total > over:
        return verdict(
            OK,
            f"历年培训总人次 {total}，超过 {over}。",
        )
    return verdict(
        FAIL,
        f"历年培训总人次 {total}，没有超过 {over}。",
    )


def crossborder(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_crossborder_trainees
    title = f"跨境电商培训不少于 {need} 人次"
    verdict = verdict_for("crossborder_trainees", title)
    have = app.crossborder_trainees
    detail = f"{len(app.trainings)} 期培训活动共 {have} 人次"
    if have >= need:
        return verdict(OK, f"{detail}，不少于 {need} 人次。")
    return verdict(
        FAIL,
        f"{detail}，少于 {need} 人次。",
    )


def hours(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_hours_per_training
    title = f"每期培训不少于 {fmt_number(need)} 学时"
    verdict = verdict_for("training_hours", title)
    if not app.trainings:
        return verdict(FAIL, "未填写任何培训活动。")
    short = [
        f"{nth('培训活动', n)}“{t.topic}” {fmt_number(t.hours)} 学时"
        for n, t in enumerate(app.trainings, start=1)
        if t.hours < need
    ]
    if not short:
        least = min(t.hours for t in app.trainings)
        return verdict(
            OK,
            f"{len(app.trainings)} 期培训活动最少 {fmt_number(least)} 学时，"
            f"都不少于 {fmt_number(need)} 学时。",
        )
    return verdict(
        FAIL,
        f"{len(short)} 期培训少于 {fmt_number(need)} 学时：{listing(short)}。",
    )


# ---------------------------------------------------------------------------------------------
# The 评价表 and figures
# ---------------------------------------------------------------------------------------------


def subtotals(app: Application, p: Profile) -> list[Decimal]:
    scores = app.scores.as_dict()
    return [
        sum((num(scores.get(i.name)) or Decimal(0) for i in c.indicators), Decimal(0))
        for c in p.categories
    ]
