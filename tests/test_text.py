"""The text facts every stage shares (jidi_docs._text): one forbidden set, one display width."""

from __future__ import annotations

import re

import pytest

from jidi_docs._text import MERGE_UP, XML_FORBIDDEN, display_width
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
