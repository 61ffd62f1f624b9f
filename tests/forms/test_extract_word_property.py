"""Property: whatever mix of Word's constructs a 申报表 carries, and wherever they are, every field
`extract` returns equals what Word shows, or it is reported.

A hypothesis strategy picks a layout (the example's rendered 附件2, a hand-typed form in separate
tables or in one big table), a share of the places to edit and a seed choosing which edit of
`wordedits` goes where (at most one per run, paragraph, cell and row, so a run may sit in a
tracked insertion inside a content control inside a text box inside a cell control inside a row
control), rows inserted, deleted or hidden, and equations (shown by Word, never read) in cells.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
from handtyped import tally, typed_form, write_big_table, write_separate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_extract_word import DATA, EXAMPLE, LAST_ROW, UNREADABLE, _paragraph_of
from wordedits import Package, apply_mix, delete_row, equation, hide_row, insert_row

import jidi_docs
from jidi_docs import extract
from jidi_docs.forms._extract import summary_lines
from jidi_docs.forms._render import render


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("layouts")
    return {
        "rendered": render(jidi_docs.load(EXAMPLE), folder)[1],
        "separate": write_separate(typed_form(DATA), folder / "分表.docx"),
        "big": write_big_table(typed_form(DATA, venue_shape="semicolons"), folder / "大表.docx"),
    }


ROW_CHANGES = {"inserted": insert_row, "deleted": delete_row, "hidden": hide_row}


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "layout": draw(st.sampled_from(["rendered", "separate", "big"])),
        "seed": draw(st.integers(min_value=0, max_value=2**32 - 1)),
        "share": draw(st.sampled_from([0.15, 0.4, 0.8, 1.0])),
        "rows": draw(
            st.dictionaries(st.sampled_from(sorted(LAST_ROW)), st.sampled_from(sorted(ROW_CHANGES)))
        ),
        "equations": draw(st.sets(st.sampled_from(sorted(UNREADABLE)), max_size=2)),
    }


def build(plan: dict[str, Any], source: Path, out: Path) -> tuple[Path, dict[str, Any]]:
    """Return the document edited as `plan` says and the data Word shows in it."""
    pkg = Package(source)
    expected = copy.deepcopy(DATA)
    for path in plan["equations"]:
        equation(pkg, _paragraph_of(pkg, UNREADABLE[path]))
    for key, change in plan["rows"].items():
        ROW_CHANGES[change](pkg, pkg.row_with(LAST_ROW[key]))
        if change == "inserted":
            expected[key].append(copy.deepcopy(expected[key][-1]))
        elif change == "deleted":
            expected[key].pop()
    apply_mix(pkg, random.Random(plan["seed"]), plan["share"])
    return pkg.save(out), expected


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=plans())
def test_every_field_is_what_word_shows_or_reported(
    plan: dict[str, Any], layouts: dict[str, Path], tmp_path: Path
) -> None:
    path, expected = build(plan, layouts[plan["layout"]], tmp_path / "混合.docx")

    extracted = extract(path)

    counts = tally(expected, extracted)
    assert counts.silent == []
    noted = {n.path for n in extracted.notes}
    deleted = {k for k, c in plan["rows"].items() if c == "deleted"}
    assert all(p in noted for p in plan["equations"] if p[0] not in deleted)
    if not extracted.notes:
        assert counts.reported == 0
        assert "每一格都已读取" in summary_lines(extracted)
    else:
        assert "每一格都已读取" not in summary_lines(extracted)
    changed = {k for k, c in plan["rows"].items() if c != "hidden"}
    assert bool(extracted.changes) >= bool(changed)
