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

from decimal import Decimal
from os import PathLike
from pathlib import Path

from ..input import as_application
from ..schema import Application
from . import _rules_records  # registers the rules about the records, after _rules's
from ._register import RULES, run_rules
from ._results import (
    FAIL,
    OK,
    WARN,
    CategoryResult,
    CheckReport,
    ConditionResult,
    EvidenceRow,
    ScoreRow,
    Status,
)
from ._rules import num, subtotals

__all__ = [
    "CONDITION_KEYS",
    "FAIL",
    "OK",
    "WARN",
    "CategoryResult",
    "CheckReport",
    "ConditionResult",
    "EvidenceRow",
    "ScoreRow",
    "Status",
    "check",
]


del _rules_records  # imported for its registrations only

#: Every condition's key, in report order.
CONDITION_KEYS = tuple(r.key for r in RULES)


def _figures(app: Application) -> dict[str, Decimal | None]:
    """The figures the report lists, in the registry's order (its 预审数字)."""
    reg = app.registry
    out: dict[str, Decimal | None] = {}
    for pick in reg.review_figures:
        value = reg.pick_value(app, pick.source)
        out[pick.header] = None if value is None else Decimal(value)
    return out


def check(
    app: Application | str | PathLike[str],
    *,
    base_dir: Path | None = None,
    read_evidence: bool = True,
) -> CheckReport:
    """Return the 预审 report of `app` against its own 认定批次 (`app.profile`).

    Args:
        app: a validated application (`jidi_docs.load`); to check against another batch, load it
            with that profile, so that the 自评分 limits and the form agree with the check.
        base_dir: the folder 佐证材料 paths are relative to (default: `app.base_dir`, the YAML
            file's folder).
        read_evidence: open every evidence file as the bundle does (a truncated photo fails
            the check), and list each indicator's evidence with where it was found. False only
            checks that the files exist: for a caller that reads them anyway (a batch's build).

    Returns:
        One `ConditionResult` per condition (see `CONDITION_KEYS`), the 评价表 rows with their
        自评分, the subtotals and the 总分.
    """
    app = as_application(app)
    p = app.profile
    folder = Path(base_dir) if base_dir else app.base_dir
    conditions = run_rules(app, p, folder, read_evidence=read_evidence)
    scores = app.scores.as_dict()
    rows = [
        ScoreRow(
            category=c.name,
            indicator=i.name,
            max_points=i.max_points,
            score=num(scores.get(i.name)),
        )
        for c in p.categories
        for i in c.indicators
    ]
    sums = subtotals(app, p)
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
            for c, s in zip(p.categories, sums, strict=True)
        ],
        total_score=sum(sums, Decimal(0)),
        max_total=p.total_points,
        evidence=_evidence_rows(app) if read_evidence else [],
        evidence_groups=list(p.evidence_groups),
    )


def _evidence_rows(app: Application) -> list[EvidenceRow]:
    """Every 佐证材料 entry in bundle order: by indicator as the 评价表 lists them, then as found."""
    order = {g: n for n, g in enumerate(app.profile.evidence_groups)}
    entries = sorted(app.evidence, key=lambda e: order.get(e.indicator, len(order)))
    return [
        EvidenceRow(
            indicator=e.indicator,
            name=e.name,
            files=list(e.files),
            origin=e.origin,
            found_in_folder=e.from_folder,
        )
        for e in entries
    ]
