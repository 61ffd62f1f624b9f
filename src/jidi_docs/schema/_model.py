"""The application schema: pydantic models whose YAML keys are the forms' own Chinese labels.

Models hold data only; they never read files. Everything the forms show as a count or a total
(讲师数量, 占比, 总分 …) is a property computed from the lists, so it can never be typed wrong.
Rules that depend on the 认定批次 (valid 所属区县, indicator names, each 自评分's maximum) live in
the profile; `jidi_docs.schema._derive.model_for(profile)` derives a subclass of `Application` that
enforces them, so errors point at the exact key that is wrong.

The fields are the registry's (``sections.yaml``): each class's field lines, between the
``# -- fields`` markers, are written by ``scripts/make_models.py`` (``make models``) from it —
names, static types, keys, descriptions, examples and defaults — and a test fails when they are
not what the registry gives. Edit ``sections.yaml``, never these lines; what is written by hand
here is the behaviour: the computed properties. A section new in the registry gets its class
here from the same script.

Why written out rather than built at import: a class built at run time is ``Any`` to mypy, and
``app.lecturers[0].education`` would go unchecked in the whole code base; written out, mypy
--strict checks every use of every field, and the registry stays the one place to edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..errors import Issue
from ._base import StrictModel
from ._profile import Profile, builtin_profile
from ._registry import Column, Registry, registry
from ._types import (
    BACHELOR_OR_ABOVE,
    EDUCATION_LEVELS,
    Amount,
    Count,
    CreditCode,
    DateText,
    Education,
    Files,
    Period,
    PeriodText,
    Phone,
    Text,
    ValidUntil,
)

__all__ = [
    "EDUCATION_LEVELS",
    "Application",
    "BasicInfo",
    "BrandActivity",
    "Evidence",
    "Honour",
    "Lecturer",
    "Manager",
    "Matchmaking",
    "Period",
    "Qualification",
    "Scores",
    "Training",
    "Venue",
    "field_info",
]


def field_info(column: Column, reg: Registry | None = None, scores: Any = None) -> Any:
    """Return the pydantic ``Field`` of a registry column: its YAML key, description, example, default.

    `scores` is the model of the 自评分 (by default `Scores`), whose empty instance is the default.
    """
    docs: dict[str, Any] = {"alias": column.label}
    if column.description:
        docs["description"] = column.description
    if column.example is not None:
        example = column.example
        docs["examples"] = [list(example) if isinstance(example, tuple) else example]
    if column.type == "认定批次":
        return Field((reg or registry()).default_batch, **docs)
    if column.required:
        return Field(**docs)
    if column.type in ("栏目", "文字列表"):
        return Field(default_factory=list, **docs)
    if column.type == "自评分":
        return Field(default_factory=scores or Scores, **docs)
    return Field(None, **docs)


def _f(section: str, name: str) -> Any:
    """The ``Field`` of column `name` of registry section `section` (``""``: the top level)."""
    reg = registry()
    columns = reg.root.columns if not section else reg.section(section).columns
    return field_info(next(c for c in columns if c.name == name))


# ---------------------------------------------------------------------------------------------
# Sections of the forms
# ---------------------------------------------------------------------------------------------


class Venue(StrictModel):
    """One 培训场地: where, how large, how many people at once."""

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    address: Text = _f("培训场地", "address")
    area: Amount | None = _f("培训场地", "area")
    capacity: Count = _f("培训场地", "capacity")
    # -- end of fields --


class BasicInfo(StrictModel):
    """一、基本情况."""

    model_config = ConfigDict(defer_build=True)  # only profile subclasses validate

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    name: Text = _f("基本情况", "name")
    credit_code: CreditCode | None = _f("基本情况", "credit_code")
    reg_address: Text = _f("基本情况", "reg_address")
    district: Text = _f("基本情况", "district")
    legal_rep: Text = _f("基本情况", "legal_rep")
    reg_date: DateText = _f("基本情况", "reg_date")
    contact: Text = _f("基本情况", "contact")
    phone: Phone = _f("基本情况", "phone")
    office_address: Text = _f("基本情况", "office_address")
    office_area: Amount | None = _f("基本情况", "office_area")
    total_area: Amount = _f("基本情况", "total_area")
    venues: list[Venue] = _f("基本情况", "venues")
    platforms: list[Text] = _f("基本情况", "platforms")
    total_trainees: Count | None = _f("基本情况", "total_trainees")
    intro: str | None = _f("基本情况", "intro")
    # -- end of fields --


class Manager(StrictModel):
    """二、管理运营团队: one row."""

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    name: Text = _f("管理运营团队", "name")
    title: str | None = _f("管理运营团队", "title")
    education: Education | None = _f("管理运营团队", "education")
    department: str | None = _f("管理运营团队", "department")
    post: str | None = _f("管理运营团队", "post")
    # -- end of fields --


class Lecturer(StrictModel):
    """三、专兼职讲师: one row."""

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    name: Text = _f("讲师", "name")
    kind: Literal["专职", "兼职"] = _f("讲师", "kind")
    title: str | None = _f("讲师", "title")
    education: Education = _f("讲师", "education")
    platform: str | None = _f("讲师", "platform")
    phone: Phone | None = _f("讲师", "phone")
    note: str | None = _f("讲师", "note")
    # -- end of fields --

    @property
    def bachelor_or_above(self) -> bool:
        """True for 本科, 硕士 and 博士."""
        return self.education in BACHELOR_OR_ABOVE


class Training(StrictModel):
    """四、已开展的跨境电商培训活动: one row."""

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    time: PeriodText = _f("培训活动", "time")
    place: Text = _f("培训活动", "place")
    topic: Text = _f("培训活动", "topic")
    lecturer: Text = _f("培训活动", "lecturer")
    trainees: Count = _f("培训活动", "trainees")
    hours: Amount = _f("培训活动", "hours")
    # -- end of fields --

    @property
    def lecturer_names(self) -> list[str]:
        """The lecturers of this activity, split on 、，, and /."""
        return [n for n in re.split(r"[、，,/／\s]+", self.lecturer) if n]


class Matchmaking(StrictModel):
    """五、已开展的企业人才对接和考察调研活动: one row."""

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    time: PeriodText = _f("对接调研活动", "time")
    place: Text = _f("对接调研活动", "place")
    topic: Text = _f("对接调研活动", "topic")
    participants: Count = _f("对接调研活动", "participants")
    note: str | None = _f("对接调研活动", "note")
    # -- end of fields --


class BrandActivity(StrictModel):
    """六、已开展的品牌建设和创新活动: one row."""

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    time: PeriodText = _f("品牌创新活动", "time")
    content: Text = _f("品牌创新活动", "content")
    impact: str | None = _f("品牌创新活动", "impact")
    note: str | None = _f("品牌创新活动", "note")
    # -- end of fields --


class Honour(StrictModel):
    """七、企业荣誉: one row."""

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    name: Text = _f("企业荣誉", "name")
    issuer: Text = _f("企业荣誉", "issuer")
    time: PeriodText = _f("企业荣誉", "time")
    note: str | None = _f("企业荣誉", "note")
    # -- end of fields --


class Qualification(StrictModel):
    """八、企业资质: one row. 有效期 is a date or 长期."""

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    name: Text = _f("企业资质", "name")
    registration: str | None = _f("企业资质", "registration")
    issuer: Text = _f("企业资质", "issuer")
    valid_until: ValidUntil = _f("企业资质", "valid_until")
    # -- end of fields --


class Evidence(StrictModel):
    """A 佐证材料 entry: a name, the 评价表 indicator it supports, one or more files."""

    model_config = ConfigDict(defer_build=True)  # only profile subclasses validate

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    name: Text = _f("佐证材料", "name")
    indicator: Text = _f("佐证材料", "indicator")
    files: Files = _f("佐证材料", "files")
    # -- end of fields --

    #: Where the entry was found, or how to find it out (positions are looked up only when
    #: asked for: finding them reads the whole YAML text again).
    _origin: str | Callable[[], str | None] | None = PrivateAttr(None)
    _found_in_folder: bool = PrivateAttr(False)

    @property
    def origin(self) -> str | None:
        """Where the entry was found, in the user's words (``佐证材料.xlsx 第 3 行``, or the
        indicator's folder for a file found there); None when not known (built in code)."""
        if callable(self._origin):
            self._origin = self._origin()
        return self._origin

    def __eq__(self, other: object) -> bool:
        """Entries are equal when their fields are: where each was found is not part of it."""
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # as BaseModel's: mutable, so unhashable

    @property
    def from_folder(self) -> bool:
        """True when the entry is a file found in its indicator's folder, named by no list."""
        return self._found_in_folder


class Scores(BaseModel):
    """自评分: one score per 评价指标, keyed by the indicator's name; blank means not yet scored."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def as_dict(self) -> dict[str, Decimal | None]:
        """Return ``{indicator name: score}`` for every indicator the model knows."""
        out: dict[str, Decimal | None] = {}
        for name, info in type(self).model_fields.items():
            out[info.alias or name] = getattr(self, name)
        out.update(self.model_extra or {})
        return out


class _ProfileScores(Scores):
    """Scores of one profile: its indicators are the only keys allowed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------


class Application(StrictModel):
    """A whole application: both forms' data plus self-scores and evidence.

    Build one with `jidi_docs.load` (from a file) or `jidi_docs.validate` (from a dict); both apply
    the 认定批次 profile. The private attributes record where it came from.
    """

    model_config = ConfigDict(defer_build=True)  # only profile subclasses validate

    # -- fields: written from sections.yaml by scripts/make_models.py (make models) --
    batch: Text = _f("", "batch")
    basic: BasicInfo = _f("", "basic")
    managers: list[Manager] = _f("", "managers")
    lecturers: list[Lecturer] = _f("", "lecturers")
    trainings: list[Training] = _f("", "trainings")
    matchmakings: list[Matchmaking] = _f("", "matchmakings")
    brand_activities: list[BrandActivity] = _f("", "brand_activities")
    honours: list[Honour] = _f("", "honours")
    qualifications: list[Qualification] = _f("", "qualifications")
    opinion: str | None = _f("", "opinion")
    office_opinion: str | None = _f("", "office_opinion")
    scores: Scores = _f("", "scores")
    evidence: list[Evidence] = _f("", "evidence")
    # -- end of fields --

    _profile: Profile | None = PrivateAttr(None)
    _registry: Registry | None = PrivateAttr(None)
    _source: Path | None = PrivateAttr(None)
    _warnings: list[Issue] = PrivateAttr(default_factory=list)

    # -- where it came from -------------------------------------------------------------------

    @property
    def profile(self) -> Profile:
        """The 认定批次 profile this application was validated against."""
        if self._profile is None:
            self._profile = builtin_profile(self.batch)
        return self._profile

    @property
    def registry(self) -> Registry:
        """The registry of sections this application was validated against (the built-in one)."""
        return self._registry or registry()

    @property
    def source(self) -> Path | None:
        """The YAML file this application was loaded from, if any."""
        return self._source

    @property
    def base_dir(self) -> Path:
        """The folder evidence paths are relative to: the YAML file's folder, else the cwd."""
        return self._source.parent if self._source is not None else Path.cwd()

    @property
    def warnings(self) -> list[Issue]:
        """Things the loader fixed on its own (e.g. removed control characters), in Chinese."""
        return list(self._warnings)

    # -- derived figures: computed, never typed ---------------------------------------------------

    @property
    def lecturer_count(self) -> int:
        """讲师数量."""
        return len(self.lecturers)

    @property
    def bachelor_count(self) -> int:
        """具有大学本科及以上学历讲师数量."""
        return sum(1 for t in self.lecturers if t.bachelor_or_above)

    @property
    def bachelor_ratio(self) -> Decimal | None:
        """占比（%）of lecturers with a bachelor's degree or above, one decimal; None without lecturers."""
        if not self.lecturers:
            return None
        ratio = Decimal(self.bachelor_count * 100) / Decimal(self.lecturer_count)
        return ratio.quantize(Decimal("0.1"))

    @property
    def fulltime_count(self) -> int:
        """专职讲师数量."""
        return sum(1 for t in self.lecturers if t.kind == "专职")

    @property
    def manager_count(self) -> int:
        """管理人员数量."""
        return len(self.managers)

    @property
    def platform_count(self) -> int:
        """涉及平台数量 (distinct names)."""
        return len(dict.fromkeys(p.strip() for p in self.basic.platforms))

    @property
    def crossborder_trainees(self) -> int:
        """跨境电商培训人次: the sum over 培训活动."""
        return sum(t.trainees for t in self.trainings)

    def score(self, indicator: str) -> Decimal | None:
        """The 自评分 of one indicator, None when blank."""
        return self.scores.as_dict().get(indicator)

    @property
    def category_subtotals(self) -> dict[str, Decimal]:
        """自评分 summed per 内容 category, in the 评价表's order."""
        return {
            c.name: sum((self.score(i.name) or Decimal(0) for i in c.indicators), Decimal(0))
            for c in self.profile.categories
        }

    @property
    def total_score(self) -> Decimal:
        """总分: the sum of every 自评分."""
        return sum(self.category_subtotals.values(), Decimal(0))
