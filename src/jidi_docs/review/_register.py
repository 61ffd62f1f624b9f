"""How a 预审 rule is registered: its key, title, threshold and check, written once, together.

A rule is one decorated function::

    @rule("venue", "至少一处培训场地可容纳 {need} 人", threshold="培训场地最少可容纳人数")
    def venue(c: Case) -> Verdict:
        ...
        return OK, f"最大的培训场地（{best.address}）可容纳 {best.capacity} 人。"

The decorator records the stable key scripts use, the title the report prints (``{need}`` is the
threshold, printed as the forms print numbers), and which value of the 认定批次 is the threshold
(a key of its ``认定条件``, or ``评价表满分``); the function receives the application, the profile,
the folder evidence paths are relative to and the threshold, and returns a status and the reason,
in Chinese, citing the figures. The report lists the rules in the order they are registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InternalError
from ..forms import fmt_number
from ..schema import Application, Conditions, Profile
from ._results import OK, ConditionResult, Status

__all__ = ["RULES", "TOTAL_POINTS", "Case", "Rule", "Verdict", "outcome", "rule", "run_rules"]

#: What a check returns: the status and the reason.
Verdict = tuple[Status, str]
#: The threshold that is the 评价表's full marks rather than one of the 认定条件.
TOTAL_POINTS = "评价表满分"


@dataclass(frozen=True)
class Case:
    """What a check looks at: the application, its profile, the evidence folder, the threshold,
    and whether evidence files are read in full."""

    app: Application
    profile: Profile
    base_dir: Path
    need: Any = None
    #: Open every evidence file as the bundle does (not only look that it is there).
    read_evidence: bool = False


@dataclass(frozen=True)
class Rule:
    """One 认定条件 of the 预审: see the module docstring."""

    key: str
    title: str
    check: Callable[[Case], Verdict]
    threshold: str | None = None

    def need(self, profile: Profile) -> Any:
        """Return this rule's threshold in `profile` (None for a rule without one)."""
        if self.threshold is None:
            return None
        if self.threshold == TOTAL_POINTS:
            return profile.total_points
        return getattr(profile.conditions, _CONDITION_FIELDS[self.threshold])

    def title_for(self, profile: Profile) -> str:
        """Return the title as the report prints it for `profile`."""
        need = self.need(profile)
        shown = fmt_number(need) if isinstance(need, (int, Decimal)) else str(need)
        return self.title.replace("{need}", shown)

    def run(
        self, app: Application, profile: Profile, base_dir: Path, *, read_evidence: bool = False
    ) -> ConditionResult:
        """Return the result of this rule for `app`."""
        case = Case(app, profile, base_dir, self.need(profile), read_evidence)
        status, reason = self.check(case)
        return ConditionResult(
            key=self.key, title=self.title_for(profile), status=status, reason=reason
        )


#: The 认定条件 keys of a profile file → the `Conditions` field that holds each.
_CONDITION_FIELDS = {info.alias or name: name for name, info in Conditions.model_fields.items()}

#: Every rule, in report order.
RULES: list[Rule] = []


def rule(
    key: str, title: str, *, threshold: str | None = None
) -> Callable[[Callable[[Case], Verdict]], Callable[[Case], Verdict]]:
    """Register the decorated check as a 预审 rule (see the module docstring).

    Raises:
        InternalError: the key is taken, or the threshold is no 认定条件 of a profile.
    """
    if threshold is not None and threshold not in (*_CONDITION_FIELDS, TOTAL_POINTS):
        raise InternalError(f"预审规则 {key} 的门槛“{threshold}”不是认定条件中的一项")

    def register(check: Callable[[Case], Verdict]) -> Callable[[Case], Verdict]:
        if any(r.key == key for r in RULES):
            raise InternalError(f"预审规则 {key} 注册了两次")
        RULES.append(Rule(key, title, check, threshold))
        return check

    return register


def outcome(problems: list[str], ok: str, status: Status) -> Verdict:
    """`status` with the problems joined, or 符合 with `ok` when there is none."""
    return (status, "；".join(problems) + "。") if problems else (OK, ok)


def run_rules(
    app: Application, profile: Profile, base_dir: Path, *, read_evidence: bool = False
) -> list[ConditionResult]:
    """Return the result of every registered rule for `app`, in report order."""
    return [r.run(app, profile, base_dir, read_evidence=read_evidence) for r in RULES]
