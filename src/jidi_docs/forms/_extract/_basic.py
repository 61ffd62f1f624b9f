"""一、基本情况: label cells and the values beside them, wherever the rows are.

A label may be typed with spaces or line breaks in it, its value may fill several cells, and a
label merged down over several rows (``培训场地及可容纳人数`` with one venue per row) collects the
value of every row it covers. A computed figure (讲师数量 …) is read only to be compared with the
rows found, so a list that lost rows says so.
"""

from __future__ import annotations

import re
from typing import Any

from ._cells import Unreadable, parse_date_cell, parse_number, parse_phone
from ._result import Note, SectionReport
from ._sections import BASIC, BASIC_ORDER, BASIC_REQUIRED, basic_label
from ._stream import Block, Cell
from ._venues import parse_venues

__all__ = ["BasicReader"]

_CREDIT = re.compile(
    r"^(.*?)\s*[（(]\s*统一社会信用代码\s*[:：]\s*([0-9A-Za-z]+)\s*[）)]\s*$", re.DOTALL
)
_OFFICE = re.compile(
    r"^(.*?)\s*[（(]\s*(?:独立)?办公面积\s*[:：]?\s*(\d+(?:\.\d+)?)\s*(?:平方米|平米|㎡)\s*[）)]\s*$",
    re.DOTALL,
)
_PLATFORMS = re.compile(r"^(\d+)\s*个?\s*(?:[（(](.*)[）)])?$", re.DOTALL)
_TRAINEES = re.compile(r"^历年(?:组织)?(?:人才)?培训总人次\s*[:：]\s*(\d+)\s*(?:人次)?$")
_EMPTY_DATE = re.compile(r"^年\s*月\s*日$")
#: Fields whose value may go on over several rows (one venue or paragraph per row).
_MULTI_ROW = {"培训场地", "单位简介"}
_INLINE = re.compile(r"^([^:：\n]{2,24}?)\s*[:：]\s*(\S.*)$", re.DOTALL)
_COMPUTED = {"讲师数量": "讲师", "管理人员数量": "管理运营团队"}


def _inline(text: str) -> tuple[str, str] | None:
    """Split ``单位名称：杭州……`` into its 基本情况 label and value, or None."""
    m = _INLINE.match(text.strip())
    if m is None or not basic_label(m[1])[0]:
        return None
    return m[1], m[2].strip()


class BasicReader:
    """Collects 基本情况 from the rows given to `row`; `finish` returns the data."""

    def __init__(self, notes: list[Note], report: SectionReport) -> None:
        self.notes = notes
        self.report = report
        self.texts: dict[str, list[str]] = {}
        self.figures: dict[str, str] = {}
        self.last: str | None = None

    def row(self, block: Block) -> None:
        """Read one row: each label cell and the cells after it up to the next label.

        A cell holding both (``单位名称：杭州……``) counts as a label with its value.
        """
        parts: list[tuple[Cell | None, list[Cell]]] = []
        for cell in block.cells:
            inline = _inline(cell.text)
            if basic_label(cell.text)[0]:
                parts.append((cell, []))
            elif inline is not None and not cell.merged_above:
                parts.append((Cell(cell.col, 0, inline[0]), [Cell(cell.col, 0, inline[1])]))
            elif parts:
                parts[-1][1].append(cell)
            else:
                parts.append((None, [cell]))
        for label, values in parts:
            fresh = [c for c in values if c.text and not c.merged_above]
            if label is None:
                if fresh and self.last in _MULTI_ROW:
                    self._add(self.last, fresh, continued=True)
                elif fresh:
                    for c in fresh:
                        self.notes.append(
                            Note((BASIC,), c.text, f"{block.where}的这一格前面没有栏目名，没有读取")
                        )
                continue
            name = label.text
            key = basic_label(name)[1]
            if key is None:  # a figure the program computes
                figure = re.sub(r"[（(].*", "", "".join(name.split()))
                if figure in _COMPUTED and fresh:
                    self.figures[figure] = fresh[0].text
                continue
            self.last = key
            self.report.found = True
            self.texts.setdefault(key, [])
            if fresh:
                self._add(key, fresh, continued=label.merged_above)

    def paragraph(self, text: str) -> bool:
        """Read ``单位名称：杭州……`` typed as a paragraph; False when `text` is not one."""
        inline = _inline(text)
        if inline is None:
            return False
        self.row(Block(text, (Cell(0, 1, inline[0]), Cell(1, 1, inline[1]))))
        return True

    def _add(self, key: str, cells: list[Cell], *, continued: bool) -> None:
        text = ("，" if key == "培训场地" and len(cells) > 1 else "\n").join(c.text for c in cells)
        if _EMPTY_DATE.match(text.replace(" ", "")):
            return
        have = self.texts.setdefault(key, [])
        if have and key not in _MULTI_ROW and text not in have:
            self.notes.append(
                Note((BASIC, key), text, f"表中“{key}”出现了两次，只读取了第一次的“{have[0]}”")
            )
            return
        if text not in have or continued:
            have.append(text)

    def finish(self, lists: dict[str, list[Any]]) -> dict[str, Any]:
        """Return 基本情况 in the contract's order; note what the form lacks or contradicts."""
        out: dict[str, Any] = {}
        for key, texts in self.texts.items():
            if texts:
                try:
                    self._value(key, "\n".join(texts), out)
                except Unreadable as e:
                    self.notes.append(Note((BASIC, key), "\n".join(texts), str(e)))
        self.report.missing = [
            label for key, label in BASIC_REQUIRED.items() if key not in self.texts
        ]
        self.report.rows = len(out)
        for figure, section in _COMPUTED.items():
            typed = self.figures.get(figure, "").strip()
            if typed.isdigit() and int(typed) != len(lists.get(section, [])):
                self.notes.append(
                    Note(
                        (section,),
                        f"{figure} {typed}",
                        f"表中写的{figure}是 {typed}，读到的是 {len(lists.get(section, []))} 行；"
                        "请核对是否有行没有读到",
                    )
                )
        return {k: out[k] for k in BASIC_ORDER if k in out}

    def _value(self, key: str, text: str, out: dict[str, Any]) -> None:
        if key == "单位名称":
            m = _CREDIT.match(text)
            out["单位名称"] = m[1] if m else text
            if m:
                out["统一社会信用代码"] = m[2].upper()
        elif key == "办公地址":
            m = _OFFICE.match(text)
            out["办公地址"] = m[1] if m else text
            if m:
                out["办公面积"] = m[2]
        elif key == "注册时间":
            out[key] = parse_date_cell(text)
        elif key in ("总面积", "办公面积"):
            out[key] = parse_number(text)
        elif key == "电话":
            out[key] = parse_phone(text)
        elif key == "培训场地":
            venues, bad = parse_venues(text)
            out[key] = venues
            for piece in bad:
                self.notes.append(
                    Note(
                        (BASIC, key), piece, "读不出“地址、面积、可容纳人数”，请手工填写这一处场地"
                    )
                )
        elif key == "涉及平台":
            out[key] = self._platforms(text)
        elif key == "单位简介":
            lines = text.split("\n")
            m = _TRAINEES.match(lines[-1].strip())
            if m:
                out["历年培训总人次"] = m[1]
                lines = lines[:-1]
            intro = "\n".join(lines).strip("\n")
            if intro:
                out["单位简介"] = intro
        elif key == "统一社会信用代码":
            out[key] = text.strip().upper()
        else:
            out[key] = text

    def _platforms(self, text: str) -> list[str]:
        m = _PLATFORMS.match(text.strip())
        if m is None:  # names without a count: 亚马逊、速卖通
            if text.strip().isdigit():
                raise Unreadable("只有平台数量，没有平台名称；请在“涉及平台”里逐个写出平台名称")
            return [p.strip() for p in re.split(r"[、，,；;\n]", text) if p.strip()]
        if int(m[1]) == 0 and not m[2]:
            return []
        if not m[2]:
            raise Unreadable("只有平台数量，没有平台名称；请在“涉及平台”里逐个写出平台名称")
        names = [p.strip() for p in re.split(r"[、，,；;]", m[2]) if p.strip()]
        if len(names) != int(m[1]):
            self.notes.append(
                Note(
                    (BASIC, "涉及平台"),
                    text,
                    f"表中写的数量 {m[1]} 与列出的 {len(names)} 个平台名称不一致，请核对",
                )
            )
        return names
