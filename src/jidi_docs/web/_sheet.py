"""A submitted application as the 申报表 reads: labelled fields and tables, for the reviewer's page.

Built from the registry of the forms' sections (`jidi_docs.schema.sections`): each section of
附件2 is a block with its heading; 基本情况 is labelled fields (培训场地 a table inside it), each
list a table with the form's columns, 九 its text; then the 评价表 with 分值 and 自评分, and the
佐证材料 per 评价指标 as the base's own file names. Values are those of the validated
application, written as the forms write them (dates as ``2015 年 6 月 18 日``, periods as
``2020.07.06—2020.07.10``). Each block carries the 预审 conditions that speak of it.

Every place a reviewer may point a reason at (`Target`) has a stable path in the application's
data, the one the editor knows: ``讲师`` (a section), ``讲师.1`` (its second row),
``基本情况.电话`` (a field), ``自评分.教师管理系统``, ``佐证材料@教师管理系统`` (an indicator's
evidence).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from ..forms import fmt_date, fmt_number, fmt_period
from ..schema import Column, registry
from ..schema import sections as registry_sections
from . import _library as lib
from ._store import app_dir
from .models import StoredFile, Version

__all__ = [
    "CONDITION_SECTIONS",
    "EVIDENCE",
    "Block",
    "FileRef",
    "Sheet",
    "Target",
    "build",
    "for_version",
    "root_headings",
    "section_of",
]

EVIDENCE = lib.FIELD_EVIDENCE
SCORES = "自评分"
_NUMERALS = "一二三四五六七八九十"
#: Which block each 预审 condition speaks of (its key → the section whose data it checks);
#: conditions not listed are shown at the top, for the whole application.
CONDITION_SECTIONS = {
    "district": "基本情况",
    "credit_code_division": "基本情况",
    "legal_person": "基本情况",
    "venue": "基本情况",
    "office": "基本情况",
    "total_trainees": "基本情况",
    "reg_date": "基本情况",
    "fulltime_lecturers": "讲师",
    "lecturer_education": "讲师",
    "crossborder_trainees": "培训活动",
    "training_hours": "培训活动",
    "training_lecturers": "培训活动",
    "qualifications": "企业资质",
    "scores": SCORES,
    "evidence_coverage": EVIDENCE,
    "evidence_files": EVIDENCE,
}


@dataclass(frozen=True)
class Target:
    """A place a reason for 退回修改 may point at: its data path and how the form names it."""

    path: str
    label: str


@dataclass
class FileRef:
    """An evidence file as the reviewer opens it: the base's own name, inline and thumbnail URLs."""

    name: str
    url: str = ""
    thumb: str = ""
    kind: str = ""
    size: int = 0


@dataclass
class Cell:
    """One value: text, a list of items, files, or a nested table."""

    text: str = ""
    items: list[str] = field(default_factory=list)
    files: list[FileRef] = field(default_factory=list)
    table: Table | None = None


@dataclass
class Row:
    target: Target
    cells: list[Cell]


@dataclass
class Table:
    columns: list[str]
    rows: list[Row]


@dataclass
class Fieldline:
    label: str
    target: Target
    cell: Cell


@dataclass
class Block:
    """One section of the page (一 … 九, 评价表, 佐证材料)."""

    key: str
    heading: str
    target: Target
    note: str = ""
    fields: list[Fieldline] = field(default_factory=list)
    table: Table | None = None
    text: str | None = None
    scores: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    conditions: list[Any] = field(default_factory=list)


@dataclass
class Sheet:
    blocks: list[Block]
    general: list[Any]  # 预审 conditions about the whole application
    targets: list[Target]
    valid: bool
    total: str = ""
    max_total: str = ""


def root_headings() -> dict[str, str]:
    """Return the heading of each top-level key of 附件2, as the form numbers them (一 … 十)."""
    headings = {s.key: s.heading for s in registry_sections() if s.heading}
    out: dict[str, str] = {}
    n = 0
    for c in registry().root.columns:
        if c.type in ("认定批次", "自评分") or c.label == EVIDENCE:
            continue
        out[c.label] = headings.get(c.label) or f"{_NUMERALS[n]}、{c.label}"
        n += 1
    out[SCORES] = "附件1 评价表（自评分）"
    out[EVIDENCE] = "佐证材料"
    return out


def section_of(path: str) -> str:
    """Return the top-level key a target path belongs to (``讲师.1`` → ``讲师``)."""
    return path.split("@", 1)[0].split(".", 1)[0]


def _text(column: Column, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return fmt_date(value)
    if isinstance(value, (Decimal, float)):
        return fmt_number(Decimal(str(value)))
    if hasattr(value, "start") and hasattr(value, "end"):  # a Period
        return fmt_period(value)
    return str(value)


def _get(item: Any, column: Column) -> Any:
    """A column's value of a validated model, or of the raw data when validation failed."""
    if isinstance(item, dict):
        return item.get(column.label)
    return getattr(item, column.name, None)


class _Builder:
    def __init__(self, version: Version, draft: lib.Draft, files: dict[str, StoredFile]) -> None:
        self.version = version
        self.files = files
        self.sections = {s.key: s for s in registry_sections()}
        self.headings = root_headings()
        self.targets: list[Target] = []

    def target(self, path: str, label: str) -> Target:
        t = Target(path, label)
        self.targets.append(t)
        return t

    def file_ref(self, path: str) -> FileRef:
        stored = self.files.get(path)
        if stored is None:
            return FileRef(name=path.rsplit("/", 1)[-1] + "（文件缺失）")
        args = [self.version.pk, stored.pk]
        return FileRef(
            name=stored.original_name,
            url=reverse("portal:version_file", args=[*args, stored.original_name]),
            thumb=reverse("portal:thumbnail", args=args),
            kind=stored.kind,
            size=stored.size,
        )

    def cell(self, column: Column, value: Any, path: str, heading: str) -> Cell:
        if column.type == "栏目":
            return Cell(table=self.table(column.label, value, path, heading))
        if column.type == "文字列表":
            return Cell(items=[str(v) for v in lib.as_list(value)])
        if column.type == "文件":
            return Cell(files=[self.file_ref(str(p)) for p in lib.as_list(value)])
        return Cell(text=_text(column, value))

    def table(self, key: str, items: Any, path: str, heading: str) -> Table:
        section = self.sections[key]
        rows = []
        for n, item in enumerate(items if isinstance(items, list) else []):
            first = _text(section.columns[0], _get(item, section.columns[0]))
            label = f"{heading} 第 {n + 1} 行" + (f"（{first}）" if first else "")
            target = self.target(f"{path}.{n}", label)
            cells = [
                self.cell(c, _get(item, c), f"{path}.{n}.{c.label}", label) for c in section.columns
            ]
            rows.append(Row(target, cells))
        return Table([c.label for c in section.columns], rows)

    def block(self, column: Column, value: Any) -> Block:
        key = column.label
        heading = self.headings[key]
        block = Block(key, heading, self.target(key, heading))
        if column.type != "栏目":
            block.text = str(value or "")
            return block
        section = self.sections[key]
        block.note = section.form_note or ""
        if isinstance(value, list) or section.parent is not None or key != _mapping_key():
            block.table = self.table(key, value, key, heading)
            return block
        for c in section.columns:
            path = f"{key}.{c.label}"
            label = f"{heading} · {c.label}"
            target = self.target(path, label)
            block.fields.append(
                Fieldline(c.label, target, self.cell(c, _get(value, c), path, label))
            )
        return block


def _mapping_key() -> str:
    return next(c.label for c in registry().root.columns if c.type == "栏目" and c.required)


def build(version: Version, draft: lib.Draft, files: dict[str, StoredFile]) -> Sheet:
    """Return the reviewer's page of `version` (validated as `draft`); `files`: data path → file."""
    app = draft.app
    source: Any = app if app is not None else lib.clean(version.data)
    builder = _Builder(version, draft, files)
    blocks: list[Block] = []
    for column in registry().root.columns:
        if column.type in ("认定批次", "自评分") or column.office_only or column.label == EVIDENCE:
            continue
        blocks.append(builder.block(column, _get(source, column)))
    report = draft.report
    scores = Block(
        SCORES, builder.headings[SCORES], builder.target(SCORES, builder.headings[SCORES])
    )
    if report is not None:
        for row in report.score_rows:
            target = builder.target(f"{SCORES}.{row.indicator}", f"评价表 · {row.indicator}")
            scores.scores.append(
                {
                    "category": row.category,
                    "indicator": row.indicator,
                    "max": fmt_number(row.max_points),
                    "score": "" if row.score is None else fmt_number(row.score),
                    "target": target,
                }
            )
    blocks.append(scores)
    blocks.append(_evidence(builder, source, report))
    general: list[Any] = []
    by_key = {b.key: b for b in blocks}
    for condition in report.conditions if report is not None else []:
        owner = by_key.get(CONDITION_SECTIONS.get(condition.key, ""))
        (owner.conditions if owner is not None else general).append(condition)
    return Sheet(
        blocks=blocks,
        general=general,
        targets=builder.targets,
        valid=app is not None,
        total=fmt_number(report.total_score) if report is not None else "",
        max_total=fmt_number(report.max_total) if report is not None else "",
    )


def for_version(version: Version) -> tuple[Sheet, lib.Draft, dict[str, StoredFile]]:
    """Validate `version` and build its page; return the page, the validation and the stored
    files it was built with (data path → file)."""
    app = version.application
    files = {f.data_path: f for f in app.files.all()}
    draft = lib.validate_draft(version.data, app_dir(app))
    return build(version, draft, files), draft, files


def _evidence(builder: _Builder, source: Any, report: Any) -> Block:
    """The 佐证材料 grouped by 评价指标, in the 评价表's order (基本情况 first)."""
    heading = builder.headings[EVIDENCE]
    block = Block(EVIDENCE, heading, builder.target(EVIDENCE, heading))
    section = builder.sections[EVIDENCE]
    name_col, indicator_col, files_col = section.columns[0], section.columns[1], section.columns[2]
    order = ["基本情况"] + ([r.indicator for r in report.score_rows] if report is not None else [])
    entries = _get(source, next(c for c in registry().root.columns if c.label == EVIDENCE)) or []
    groups: dict[str, list[dict[str, Any]]] = {k: [] for k in order}
    for item in entries:
        indicator = str(_get(item, indicator_col) or "")
        files = builder.cell(files_col, _get(item, files_col), "", "").files
        groups.setdefault(indicator, []).append(
            {"name": str(_get(item, name_col) or ""), "files": files}
        )
    for indicator, items in groups.items():
        target = builder.target(f"{EVIDENCE}@{indicator}", f"佐证材料 · {indicator}")
        block.evidence.append({"indicator": indicator, "entries": items, "target": target})
    return block
