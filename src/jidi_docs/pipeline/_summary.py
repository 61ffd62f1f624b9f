"""The district's 汇总表: one row per application of a batch, as .xlsx (openpyxl) and .csv.

Why both: district offices open the workbook in Excel or WPS; the CSV is for scripts and diffs.
The CSV is written as UTF-8 with a byte-order mark, because Excel (and WPS) read a BOM-less CSV
as the local ANSI code page and show Chinese as mojibake.

The workbook is made for paper (`jidi_docs.pipeline._summary_xlsx`): its first sheet holds what
an office files and phones about — 序号, 区县, 单位名称, 联系人, 电话, 自评总分, 预审结果, 生成结果,
备注 — and prints on A4 landscape at full size; the figures and every condition's status are on
a second sheet, the errors in full on a third. The CSV holds everything in one table
(`summary_table`), which is pure data, so its content and order are tested apart from the file
formats. Rows follow the 认定批次's own order of districts, then 单位名称 in pinyin order, as a
district office files them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .._fs import atomic_write, atomic_write_many
from .._text import csv_text
from ..errors import OutputError
from ..forms import fmt_number
from ..schema import SUMMARY_FILE, registry
from ._summary_xlsx import ErrorRow, write_workbook

if TYPE_CHECKING:
    from ..review import CheckReport
    from ..schema import Application

__all__ = [
    "CSV_NAME",
    "XLSX_NAME",
    "SummaryRow",
    "short_error",
    "sort_rows",
    "summary_table",
    "write_summary",
]

#: File names of the summary, written at the top of a batch's output folder.
logger = logging.getLogger(__name__)

XLSX_NAME = "汇总表.xlsx"
CSV_NAME = "汇总.csv"

#: The first column: each row's number, as the office refers to it.
NUMBER_HEADER = "序号"
#: Columns after the per-condition statuses (those before them are the registry's 汇总表).
TAIL_HEADERS = ("预审结果", "生成结果", "备注", "错误信息")
#: The registry's 汇总表 columns (by where they come from) the paper sheet shows.
_CONTACT, _PHONE, _TOTAL = "联系人", "电话", "总分"
#: Columns of the full table that the details sheet leaves to the first sheet (or puts last).
_NOT_IN_DETAILS = (SUMMARY_FILE, "所属区县", _CONTACT, _PHONE, "生成结果", "备注", "错误信息")
#: Statuses from best to worst; an application's 预审结果 is its worst condition.
_STATUS_ORDER = ("符合", "需注意", "不符合")
#: The workbook's printed title.
TITLE = "跨境电商人才社会培训基地认定申报汇总表"

Cell = str | int | Decimal | None


@dataclass(frozen=True)
class SummaryRow:
    """What the 汇总表 shows about one application; figures are missing when it could not be read.

    Attributes:
        file: the YAML file, as the user should find it (relative to the batch folder).
        unit: 单位名称.
        district: 所属区县.
        figures: the values of the registry's 汇总表 columns, by where they come from (a figure
            or a 基本情况 column: ``讲师数量``, ``占比（%）``, ``总分`` …).
        conditions: each 认定条件's title → status (符合 / 不符合 / 需注意), in report order.
        ok: whether the application's outputs were written (or were already up to date).
        error: the Chinese error text when `ok` is False.
        district_rank: the position of `district` in its 认定批次's list (None: not in it).
        extra: columns a caller adds after the batch's own (the portal: 状态, 十, 联系人 …),
            header → value, in order.
        kept_forms: the forms (file names) edited by hand that went into the bundle as they
            are, instead of forms generated from the YAML.
        notes: further remarks for 备注 (copies and duplicates left out …).
        unfinished: the batch was interrupted before this application was done.
    """

    file: str
    unit: str | None = None
    district: str | None = None
    figures: dict[str, Cell] = field(default_factory=dict)
    conditions: dict[str, str] = field(default_factory=dict)
    ok: bool = True
    error: str = ""
    district_rank: int | None = None
    extra: dict[str, Cell] = field(default_factory=dict)
    kept_forms: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    unfinished: bool = False

    @classmethod
    def of(
        cls,
        app: Application,
        report: CheckReport,
        file: str,
        *,
        extra: dict[str, Cell] | None = None,
    ) -> SummaryRow:
        """Return the row of a valid application and its 预审 (batch and portal alike)."""
        districts = app.profile.districts
        district = app.basic.district
        reg = app.registry
        return cls(
            file=file,
            unit=app.basic.name,
            district=district,
            figures={
                p.source: reg.pick_value(app, p.source)
                for p in reg.summary_columns
                if p.source != SUMMARY_FILE
            },
            conditions={c.title: c.status for c in report.conditions},
            district_rank=districts.index(district) if district in districts else None,
            extra=dict(extra or {}),
        )

    @property
    def remark(self) -> str:
        """备注: the notes, and which forms went into the bundle as edited by hand."""
        titles = [_form_title(name) for name in self.kept_forms]
        edited = [f"{'、'.join(titles)}用的是手工修改版（与申报 YAML 不一致）"] if titles else []
        return "；".join([*self.notes, *edited])

    @property
    def review(self) -> str | None:
        """预审结果: the worst status of the conditions (None when it was not checked)."""
        if not self.conditions:
            return None
        return max(self.conditions.values(), key=_STATUS_ORDER.index)

    @property
    def outcome(self) -> str:
        """生成结果: 成功, 失败 or 未完成 (the batch was interrupted first)."""
        if self.unfinished:
            return "未完成"
        return "成功" if self.ok else "失败"

    @property
    def review_text(self) -> str | None:
        """预审结果 with a count: ``符合``, ``需注意 2`` or ``不符合 1`` (worst status first)."""
        worst = self.review
        if worst is None or worst == _STATUS_ORDER[0]:
            return worst
        return f"{worst} {sum(1 for s in self.conditions.values() if s == worst)}"


_FORM_NAME = re.compile(r"-(附件\d+)-([^-]+)\.docx$")


def _form_title(name: str) -> str:
    """``附件2《申报表》`` for ``<单位名称>-附件2-申报表.docx``; the name itself otherwise."""
    found = _FORM_NAME.search(name)
    return f"{found[1]}《{found[2]}》" if found else name


def _pinyin(text: str) -> list[str]:
    # Imported here: only the end of a batch needs it.
    from pypinyin import lazy_pinyin

    return lazy_pinyin(text)


def _sort_key(row: SummaryRow) -> tuple[int, int, str, list[str], str]:
    # The 认定批次's order of districts, then any other 区县 by name, unreadable rows last.
    rank = row.district_rank if row.district_rank is not None else 10_000
    return (row.district is None, rank, row.district or "", _pinyin(row.unit or ""), row.file)


def short_error(error: str, roots: Sequence[Path] = ()) -> str:
    """Return `error` as one line, with the batch's folders left out of every path.

    A message that introduces a list (``…有 3 处错误：``) keeps its first item and says how
    many more there are.
    """
    lines = [ln.strip().lstrip("•").strip() for ln in error.strip().splitlines() if ln.strip()]
    line = lines[0] if lines else ""
    if line.endswith("：") and len(lines) > 1:
        line += lines[1] + (f"（另有 {len(lines) - 2} 处）" if len(lines) > 2 else "")
    for root in sorted({str(r) for r in roots}, key=len, reverse=True):
        for sep in ("/", "\\"):
            line = line.replace(root.rstrip("/\\") + sep, "")
    return line


def summary_table(
    rows: Sequence[SummaryRow], roots: Sequence[Path] = ()
) -> tuple[list[str], list[list[Cell]]]:
    """Return the headers and the body of the 汇总表, sorted by 所属区县 then 单位名称.

    The condition columns are the union of every row's condition titles, in the order they
    first appear (every application of one 认定批次 reports the same conditions). Errors are
    shortened to one line (`short_error`); `write_summary` keeps their full text apart.
    """
    titles: list[str] = []
    extras: list[str] = []
    reg = registry()
    columns = reg.summary_columns
    own = {NUMBER_HEADER, *(p.header for p in columns), *TAIL_HEADERS}
    for row in rows:
        titles.extend(t for t in row.conditions if t not in titles)
        # A caller's column the table already has (联系人, 电话) is not repeated.
        extras.extend(h for h in row.extra if h not in extras and h not in own)
    headers = [NUMBER_HEADER, *(p.header for p in columns), *titles, *TAIL_HEADERS, *extras]
    body: list[list[Cell]] = []
    for n, row in enumerate(sort_rows(rows), start=1):
        values = _values(row)
        body.append(
            [
                n,
                *(values.get(p.source) for p in columns),
                *(row.conditions.get(t) for t in titles),
                row.review_text,
                row.outcome,
                row.remark or None,
                short_error(row.error, roots) or None,
                *(row.extra.get(h) for h in extras),
            ]
        )
    return headers, body


def _values(row: SummaryRow) -> dict[str, Cell]:
    """The row's value of each registry 汇总表 column, by where the column comes from."""
    basic = registry().mapping_section
    district = next(c.label for c in basic.columns if c.type == "区县")
    values: dict[str, Cell] = {
        SUMMARY_FILE: row.file,
        basic.columns[0].label: row.unit,
        district: row.district,
    }
    values.update(row.figures)
    return values


def sort_rows(rows: Sequence[SummaryRow]) -> list[SummaryRow]:
    """Return `rows` in the 汇总表's order: district as the 认定批次 lists them, then pinyin."""
    return sorted(rows, key=_sort_key)


def _csv_cell(value: Cell) -> str:
    """A figure as the forms print it (75, 4.5), text as it is, blank for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt_number(value)
    return csv_text(value) if isinstance(value, str) else str(value)


def _csv_bytes(headers: list[str], body: list[list[Cell]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    for values in body:
        writer.writerow([_csv_cell(v) for v in values])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _paper_row(number: int, row: SummaryRow, roots: Sequence[Path]) -> list[Cell]:
    """The first sheet's row: who, how the 预审 went, whether it was built, and why not."""
    values = _values(row)
    remark = row.remark
    if row.error:
        remark = "；".join(filter(None, [remark, short_error(row.error, roots)]))
    return [
        number,
        row.district,
        row.unit or row.file,
        values.get(_CONTACT),
        values.get(_PHONE),
        values.get(_TOTAL),
        row.review_text,
        row.outcome,
        remark or None,
    ]


def write_summary(
    rows: Sequence[SummaryRow],
    out_dir: Path,
    roots: Sequence[Path] = (),
    *,
    force: bool = False,
) -> tuple[Path, Path]:
    """Write 汇总表.xlsx and 汇总.csv into `out_dir`; return their paths (xlsx, csv).

    Both are written to temporary files and renamed into place, so an interrupted batch never
    leaves a half-written summary.

    Args:
        rows: one per application.
        out_dir: the batch's output folder.
        roots: the batch's input folders; paths in error texts are shown relative to them.
        force: replace same-named files jidi_docs did not write.
    """
    headers, body = summary_table(rows, roots)
    ordered = sort_rows(rows)
    paper = [_paper_row(n, r, roots) for n, r in enumerate(ordered, start=1)]
    errors = [
        ErrorRow(n, r.unit or "", r.file, r.error)
        for n, r in enumerate(ordered, start=1)
        if r.error
    ]
    # The details: figures and conditions, beside what finds the row (序号, 单位名称; the file last).
    shown = [h for h in headers if h not in _NOT_IN_DETAILS]
    picks = [headers.index(h) for h in [*shown, SUMMARY_FILE]]
    details = ([headers[i] for i in picks], [[values[i] for i in picks] for values in body])

    def write(target: Path) -> None:
        write_workbook(target, title=TITLE, paper=paper, details=details, errors=errors)

    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx, csv_path = out_dir / XLSX_NAME, out_dir / CSV_NAME
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        with atomic_write(xlsx, force=force) as tmp:
            write(tmp)
    except OutputError as e:
        if not e.locked:
            raise
        # Excel holds the old one open (Windows refuses to replace it): the applications are
        # built, so keep this run's summary under another name rather than fail the batch.
        xlsx = xlsx.with_name(f"{xlsx.stem}-{stamp}{xlsx.suffix}")
        logger.warning("%s本次的汇总表已另存为 %s。", e, xlsx.name)
        with atomic_write(xlsx, force=force) as tmp:
            write(tmp)
    data = _csv_bytes(headers, body)
    try:
        atomic_write_many({csv_path: data}, force=force)
    except OutputError as e:
        if not e.locked:
            raise
        csv_path = csv_path.with_name(f"{csv_path.stem}-{stamp}{csv_path.suffix}")
        logger.warning("%s本次的汇总已另存为 %s。", e, csv_path.name)
        atomic_write_many({csv_path: data}, force=force)
    return xlsx, csv_path
