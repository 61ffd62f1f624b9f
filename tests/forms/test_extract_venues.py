"""培训场地 as people type it: every venue read, or the piece that could not be read returned."""

from __future__ import annotations

import pytest

from jidi_docs.forms._extract._venues import parse_venues

A = {"地址": "文三路 478 号 A 座 12 层 1 号教室", "面积": "150", "可容纳人数": "60"}
B = {"地址": "实训机房", "面积": "120", "可容纳人数": "45"}
B_NO_AREA = {"地址": "实训机房", "可容纳人数": "45"}


@pytest.mark.parametrize(
    ("text", "venues"),
    [
        # as our template writes it
        (
            (
                "文三路 478 号 A 座 12 层 1 号教室，面积 150 平方米，可容纳 60 人\n"
                "实训机房，面积 120 平方米，可容纳 45 人"
            ),
            [A, B],
        ),
        # one paragraph, ；between venues, area and capacity in brackets
        (
            "文三路 478 号 A 座 12 层 1 号教室（150平方米，可容纳60人）；实训机房（120平方米，可容纳45人）",
            [A, B],
        ),
        (
            "文三路 478 号 A 座 12 层 1 号教室(150平方米,可容纳60人);实训机房(120平方米,可容纳45人)",
            [A, B],
        ),
        # numbered, without separators
        ("1、文三路 478 号 A 座 12 层 1 号教室，150平方米，60人2、实训机房，120㎡，45人", [A, B]),
        (
            "（1）文三路 478 号 A 座 12 层 1 号教室 面积150平米 容纳60人\n（2）实训机房 120m² 45人",
            [A, B],
        ),
        # 、 between venues; one without 面积
        ("文三路 478 号 A 座 12 层 1 号教室150平方米60人、实训机房可容纳45人", [A, B_NO_AREA]),
        ("实训机房，可容纳 45 人", [B_NO_AREA]),
        ("实训机房，座位45个", []),
    ],
)
def test_venue_shapes(text: str, venues: list[dict[str, str]]) -> None:
    read, bad = parse_venues(text)

    assert read == venues
    assert bad == ([] if venues else [text])


def test_a_line_without_capacity_is_returned_not_guessed() -> None:
    read, bad = parse_venues("实训机房（120平方米，可容纳45人）\n楼下大厅若干")

    assert read == [B]
    assert bad == ["楼下大厅若干"]


def test_numbers_inside_an_address_stay_in_the_address() -> None:
    read, bad = parse_venues("1号楼 2 层 201 室（80平方米，可容纳30人）")

    assert read == [{"地址": "1号楼 2 层 201 室", "面积": "80", "可容纳人数": "30"}]
    assert bad == []
