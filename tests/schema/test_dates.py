"""Test the jidi_docs.schema._dates module: dates and ranges as people type them."""

from __future__ import annotations

import datetime as dt

import pytest

import jidi_docs
from jidi_docs.schema._dates import parse_date, parse_period

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-08-17", D(2021, 8, 17)),
        ("2021/8/17", D(2021, 8, 17)),
        ("2021.8.17", D(2021, 8, 17)),
        ("2021年8月17日", D(2021, 8, 17)),
        ("2021 年 8 月 17 日", D(2021, 8, 17)),
        ("２０２１／８／１７", D(2021, 8, 17)),
    ],
)
def test_a_date_is_read_in_every_usual_spelling(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2020.10.12-2020.10.15", D(2020, 10, 12), D(2020, 10, 15)),
        ("2020-10-12-2020-10-15", D(2020, 10, 12), D(2020, 10, 15)),
        ("2020.7.6-7.10", D(2020, 7, 6), D(2020, 7, 10)),
        ("2020-07-06-07-10", D(2020, 7, 6), D(2020, 7, 10)),
        ("2021年5月17日-19日", D(2021, 5, 17), D(2021, 5, 19)),
        ("2021年5月17日至5月19日", D(2021, 5, 17), D(2021, 5, 19)),
        ("2020/7/6~2020/7/10", D(2020, 7, 6), D(2020, 7, 10)),
        ("2020-07-06 至 2020-07-10", D(2020, 7, 6), D(2020, 7, 10)),
        ("2020-07-06 ~ 2020-07-10", D(2020, 7, 6), D(2020, 7, 10)),
        ("2020.07.06—2020.07.10", D(2020, 7, 6), D(2020, 7, 10)),
        ("2020.12.30-1.2", D(2020, 12, 30), D(2021, 1, 2)),
    ],
)
def test_a_range_is_read_in_every_usual_spelling(text: str, start: dt.date, end: dt.date) -> None:
    assert parse_period(text) == (start, end)


def test_a_range_of_one_day_is_that_day() -> None:
    assert parse_period("2020.7.6-7.6") == (D(2020, 7, 6), None)


@pytest.mark.parametrize("text", ["2020.7.10-7.6", "2020-07-10 ~ 2020-07-06", "2020.8.30-7.2"])
def test_a_range_ending_before_it_starts_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="结束日期早于开始日期"):
        parse_period(text)


@pytest.mark.parametrize("text", ["9:30", "7.6-7.10", "2020.7", "2020.7.6-7.10-7.12", "下周一"])
def test_an_unreadable_time_shows_a_date_and_a_range_to_copy(text: str) -> None:
    with pytest.raises(ValueError, match="2021-08-17") as exc:
        parse_period(text)

    assert "2020-07-06 ~ 2020-07-10" in str(exc.value)


def test_a_day_that_does_not_exist_is_named() -> None:
    with pytest.raises(ValueError, match="“2021-02-30”不是一个存在的日期"):
        parse_date("2021-02-30")


def test_a_training_row_takes_a_ledger_range() -> None:
    row = jidi_docs.Training.model_validate(
        {
            "时间": "2020.10.12-2020.10.15",
            "地点": "杭州",
            "授课主题": "跨境电商运营实务",
            "讲师": "张三",
            "培训人次": 56,
            "学时数": 16,
        }
    )

    assert (row.time.start, row.time.end) == (D(2020, 10, 12), D(2020, 10, 15))
