"""Reading is bounded: aliases, nesting and long lists cannot make a small file cost a lot.

Memory is measured in a fresh interpreter (its peak resident size); times are only generous bounds against
a hang (the precise figures are in benchmarks/large_input.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jidi_docs.errors import InputError, ValidationFailed
from jidi_docs.input._load import load, loads
from jidi_docs.input._yaml import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
EXAMPLE_TEXT = EXAMPLE.read_text("utf-8")

#: Loads argv[1] after warming up on the example; prints the outcome and the memory it added.
PROBE = r"""
import json, resource, sys
from pathlib import Path
from jidi_docs.input._load import load
from jidi_docs.errors import JidiDocsError
def peak():
    # VmHWM: this process's own peak. ru_maxrss would also count the peak of the process that
    # started it (Linux keeps it across exec), e.g. a large pytest process.
    try:
        with open("/proc/self/status") as status:
            for row in status:
                if row.startswith("VmHWM:"):
                    return int(row.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


load(Path(sys.argv[2]))
before = peak()
try:
    load(Path(sys.argv[1]))
    outcome = "loaded"
except JidiDocsError as e:
    outcome = str(e)
after = peak()
print(json.dumps({"outcome": outcome, "added": after - before, "peak": after}))
"""


def alias_bomb(levels: int) -> str:
    """The example application with `levels` anchors of 9 aliases each: 9**levels values."""
    lines = ["炸弹:", "  l0: &l0 [" + ", ".join(["哈"] * 9) + "]"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return EXAMPLE_TEXT + "\n" + "\n".join(lines) + "\n"


def with_lecturers(rows: int) -> str:
    head, rest = EXAMPLE_TEXT.split("讲师:\n", 1)
    body = "".join(
        f"  - {{姓名: 讲师{i:05d}, 专兼职: 专职, 职称: 高级电子商务师, 学历: 本科, "
        f"研发平台: 亚马逊, 联系电话: '138{i:08d}', 备注: 第 {i} 位讲师}}\n"
        for i in range(rows)
    )
    return head + "讲师:\n" + body + rest[rest.index("\n\n") :]


def probe(path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=120,  # a hang, not a speed check
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def anchor_line(text: str, anchor: str) -> int:
    return next(i for i, row in enumerate(text.split("\n"), 1) if f"&{anchor} " in row)


def test_alias_bomb_is_refused_at_its_anchor_without_expanding(tmp_path: Path) -> None:
    text = alias_bomb(9)
    path = tmp_path / "申报.yaml"
    path.write_text(text, "utf-8")

    result = probe(path)

    outcome = str(result["outcome"])
    # the budget runs out while the fourth level's aliases are copied: 9**4 > 10,000
    assert f"第 {anchor_line(text, 'l3')} 行" in outcome
    assert "锚点“&l3”被引用（*l3" in outcome
    assert "超过 10,000 个" in outcome
    assert int(result["peak"]) < 200 * 2**20  # type: ignore[call-overload]
    assert int(result["added"]) < 10 * 2**20  # type: ignore[call-overload]


def test_alias_bomb_is_refused_before_validation_by_check() -> None:
    # check (via loads) refuses the bomb even though 炸弹 is also an unknown key
    with pytest.raises(InputError) as err:
        loads(alias_bomb(9))
    assert "别名展开的值超过" in str(err.value)


def test_an_alias_to_itself_is_refused_at_its_anchor() -> None:
    with pytest.raises(InputError) as err:
        parse_yaml("名称: x\n列表: &a\n  - 1\n  - *a\n", "x.yaml")
    issue = err.value.issue
    assert (issue.line, issue.column) == (2, 5)
    assert "锚点“&a”的内容里引用了它自己（*a）" in issue.message


@pytest.mark.parametrize("depth", [41, 600, 5000])
def test_deep_nesting_is_refused_in_chinese(depth: int) -> None:
    with pytest.raises(InputError) as err:
        parse_yaml("a: " + "[" * depth + "]" * depth + "\n", "x.yaml")
    assert "嵌套层数超过 40 层" in err.value.issue.message


def test_a_few_aliases_still_work_and_errors_inside_them_point_at_the_alias() -> None:
    text = EXAMPLE_TEXT.replace(
        "  - {姓名: 孙八, 专兼职: 专职",
        "  - &sun {姓名: 孙八, 专兼职: 专职",
    )
    text = text.replace("  - {姓名: 周九,", "  - *sun\n  - {姓名: 周九,")
    doc = parse_yaml(text, "x.yaml")
    lecturers = doc.data["讲师"]
    assert lecturers[2] == lecturers[1]
    assert lecturers[2] is not lecturers[1]  # a copy: nothing downstream can change both
    alias_line = next(i for i, row in enumerate(text.split("\n"), 1) if row == "  - *sun")
    assert doc.mark(("讲师", 2, "学历")).line == alias_line  # type: ignore[union-attr]


def test_twenty_thousand_lecturers_stay_within_ten_times_the_file(tmp_path: Path) -> None:
    path = tmp_path / "申报.yaml"
    path.write_text(with_lecturers(20_000), "utf-8")
    size = path.stat().st_size

    result = probe(path)

    assert result["outcome"] == "loaded"
    assert int(result["added"]) < 10 * size  # type: ignore[call-overload]


def test_positions_of_a_large_file_are_found_when_an_error_needs_them(tmp_path: Path) -> None:
    text = with_lecturers(300).replace(
        "讲师00250, 专兼职: 专职, 职称: 高级电子商务师, 学历: 本科",
        "讲师00250, 专兼职: 专职, 职称: 高级电子商务师, 学历: 大学",
    )
    path = tmp_path / "申报.yaml"
    path.write_text(text, "utf-8")
    line = next(i for i, row in enumerate(text.split("\n"), 1) if "讲师00250" in row)
    with pytest.raises(ValidationFailed) as err:
        load(path)
    assert f"第 {line} 行" in str(err.value)
    assert "学历" in str(err.value)


def test_rows_share_their_set_of_given_fields_and_still_copy_and_assign() -> None:
    app = load(EXAMPLE)
    first, second = app.lecturers[0], app.lecturers[1]
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert "note" not in first.model_fields_set

    copied = first.model_copy(update={"note": "外聘"})
    first.note = "兼课"

    assert "note" in copied.model_fields_set
    assert "note" in first.model_fields_set
    assert "note" not in second.model_fields_set
    assert first.model_dump(exclude_unset=True)["note"] == "兼课"
