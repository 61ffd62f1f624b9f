"""Test the jidi_docs.input._yaml syntax messages for the usual typing slips."""

from __future__ import annotations

from pathlib import Path

import pytest

import jidi_docs

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"
LINE = "  联系人: 李四"


@pytest.mark.parametrize(
    ("typed", "fix"),
    [
        ("  联系人：李四", "全角冒号“：”"),
        ("  联系人:李四", "冒号后面缺少空格"),
        ("  联系人:\u3000李四", "冒号后面是全角空格"),
        ("  联系人: “李四: 主任”", "全角引号"),
        ("\t联系人: 李四", "不能用 Tab 键缩进"),
    ],
)
def test_a_slip_is_named_at_its_own_line(typed: str, fix: str) -> None:
    text = EXAMPLE.read_text("utf-8")
    line = text.split("\n").index(LINE) + 1

    with pytest.raises(jidi_docs.InputError) as exc:
        jidi_docs.loads(text.replace(LINE, typed, 1), source="申报.yaml")

    message = str(exc.value)
    assert message.startswith(f"申报.yaml 第 {line} 行"), message
    assert fix in message
