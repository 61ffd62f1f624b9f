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


#: Six independent slips, as a person typing in Notepad makes them, and the line each is on.
SIX_SLIPS = [
    ("  注册地: 杭州市西湖区", "\t注册地: 杭州市西湖区", "不能用 Tab 键缩进"),
    ("  法定代表人: 张三", "  法定代表人 张三", "这一行缺少“:”"),
    ("  联系人: 李四", "  联系人：李四", "全角冒号“：”"),
    ("  电话: 0571-87654321", "  电话:0571-87654321", "冒号后面缺少空格"),
    ("  总面积: 1260", "  总面积:\u30001260", "冒号后面是全角空格"),
    ("  办公地址: 杭州市西湖区", "  办公地址: “杭州市西湖区: 文三路”  #", "全角引号"),
]


def test_every_slip_is_named_at_its_own_line_in_one_run() -> None:
    text = EXAMPLE.read_text("utf-8")
    lines = text.split("\n")
    expected = []
    for old, new, fix in SIX_SLIPS:
        number = next(n for n, line in enumerate(lines, start=1) if line.startswith(old))
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        expected.append((number, fix))

    with pytest.raises(jidi_docs.InputError) as exc:
        jidi_docs.loads("\n".join(lines), source="申报.yaml")

    found = [(i.line, i.message) for i in exc.value.issues]
    assert [line for line, _ in found] == [line for line, _ in sorted(expected)]
    for (_, message), (_, fix) in zip(found, sorted(expected), strict=True):
        assert fix in message, (message, fix)
    assert str(exc.value).startswith("申报.yaml 有 6 处格式错误：\n  • 申报.yaml 第 ")


def test_a_slip_after_one_that_cannot_be_mended_is_not_guessed() -> None:
    text = EXAMPLE.read_text("utf-8")
    broken = text.replace("讲师:\n", "讲师: [\n", 1).replace("  联系人: 李四", "  联系人：李四", 1)

    with pytest.raises(jidi_docs.InputError) as exc:
        jidi_docs.loads(broken, source="申报.yaml")

    assert [i.message for i in exc.value.issues][-1].startswith("YAML 格式错误")
    assert len(exc.value.issues) <= 2
