"""Test jidi_docs.model: scalar rules, derived figures and the profile-specific subclass."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import jidi_docs
from jidi_docs.input._load import get_profile
from jidi_docs.schema._derive import model_for
from jidi_docs.schema._model import Period
from jidi_docs.schema._types import parse_date

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"


@pytest.fixture(scope="module")
def app() -> jidi_docs.Application:
    return jidi_docs.load(EXAMPLE)


def test_example_derived_figures(app: jidi_docs.Application) -> None:
    assert app.lecturer_count == 4
    assert app.bachelor_count == 3
    assert app.bachelor_ratio == Decimal("75.0")
    assert app.fulltime_count == 3
    assert app.manager_count == 4
    assert app.platform_count == 6
    assert app.crossborder_trainees == 56 + 42 + 60 + 80
    assert app.total_score == Decimal(90)


def test_example_category_subtotals_follow_the_evaluation_form(app: jidi_docs.Application) -> None:
    assert app.category_subtotals == {
        "基础条件": Decimal(24),
        "专业匹配": Decimal(27),
        "人才输送": Decimal(27),
        "品牌建设": Decimal(8),
        "单位业绩": Decimal(4),
    }


def test_ratio_rounds_to_one_decimal_and_is_none_without_lecturers() -> None:
    def lecturers(*levels: str) -> list[dict[str, str]]:
        return [{"姓名": f"师{i}", "专兼职": "专职", "学历": e} for i, e in enumerate(levels)]

    base = jidi_docs.load(EXAMPLE)
    three = base.model_copy(
        update={
            "lecturers": [
                jidi_docs.Lecturer.model_validate(x) for x in lecturers("博士", "大专", "中专")
            ]
        }
    )
    none = base.model_copy(update={"lecturers": []})

    assert three.bachelor_ratio == Decimal("33.3")
    assert none.bachelor_ratio is None


def test_platform_count_ignores_repeated_names() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "涉及平台: [亚马逊, 速卖通,", "涉及平台: [亚马逊, 速卖通, 亚马逊, ' 速卖通',"
    )

    app = jidi_docs.loads(text)

    assert app.platform_count == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-08-17", dt.date(2021, 8, 17)),
        ("2021/8/7", dt.date(2021, 8, 7)),
        ("2021.08.17", dt.date(2021, 8, 17)),
        ("2021年8月17日", dt.date(2021, 8, 17)),
        ("2021 年 8 月 17 日", dt.date(2021, 8, 17)),
    ],
)
def test_dates_accept_common_chinese_spellings(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2021-02-29", "2021-13-01", "17/08/2021", "明年"])
def test_impossible_or_foreign_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=text):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2020-07-06", dt.date(2020, 7, 6), None),
        ("2020-07-06 ~ 2020-07-10", dt.date(2020, 7, 6), dt.date(2020, 7, 10)),
        ("2020-07-06～2020-07-10", dt.date(2020, 7, 6), dt.date(2020, 7, 10)),
        ("2020-07-06 至 2020-07-10", dt.date(2020, 7, 6), dt.date(2020, 7, 10)),
        ("2020-07-06 ~ 2020-07-06", dt.date(2020, 7, 6), None),
    ],
)
def test_period_is_a_day_or_a_range(text: str, start: dt.date, end: dt.date | None) -> None:
    period = Period.model_validate(text)

    assert (period.start, period.end) == (start, end)
    assert period.last_day == (end or start)


def test_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="结束日期早于开始日期"):
        Period.model_validate("2020-07-10 ~ 2020-07-06")


@pytest.mark.parametrize(
    "phone",
    [
        "13800001111",
        "138-0000-1111",
        "+86 138 0000 1111",
        "0571-87654321",
        "057187654321",
        "0571 87654321",
        "(0571)87654321",
        "87654321",
        "0571-87654321-123",
        "400-123-4567",
    ],
)
def test_phone_accepts_mobile_and_landline(phone: str) -> None:
    app = jidi_docs.loads(
        EXAMPLE.read_text(encoding="utf-8").replace("电话: 0571-87654321", f"电话: '{phone}'")
    )

    assert app.basic.phone == phone


@pytest.mark.parametrize("phone", ["12345", "1380000111", "23800001111", "0571-876", "电话"])
def test_phone_refuses_what_is_neither(phone: str) -> None:
    with pytest.raises(jidi_docs.ValidationFailed, match="电话号码"):
        jidi_docs.loads(
            EXAMPLE.read_text(encoding="utf-8").replace("电话: 0571-87654321", f"电话: '{phone}'")
        )


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91330106723456781M", True),
        ("91350100M000100Y43", True),  # a published code, to check the weights independently
        ("91350100M000100Y42", False),
        ("91330106723456781m", False),
        ("9133010672345678IM", False),
    ],
)
def test_credit_code_check_character_follows_gb_32100(code: str, valid: bool) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("91330106723456781M", code)

    if valid:
        assert jidi_docs.loads(text).basic.credit_code == code
    else:
        with pytest.raises(jidi_docs.ValidationFailed, match="统一社会信用代码"):
            jidi_docs.loads(text)


def test_credit_code_is_optional() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "  统一社会信用代码: 91330106723456781M\n", ""
    )

    assert jidi_docs.loads(text).basic.credit_code is None


@pytest.mark.parametrize(
    ("indicator", "maximum"),
    [
        ("培训场地及环境", 10),
        ("日常管理", 5),
        ("财务情况", 5),
        ("办公条件", 5),
        ("教师管理系统", 15),
        ("人才培养体系", 15),
        ("人才培育情况", 15),
        ("人才输送情况", 15),
        ("创新工作", 10),
        ("人才培育及输送情况反馈", 5),
    ],
)
def test_each_self_score_is_limited_to_its_indicator_maximum(indicator: str, maximum: int) -> None:
    model = model_for(get_profile("杭州-2021"))
    data = jidi_docs.load(EXAMPLE).model_dump(by_alias=True, mode="json")

    data["自评分"] = {indicator: str(maximum)}
    ok = model.model_validate(data)
    data["自评分"] = {indicator: str(maximum + Decimal("0.5"))}

    assert ok.score(indicator) == maximum
    with pytest.raises(Exception, match="less than or equal"):
        model.model_validate(data)


def test_district_must_be_one_of_the_13_divisions_of_2021() -> None:
    schema = jidi_docs.json_schema()
    text = str(schema)

    for district in (
        "上城区",
        "拱墅区",
        "西湖区",
        "滨江区",
        "萧山区",
        "余杭区",
        "临平区",
        "钱塘区",
        "富阳区",
        "临安区",
        "桐庐县",
        "淳安县",
        "建德市",
    ):
        assert district in text
    for gone in ("下城区", "江干区"):
        assert gone not in text


def test_english_attribute_names_build_the_same_lecturer() -> None:
    by_alias = jidi_docs.Lecturer.model_validate({"姓名": "钱七", "专兼职": "专职", "学历": "本科"})
    by_name = jidi_docs.Lecturer(name="钱七", kind="专职", education="本科")

    assert by_alias == by_name
    assert by_name.bachelor_or_above


def test_training_lecturer_names_split_on_chinese_separators() -> None:
    app = jidi_docs.loads(
        EXAMPLE.read_text(encoding="utf-8").replace("讲师: 钱七,", "讲师: 钱七、孙八／周九,")
    )

    assert app.trainings[0].lecturer_names == ["钱七", "孙八", "周九"]


def test_a_profile_states_every_threshold_and_title_itself(tmp_path: Path) -> None:
    builtin = Path(jidi_docs.schema.__file__).parent / "profiles" / "杭州-2021.yaml"
    data = yaml.safe_load(builtin.read_text(encoding="utf-8"))
    del data["认定条件"]["每期培训最少学时"]
    del data["申报表标题"]
    path = tmp_path / "缺项.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with pytest.raises(jidi_docs.ValidationFailed) as failed:
        jidi_docs.get_profile(path)

    fields = {issue.field for issue in failed.value.issues}
    assert any("每期培训最少学时" in f for f in fields), fields
    assert any("申报表标题" in f for f in fields), fields
