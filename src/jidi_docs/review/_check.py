"""预审: check a validated application against its 认定批次's conditions and 评价表.

Pure logic apart from one read-only look at the file system (do the 佐证材料 files exist?). Every
condition of the notice becomes one `ConditionResult` with a status and a Chinese reason that cites
the figures, so a base sees not only *that* it misses a condition but by how much. The thresholds,
the deadline and the 评价表 all come from `app.profile`: the same data that fills 附件1 and limits
each 自评分, so the check can never disagree with the form.

Statuses: ``不符合`` is a hard condition missed (the CLI exits 3); ``需注意`` is something experts
will look at or data that is missing, but not a reason for rejection by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from os import PathLike
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer, computed_field

from ..errors import EvidenceError
from ..forms._format import fmt_date, fmt_number
from ..input._coerce import as_application
from ..pdf._evidence import resolve_evidence_path
from ..schema._model import Application
from ..schema._profile import Profile

__all__ = [
    "FAIL",
    "OK",
    "WARN",
    "CategoryResult",
    "CheckReport",
    "ConditionResult",
    "ScoreRow",
    "Status",
    "check",
]

Status = Literal["符合", "不符合", "需注意"]
OK: Status = "符合"
FAIL: Status = "不符合"
WARN: Status = "需注意"
_SEVERITY: dict[str, int] = {OK: 0, WARN: 1, FAIL: 2}


def _json_number(value: Decimal) -> int | float:
    """Scores go to JSON as numbers (10, 4.5) rather than pydantic's default strings."""
    return int(value) if value == value.to_integral_value() else float(value)


Number = Annotated[Decimal, PlainSerializer(_json_number, return_type=Any, when_used="json")]

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


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ConditionResult(_Frozen):
    """One 认定条件 and how the application fares.

    Attributes:
        key: a stable English identifier for scripts (``venue``, ``training_hours`` …).
        title: the condition in Chinese, as the report shows it.
        status: 符合, 不符合 or 需注意.
        reason: why, citing the figures (``专职讲师 2 名，少于 3 名``).
    """

    key: str
    title: str
    status: Status
    reason: str


class ScoreRow(_Frozen):
    """One 评价指标 of the 评价表 with its 自评分 (None when left blank)."""

    category: str
    indicator: str
    max_points: Number
    score: Number | None


class CategoryResult(_Frozen):
    """One 内容 category: its full marks and the subtotal of its 自评分."""

    name: str
    max_points: Number
    subtotal: Number


class CheckReport(_Frozen):
    """The 预审 result of one application; `model_dump_json()` gives it to scripts.

    Attributes:
        source: the YAML file checked, if it came from one.
        unit_name: 申报单位名称.
        batch: the 认定批次 (profile name) the application was checked against.
        deadline: the batch's 申报截止日期.
        figures: the derived figures (讲师数量 …), in the order the forms show them.
        conditions: one result per 认定条件.
        score_rows: the 评价表's rows with each 自评分.
        categories: subtotals per 内容 category.
        total_score: 总分, the sum of every 自评分.
        max_total: the 评价表's full marks.
    """

    source: str | None
    unit_name: str
    batch: str
    deadline: dt.date
    figures: dict[str, Number | None]
    conditions: list[ConditionResult]
    score_rows: list[ScoreRow]
    categories: list[CategoryResult]
    total_score: Number
    max_total: Number

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        """True when no condition is 不符合 (需注意 alone still passes)."""
        return all(c.status != FAIL for c in self.conditions)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counts(self) -> dict[str, int]:
        """How many conditions have each status, ``{"符合": n, "需注意": n, "不符合": n}``."""
        return {s: sum(1 for c in self.conditions if c.status == s) for s in (OK, WARN, FAIL)}

    def condition(self, key: str) -> ConditionResult:
        """Return the result of the condition called `key`.

        Raises:
            KeyError: no condition has that key.
        """
        for c in self.conditions:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def failed(self) -> list[ConditionResult]:
        """The conditions that are 不符合."""
        return [c for c in self.conditions if c.status == FAIL]

    @property
    def summary(self) -> str:
        """One Chinese sentence: ``预审结果：12 项符合，1 项需注意，0 项不符合。``."""
        n = self.counts
        return f"预审结果：{n[OK]} 项符合，{n[WARN]} 项需注意，{n[FAIL]} 项不符合。"


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _num(value: Any) -> Decimal | None:
    """Return a score as Decimal; tolerant, because a plain `Application` keeps scores as typed."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _listing(items: Iterable[str]) -> str:
    """Join items with 、, cut after `_LIST_LIMIT` so a 300-row table gives a readable reason."""
    items = list(items)
    if len(items) <= _LIST_LIMIT:
        return "、".join(items)
    return "、".join(items[:_LIST_LIMIT]) + f" 等 {len(items)} 项"


def _verdict(key: str, title: str) -> Callable[[Status, str], ConditionResult]:
    """Return the maker of one condition's result, so each rule states only status and reason."""

    def make(status: Status, reason: str) -> ConditionResult:
        return ConditionResult(key=key, title=title, status=status, reason=reason)

    return make


def _result(key: str, title: str, problems: list[str], ok: str, status: Status) -> ConditionResult:
    verdict = _verdict(key, title)
    return verdict(status, "；".join(problems) + "。") if problems else verdict(OK, ok)


def _nth(kind: str, n: int) -> str:
    return f"{kind}第 {n} 项"


# ---------------------------------------------------------------------------------------------
# Conditions, one function each
# ---------------------------------------------------------------------------------------------


def _district(app: Application, p: Profile) -> ConditionResult:
    title = "所属区县在认定范围内"
    verdict = _verdict("district", title)
    d = app.basic.district
    if d in p.districts:
        return verdict(OK, f"所属区县为{d}。")
    return verdict(
        FAIL,
        f"所属区县“{d}”不在本批次的认定范围内（{'、'.join(p.districts)}）。",
    )


def _credit_division(app: Application, p: Profile) -> ConditionResult:
    title = "统一社会信用代码登记在本地"
    verdict = _verdict("credit_code_division", title)
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


def _legal_person(app: Application, p: Profile) -> ConditionResult:
    del p
    title = "独立法人单位"
    verdict = _verdict("legal_person", title)
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


def _venue(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_venue_capacity
    title = f"至少一处培训场地可容纳 {need} 人"
    verdict = _verdict("venue", title)
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


def _office(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_office_area
    title = f"独立办公用房不小于 {fmt_number(need)} 平方米"
    verdict = _verdict("office", title)
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


def _fulltime(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_fulltime_lecturers
    title = f"专职讲师不少于 {need} 名"
    verdict = _verdict("fulltime_lecturers", title)
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


def _education(app: Application, p: Profile) -> ConditionResult:
    floor = p.conditions.min_lecturer_education
    title = f"讲师学历一般为{floor}及以上"
    verdict = _verdict("lecturer_education", title)
    limit = p.education_rank(floor)
    below = [t for t in app.lecturers if p.education_rank(t.education) > limit]
    if not app.lecturers:
        return verdict(WARN, "未填写讲师。")
    if not below:
        return verdict(
            OK,
            f"{app.lecturer_count} 名讲师都具有{floor}及以上学历。",
        )
    names = _listing(f"{t.name}（{t.education}）" for t in below)
    return verdict(
        WARN,
        f"{len(below)} 名讲师低于{floor}学历：{names}；"
        f"{floor}及以上学历讲师占比 {fmt_number(app.bachelor_ratio)}%。",
    )


def _total_trainees(app: Application, p: Profile) -> ConditionResult:
    over = p.conditions.total_trainees_over
    title = f"历年培训总人次超过 {over}"
    verdict = _verdict("total_trainees", title)
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


def _crossborder(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_crossborder_trainees
    title = f"跨境电商培训不少于 {need} 人次"
    verdict = _verdict("crossborder_trainees", title)
    have = app.crossborder_trainees
    detail = f"{len(app.trainings)} 期培训活动共 {have} 人次"
    if have >= need:
        return verdict(OK, f"{detail}，不少于 {need} 人次。")
    return verdict(
        FAIL,
        f"{detail}，少于 {need} 人次。",
    )


def _hours(app: Application, p: Profile) -> ConditionResult:
    need = p.conditions.min_hours_per_training
    title = f"每期培训不少于 {fmt_number(need)} 学时"
    verdict = _verdict("training_hours", title)
    if not app.trainings:
        return verdict(FAIL, "未填写任何培训活动。")
    short = [
        f"{_nth('培训活动', n)}“{t.topic}” {fmt_number(t.hours)} 学时"
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
        f"{len(short)} 期培训少于 {fmt_number(need)} 学时：{_listing(short)}。",
    )


def _training_lecturers(app: Application, p: Profile) -> ConditionResult:
    del p
    title = "培训活动的讲师都列在讲师名单中"
    verdict = _verdict("training_lecturers", title)
    known = {t.name.strip() for t in app.lecturers}
    missing: dict[str, list[int]] = {}
    for n, t in enumerate(app.trainings, start=1):
        for name in t.lecturer_names:
            if name not in known:
                missing.setdefault(name, []).append(n)
    if not missing:
        return verdict(
            OK,
            "每期培训活动的讲师都在「讲师」名单中。",
        )
    items = [
        f"{name}（培训活动第 {'、'.join(map(str, rows))} 项）" for name, rows in missing.items()
    ]
    return verdict(
        WARN,
        f"这些培训讲师不在「讲师」名单中：{_listing(items)}；请补充到讲师名单或核对姓名。",
    )


def _reg_date(app: Application, p: Profile) -> ConditionResult:
    title = "注册时间不晚于申报截止日期"
    verdict = _verdict("reg_date", title)
    reg, deadline = app.basic.reg_date, p.deadline
    if reg <= deadline:
        return verdict(
            OK,
            f"注册时间 {fmt_date(reg)}，不晚于申报截止日期 {fmt_date(deadline)}。",
        )
    return verdict(
        FAIL,
        f"注册时间 {fmt_date(reg)}，晚于申报截止日期 {fmt_date(deadline)}。",
    )


def _activity_dates(app: Application, p: Profile) -> ConditionResult:
    title = "各项活动都不晚于申报截止日期"
    deadline = p.deadline
    sections: list[tuple[str, list[Any], Callable[[Any], str]]] = [
        ("培训活动", app.trainings, lambda x: x.topic),
        ("对接调研活动", app.matchmakings, lambda x: x.topic),
        ("品牌创新活动", app.brand_activities, lambda x: x.content),
        ("企业荣誉", app.honours, lambda x: x.name),
    ]
    late = [
        f"{_nth(kind, n)}“{what(item)}”（{item.time}）"
        for kind, items, what in sections
        for n, item in enumerate(items, start=1)
        if item.time.last_day > deadline
    ]
    return _result(
        "activity_dates",
        title,
        [f"{len(late)} 项晚于申报截止日期 {fmt_date(deadline)}：{_listing(late)}"] if late else [],
        f"所有活动和荣誉的时间都不晚于申报截止日期 {fmt_date(deadline)}。",
        FAIL,
    )


def _qualifications(app: Application, p: Profile) -> ConditionResult:
    title = "企业资质在申报截止日期仍有效"
    deadline = p.deadline
    expired = [
        f"{_nth('企业资质', n)}“{q.name}”有效期至 {fmt_date(q.valid_until)}"
        for n, q in enumerate(app.qualifications, start=1)
        if isinstance(q.valid_until, dt.date) and q.valid_until < deadline
    ]
    if not app.qualifications:
        ok = "未填写企业资质。"
    else:
        ok = f"{len(app.qualifications)} 项企业资质在申报截止日期 {fmt_date(deadline)}时都仍有效。"
    return _result(
        "qualifications",
        title,
        [f"{len(expired)} 项资质在申报截止日期 {fmt_date(deadline)} 前已过期：{_listing(expired)}"]
        if expired
        else [],
        ok,
        FAIL,
    )


def _scores(app: Application, p: Profile) -> ConditionResult:
    title = f"自评分不超过各项分值，总分不超过 {fmt_number(p.total_points)}"
    verdict = _verdict("scores", title)
    scores = app.scores.as_dict()
    over: list[str] = []
    blank: list[str] = []
    for ind in p.indicators:
        s = _num(scores.get(ind.name))
        if s is None:
            blank.append(ind.name)
        elif s < 0 or s > ind.max_points:
            over.append(f"{ind.name} {fmt_number(s)} 分（分值 {fmt_number(ind.max_points)} 分）")
    unknown = [k for k in scores if k not in {i.name for i in p.indicators}]
    over_cat = [
        f"{c.name}小计 {fmt_number(sub)} 分（分值 {fmt_number(c.max_points)} 分）"
        for c, sub in zip(p.categories, _subtotals(app, p))
        if sub > c.max_points
    ]
    total = sum(_subtotals(app, p), Decimal(0))
    problems: list[str] = []
    if over:
        problems.append(f"超出分值范围：{_listing(over)}")
    if over_cat:
        problems.append(f"超出类别分值：{_listing(over_cat)}")
    if total > p.total_points:
        problems.append(f"总分 {fmt_number(total)} 分，超过 {fmt_number(p.total_points)} 分")
    if unknown:
        problems.append(f"评价表中没有这些指标：{_listing(unknown)}")
    if problems:
        return verdict(FAIL, "；".join(problems) + "。")
    if blank:
        return verdict(
            WARN,
            f"以下指标未填自评分：{_listing(blank)}；目前总分 {fmt_number(total)} 分。",
        )
    return verdict(
        OK,
        f"各项自评分都在分值之内，总分 {fmt_number(total)} 分"
        f"（满分 {fmt_number(p.total_points)} 分）。",
    )


def _evidence_coverage(app: Application, p: Profile) -> ConditionResult:
    title = "每个评价指标都有佐证材料"
    verdict = _verdict("evidence_coverage", title)
    covered = {e.indicator for e in app.evidence}
    missing = [i.name for i in p.indicators if i.name not in covered]
    if missing:
        return verdict(
            FAIL,
            f"{len(missing)} 个评价指标没有佐证材料：{_listing(missing)}。",
        )
    return verdict(
        OK,
        f"{len(p.indicators)} 个评价指标都有佐证材料（共 {len(app.evidence)} 条）。",
    )


def _evidence_files(app: Application, base_dir: Path) -> ConditionResult:
    title = "佐证材料文件都存在"
    verdict = _verdict("evidence_files", title)
    problems: list[str] = []
    count = 0
    for e in app.evidence:
        for rel in e.files:
            count += 1
            try:
                path = resolve_evidence_path(base_dir, rel, entry=e.name)
            except EvidenceError as err:
                problems.append(str(err).rstrip("。"))
                continue
            if not path.is_file():
                problems.append(f"「{e.name}」的 {rel} 不存在")
            elif path.stat().st_size == 0:
                problems.append(f"「{e.name}」的 {rel} 是空文件")
    if not count:
        return verdict(WARN, "未填写任何佐证材料文件。")
    if problems:
        return verdict(
            FAIL,
            f"{len(problems)} 个文件有问题（路径相对于 {base_dir}）：{_listing(problems)}。",
        )
    return verdict(
        OK,
        f"{count} 个文件都存在。",
    )


_CONDITIONS: list[Callable[[Application, Profile], ConditionResult]] = [
    _district,
    _credit_division,
    _legal_person,
    _venue,
    _office,
    _fulltime,
    _education,
    _total_trainees,
    _crossborder,
    _hours,
    _training_lecturers,
    _reg_date,
    _activity_dates,
    _qualifications,
    _scores,
    _evidence_coverage,
]

#: Every condition key, in report order (evidence_files comes last).
CONDITION_KEYS = (
    "district",
    "credit_code_division",
    "legal_person",
    "venue",
    "office",
    "fulltime_lecturers",
    "lecturer_education",
    "total_trainees",
    "crossborder_trainees",
    "training_hours",
    "training_lecturers",
    "reg_date",
    "activity_dates",
    "qualifications",
    "scores",
    "evidence_coverage",
    "evidence_files",
)


# ---------------------------------------------------------------------------------------------
# The 评价表 and figures
# ---------------------------------------------------------------------------------------------


def _subtotals(app: Application, p: Profile) -> list[Decimal]:
    scores = app.scores.as_dict()
    return [
        sum((_num(scores.get(i.name)) or Decimal(0) for i in c.indicators), Decimal(0))
        for c in p.categories
    ]


def _figures(app: Application) -> dict[str, Decimal | None]:
    b = app.basic
    return {
        "讲师数量": Decimal(app.lecturer_count),
        "专职讲师数量": Decimal(app.fulltime_count),
        "具有大学本科及以上学历讲师数量": Decimal(app.bachelor_count),
        "占比（%）": app.bachelor_ratio,
        "管理人员数量": Decimal(app.manager_count),
        "涉及平台数量": Decimal(app.platform_count),
        "历年培训总人次": Decimal(b.total_trainees) if b.total_trainees is not None else None,
        "跨境电商培训人次": Decimal(app.crossborder_trainees),
        "办公面积（平方米）": b.office_area,
    }


def check(app: Application | str | PathLike[str], *, base_dir: Path | None = None) -> CheckReport:
    """Return the 预审 report of `app` against its own 认定批次 (`app.profile`).

    Args:
        app: a validated application (`jidi_docs.load`); to check against another batch, load it
            with that profile, so that the 自评分 limits and the form agree with the check.
        base_dir: the folder 佐证材料 paths are relative to (default: `app.base_dir`, the YAML
            file's folder).

    Returns:
        One `ConditionResult` per condition (see `CONDITION_KEYS`), the 评价表 rows with their
        自评分, the subtotals and the 总分.
    """
    app = as_application(app)
    p = app.profile
    conditions = [f(app, p) for f in _CONDITIONS]
    conditions.append(_evidence_files(app, Path(base_dir) if base_dir else app.base_dir))
    scores = app.scores.as_dict()
    rows = [
        ScoreRow(
            category=c.name,
            indicator=i.name,
            max_points=i.max_points,
            score=_num(scores.get(i.name)),
        )
        for c in p.categories
        for i in c.indicators
    ]
    subtotals = _subtotals(app, p)
    return CheckReport(
        source=str(app.source) if app.source is not None else None,
        unit_name=app.basic.name,
        batch=p.name,
        deadline=p.deadline,
        figures=_figures(app),
        conditions=conditions,
        score_rows=rows,
        categories=[
            CategoryResult(name=c.name, max_points=c.max_points, subtotal=s)
            for c, s in zip(p.categories, subtotals)
        ],
        total_score=sum(subtotals, Decimal(0)),
        max_total=p.total_points,
    )
