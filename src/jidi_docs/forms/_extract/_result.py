"""What `extract` returns: the data, a note for every cell it could not read, per section
whether it was found, how many rows were read and which columns were missing or extra, and the
tracked changes not yet accepted in each section."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Extracted", "Note", "SectionReport", "summary_lines"]


@dataclass(frozen=True)
class Note:
    """A value the form shows but that could not be read: where, the cell text, and why."""

    path: tuple[str | int, ...]
    text: str
    reason: str


@dataclass
class SectionReport:
    """How one section of the form was read."""

    key: str
    title: str
    found: bool = False
    rows: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def line(self, unit: str) -> str:
        """One line of the summary, in Chinese."""
        if not self.found:
            return f"{self.title}：没有找到这一栏（既没有它的标题，也没有它的表头）"
        text = f"{self.title}：" + (f"读到 {self.rows} {unit}" if self.rows else "找到了，但是空的")
        if self.missing:
            text += "；表中没有" + "、".join(f"“{m}”" for m in self.missing) + "一栏"
        if self.extra:
            text += "；多出的列" + "、".join(f"“{m}”" for m in self.extra) + "没有读取"
        return text


@dataclass
class Extracted:
    """The data read from one 申报表, in the contract's keys, and what was not read."""

    data: dict[str, Any]
    notes: list[Note] = field(default_factory=list)
    source: str = "<文档>"
    sections: list[SectionReport] = field(default_factory=list)
    #: Tracked changes not yet accepted, by section title (the data reads them as accepted).
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def not_found(self) -> list[SectionReport]:
        """The sections of the form that could not be located at all."""
        return [s for s in self.sections if not s.found]

    @property
    def complete(self) -> bool:
        """True when every section was found and every cell was read."""
        return (
            not self.notes
            and not self.not_found
            and not any(s.missing or s.extra for s in self.sections)
        )


def summary_lines(extracted: Extracted) -> list[str]:
    """The summary printed by ``jidi-docs extract`` and written at the top of the YAML."""
    lines = []
    for s in extracted.sections:
        unit = "项" if s.key == "基本情况" else ("段" if s.key == "申报单位审核意见" else "行")
        lines.append(s.line(unit))
    if extracted.changes:
        where = "、".join(f"{title} {n} 处" for title, n in extracted.changes.items())
        lines.append(
            f"文档里有 {sum(extracted.changes.values())} 处修订尚未接受（{where}）："
            "已按接受全部修订后的样子读取（删除的文字不读，插入的文字照读），请核对"
        )
    if extracted.notes:
        lines.append(
            f"未能读取 {len(extracted.notes)} 处，已在 YAML 中以“← 未能读取”注释标出，请手工填写"
        )
    else:
        lines.append("每一格都已读取")
    return lines
