"""The 认定条件 of the notice about the unit, its place and its people: one registered rule each.

Each rule is registered with its key, title and threshold (`jidi_docs.review._register.rule`)
and returns a status and a Chinese reason citing the figures; thresholds and the deadline come
from the profile only. A rule about a list the application left empty says 未填写 (需注意), never
符合. The rules about the records (activities, dates, 资质, 自评分, evidence) follow in
`_rules_records`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..forms import fmt_number
from ..schema import Application, Profile
from ._register import Case, Verdict, rule
from ._results import FAIL, OK, WARN

__all__ = ["listing", "nth", "num", "subtotals"]

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


def nth(kind: str, n: int) -> str:
    return f"{kind}第 {n} 项"


# ---------------------------------------------------------------------------------------------
# Conditions, one registered rule each, in report order
# ---------------------------------------------------------------------------------------------


@rule("filled", "各栏目都已填写")
def filled(c: Case) -> Verdict:
    """Name every section left empty: a half-filled application must not look done."""
    app = c.app
    empty = [
        info.alias or name
        for name, info in type(app).model_fields.items()
        if isinstance(getattr(app, name), list) and not getattr(app, name)
    ]
    if not (app.opinion or "").strip():
        empty.append(type(app).model_fields["opinion"].alias or "opinion")
    if all(v is None for v in app.scores.as_dict().values()):
        empty.append(type(app).model_fields["scores"].alias or "scores")
    if empty:
        return WARN, f"以下栏目尚未填写：{listing(empty)}。"
    return OK, "每个栏目都已填写。"


@rule("district", "所属区县在认定范围内")
def district(c: Case) -> Verdict:
    d, p = c.app.basic.district, c.profile
    if d in p.districts:
        return OK, f"所属区县为{d}。"
    return FAIL, f"所属区县“{d}”不在本批次的认定范围内（{'、'.join(p.districts)}）。"


@rule("credit_code_division", "统一社会信用代码登记在本地")
def credit_division(c: Case) -> Verdict:
    code = c.app.basic.credit_code
    if not code:
        return (
            WARN,
            "未填写统一社会信用代码，无法核对登记地；建议在「基本情况 → 统一社会信用代码」填写。",
        )
    division = code.strip()[2:8]
    prefix = c.profile.credit_code_prefix
    if division.startswith(prefix):
        return (
            OK,
            f"统一社会信用代码的登记管理机关行政区划码为 {division}"
            + (f"，属于 {prefix} 开头的本地区划。" if prefix else "。"),
        )
    return (
        FAIL,
        (
            f"统一社会信用代码的行政区划码为 {division}，不是以 {prefix} 开头，"
            "说明单位不是在本地登记注册的。"
        ),
    )


@rule("legal_person", "独立法人单位")
def legal_person(c: Case) -> Verdict:
    code = c.app.basic.credit_code
    if not code:
        return WARN, "未填写统一社会信用代码，无法核对单位类别。"
    category = code.strip()[:2]
    name = _CREDIT_CATEGORIES.get(category)
    shown = f"“{category}”（{name}）" if name else f"“{category}”"
    if category in _NOT_LEGAL_PERSON:
        return WARN, f"统一社会信用代码前两位为{shown}，不是独立法人，请确认是否具备申报资格。"
    return OK, f"统一社会信用代码前两位为{shown}。"


@rule("venue", "至少一处培训场地可容纳 {need} 人", threshold="培训场地最少可容纳人数")
def venue(c: Case) -> Verdict:
    venues = c.app.basic.venues
    if not venues:
        return FAIL, "未填写培训场地（基本情况 → 培训场地）。"
    best = max(venues, key=lambda v: v.capacity)
    if best.capacity >= c.need:
        return (
            OK,
            f"最大的培训场地（{best.address}）可容纳 {best.capacity} 人，不少于 {c.need} 人。",
        )
    return FAIL, f"最大的培训场地（{best.address}）只能容纳 {best.capacity} 人，少于 {c.need} 人。"


@rule("office", "独立办公用房不小于 {need} 平方米", threshold="最小办公面积")
def office(c: Case) -> Verdict:
    area, need = c.app.basic.office_area, fmt_number(c.need)
    if area is None:
        return WARN, "未填写办公面积，无法核对；请在「基本情况 → 办公面积」填写平方米数。"
    if area >= c.need:
        return OK, f"办公面积 {fmt_number(area)} 平方米，不小于 {need} 平方米。"
    return FAIL, f"办公面积 {fmt_number(area)} 平方米，小于 {need} 平方米。"


@rule("fulltime_lecturers", "专职讲师不少于 {need} 名", threshold="最少专职讲师数")
def fulltime(c: Case) -> Verdict:
    have, app = c.app.fulltime_count, c.app
    if have >= c.need:
        return OK, f"专职讲师 {have} 名（讲师共 {app.lecturer_count} 名），不少于 {c.need} 名。"
    return FAIL, f"专职讲师 {have} 名（讲师共 {app.lecturer_count} 名），少于 {c.need} 名。"


@rule("lecturer_education", "讲师学历一般为{need}及以上", threshold="讲师最低学历")
def education(c: Case) -> Verdict:
    app, p, floor = c.app, c.profile, c.need
    limit = p.education_rank(floor)
    below = [t for t in app.lecturers if p.education_rank(t.education) > limit]
    if not app.lecturers:
        return WARN, "未填写讲师。"
    if not below:
        return OK, f"{app.lecturer_count} 名讲师都具有{floor}及以上学历。"
    names = listing(f"{t.name}（{t.education}）" for t in below)
    return (
        WARN,
        (
            f"{len(below)} 名讲师低于{floor}学历：{names}；"
            f"{floor}及以上学历讲师占比 {fmt_number(app.bachelor_ratio)}%。"
        ),
    )


@rule("total_trainees", "历年培训总人次超过 {need}", threshold="历年培训总人次须超过")
def total_trainees(c: Case) -> Verdict:
    total = c.app.basic.total_trainees
    if total is None:
        return WARN, "未填写历年培训总人次，无法核对；请在「基本情况 → 历年培训总人次」填写。"
    if total > c.need:
        return OK, f"历年培训总人次 {total}，超过 {c.need}。"
    return FAIL, f"历年培训总人次 {total}，没有超过 {c.need}。"


@rule("crossborder_trainees", "跨境电商培训不少于 {need} 人次", threshold="跨境电商培训人次至少")
def crossborder(c: Case) -> Verdict:
    have = c.app.crossborder_trainees
    detail = f"{len(c.app.trainings)} 期培训活动共 {have} 人次"
    if have >= c.need:
        return OK, f"{detail}，不少于 {c.need} 人次。"
    return FAIL, f"{detail}，少于 {c.need} 人次。"


@rule("training_hours", "每期培训不少于 {need} 学时", threshold="每期培训最少学时")
def hours(c: Case) -> Verdict:
    trainings, need = c.app.trainings, fmt_number(c.need)
    if not trainings:
        return FAIL, "未填写任何培训活动。"
    short = [
        f"{nth('培训活动', n)}“{t.topic}” {fmt_number(t.hours)} 学时"
        for n, t in enumerate(trainings, start=1)
        if t.hours < c.need
    ]
    if not short:
        least = min(t.hours for t in trainings)
        return (
            OK,
            f"{len(trainings)} 期培训活动最少 {fmt_number(least)} 学时，都不少于 {need} 学时。",
        )
    return FAIL, f"{len(short)} 期培训少于 {need} 学时：{listing(short)}。"


# ---------------------------------------------------------------------------------------------
# The 评价表 and figures
# ---------------------------------------------------------------------------------------------


def subtotals(app: Application, p: Profile) -> list[Decimal]:
    scores = app.scores.as_dict()
    return [
        sum((num(scores.get(i.name)) or Decimal(0) for i in c.indicators), Decimal(0))
        for c in p.categories
    ]
