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
from .._format import names_without_lines
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
    basic_label,
    heading_of,
    is_note,
    list_sections,
)
from ._stream import Block, Cell, Stream, read_stream

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
    parsers = {
        c.label: _TYPE_PARSERS[c.type]
        for s in reg.form_sections
        for c in s.columns
        if c.type in _TYPE_PARSERS
    }
    # names the form wrapped between names (亚马逊、⏎速卖通) read back on one line
    parsers.update(
        {c.label: names_without_lines for s in reg.form_sections for c in s.columns if c.keep_names}
    )
    return parsers


_SIGNATURE = re.compile(
    r"^(?:市综试办|综试办)\s*[（(]\s*(?:公章|盖章)\s*[）)]|"
    r"^(?:法定代表人|负责人)\s*[（(]\s*签[章字名]\s*[）)]|^申请单位\s*[（(]\s*(?:公章|盖章)\s*[）)]"
    r"|^日\s*期\s*[:：]|^[\s　]*年[\s　]*月[\s　]*日$"
)
_OPINION_MARK = re.compile(
    r"^(?:法定代表人|负责人)\s*[（(]\s*签[章字名]\s*[）)]|^申请单位\s*[（(]\s*(?:公章|盖章)\s*[）)]"
)
_FILLER = re.compile(r"^[.…。·\s]*$")
#: 基本情况 fields read from the same cell as another (withheld with it when that cell is).
_READ_WITH = {
    "单位名称": ("统一社会信用代码",),
    "办公地址": ("办公面积",),
    "单位简介": ("历年培训总人次",),
}
#: Where tracked changes before the first section are counted.
_BEFORE = "开头部分"


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
        self.reg = reg
        self.list_specs = list_sections(reg)
        self.parsers = _parsers(reg)
        self.notes: list[Note] = []
        self.reports = {BASIC: SectionReport(BASIC, "一、基本情况")}
        self.reports.update({s.key: SectionReport(s.key, s.title) for s in self.list_specs})
        self.reports[OPINION] = SectionReport(OPINION, "九、申报单位审核意见")
        self.basic = BasicReader(self.notes, self.reports[BASIC], reg)
        self.lists: dict[str, list[dict[str, str]]] = {s.key: [] for s in self.list_specs}
        self.opinions: dict[str, list[str]] = {OPINION: [], OFFICE: []}
        self.section: str | None = None
        self.header: _Header | None = None
        self.changes: dict[str, int] = {}
        self.withheld: set[tuple[str | int, ...]] = set()

    # -- dispatch -----------------------------------------------------------------------------

    def feed(self, block: Block) -> None:
        state = (self.section, self.header)
        rows = self.lists.get(self.section or "")
        before = len(rows) if rows is not None else 0
        self._dispatch(block)
        if block.changes:
            where = self.section if self.section in self.reports else _BEFORE
            self.changes[where] = self.changes.get(where, 0) + block.changes
        if block.missed:
            self._missed_cells(block, before if state == (self.section, self.header) else None)
        for cell in block.cells:
            if cell.lost or cell.extra or cell.opaque:
                # A heading or header row opens its section: no row of the data is its place.
                row = before if state == (self.section, self.header) else None
                self._unread_cell(block, cell, row)

    def _dispatch(self, block: Block) -> None:
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
        if (
            self.section != BASIC
            and sum(1 for c in block.filled if basic_label(c.text, self.reg)[0]) >= 2
        ):
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
        section = heading_of(text, self.reg)
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

    # -- what the census found and the walk did not read -------------------------------------

    def _unread_cell(self, block: Block, cell: Cell, row: int | None) -> None:
        """Report a cell whose text differs from what Word shows in it (see `_census`); its
        value is withheld from the data, so the YAML holds it only as a commented-out line. A
        picture or an object beside text (a stamp, a logo) is only pointed out."""
        place = f"{block.where}第 {cell.number} 格"
        if cell.lost:
            reason = f"{place}里 Word 显示的“{cell.lost}”没有读出来，请对照原文档手工填写"
        elif cell.extra:
            reason = f"{place}读出的“{cell.extra}”在 Word 里并不显示，请对照原文档核对"
        else:
            reason = f"{place}里有{'、'.join(cell.opaque)}，其中的内容读不出来，请对照原文档核对"
        path = self._cell_path(block, cell, row)
        if path is None:
            return
        if len(path) > 1 and (cell.lost or cell.extra):
            self.withheld.add(path)
        self.notes.append(Note(path, cell.text or cell.lost, reason))

    def _missed_cells(self, block: Block, row: int | None) -> None:
        """Report a row with cells the walk did not reach: its other cells may have been read
        into the wrong columns, so none of the row's values is kept."""
        text = " ".join(block.missed)
        reason = (
            f"{block.where}有一格没有读到（“{text}”），这一行其余各格可能错位，"
            "都没有读取，请对照原文档手工填写"
        )
        paths: list[tuple[str | int, ...]] = []
        if self.section == BASIC and row is not None:
            paths = [
                (BASIC, k)
                for c in block.cells
                for ok, k in [basic_label(c.text, self.reg)]
                if ok and k
            ]
        elif self.section in self.lists and row is not None:
            paths = [(self.section, row)]
        for path in paths or [(self.section,) if self.section in self.reports else ("表格",)]:
            if len(path) > 1:
                self.withheld.add(path)
            self.notes.append(Note(path, block.text or text, reason))

    def _cell_path(self, block: Block, cell: Cell, row: int | None) -> tuple[str | int, ...] | None:
        """Where in the data the cell's value goes: its field, or at least its section; None
        for a cell of the 序号 column, from which nothing is read."""
        section = self.section
        if section == BASIC and row is not None:
            label = None
            for c in block.cells:
                if c.col > cell.col:
                    break
                known, key = basic_label(c.text, self.reg)
                if known and key is not None:
                    label = key
            return (BASIC, label) if label is not None else (BASIC,)
        if section in self.lists and self.header is not None and row is not None:
            owners = self.header.owners(cell)
            column = owners[0][0] if owners else None
            if column is not None and not column.key:
                return None
            if column is not None:
                return (section, row, "学历" if column.key == "职称学历" else column.key)
            return (section,)
        if section in self.reports:
            return (section,)
        return ("表格",)

    def unread(self, stream: Stream) -> None:
        """Report the cells and text the walk never reached (a construct it does not know)."""
        for where, text in stream.unread:
            self.notes.append(
                Note(("表格",), text, f"{where}有 Word 显示的文字没有读出来，请对照原文档核对")
            )

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
        self._withhold()
        for key, rows in self.lists.items():
            self.reports[key].rows = len(rows)
        data: dict[str, Any] = {BASIC: self.basic.finish(self.lists)}
        for path in self.withheld:
            if path[0] == BASIC:
                for key in (str(path[1]), *_READ_WITH.get(str(path[1]), ())):
                    data[BASIC].pop(key, None)
        data.update(self.lists)
        for key, lines in self.opinions.items():
            opinion = "\n".join(lines).strip()
            if key in self.reports:
                self.reports[key].rows = 1 if opinion else 0
            if opinion:
                data[key] = opinion
        order = {key: i for i, key in enumerate(self.reports)}
        notes = sorted(self.notes, key=lambda n: order.get(str(n.path[0]), -1))
        changes = {
            (self.reports[k].title if k in self.reports else k): n
            for k, n in sorted(self.changes.items(), key=lambda kv: order.get(kv[0], -1))
        }
        return Extracted(data, notes, source, list(self.reports.values()), changes)

    def _withhold(self) -> None:
        """Take the values of unread list cells out of the rows (the notes keep them)."""
        for path in self.withheld:
            if len(path) in (2, 3) and path[0] in self.lists:
                rows = self.lists[str(path[0])]
                index = int(path[1])
                if index >= len(rows):
                    continue
                if len(path) == 2:
                    rows[index].clear()
                    continue
                rows[index].pop(str(path[2]), None)
                if path[2] == "学历":
                    rows[index].pop("职称", None)


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
    stream = read_stream(document.element.body, document.styles.element)
    for block in stream.blocks:
        reader.feed(block)
    reader.unread(stream)
    return reader.finish(source)
