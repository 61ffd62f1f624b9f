"""Property: whatever people do to the layout, every source row is read or reported.

A hypothesis strategy takes the hand-typed 申报表 (`handtyped`), reorders its sections (with or
without their headings), merges a
cell with the one below it (the same value for two rows), drops a column, inserts blank rows, and
lays it out as separate tables or one big table. `extract` must give back every field of every
row, or name it in the summary (a missing column) or a note.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from handtyped import UP, drop_column, typed_form, unreported, write_big_table, write_separate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jidi_docs import extract
from jidi_docs.input._yaml import parse_yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"
DATA = parse_yaml(EXAMPLE.read_text(encoding="utf-8")).data
KEYS = ["管理运营团队", "讲师", "培训活动", "对接调研活动", "品牌创新活动", "企业荣誉", "企业资质"]

#: The typed header → the contract keys its cells hold.
FIELDS = {"讲师姓名": ["姓名"], "专职/兼职": ["专兼职"], "职称学历": ["职称", "学历"]}

index = st.integers(min_value=0, max_value=20)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "big": draw(st.booleans()),
        "headings": draw(st.booleans()),
        "order": draw(st.permutations(range(len(KEYS)))),
        "merges": draw(st.lists(st.tuples(st.sampled_from(KEYS), index, index), max_size=3)),
        "drops": draw(st.dictionaries(st.sampled_from(KEYS), index, max_size=3)),
        "blanks": draw(st.lists(st.tuples(st.sampled_from(KEYS), index), max_size=4)),
    }


def build(plan: dict[str, Any], path: Path) -> tuple[Path, dict[str, Any], dict[str, str]]:
    """Return the document laid out as `plan` says, the data it holds and the columns dropped."""
    form = typed_form(DATA)
    expected = copy.deepcopy(DATA)
    form.sections = [form.sections[i] for i in plan["order"]]
    if not plan["headings"]:  # lists known by their header rows alone
        for s in form.sections:
            s.heading = ""
    by_key = {s.key: s for s in form.sections}
    for key, r, c in plan["merges"]:
        s = by_key[key]
        if len(s.rows) < 2:
            continue
        r, c = r % (len(s.rows) - 1), c % len(s.header)
        header = s.header[c]
        if header == "序号" or s.rows[r][c] is UP:
            continue
        s.rows[r + 1][c] = UP
        upper = expected[key][r]
        # The merged cell reaches down over every row already merged below it (a merge made
        # earlier at r + 1 chains on): all of them now show the upper row's value.
        below = r + 1
        while below < len(s.rows) and s.rows[below][c] is UP:
            lower = expected[key][below]
            for field in FIELDS.get(header, [header]):
                if field in upper:
                    lower[field] = upper[field]
                else:
                    lower.pop(field, None)
            below += 1
    dropped = {}
    for key, c in plan["drops"].items():
        s = by_key[key]
        dropped[key] = s.header[c % len(s.header)]
        drop_column(s, dropped[key])
    for key, p in plan["blanks"]:
        s = by_key[key]
        at = p % (len(s.rows) + 1)
        if at < len(s.rows) and UP in s.rows[at]:
            continue  # a blank row there would cut the merged cell
        s.rows.insert(at, [""] * len(s.header))
    write = write_big_table if plan["big"] else write_separate
    return write(form, path), expected, dropped


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=mutated())
def test_every_source_row_is_read_or_reported(plan: dict[str, Any], tmp_path: Path) -> None:
    path, expected, dropped = build(plan, tmp_path / "变形.docx")

    extracted = extract(path)

    assert unreported(expected, extracted) == []
    assert {s.key: s.rows for s in extracted.sections if s.key in KEYS} == {
        k: len(expected[k]) for k in KEYS
    }
    missing = {s.key: s.missing for s in extracted.sections if s.missing}
    assert missing == {k: [h] for k, h in dropped.items() if h != "序号"}


def test_merges_made_one_above_another_chain_into_one_cell(tmp_path: Path) -> None:
    plan = {
        "big": False,
        "headings": True,
        "order": list(range(len(KEYS))),
        "merges": [("管理运营团队", 1, 1), ("管理运营团队", 0, 1)],
        "drops": {},
        "blanks": [],
    }
    path, expected, _ = build(plan, tmp_path / "变形.docx")

    extracted = extract(path)

    names = [row["姓名"] for row in expected["管理运营团队"][:3]]
    assert names == [DATA["管理运营团队"][0]["姓名"]] * 3
    assert [row["姓名"] for row in extracted.data["管理运营团队"][:3]] == names
    assert unreported(expected, extracted) == []


def test_the_mutations_are_real(tmp_path: Path) -> None:
    plan = {
        "big": True,
        "headings": False,
        "order": [6, 5, 4, 3, 2, 1, 0],
        "merges": [("培训活动", 1, 2)],
        "drops": {"讲师": 5},
        "blanks": [("企业荣誉", 0)],
    }
    path, expected, _ = build(plan, tmp_path / "变形.docx")

    extracted = extract(path)

    assert expected["培训活动"][2]["地点"] == expected["培训活动"][1]["地点"] == "本校实训机房"
    assert extracted.data["培训活动"][2]["地点"] == "本校实训机房"
    lecturers = next(s for s in extracted.sections if s.key == "讲师")
    assert lecturers.missing == ["联系电话"]
    assert all("联系电话" not in x for x in extracted.data["讲师"])
    assert unreported(expected, extracted) == []
    assert unreported(DATA, extracted) != []  # the merge changed a value the checker sees
