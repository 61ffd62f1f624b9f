"""Tests of the one phone rule shared by the schema and `extract`."""

from __future__ import annotations

from pathlib import Path

import pytest

import jidi_docs
from jidi_docs.schema._phone import check_phone, phone_problem

SPACED_AND_DASHED = [
    "0571 8765 4321",
    "0571－87654321",
    "0571—8765 4321",
    "0571-87654321转123",
    "0571-87654321 分机 8",
    "（0571）87654321",
    "138 0000 1111",
    "138－0000－1111",
    "13800001111、0571-87654321",
]


@pytest.mark.parametrize("phone", SPACED_AND_DASHED)
def test_spaces_hyphens_and_extensions_are_accepted_and_kept_as_typed(phone: str) -> None:
    assert check_phone(phone) == phone


@pytest.mark.parametrize("phone", ["0571 876", "138 0000 111", "电话", "0571-87654321转", "、"])
def test_what_is_not_a_number_is_refused_with_the_hint(phone: str) -> None:
    problem = phone_problem(phone)

    assert problem is not None
    assert "座机写区号-号码" in problem


EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"


@pytest.mark.parametrize("phone", ["0571 8765 4321", "0571-87654321转8", "138 0000 1111"])
def test_basic_info_and_lecturer_phones_follow_the_same_rule(phone: str) -> None:
    text = EXAMPLE.read_text("utf-8").replace("电话: 0571-87654321", f"电话: '{phone}'")
    text = text.replace("联系电话: 13800001111", f"联系电话: '{phone}'")

    app = jidi_docs.loads(text)

    assert app.basic.phone == phone
    assert app.lecturers[0].phone == phone
