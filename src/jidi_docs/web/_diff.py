"""What changed between two submitted versions, section by section: values, rows, evidence files.

The reviewer reads a resubmission against the version that was returned: which fields of 基本情况
changed (old → new), which rows of each table were added, removed or changed (and in which
columns), how 九 and the 自评分 changed, and which evidence files each 评价指标 gained or lost
(by the base's own file names; a file of the same name with other content counts as replaced).
Rows are matched by their content (`difflib.SequenceMatcher`), so a row inserted at the top does
not show every row below it as changed.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..schema import registry
from ..schema import sections as registry_sections
from . import _library as lib
from ._sheet import EVIDENCE, SCORES, root_headings
from .models import StoredFile

__all__ = ["Change", "SectionDiff", "diff"]


@dataclass(frozen=True)
class Change:
    """One difference: ``changed`` (old → new), ``added`` or ``removed``, and where."""

    kind: str
    where: str
    old: str = ""
    new: str = ""


@dataclass
class SectionDiff:
    key: str
    heading: str
    changes: list[Change] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_text(v)}" for k, v in value.items())
    return str(value)


def _rows(key: str, heading: str, old: Any, new: Any, columns: list[str]) -> list[Change]:
    old_rows = [r if isinstance(r, dict) else {} for r in (old if isinstance(old, list) else [])]
    new_rows = [r if isinstance(r, dict) else {} for r in (new if isinstance(new, list) else [])]
    sign = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in old_rows]
    sign_new = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in new_rows]
    first = columns[0] if columns else ""

    def row_label(rows: list[dict[str, Any]], n: int) -> str:
        name = _text(rows[n].get(first))
        return f"{heading} 第 {n + 1} 行" + (f"（{name}）" if name else "")

    out: list[Change] = []
    matcher = difflib.SequenceMatcher(a=sign, b=sign_new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(a2 - a1, b2 - b1) if op == "replace" else 0
        for k in range(pairs):
            i, j = a1 + k, b1 + k
            for c in columns:
                before, after = _text(old_rows[i].get(c)), _text(new_rows[j].get(c))
                if before != after:
                    out.append(Change("changed", f"{row_label(new_rows, j)} · {c}", before, after))
        for i in range(a1 + pairs, a2):
            out.append(Change("removed", row_label(old_rows, i), old=_row_text(old_rows[i])))
        for j in range(b1 + pairs, b2):
            out.append(Change("added", row_label(new_rows, j), new=_row_text(new_rows[j])))
    return out


def _row_text(row: dict[str, Any]) -> str:
    return "；".join(f"{k}：{_text(v)}" for k, v in row.items() if _text(v))


def _files(
    data: dict[str, Any], files: dict[str, StoredFile]
) -> dict[str, Counter[tuple[str, str]]]:
    """Evidence per indicator as a multiset of (file name, content digest)."""
    out: dict[str, Counter[tuple[str, str]]] = {}
    for entry in data.get(EVIDENCE) or []:
        if not isinstance(entry, dict):
            continue
        indicator = _text(entry.get("指标"))
        for path in lib.as_list(entry.get(lib.FIELD_FILES)):
            stored = files.get(str(path))
            key = (stored.original_name, stored.digest) if stored else (str(path), "")
            out.setdefault(indicator, Counter())[key] += 1
    return out


def _evidence(
    old: dict[str, Any], new: dict[str, Any], files: dict[str, StoredFile]
) -> list[Change]:
    before, after = _files(old, files), _files(new, files)
    out: list[Change] = []
    for indicator in [*before, *(k for k in after if k not in before)]:
        gone = before.get(indicator, Counter()) - after.get(indicator, Counter())
        came = after.get(indicator, Counter()) - before.get(indicator, Counter())
        where = f"佐证材料 · {indicator}"
        replaced = {n for n, _ in gone} & {n for n, _ in came}
        for name in sorted(replaced):
            out.append(Change("changed", where, name, f"{name}（内容已更换）"))
        for name, _digest in sorted(gone.elements()):
            if name not in replaced:
                out.append(Change("removed", where, old=name))
        for name, _digest in sorted(came.elements()):
            if name not in replaced:
                out.append(Change("added", where, new=name))
    entries_old = [_text(e.get("名称")) for e in old.get(EVIDENCE) or [] if isinstance(e, dict)]
    entries_new = [_text(e.get("名称")) for e in new.get(EVIDENCE) or [] if isinstance(e, dict)]
    for name in sorted((Counter(entries_old) - Counter(entries_new)).elements()):
        out.append(Change("removed", "佐证材料清单", old=name))
    for name in sorted((Counter(entries_new) - Counter(entries_old)).elements()):
        out.append(Change("added", "佐证材料清单", new=name))
    return out


def diff(
    old: dict[str, Any], new: dict[str, Any], files: dict[str, StoredFile]
) -> list[SectionDiff]:
    """Return the differences from version data `old` to `new`, one entry per section.

    `files` maps data paths (``佐证材料/…``) to the stored files of the application.
    """
    old, new = lib.clean(old), lib.clean(new)
    headings = root_headings()
    sections = {s.key: s for s in registry_sections()}
    out: list[SectionDiff] = []
    for column in registry().root.columns:
        key = column.label
        if column.type == "认定批次" or column.office_only:
            continue
        result = SectionDiff(key, headings.get(key, key))
        before, after = old.get(key), new.get(key)
        if key == EVIDENCE:
            result.changes = _evidence(old, new, files)
        elif column.type == "自评分":
            result.heading = headings[SCORES]
            for name in dict.fromkeys([*(before or {}), *(after or {})]):
                a, b = _text((before or {}).get(name)), _text((after or {}).get(name))
                if a != b:
                    result.changes.append(Change("changed", f"自评分 · {name}", a, b))
        elif column.type != "栏目":
            if _text(before) != _text(after):
                result.changes.append(
                    Change("changed", result.heading, _text(before), _text(after))
                )
        elif isinstance(before, list) or isinstance(after, list):
            labels = [c.label for c in sections[key].columns]
            result.changes = _rows(key, result.heading, before, after, labels)
        else:
            result.changes = _mapping(sections, key, result.heading, before or {}, after or {})
        out.append(result)
    return out


def _mapping(
    sections: dict[str, Any], key: str, heading: str, before: Any, after: Any
) -> list[Change]:
    out: list[Change] = []
    for c in sections[key].columns:
        a, b = before.get(c.label), after.get(c.label)
        if c.type == "栏目":
            labels = [x.label for x in sections[c.label].columns]
            out.extend(_rows(c.label, f"{heading} · {c.label}", a, b, labels))
        elif _text(a) != _text(b):
            out.append(Change("changed", f"{heading} · {c.label}", _text(a), _text(b)))
    return out
