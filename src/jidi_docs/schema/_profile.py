"""认定批次 profiles: the notice's rules and the 评价表 as data, one YAML file per batch.

Why data: the 评价表 drives three things that must never disagree — the rows of 附件1, the limits
of each 自评分, and the thresholds of the 预审 check. Keeping them in one validated file means another
year or city is a new file, not a code change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.resources
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, PrivateAttr, field_validator, model_validator

from .. import _platform
from ..errors import ProfileError
from ._base import StrictModel
from ._registry import read_data_file, registry

__all__ = [
    "DEFAULT_PROFILE",
    "Category",
    "Conditions",
    "Indicator",
    "Profile",
    "builtin_profile",
    "builtin_profiles",
]

#: The group evidence may also be filed under, before the 评价表's indicators.
BASIC_GROUP = "基本情况"
#: Written as an indicator's 佐证材料, it shares the cell of the indicator above (as the form does).
SAME_AS_ABOVE = "同上"

Points = Annotated[Decimal, Field(gt=0, le=100)]

#: The 认定批次 an application belongs to when its YAML names none.
DEFAULT_PROFILE = registry().default_batch


class Indicator(StrictModel):
    """One 评价指标 row of the 评价表."""

    name: str = Field(alias="名称", min_length=1)
    max_points: Points = Field(alias="分值")
    standard: str = Field(alias="评分标准")
    evidence: str = Field(alias="佐证材料", description="写“同上”表示与上一指标共用一格")


class Category(StrictModel):
    """One 内容 group (基础条件, 专业匹配 …) with its indicators."""

    name: str = Field(alias="内容", min_length=1)
    indicators: list[Indicator] = Field(alias="指标", min_length=1)

    @property
    def max_points(self) -> Decimal:
        """The category's points: the sum of its indicators'."""
        return sum((i.max_points for i in self.indicators), Decimal(0))


_EDUCATION_ORDER = registry().education_levels


class Conditions(StrictModel):
    """Thresholds of the notice's 认定条件, as numbers the 预审 compares against.

    Why no defaults: each is a rule of one notice, written in its profile alone; a default here
    would be a second copy of one notice's numbers, silently applied to another's.
    """

    min_venue_capacity: int = Field(alias="培训场地最少可容纳人数", ge=0)
    min_office_area: Decimal = Field(alias="最小办公面积", ge=0)
    min_fulltime_lecturers: int = Field(alias="最少专职讲师数", ge=0)
    min_lecturer_education: str = Field(alias="讲师最低学历")
    total_trainees_over: int = Field(alias="历年培训总人次须超过", ge=0)
    min_crossborder_trainees: int = Field(alias="跨境电商培训人次至少", ge=0)
    min_hours_per_training: Decimal = Field(alias="每期培训最少学时", ge=0)

    @field_validator("min_lecturer_education")
    @classmethod
    def _known_education(cls, v: str) -> str:
        if v not in _EDUCATION_ORDER:
            raise ValueError(f"只能是：{'、'.join(_EDUCATION_ORDER)}")
        return v


class Profile(StrictModel):
    """A 认定批次: notice title, the forms' titles, deadline, districts, 评价表 and 认定条件.

    Every field is the notice's own, so none has a default: a profile states them all (copy
    ``profiles/杭州-2021.yaml`` to start a new one).
    """

    name: str = Field(alias="名称", min_length=1)
    notice_title: str = Field(alias="通知标题")
    form_title: str = Field(alias="申报表标题", min_length=1)
    score_title: str = Field(alias="评价表标题", min_length=1)
    deadline: dt.date = Field(alias="申报截止日期")
    credit_code_prefix: str = Field("", alias="统一社会信用代码区划前缀", pattern=r"^\d{0,6}$")
    districts: list[str] = Field(alias="所属区县", min_length=1)
    conditions: Conditions = Field(alias="认定条件")
    categories: list[Category] = Field(alias="评价表", min_length=1)

    _fingerprint: str | None = PrivateAttr(None)

    @property
    def fingerprint(self) -> str:
        """A hash of the whole profile, computed once: the key of everything derived from it.

        Why cached: the application model built from a profile and each batch manifest are keyed
        by the profile's content; serialising the whole profile on every load cost more than the
        rest of validating a small application. Profiles are read-only once loaded.
        """
        if self._fingerprint is None:
            text = self.model_dump_json(by_alias=True)
            self._fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self._fingerprint

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        names = [i.name for i in self.indicators]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"评价指标名称重复：{'、'.join(dupes)}")
        if BASIC_GROUP in names:
            raise ValueError(f"“{BASIC_GROUP}”是保留的佐证材料分组名，不能作为评价指标名称")
        if self.categories[0].indicators[0].evidence == SAME_AS_ABOVE:
            raise ValueError(f"第一个评价指标的佐证材料不能写“{SAME_AS_ABOVE}”")
        if self.total_points > 100:
            raise ValueError(f"评价表各指标分值合计 {self.total_points} 分，超过了 100 分")
        return self

    @property
    def indicators(self) -> list[Indicator]:
        """Every indicator, in the 评价表's order."""
        return [i for c in self.categories for i in c.indicators]

    @property
    def total_points(self) -> Decimal:
        """The 评价表's full marks (100 for 杭州-2021)."""
        return sum((c.max_points for c in self.categories), Decimal(0))

    @property
    def evidence_groups(self) -> list[str]:
        """Names evidence may be filed under, in bundle order: 基本情况 first, then indicators."""
        return [BASIC_GROUP, *(i.name for i in self.indicators)]

    def education_rank(self, education: str) -> int:
        """Return a sortable rank of an education level (lower is higher)."""
        return _EDUCATION_ORDER.index(education)


def _profiles_dir() -> Path:
    # files() of a regular (non-zip) install is a real directory, so this is a real path.
    return Path(str(importlib.resources.files("jidi_docs.schema") / "profiles"))


def builtin_profiles() -> list[str]:
    """Names of the profiles shipped with jidi_docs."""
    return sorted(_platform.shipped_stem(p) for p in _profiles_dir().glob("*.yaml"))


@cache
def builtin_profile(name: str) -> Profile:
    """Return the built-in profile `name` (``杭州-2021``), read once per process.

    Why not the positioned reader of ``jidi_docs.input``: built-in profiles are package data,
    validated by the tests, so a plain parse is enough here and keeps this layer free of the
    input stage. Profile files a user writes are read by ``jidi_docs.get_profile``, which
    reports problems at their lines.

    Raises:
        ProfileError: no built-in profile has that name.
    """
    if name not in builtin_profiles():
        known = "、".join(builtin_profiles())
        raise ProfileError(
            f"没有名为“{name}”的认定批次。可用的有：{known}；"
            "也可以用 --profile 指定自己的批次文件（.yaml）。"
        )
    return Profile.model_validate(
        read_data_file(_profiles_dir() / _platform.shipped(f"{name}.yaml"))
    )
