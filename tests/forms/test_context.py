"""Test jidi_docs.context: the formatted strings the templates receive (no .docx involved)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import jidi_docs
from jidi_docs.forms._context import form1_context, form2_context
from jidi_docs.forms._format import MERGE_UP, fmt_date, fmt_number, fmt_period
from jidi_docs.schema._model import Period

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def app() -> jidi_docs.Application:
    return jidi_docs.load(EXAMPLE)


def test_registration_date_is_written_the_chinese_way() -> None:
    assert fmt_date(dt.date(2015, 6, 18)) == "2015 年 6 月 18 日"


def test_table_dates_use_one_short_form() -> None:
    assert fmt_period(Period.model_validate("2020-07-06")) == "2020.07.06"
    assert fmt_period(Period.model_validate("2020-07-06 ~ 2020-07-10")) == "2020.07.06—2020.07.10"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (0, "0"),
        (Decimal("0.00"), "0"),
        (Decimal(260), "260"),
        (Decimal("260.50"), "260.5"),
        (Decimal("1E+3"), "1000"),
        (Decimal("75.0"), "75"),
        (Decimal("33.3"), "33.3"),
    ],
)
def test_numbers_have_no_exponent_and_no_trailing_zeros(
    value: Decimal | int | None, text: str
) -> None:
    assert fmt_number(value) == text


def test_form2_basic_context(app: jidi_docs.Application) -> None:
    b = form2_context(app)["b"]

    assert b["reg_date"] == "2015 年 6 月 18 日"
    assert b["district"] == "西湖区"
    assert b["phone"] == "0571-87654321"
    assert b["total_area"] == "1260"
    assert (b["lecturer_count"], b["bachelor_count"], b["ratio"]) == ("4", "3", "75")
    assert b["manager_count"] == "4"
    assert b["platform_count"].startswith("6\n")


def test_form2_rows_are_numbered_from_one(app: jidi_docs.Application) -> None:
    ctx = form2_context(app)

    assert [r["no"] for r in ctx["lecturers"]] == ["1", "2", "3", "4"]
    assert ctx["lecturers"][0]["title_edu"] == "高级电子商务师／本科"
    assert ctx["trainings"][0]["time"] == "2020.07.06—2020.07.10"
    assert ctx["qualifications"][0]["valid"] == "2025.06.30"


def test_empty_lists_give_one_blank_row() -> None:
    text = TEXT.split("管理运营团队:")[0] + "申报单位审核意见: 同意\n"

    ctx = form2_context(jidi_docs.loads(text))

    for key in (
        "managers",
        "lecturers",
        "trainings",
        "matchings",
        "brands",
        "honours",
        "qualifications",
    ):
        assert len(ctx[key]) == 1, key
        assert set(ctx[key][0].values()) == {""}, key
    assert ctx["b"]["ratio"] == ""


def test_long_term_qualification_reads_long_term() -> None:
    app = jidi_docs.loads(TEXT.replace("有效期: 2025-06-30", "有效期: 长期"))

    assert form2_context(app)["qualifications"][0]["valid"] == "长期"


def test_multiline_text_keeps_its_line_breaks_but_not_the_trailing_one(
    app: jidi_docs.Application,
) -> None:
    intro = form2_context(app)["b"]["intro"]

    assert intro.count("\n") == 3
    assert not intro.endswith("\n")


def test_form1_context_has_scores_total_and_merges(app: jidi_docs.Application) -> None:
    ctx = form1_context(app)

    assert ctx["unit_name"] == "杭州示例跨境电商职业培训学校有限公司"
    assert ctx["district"] == "西湖区"
    assert ctx["total"] == "90"
    assert [r["score"] for r in ctx["rows"]] == [
        "10",
        "5",
        "4",
        "5",
        "14",
        "13",
        "15",
        "12",
        "8",
        "4",
    ]
    assert [r["no"] for r in ctx["rows"]] == [
        "1",
        MERGE_UP,
        MERGE_UP,
        MERGE_UP,
        "2",
        MERGE_UP,
        "3",
        MERGE_UP,
        "4",
        "5",
    ]


def test_blank_self_score_stays_blank_and_counts_zero() -> None:
    app = jidi_docs.loads(TEXT.replace("  财务情况: 4", "  财务情况:"))

    ctx = form1_context(app)

    assert ctx["rows"][2]["score"] == ""
    assert ctx["total"] == "86"


def test_user_text_equal_to_the_merge_marker_cannot_merge_cells() -> None:
    app = jidi_docs.loads(TEXT.replace("岗位: 全面管理", '岗位: "\\uE000"'))

    assert MERGE_UP not in form2_context(app)["managers"][0]["post"]
