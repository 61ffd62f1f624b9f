"""Walk a 申报表 once, in reading order, and read every section wherever it is.

A heading (a paragraph, or a row merged across the table) opens its section; a header row opens
the list whose columns it names, even without a heading; rows after a header are that list's
rows, in the same table or in the next one (a table continued on the next page, its header
repeated or not). Each data cell goes to the header cell above its grid column, so columns may
come in any order, and a missing or an extra column is reported, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...errors import InputError, Issue
from ...schema import Registry, registry
from ._basic import BasicReader
from ._cells import (
    Unreadable,
    parse_education,
    parse_number,
    parse_period_cell,
    parse_phone,
    parse_title_education,
    parse_valid_until,
)
from ._result import Extracted, Note, SectionReport
from ._sections import (
    BASIC,
    OFFICE,
    OPINION,
    Column,
    ListSection,
    heading_of,
    is_note,
    list_sections,
)
from ._stream import Block, Cell, blocks

__all__ = ["extract_document"]

#: How a cell of each registry type is read (other cells are kept as text).
_TYPE_PARSERS: dict[str, Callable[[str], str]] = {
    "时间段": parse_period_cell,
    "日期或长期": parse_valid_until,
    "整数": parse_number,
    "数字": parse_number,
    "电话": parse_phone,
}


def _parsers(reg: Registry) -> dict[str, Callable[[str], str]]:
    """Column label → how its cells are read, over every list of the registry."""
    return {
        c.label: _TYPE_PARSERS[c.type]
        for s in reg.form_sections
        for c in s.columns
        if c.type in _TYPE_PARSERS
    }


_SIGNATURE = re.compile(
    r"^(?:市综试办|综试办)\s*[（(]\s*(?:公章|盖章)\s*[）)]|"
    r"^(?:法定代表人|负责人)\s*[（(]\s*签[章字名]\s*[）)]|^申请单位\s*[（(]\s*(?:公章|盖章)\s*[）)]"
    r"|^日\s*期\s*[:：]|^[\s　]*年[\s　]*月[\s　]*日$"
)
_OPINION_MARK = re.compile(
    r"^(?:法定代表人|负责人)\s*[（(]\s*签[章字名]\s*[）)]|^申请单位\s*[（(]\s*(?:公章|盖章)\s*[）)]"
)
_FILLER = re.compile(r"^[.…。·\s]*$")


@dataclass
class _Header:
    section: ListSection
    table: int
    width: int
    columns: list[tuple[int, int, Column | None, str]]  # first col, end col, column, header

    def owners(self, cell: Cell) -> list[tuple[Column | None, str]]:
        end = cell.col + cell.span
        return [(c, h) for start, stop, c, h in self.columns if start < end and cell.col < stop]


def _single(block: Block) -> Cell | None:
    """The one filled cell of a row merged across the table (a heading or note row)."""
    filled = block.filled
    if len(filled) == 1 and (len(block.cells) == 1 or filled[0].span > 1):
        return filled[0]
    return None


def _header(block: Block, current: str | None, lists: tuple[ListSection, ...]) -> _Header | None:
    """Return the list whose header this row is, with each header cell's column."""
    keys = [c for c in block.cells if c.text]
    best: tuple[tuple[int, int, bool], ListSection] | None = None
    for section in lists:
        found = [section.column(c.text) for c in keys]
        hits = sum(1 for col in found if col is not None and col.key)
        markers = sum(1 for col in found if col is not None and col.marker)
        known = sum(1 for col in found if col is not None)
        if hits < 2 or known * 2 < len(keys) or (markers == 0 and section.key != current):
            continue
        score = (markers, hits, section.key == current)
        if best is None or score > best[0]:
            best = (score, section)
    if best is None:
        return None
    section = best[1]
    columns = [(c.col, c.col + c.span, section.column(c.text), c.text) for c in block.cells]
    width = max(c.col + c.span for c in block.cells)
    return _Header(section, block.table, width, columns)


class _Reader:
    def __init__(self, reg: Registry) -> None:
        self.list_specs = list_sections(reg)
        self.parsers = _parsers(reg)
        self.notes: list[Note] = []
        self.reports = {BASIC: SectionReport(BASIC, "一、基本情况")}
        self.reports.update({s.key: SectionReport(s.key, s.title) for s in self.list_specs})
        self.reports[OPINION] = SectionReport(OPINION, "九、申报单位审核意见")
        self.basic = BasicReader(self.notes, self.reports[BASIC])
        self.lists: dict[str, list[dict[str, str]]] = {s.key: [] for s in self.list_specs}
        self.opinions: dict[str, list[str]] = {OPINION: [], OFFICE: []}
        self.section: str | None = None
        self.header: _Header | None = None

    # -- dispatch -----------------------------------------------------------------------------

    def feed(self, block: Block) -> None:
        if not block.is_row:
            self._paragraph(block.text)
            return
        single = _single(block)
        if single is not None and (self._heading(single.text) or is_note(single.text)):
            return
        if any(_OPINION_MARK.match(ln.strip()) for c in block.filled for ln in c.text.split("\n")):
            self._open(OPINION)
        header = _header(block, self.section, self.list_specs)
        if header is not None:
            self._open_list(header)
            return
        if self.section != BASIC and sum(1 for c in block.filled if _is_basic(c)) >= 2:
            self._open(BASIC)
        if self.section == BASIC:
            self.basic.row(block)
        elif self.section in (OPINION, OFFICE):
            self._opinion(
                [line for c in block.filled if not c.merged_above for line in c.text.split("\n")]
            )
        elif self.section in self.lists:
            self._list_row(block)
        else:
            for c in block.filled:
                self.notes.append(
                    Note(("表格",), c.text, f"{block.where}不在申报表的任何一栏里，没有读取")
                )

    def _paragraph(self, text: str) -> None:
        if not text or self._heading(text) or is_note(text):
            return
        if self.section in (OPINION, OFFICE):
            self._opinion(text.split("\n"))
        elif self.section == BASIC and self.basic.paragraph(text):
            return
        elif self.section == BASIC or self.section in self.lists:
            self.notes.append(Note((self.section,), text, "这段文字不在表格里，没有读取"))

    def _heading(self, text: str) -> bool:
        section = heading_of(text)
        if section is None:
            return False
        self._open(section)
        return True

    def _open(self, section: str) -> None:
        if section != self.section:
            self.header = None
        self.section = section
        if section in self.reports:
            self.reports[section].found = True

    def _open_list(self, header: _Header) -> None:
        key = header.section.key
        report = self.reports[key]
        first = not (report.found and self.header is not None and self.section == key)
        self._open(key)
        self.header = header
        if first:
            named = {col.key for _, _, col, _ in header.columns if col is not None}
            if "学历" in named:
                named.add("职称学历")
            report.missing = [
                c.labels[0] for c in header.section.columns if c.on_form and c.key not in named
            ]
            report.extra = [h for _, _, col, h in header.columns if col is None and h]

    # -- sections -----------------------------------------------------------------------------

    def _opinion(self, lines: list[str]) -> None:
        kept = [ln for ln in lines if not _SIGNATURE.match(ln.strip())]
        self.opinions[self.section or OPINION].extend(kept)

    def _list_row(self, block: Block) -> None:
        assert self.section is not None
        rows = self.lists[self.section]
        index = len(rows)
        header = self.header
        if header is None:
            if block.filled:
                self.notes.append(
                    Note(
                        (self.section, index), block.text, f"{block.where}上方没有表头，读不出各列"
                    )
                )
                rows.append({})
            return
        values: list[tuple[Column | None, str, str, Cell]] = []
        for cell in block.cells:
            owners = header.owners(cell)
            if not cell.text or _FILLER.match(cell.text):
                continue
            if not owners:
                values.append((None, f"第 {cell.col + 1} 列（表头以外）", cell.text, cell))
                continue
            col, name = owners[0]
            if len(owners) > 1:
                self.notes.append(
                    Note(
                        (self.section, index, name),
                        cell.text,
                        "这一格合并了“"
                        + "”“".join(h for _, h in owners)
                        + f"”几列，只读作“{name}”，请核对",
                    )
                )
            values.append((col, name, cell.text, cell))
        if not any(col is None or col.key for col, _, _, _ in values):
            return  # a blank row (at most its 序号)
        item: dict[str, str] = {}
        for col, name, text, _cell in values:
            if col is None:
                self.notes.append(
                    Note((self.section, index, name), text, f"“{name}”一列不属于这一栏，没有读取")
                )
            elif col.key:
                self._cell(col.key, text, item, index)
        rows.append(_ordered(item, header.section))

    def _cell(self, key: str, text: str, item: dict[str, str], index: int) -> None:
        assert self.section is not None
        try:
            if key == "职称学历":
                item.update(parse_title_education(text))
            elif key == "学历" and self.section == "讲师":
                item[key] = parse_education(text)
            elif key in self.parsers:
                item[key] = self.parsers[key](text)
            else:
                item[key] = text
        except Unreadable as e:
            field = "学历" if key == "职称学历" else key
            self.notes.append(Note((self.section, index, field), text, str(e)))

    # -- result -------------------------------------------------------------------------------

    def finish(self, source: str) -> Extracted:
        if not any(r.found for r in self.reports.values() if r.key != OPINION):
            raise InputError(
                Issue(
                    source,
                    None,
                    None,
                    "",
                    "这个文档里找不到申报表的任何一栏（“单位名称”、讲师、培训活动……），"
                    "看起来不是申报表（附件2）。",
                )
            )
        for key, rows in self.lists.items():
            self.reports[key].rows = len(rows)
        data: dict[str, Any] = {BASIC: self.basic.finish(self.lists)}
        data.update(self.lists)
        for key, lines in self.opinions.items():
            opinion = "\n".join(lines).strip()
            if key in self.reports:
                self.reports[key].rows = 1 if opinion else 0
            if opinion:
                data[key] = opinion
        order = {key: i for i, key in enumerate(self.reports)}
        notes = sorted(self.notes, key=lambda n: order.get(str(n.path[0]), -1))
        return Extracted(data, notes, source, list(self.reports.values()))


def _is_basic(cell: Cell) -> bool:
    from ._sections import basic_label

    return basic_label(cell.text)[0]


def _ordered(item: dict[str, str], section: ListSection) -> dict[str, str]:
    return {k: item[k] for k in section.order if k in item}


def extract_document(
    document: Any, *, source: str = "<文档>", reg: Registry | None = None
) -> Extracted:
    """Return the data of an opened python-docx 申报表 document.

    Args:
        document: the opened document.
        source: its name in messages.
        reg: the registry of sections (by default the built-in one): the lists, their columns
            and the other headers each column may have.

    Raises:
        InputError: no section of the 申报表 is in the document.
    """
    reader = _Reader(reg or registry())
    for block in blocks(document):
        reader.feed(block)
    return reader.finish(source)
