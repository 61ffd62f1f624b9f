"""The text facts every stage shares (jidi_docs._text): one forbidden set, one display width."""

from __future__ import annotations

import itertools
import re

import pytest

from jidi_docs._text import MERGE_UP, XML_FORBIDDEN, display_width, is_wide, wrap
from jidi_docs.forms._template import _FORBIDDEN as FORM_FORBIDDEN
from jidi_docs.input._yaml import clean_text
from jidi_docs.pipeline._scaffold import scaffold_yaml


@pytest.mark.parametrize("code", [*range(0x20), 0xD800, 0xDFFF, 0xFFFE, 0xFFFF, 0x7F, 0x9F])
def test_what_the_form_writer_drops_the_loader_drops_too(code: int) -> None:
    ch = chr(code)
    forbidden_in_xml = (ch not in "\t\n\r" and code < 0x20) or code in (
        0xD800,
        0xDFFF,
        0xFFFE,
        0xFFFF,
    )

    assert bool(FORM_FORBIDDEN.match(ch)) == forbidden_in_xml
    assert FORM_FORBIDDEN is XML_FORBIDDEN
    if forbidden_in_xml or 0x7F <= code <= 0x9F:
        assert clean_text(f"a{ch}b") == ("ab", [f"U+{code:04X}"])


def test_the_loader_also_drops_the_forms_merge_marker() -> None:
    assert clean_text(f"a{MERGE_UP}b")[0] == "ab"


def test_display_width_counts_cjk_as_two() -> None:
    assert display_width("讲师 A") == 6
    assert display_width("\u2e7f\u2e80") == 3  # U+2E80, the first CJK radical, is wide


def test_scaffold_comments_line_up_by_display_width() -> None:
    blank = [m for ln in scaffold_yaml().splitlines() if (m := _BLANK_FIELD.match(ln))]
    short = [m for m in blank if display_width(m[1]) < 23]

    starts = {display_width(m[0]) for m in short}

    assert len(short) > 20
    assert starts == {26}  # two spaces of indent, then the key padded to 24 cells


_BLANK_FIELD = re.compile(r"^  ([^\s#]+:)\s+(?=# )")


@pytest.mark.parametrize("width", [20, 30, 44, 60, 80])
@pytest.mark.parametrize(
    "text",
    [
        "统一社会信用代码的登记管理机关行政区划码为 330106，属于 3301 开头的本地区划。",
        "「讲师 → 第 12 项 → 学历」“大学”不在可选范围内。是不是“本科”？",
        (
            "以下栏目还没有填写：基本情况：单位名称、注册地、所属区县、法定代表人、注册时间；"
            "基本情况 → 培训场地 → 第 1 项：地址、可容纳人数。"
        ),
        "2 个文件有问题：「人才培育情况」的 佐证材料/人才培育情况/2021年第二期签到表.jpg 不存在",
    ],
)
def test_wrapped_lines_keep_every_character_and_break_only_where_chinese_text_may(
    text: str, width: int
) -> None:
    lines = wrap(text, width)

    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        # Over the width only for a whole piece that cannot break: a path hangs on its own line.
        assert display_width(line) <= width or "/" in line, (line, width)
    ends = []
    at = 0
    for line in lines:
        at = text.index(line, at)
        ends.append((at, at + len(line)))
        at += len(line)
    for (before, after), ((_, end), (start, _)) in zip(
        itertools.pairwise(lines), itertools.pairwise(ends), strict=True
    ):
        assert after[:1] not in "，。；：、）」』》！？”", (before, after)
        assert not (before[-1:].isdigit() and after[:1].isdigit())
        if start > end:  # broken at a space
            continue
        # Broken with no space between: after punctuation or before a bracket, or between two
        # CJK characters only when a phrase filled the whole line.
        if before[-1] in "，。；：、）」』》！？”" or after[0] in "（「『《“":
            continue
        assert is_wide(before[-1]), (before, after)
        assert is_wide(after[0]), (before, after)
        assert display_width(before) >= width - 4, (before, after, width)


def test_a_path_is_never_cut_and_hangs_on_a_line_of_its_own() -> None:
    path = "佐证材料/人才培育及输送情况反馈/2021年各期培训活动签到表与现场照片汇编.pdf"

    lines = wrap(f"「荣誉证书」的 {path} 不存在", 40)

    assert lines == ["「荣誉证书」的", path, "不存在"]


def test_numbers_stay_with_their_units_and_words_of_the_data_stay_whole() -> None:
    assert wrap("已开展 4 期培训活动，共 238 人次，最少 20 学时。", 22) == [
        "已开展 4 期培训活动，",
        "共 238 人次，最少",
        "20 学时。",
    ]
    assert wrap("属于 3301 开头的本地区划。", 20) == ["属于 3301", "开头的本地区划。"]
