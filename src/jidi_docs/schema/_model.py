"""The application schema: pydantic models whose YAML keys are the forms' own Chinese labels.

Models hold data only; they never read files. Everything the forms show as a count or a total
(讲师数量, 占比, 总分 …) is a property computed from the lists, so it can never be typed wrong.
Rules that depend on the 认定批次 (valid 所属区县, indicator names, each 自评分's maximum) live in
the profile; `model_for(profile)` derives a subclass of `Application` that enforces them, so errors
point at the exact key that is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    create_model,
    model_serializer,
    model_validator,
)

from ..errors import Issue
from ._base import StrictModel
from ._dates import parse_date, parse_period
from ._phone import check_phone
from ._profile import BASIC_GROUP, Profile, builtin_profile
from ._text import Text

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
    "model_for",
]

EDUCATION_LEVELS = ("博士", "硕士", "本科", "大专", "中专", "高中及以下")
Education = Literal["博士", "硕士", "本科", "大专", "中专", "高中及以下"]
_BACHELOR_OR_ABOVE = {"博士", "硕士", "本科"}

# ---------------------------------------------------------------------------------------------
# Scalar types
# ---------------------------------------------------------------------------------------------

DateText = Annotated[
    dt.date,
    BeforeValidator(parse_date),
    WithJsonSchema({"type": "string", "format": "date", "description": "YYYY-MM-DD"}),
]


class Period(BaseModel):
    """A 时间 cell: one day, or a range written ``2020-07-06 ~ 2020-07-10``."""

    model_config = ConfigDict(frozen=True)

    start: dt.date
    end: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, Period):
            return value
        if isinstance(value, dt.date):
            return {"start": parse_date(value)}
        if isinstance(value, dict):
            return value
        start, end = parse_period(value)
        return {"start": start, "end": end}

    @model_serializer
    def _to_text(self) -> str:
        return str(self)

    def __str__(self) -> str:
        if self.end is None:
            return self.start.isoformat()
        return f"{self.start.isoformat()} ~ {self.end.isoformat()}"

    @property
    def last_day(self) -> dt.date:
        """The last day of the period (the start, for a single day)."""
        return self.end or self.start


PeriodText = Annotated[
    Period,
    WithJsonSchema(
        {
            "type": "string",
            "description": "日期 YYYY-MM-DD，或时间段 YYYY-MM-DD ~ YYYY-MM-DD（也可写 2020.7.6-7.10、2021年5月17日-19日）",
        }
    ),
]

Phone = Annotated[
    str,
    AfterValidator(check_phone),
    WithJsonSchema(
        {"type": "string", "description": "手机号或座机号，如 13800001111、0571-87654321"}
    ),
]

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _check_credit_code(value: str) -> str:
    code = value.strip()
    if len(code) != 18:
        raise ValueError(f"统一社会信用代码应为 18 位，现在是 {len(code)} 位")
    bad = [c for c in code if c not in _CODE_CHARS]
    if bad:
        raise ValueError(
            f"统一社会信用代码含有不允许的字符“{''.join(bad)}”（只能是数字和大写字母，不含 I、O、Z、S、V）"
        )
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(code[:17], _CODE_WEIGHTS, strict=True))
    expected = _CODE_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        raise ValueError(
            f"统一社会信用代码“{code}”的校验位不对（按 GB 32100-2015 应为 {expected}），请核对是否抄错"
        )
    return value


CreditCode = Annotated[
    str,
    AfterValidator(_check_credit_code),
    WithJsonSchema({"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"}),
]

_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_DECIMAL_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _plain_number(pattern: re.Pattern[str], kind: str) -> Any:
    """Refuse number text Python would accept but a form should not show (``1_000``, ``1e3``)."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and not pattern.fullmatch(value.strip()):
            raise ValueError(f"应是{kind}，现在是“{value}”")
        return value

    return BeforeValidator(check)


Count = Annotated[int, _plain_number(_INTEGER_TEXT, "整数"), Field(ge=0)]
Amount = Annotated[Decimal, _plain_number(_DECIMAL_TEXT, "数字"), Field(ge=0, allow_inf_nan=False)]


def _to_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# ---------------------------------------------------------------------------------------------
# Sections of the forms
# ---------------------------------------------------------------------------------------------


class Venue(StrictModel):
    """One 培训场地: where, how large, how many people at once."""

    address: Text = Field(alias="地址")
    area: Amount | None = Field(None, alias="面积", description="平方米")
    capacity: Count = Field(alias="可容纳人数")


class BasicInfo(StrictModel):
    """一、基本情况."""

    model_config = ConfigDict(defer_build=True)  # only profile subclasses validate

    name: Text = Field(alias="单位名称")
    credit_code: CreditCode | None = Field(None, alias="统一社会信用代码")
    reg_address: Text = Field(alias="注册地")
    district: Text = Field(alias="所属区县")
    legal_rep: Text = Field(alias="法定代表人")
    reg_date: DateText = Field(alias="注册时间")
    contact: Text = Field(alias="联系人")
    phone: Phone = Field(alias="电话")
    office_address: Text = Field(alias="办公地址")
    office_area: Amount | None = Field(None, alias="办公面积", description="平方米，独立办公用房")
    total_area: Amount = Field(alias="总面积", description="平方米")
    venues: list[Venue] = Field(default_factory=list, alias="培训场地")
    platforms: list[Text] = Field(default_factory=list, alias="涉及平台")
    total_trainees: Count | None = Field(None, alias="历年培训总人次")
    intro: str | None = Field(None, alias="单位简介")


class Manager(StrictModel):
    """二、管理运营团队: one row."""

    name: Text = Field(alias="姓名")
    title: str | None = Field(None, alias="职务")
    education: Education | None = Field(None, alias="学历")
    department: str | None = Field(None, alias="部门")
    post: str | None = Field(None, alias="岗位")


class Lecturer(StrictModel):
    """三、专兼职讲师: one row."""

    name: Text = Field(alias="姓名")
    kind: Literal["专职", "兼职"] = Field(alias="专兼职")
    title: str | None = Field(None, alias="职称")
    education: Education = Field(alias="学历")
    platform: str | None = Field(None, alias="研发平台")
    phone: Phone | None = Field(None, alias="联系电话")
    note: str | None = Field(None, alias="备注")

    @property
    def bachelor_or_above(self) -> bool:
        """True for 本科, 硕士 and 博士."""
        return self.education in _BACHELOR_OR_ABOVE


class Training(StrictModel):
    """四、已开展的跨境电商培训活动: one row."""

    time: PeriodText = Field(alias="时间")
    place: Text = Field(alias="地点")
    topic: Text = Field(alias="授课主题")
    lecturer: Text = Field(alias="讲师", description="多位讲师用顿号分隔")
    trainees: Count = Field(alias="培训人次")
    hours: Amount = Field(alias="学时数")

    @property
    def lecturer_names(self) -> list[str]:
        """The lecturers of this activity, split on 、，, and /."""
        return [n for n in re.split(r"[、，,/／\s]+", self.lecturer) if n]


class Matchmaking(StrictModel):
    """五、已开展的企业人才对接和考察调研活动: one row."""

    time: PeriodText = Field(alias="时间")
    place: Text = Field(alias="地点")
    topic: Text = Field(alias="活动主题")
    participants: Count = Field(alias="参与人次")
    note: str | None = Field(None, alias="备注")


class BrandActivity(StrictModel):
    """六、已开展的品牌建设和创新活动: one row."""

    time: PeriodText = Field(alias="时间")
    content: Text = Field(alias="特色创新活动内容")
    impact: str | None = Field(None, alias="社会影响力情况")
    note: str | None = Field(None, alias="备注")


class Honour(StrictModel):
    """七、企业荣誉: one row."""

    name: Text = Field(alias="荣誉名称")
    issuer: Text = Field(alias="签发单位")
    time: PeriodText = Field(alias="时间")
    note: str | None = Field(None, alias="备注")


def _date_or_long_term(value: Any) -> Any:
    """Return "长期" unchanged and anything else as a date, with one message naming both forms."""
    if value == "长期":
        return value
    try:
        return parse_date(value)
    except ValueError as e:
        raise ValueError(f"{e}；长期有效的写“长期”") from None


class Qualification(StrictModel):
    """八、企业资质: one row. 有效期 is a date or 长期."""

    name: Text = Field(alias="资质名称")
    registration: str | None = Field(None, alias="资质登记")
    issuer: Text = Field(alias="发证单位")
    valid_until: Annotated[
        dt.date | Literal["长期"],
        BeforeValidator(_date_or_long_term),
        WithJsonSchema({"type": "string", "description": "YYYY-MM-DD，或“长期”"}),
    ] = Field(alias="有效期")


class Evidence(StrictModel):
    """A 佐证材料 entry: a name, the 评价表 indicator it supports, one or more files."""

    model_config = ConfigDict(defer_build=True)  # only profile subclasses validate

    name: Text = Field(alias="名称")
    indicator: Text = Field(alias="指标", description="“基本情况”或《评价表》的评价指标名称")
    files: Annotated[list[Text], BeforeValidator(_to_list)] = Field(
        alias="文件", min_length=1, description="相对于 YAML 文件所在文件夹的路径；可以是列表"
    )


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

    batch: Text = Field("杭州-2021", alias="认定批次")
    basic: BasicInfo = Field(alias="基本情况")
    managers: list[Manager] = Field(default_factory=list, alias="管理运营团队")
    lecturers: list[Lecturer] = Field(default_factory=list, alias="讲师")
    trainings: list[Training] = Field(default_factory=list, alias="培训活动")
    matchmakings: list[Matchmaking] = Field(default_factory=list, alias="对接调研活动")
    brand_activities: list[BrandActivity] = Field(default_factory=list, alias="品牌创新活动")
    honours: list[Honour] = Field(default_factory=list, alias="企业荣誉")
    qualifications: list[Qualification] = Field(default_factory=list, alias="企业资质")
    opinion: str | None = Field(None, alias="申报单位审核意见")
    office_opinion: str | None = Field(
        None,
        alias="综试办审核意见",
        description="十、综试办审核意见：由市综试办填写，申报单位不填",
    )
    scores: Scores = Field(default_factory=Scores, alias="自评分")
    evidence: list[Evidence] = Field(default_factory=list, alias="佐证材料")

    _profile: Profile | None = PrivateAttr(None)
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


# ---------------------------------------------------------------------------------------------
# Profile-specific subclasses
# ---------------------------------------------------------------------------------------------


def _literal(values: list[str]) -> Any:
    return Literal[tuple(values)]


@lru_cache(maxsize=32)
def _model_for_json(profile_json: str) -> type[Application]:
    profile = Profile.model_validate_json(profile_json)
    basic = create_model(
        "BasicInfo",
        __base__=BasicInfo,
        district=(_literal(profile.districts), Field(alias="所属区县")),
    )
    evidence = create_model(
        "Evidence",
        __base__=Evidence,
        indicator=(
            _literal(profile.evidence_groups),
            Field(alias="指标", description=f"“{BASIC_GROUP}”或《评价表》的评价指标名称"),
        ),
    )
    score_fields: dict[str, Any] = {
        f"i{n}": (
            Decimal | None,
            Field(None, alias=ind.name, ge=0, le=ind.max_points, allow_inf_nan=False),
        )
        for n, ind in enumerate(profile.indicators, start=1)
    }
    scores = create_model("Scores", __base__=_ProfileScores, **score_fields)
    return create_model(
        "Application",
        __base__=Application,
        batch=(Text, Field(profile.name, alias="认定批次")),
        basic=(basic, Field(alias="基本情况")),
        scores=(scores, Field(default_factory=scores, alias="自评分")),
        evidence=(list[evidence], Field(default_factory=list, alias="佐证材料")),
    )


def model_for(profile: Profile) -> type[Application]:
    """Return the Application subclass that enforces `profile`'s districts, indicators and maxima."""
    return _model_for_json(profile.model_dump_json(by_alias=True))
