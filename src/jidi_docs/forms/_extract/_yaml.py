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

__all__ = ["to_yaml", "yaml_scalar"]

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


def _note_lines(note: Note, indent: int) -> list[str]:
    pad = " " * indent
    if len(note.path) == 1:
        return [f"{pad}# {_comment(note.text)}    ← 未能读取：{note.reason}"]
    key = note.path[-1] if isinstance(note.path[-1], str) else "这一行"
    return [f"{pad}# {key}: {_comment(note.text)}    ← 未能读取：{note.reason}"]


def to_yaml(extracted: Extracted, *, profile: Profile | str | None = None) -> str:
    """Return the extracted data as a YAML file in the contract format, notes as comments.

    Sections the 申报表 does not hold (自评分 from the 评价表, 佐证材料) are written with empty
    values and a comment saying what to fill in.
    """
    chosen = profile if isinstance(profile, Profile) else get_profile(profile)
    data = extracted.data
    notes = extracted.notes
    out = [
        f"# 由 {Path(extracted.source).name} 读取生成。请逐项核对；以“← 未能读取”标注的行需要手工填写。",
        "# 读取结果：",
        *(f"#   {line}" for line in summary_lines(extracted)),
    ]
    known = {BASIC, OPINION, OFFICE, *(s.key for s in LISTS)}
    out.extend(ln for n in notes if n.path[0] not in known for ln in _note_lines(n, 0))
    out += ["", f"认定批次: {yaml_scalar(chosen.name)}", "", "基本情况:"]
    basic = data.get("基本情况", {})
    for key, value in basic.items():
        if key == "培训场地":
            out.append("  培训场地:")
            out.extend(f"    - {_flow(v)}" for v in value)
        else:
            out.append(f"  {key}: {_value(value, 4)}")
    out.extend(ln for n in notes if n.path[:1] == ("基本情况",) for ln in _note_lines(n, 2))
    for section in LISTS:
        rows = data.get(section.key, [])
        out.append("")
        row_notes = [n for n in notes if n.path[:1] == (section.key,)]
        out.append(f"{section.key}:" + ("" if rows else " []"))
        out.extend(ln for n in row_notes if len(n.path) == 1 for ln in _note_lines(n, 2))
        for i, row in enumerate(rows):
            mine = [n for n in row_notes if len(n.path) > 1 and n.path[1] == i]
            if not mine:
                out.append(f"  - {_flow(row)}")
                continue
            first = True
            for key, value in row.items():
                out.append(f"  {'- ' if first else '  '}{key}: {_value(value, 6)}")
                first = False
            if first:
                out.append("  - {}")
            out.extend(ln for n in mine for ln in _note_lines(n, 4))
    out.append("")
    opinion = data.get(OPINION)
    out.append(f"申报单位审核意见: {_value(opinion, 2)}" if opinion else "申报单位审核意见:")
    office = data.get(OFFICE)
    if office:
        out.append(f"{OFFICE}: {_value(office, 2)}")
    out.append("")
    out.append("自评分:   # 申报表中没有自评分：请对照《评价表》填写，不得超过各项分值")
    for ind in chosen.indicators:
        out.append(f"  {ind.name}:    # 满分 {fmt_number(ind.max_points)} 分")
    out.append("")
    out.append("佐证材料: []   # 申报表中没有佐证材料清单，请补充，例如：")
    out.append(
        "# - {名称: 营业执照副本扫描件, 指标: 基本情况, 文件: 佐证材料/基本情况/营业执照.pdf}"
    )
    return "\n".join(out) + "\n"
