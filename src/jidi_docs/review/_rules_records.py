"""The 认定条件 about the records of the application: activities, dates, 资质, 自评分, evidence.

One registered rule each (`jidi_docs.review._register.rule`), after those of `_rules`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..errors import EvidenceError
from ..forms import fmt_date, fmt_number
from ..pdf import resolve_evidence_path
from ._register import TOTAL_POINTS, Case, Verdict, outcome, rule
from ._results import FAIL, OK, WARN
from ._rules import listing, nth, num, subtotals

__all__ = ["evidence_files"]


@rule("training_lecturers", "培训活动的讲师都列在讲师名单中")
def _training_lecturers(c: Case) -> Verdict:
    app = c.app
    if not app.trainings:
        return WARN, "未填写培训活动，无法核对。"
    known = {t.name.strip() for t in app.lecturers}
    missing: dict[str, list[int]] = {}
    for n, t in enumerate(app.trainings, start=1):
        for name in t.lecturer_names:
            if name not in known:
                missing.setdefault(name, []).append(n)
    if not missing:
        return OK, "每期培训活动的讲师都在「讲师」名单中。"
    items = [
        f"{name}（培训活动第 {'、'.join(map(str, rows))} 项）" for name, rows in missing.items()
    ]
    return WARN, f"这些培训讲师不在「讲师」名单中：{listing(items)}；请补充到讲师名单或核对姓名。"


@rule("reg_date", "注册时间不晚于申报截止日期")
def _reg_date(c: Case) -> Verdict:
    reg, deadline = c.app.basic.reg_date, c.profile.deadline
    if reg <= deadline:
        return OK, f"注册时间 {fmt_date(reg)}，不晚于申报截止日期 {fmt_date(deadline)}。"
    return FAIL, f"注册时间 {fmt_date(reg)}，晚于申报截止日期 {fmt_date(deadline)}。"


@rule("activity_dates", "各项活动都不晚于申报截止日期")
def _activity_dates(c: Case) -> Verdict:
    app, deadline = c.app, c.profile.deadline
    sections: list[tuple[str, list[Any], Callable[[Any], str]]] = [
        ("培训活动", app.trainings, lambda x: x.topic),
        ("对接调研活动", app.matchmakings, lambda x: x.topic),
        ("品牌创新活动", app.brand_activities, lambda x: x.content),
        ("企业荣誉", app.honours, lambda x: x.name),
    ]
    if not any(items for _, items, _ in sections):
        return WARN, "未填写任何活动或荣誉，无法核对。"
    late = [
        f"{nth(kind, n)}“{what(item)}”（{item.time}）"
        for kind, items, what in sections
        for n, item in enumerate(items, start=1)
        if item.time.last_day > deadline
    ]
    return outcome(
        [f"{len(late)} 项晚于申报截止日期 {fmt_date(deadline)}：{listing(late)}"] if late else [],
        f"所有活动和荣誉的时间都不晚于申报截止日期 {fmt_date(deadline)}。",
        FAIL,
    )


@rule("qualifications", "企业资质在申报截止日期仍有效")
def _qualifications(c: Case) -> Verdict:
    app, deadline = c.app, c.profile.deadline
    expired = [
        f"{nth('企业资质', n)}“{q.name}”有效期至 {fmt_date(q.valid_until)}"
        for n, q in enumerate(app.qualifications, start=1)
        if isinstance(q.valid_until, dt.date) and q.valid_until < deadline
    ]
    if not app.qualifications:
        return WARN, "未填写企业资质，无法核对。"
    ok = f"{len(app.qualifications)} 项企业资质在申报截止日期 {fmt_date(deadline)}时都仍有效。"
    return outcome(
        [f"{len(expired)} 项资质在申报截止日期 {fmt_date(deadline)} 前已过期：{listing(expired)}"]
        if expired
        else [],
        ok,
        FAIL,
    )


@rule("scores", "自评分不超过各项分值，总分不超过 {need}", threshold=TOTAL_POINTS)
def _scores(c: Case) -> Verdict:
    app, p = c.app, c.profile
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
        return FAIL, "；".join(problems) + "。"
    if blank:
        return WARN, f"以下指标未填自评分：{listing(blank)}；目前总分 {fmt_number(total)} 分。"
    return (
        OK,
        (
            f"各项自评分都在分值之内，总分 {fmt_number(total)} 分"
            f"（满分 {fmt_number(p.total_points)} 分）。"
        ),
    )


@rule("evidence_coverage", "每个评价指标都有佐证材料")
def _evidence_coverage(c: Case) -> Verdict:
    app, p = c.app, c.profile
    covered = {e.indicator for e in app.evidence}
    missing = [i.name for i in p.indicators if i.name not in covered]
    if missing:
        return FAIL, f"{len(missing)} 个评价指标没有佐证材料：{listing(missing)}。"
    return OK, f"{len(p.indicators)} 个评价指标都有佐证材料（共 {len(app.evidence)} 条）。"


@rule("evidence_files", "佐证材料文件都存在")
def evidence_files(c: Case) -> Verdict:
    """Does every file named by the 佐证材料 exist, inside the application's folder, not empty?

    With `Case.read_evidence`, each is also opened as the bundle opens it. Why: a truncated
    photo or a Word file renamed ``.pdf`` exists and is not empty, yet ``bundle`` refuses it;
    reading it here (`jidi_docs.pdf.load_evidence`, every pixel decoded) says so before the
    bundle is made.
    """
    app, base_dir = c.app, c.base_dir
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
            elif c.read_evidence:
                from ..pdf import load_evidence  # pikepdf and Pillow: only when files are read

                try:
                    load_evidence(path, entry=e.name)
                except EvidenceError as err:
                    problems.append(f"「{e.name}」的 {rel}：{err.reason.rstrip('。')}")
    if not count:
        return WARN, "未填写任何佐证材料文件。"
    if problems:
        return FAIL, f"{len(problems)} 个文件有问题（路径相对于 {base_dir}）：{listing(problems)}。"
    return OK, f"{count} 个文件{'都能完整读出' if c.read_evidence else '都存在'}。"
