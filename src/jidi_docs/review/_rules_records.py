"""The 认定条件 about the records of the application: activities, dates, 资质, 自评分, evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import EvidenceError
from ..forms import fmt_date, fmt_number
from ..pdf import resolve_evidence_path
from ..schema import Application, Profile
from ._results import FAIL, OK, WARN, ConditionResult
from ._rules import (
    credit_division,
    crossborder,
    district,
    education,
    fulltime,
    hours,
    legal_person,
    listing,
    nth,
    num,
    office,
    result,
    subtotals,
    total_trainees,
    venue,
    verdict_for,
)

__all__ = ["CONDITIONS", "CONDITION_KEYS", "evidence_files"]


def _training_lecturers(app: Application, p: Profile) -> ConditionResult:
    del p
    title = "培训活动的讲师都列在讲师名单中"
    verdict = verdict_for("training_lecturers", title)
    if not app.trainings:
        return verdict(WARN, "未填写培训活动，无法核对。")
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
        f"这些培训讲师不在「讲师」名单中：{listing(items)}；请补充到讲师名单或核对姓名。",
    )


def _reg_date(app: Application, p: Profile) -> ConditionResult:
    title = "注册时间不晚于申报截止日期"
    verdict = verdict_for("reg_date", title)
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
    if not any(items for _, items, _ in sections):
        return verdict_for("activity_dates", title)(WARN, "未填写任何活动或荣誉，无法核对。")
    late = [
        f"{nth(kind, n)}“{what(item)}”（{item.time}）"
        for kind, items, what in sections
        for n, item in enumerate(items, start=1)
        if item.time.last_day > deadline
    ]
    return result(
        "activity_dates",
        title,
        [f"{len(late)} 项晚于申报截止日期 {fmt_date(deadline)}：{listing(late)}"] if late else [],
        f"所有活动和荣誉的时间都不晚于申报截止日期 {fmt_date(deadline)}。",
        FAIL,
    )


def _qualifications(app: Application, p: Profile) -> ConditionResult:
    title = "企业资质在申报截止日期仍有效"
    deadline = p.deadline
    expired = [
        f"{nth('企业资质', n)}“{q.name}”有效期至 {fmt_date(q.valid_until)}"
        for n, q in enumerate(app.qualifications, start=1)
        if isinstance(q.valid_until, dt.date) and q.valid_until < deadline
    ]
    if not app.qualifications:
        return verdict_for("qualifications", title)(WARN, "未填写企业资质，无法核对。")
    ok = f"{len(app.qualifications)} 项企业资质在申报截止日期 {fmt_date(deadline)}时都仍有效。"
    return result(
        "qualifications",
        title,
        [f"{len(expired)} 项资质在申报截止日期 {fmt_date(deadline)} 前已过期：{listing(expired)}"]
        if expired
        else [],
        ok,
        FAIL,
    )


def _scores(app: Application, p: Profile) -> ConditionResult:
    title = f"自评分不超过各项分值，总分不超过 {fmt_number(p.total_points)}"
    verdict = verdict_for("scores", title)
    scores = app.scores.as_dict()
    over: list[str] = []
    blank: list[str] = []
    for ind in p.indicators:
        s = num(scores.get(ind.name))
        if s is None:
            blank.append(ind.name)
        elif s < 0 or s > ind.max_points:
            over.append(f"{ind.name} {fmt_number(s)} 分（分值 {fmt_number(ind.max_points)} 分）")
    unknown = [k for k in scores if k not in {i.name for i in p.indicators}]
    over_cat = [
        f"{c.name}小计 {fmt_number(sub)} 分（分值 {fmt_number(c.max_points)} 分）"
        for c, sub in zip(p.categories, subtotals(app, p), strict=True)
        if sub > c.max_points
    ]
    total = sum(subtotals(app, p), Decimal(0))
    problems: list[str] = []
    if over:
        problems.append(f"超出分值范围：{listing(over)}")
    if over_cat:
        problems.append(f"超出类别分值：{listing(over_cat)}")
    if total > p.total_points:
        problems.append(f"总分 {fmt_number(total)} 分，超过 {fmt_number(p.total_points)} 分")
    if unknown:
        problems.append(f"评价表中没有这些指标：{listing(unknown)}")
    if problems:
        return verdict(FAIL, "；".join(problems) + "。")
    if blank:
        return verdict(
            WARN,
            f"以下指标未填自评分：{listing(blank)}；目前总分 {fmt_number(total)} 分。",
        )
    return verdict(
        OK,
        f"各项自评分都在分值之内，总分 {fmt_number(total)} 分"
        f"（满分 {fmt_number(p.total_points)} 分）。",
    )


def _evidence_coverage(app: Application, p: Profile) -> ConditionResult:
    title = "每个评价指标都有佐证材料"
    verdict = verdict_for("evidence_coverage", title)
    covered = {e.indicator for e in app.evidence}
    missing = [i.name for i in p.indicators if i.name not in covered]
    if missing:
        return verdict(
            FAIL,
            f"{len(missing)} 个评价指标没有佐证材料：{listing(missing)}。",
        )
    return verdict(
        OK,
        f"{len(p.indicators)} 个评价指标都有佐证材料（共 {len(app.evidence)} 条）。",
    )


def evidence_files(app: Application, base_dir: Path, *, read: bool = False) -> ConditionResult:
    """Every evidence file exists; with `read`, each is also opened as the bundle opens it.

    Why `read`: a truncated photo or a Word file renamed ``.pdf`` exists and is not empty, yet
    ``bundle`` refuses it; reading it here (`jidi_docs.pdf.load_evidence`, every pixel decoded)
    tells the same thing before the bundle is made.
    """
    title = "佐证材料文件都存在"
    verdict = verdict_for("evidence_files", title)
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
            elif read:
                from ..pdf import load_evidence  # pikepdf and Pillow: only when files are read

                try:
                    load_evidence(path, entry=e.name)
                except EvidenceError as err:
                    problems.append(f"「{e.name}」的 {rel}：{err.reason.rstrip('。')}")
    if not count:
        return verdict(WARN, "未填写任何佐证材料文件。")
    if problems:
        return verdict(
            FAIL,
            f"{len(problems)} 个文件有问题（路径相对于 {base_dir}）：{listing(problems)}。",
        )
    done = "都能完整读出" if read else "都存在"
    return verdict(OK, f"{count} 个文件{done}。")


def _filled(app: Application, p: Profile) -> ConditionResult:
    """Name every section left empty: a half-filled application must not look done."""
    del p
    verdict = verdict_for("filled", "各栏目都已填写")
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
        return verdict(WARN, f"以下栏目尚未填写：{listing(empty)}。")
    return verdict(OK, "每个栏目都已填写。")


CONDITIONS: list[Callable[[Application, Profile], ConditionResult]] = [
    _filled,
    district,
    credit_division,
    legal_person,
    venue,
    office,
    fulltime,
    education,
    total_trainees,
    crossborder,
    hours,
    _training_lecturers,
    _reg_date,
    _activity_dates,
    _qualifications,
    _scores,
    _evidence_coverage,
]

#: Every condition key, in report order (evidence_files comes last).
CONDITION_KEYS = (
    "filled",
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
