"""The 预审 report's data: statuses, one result per condition, the 评价表 rows and subtotals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer, computed_field

__all__ = [
    "FAIL",
    "OK",
    "WARN",
    "CategoryResult",
    "CheckReport",
    "ConditionResult",
    "EvidenceRow",
    "Number",
    "ScoreRow",
    "Status",
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


class EvidenceRow(_Frozen):
    """One 佐证材料 entry as found: its indicator, title, files, and where it was found.

    Attributes:
        indicator: the evidence group (基本情况 or a 评价表 indicator).
        name: the title it gets in the contents.
        files: its files, as written or found (relative to the application's folder).
        origin: where it was written (``佐证材料.xlsx 第 3 行``) or found (``文件夹 佐证材料/…``).
        found_in_folder: True for a file found in its indicator's folder, named by no list.
    """

    indicator: str
    name: str
    files: list[str]
    origin: str | None = None
    found_in_folder: bool = False


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
        evidence: every 佐证材料 entry, grouped by indicator in the 评价表's order.
        evidence_groups: the indicators evidence is grouped by (基本情况 first).
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
    evidence: list[EvidenceRow] = []
    evidence_groups: list[str] = []

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
