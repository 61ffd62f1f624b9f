"""The extracted data as a YAML file in the contract format, with what was not read as comments.

At the top, a comment block summarises the reading (rows per section, sections and columns not
found); every cell that could not be read is a commented-out line marked ``← 未能读取``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from ...input import get_profile
from ...schema import Profile
from .._format import fmt_number
from ._result import Extracted, Note, summary_lines
from ._sections import BASIC, LISTS, OFFICE, OPINION

__all__ = [
    "HEADER",
    "SUMMARY",
    "header_lines",
    "join_blocks",
    "section_notes",
    "to_yaml",
    "yaml_blocks",
    "yaml_scalar",
]

_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n,\[\]{}]*")
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _plain_ok(text: str) -> bool:
    return (
        bool(_PLAIN.fullmatch(text))
        and text not in _NULL_WORDS
        and text == text.strip()
        and not text.endswith(":")
        and ": " not in text
        and " #" not in text
        and "\t" not in text
        and all(unicodedata.category(c) not in _BAD_CATEGORIES for c in text)
        and all(c == " " or unicodedata.category(c) != "Zs" for c in text)
    )


def yaml_scalar(text: str) -> str:
    """Return `text` as a YAML scalar that reads back as exactly this string (flow-safe)."""
    if _plain_ok(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves these unescaped, but YAML treats them as line breaks.
    for ch in ("\u2028", "\u2029", "\x85"):
        quoted = quoted.replace(ch, f"\\u{ord(ch):04x}")
    return quoted


def _block_text(text: str, indent: int) -> str:
    """Return a multi-line value as a ``|-`` literal block when it reads back unchanged."""
    lines = text.split("\n")
    literal_ok = (
        lines[0][:1] not in (" ", "\t", "")
        and not text.endswith("\n")
        and all(
            unicodedata.category(c) not in _BAD_CATEGORIES or c == "\t"
            for c in text.replace("\n", "")
        )
    )
    if not literal_ok:
        return yaml_scalar(text)
    pad = " " * indent
    return "|-\n" + "\n".join(pad + ln if ln else "" for ln in lines)


def _value(value: Any, indent: int) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(str(v)) for v in value) + "]"
    text = str(value)
    return _block_text(text, indent) if "\n" in text else yaml_scalar(text)


def _flow(item: dict[str, Any]) -> str:
    parts = []
    for k, v in item.items():
        if isinstance(v, list):
            parts.append(f"{k}: [{', '.join(yaml_scalar(str(x)) for x in v)}]")
        else:
            parts.append(f"{k}: {yaml_scalar(str(v))}")
    return "{" + ", ".join(parts) + "}"


def _comment(text: str) -> str:
    return " ".join(text.split())


def _note_lines(note: Note, indent: int, *, row: int | None = None) -> list[str]:
    """A note as a commented-out line; with `row`, it names the row (where no row is written)."""
    pad = " " * indent
    if len(note.path) == 1:
        return [f"{pad}# {_comment(note.text)}    ← 未能读取：{note.reason}"]
    key = note.path[-1] if isinstance(note.path[-1], str) else "这一行"
    where = f"第 {row + 1} 行 " if row is not None else ""
    return [f"{pad}# {where}{key}: {_comment(note.text)}    ← 未能读取：{note.reason}"]


#: The first line of the header `to_yaml` writes (the summary follows it).
HEADER = "# 由 {name} 读取生成。请逐项核对；以“← 未能读取”标注的行需要手工填写。"
SUMMARY = "# 读取结果："


def to_yaml(extracted: Extracted, *, profile: Profile | str | None = None) -> str:
    """Return the extracted data as a YAML file in the contract format, notes as comments.

    Sections the 申报表 does not hold (自评分 from the 评价表, 佐证材料) are written with empty
    values and a comment saying what to fill in.
    """
    return join_blocks(yaml_blocks(extracted, profile=profile))


def join_blocks(blocks: dict[str, list[str]]) -> str:
    """The YAML file of `blocks` (see `yaml_blocks`): one blank line between two blocks."""
    out: list[str] = []
    for key, lines in blocks.items():
        if out and key != OFFICE:
            out.append("")
        out.extend(lines)
    return "\n".join(out) + "\n"


def header_lines(extracted: Extracted) -> list[str]:
    """The comment block at the top: where the data comes from, and the summary."""
    return [
        HEADER.format(name=Path(extracted.source).name),
        SUMMARY,
        *(f"#   {line}" for line in summary_lines(extracted)),
    ]


def yaml_blocks(
    extracted: Extracted, *, profile: Profile | str | None = None
) -> dict[str, list[str]]:
    """The lines of each top-level key of the YAML file, in the file's order.

    Key ``""`` is the header: the summary, and the notes that belong to no section. A value of
    基本情况 that is a mapping (``培训场地: {文件: 培训场地.xlsx}``) is written as one.
    """
    chosen = profile if isinstance(profile, Profile) else get_profile(profile)
    data = extracted.data
    notes = extracted.notes
    known = {BASIC, OPINION, OFFICE, *(s.key for s in LISTS)}
    blocks: dict[str, list[str]] = {"": header_lines(extracted)}
    blocks[""].extend(ln for n in notes if n.path[0] not in known for ln in _note_lines(n, 0))
    blocks["认定批次"] = [f"认定批次: {yaml_scalar(chosen.name)}"]
    basic = ["基本情况:"]
    for key, value in data.get(BASIC, {}).items():
        if key == "培训场地" and isinstance(value, list):
            basic.append("  培训场地:")
            basic.extend(f"    - {_flow(v)}" for v in value)
        elif isinstance(value, dict):
            basic.append(f"  {key}: {_flow(value)}")
        else:
            basic.append(f"  {key}: {_value(value, 4)}")
    basic.extend(section_notes(extracted, BASIC))
    blocks[BASIC] = basic
    for section in LISTS:
        blocks[section.key] = _list_block(section.key, data.get(section.key, []), notes)
    opinion = data.get(OPINION)
    blocks[OPINION] = [f"{OPINION}: {_value(opinion, 2)}" if opinion else f"{OPINION}:"]
    office = data.get(OFFICE)
    if office:
        blocks[OFFICE] = [f"{OFFICE}: {_value(office, 2)}"]
    blocks["自评分"] = [
        "自评分:   # 申报表中没有自评分：请对照《评价表》填写，不得超过各项分值",
        *(f"  {ind.name}:    # 满分 {fmt_number(ind.max_points)} 分" for ind in chosen.indicators),
    ]
    blocks["佐证材料"] = [
        "佐证材料: []   # 申报表中没有佐证材料清单，请补充，例如：",
        "# - {名称: 营业执照副本扫描件, 指标: 基本情况, 文件: 佐证材料/基本情况/营业执照.pdf}",
    ]
    return blocks


def _list_block(key: str, rows: list[dict[str, Any]], notes: list[Note]) -> list[str]:
    row_notes = [n for n in notes if n.path[:1] == (key,)]
    out = [f"{key}:" + ("" if rows else " []")]
    out.extend(ln for n in row_notes if len(n.path) == 1 for ln in _note_lines(n, 2))
    for i, row in enumerate(rows):
        mine = [n for n in row_notes if len(n.path) > 1 and n.path[1] == i]
        if not mine:
            out.append(f"  - {_flow(row)}")
            continue
        first = True
        for name, value in row.items():
            out.append(f"  {'- ' if first else '  '}{name}: {_value(value, 6)}")
            first = False
        if first:
            out.append("  - {}")
        out.extend(ln for n in mine for ln in _note_lines(n, 4))
    # Rows nothing could be read from (their notes name them): after the rows read.
    out.extend(
        ln
        for n in row_notes
        if len(n.path) > 1 and isinstance(n.path[1], int) and n.path[1] >= len(rows)
        for ln in _note_lines(n, 2, row=int(n.path[1]))
    )
    return out


def section_notes(extracted: Extracted, key: str) -> list[str]:
    """The notes of one section as comment lines, each naming its row (for 基本情况, its field).

    Used where the section's rows are not written out (a list kept in a workbook).
    """
    notes = [n for n in extracted.notes if n.path[:1] == (key,)]
    if key == BASIC:
        return [ln for n in notes for ln in _note_lines(n, 2)]
    return [ln for n in notes for ln in _note_lines(n, 2, row=_row_of(n))]


def _row_of(note: Note) -> int | None:
    return note.path[1] if len(note.path) > 1 and isinstance(note.path[1], int) else None
