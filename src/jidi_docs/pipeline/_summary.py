"""The district's 汇总表: one row per application of a batch, as .xlsx (openpyxl) and .csv.

Why both: district offices open the workbook in Excel or WPS; the CSV is for scripts and diffs.
The CSV is written as UTF-8 with a byte-order mark, because Excel (and WPS) read a BOM-less CSV
as the local ANSI code page and show Chinese as mojibake.

The table itself (`summary_table`) is pure data, so its content and order are tested apart
from the file formats.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .._fs import atomic_write, atomic_write_many
from ..forms._format import fmt_number

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

__all__ = [
    "CSV_NAME",
    "FIXED_HEADERS",
    "XLSX_NAME",
    "SummaryRow",
    "summary_table",
    "write_summary",
]

#: File names of the summary, written at the top of a batch's output folder.
XLSX_NAME = "汇总表.xlsx"
CSV_NAME = "汇总.csv"

#: Columns before the per-condition statuses.
FIXED_HEADERS = (
    "文件",
    "单位名称",
    "所属区县",
    "讲师数量",
    "本科及以上占比（%）",
    "跨境电商培训人次",
    "历年培训总人次",
    "自评总分",
)
#: Columns after the per-condition statuses.
TAIL_HEADERS = ("结果", "错误信息")

Cell = str | int | Decimal | None


@dataclass(frozen=True)
class SummaryRow:
    """What the 汇总表 shows about one application; figures are None when it could not be read.

    Attributes:
        file: the YAML file, as the user should find it (relative to the batch folder).
        unit: 单位名称.
        district: 所属区县.
        lecturers: 讲师数量.
        bachelor_ratio: 本科及以上学历讲师占比, in percent.
        crossborder_trainees: 跨境电商培训人次 (the sum over 培训活动).
        total_trainees: 历年培训总人次 as declared.
        total_score: 自评总分.
        conditions: each 认定条件's title → status (符合 / 不符合 / 需注意), in report order.
        ok: whether the application's outputs were written (or were already up to date).
        error: the Chinese error text when `ok` is False.
    """

    file: str
    unit: str | None = None
    district: str | None = None
    lecturers: int | None = None
    bachelor_ratio: Decimal | None = None
    crossborder_trainees: int | None = None
    total_trainees: int | None = None
    total_score: Decimal | None = None
    conditions: dict[str, str] = field(default_factory=dict)
    ok: bool = True
    error: str = ""


def _sort_key(row: SummaryRow) -> tuple[int, str, str, str]:
    # Unreadable applications (no 区县) go last, so the district's own list reads first.
    return (row.district is None, row.district or "", row.unit or "", row.file)


def summary_table(rows: Sequence[SummaryRow]) -> tuple[list[str], list[list[Cell]]]:
    """Return the headers and the body of the 汇总表, sorted by 所属区县 then 单位名称.

    The condition columns are the union of every row's condition titles, in the order they
    first appear (every application of one 认定批次 reports the same conditions).
    """
    titles: list[str] = []
    for row in rows:
        titles.extend(t for t in row.conditions if t not in titles)
    headers = [*FIXED_HEADERS, *titles, *TAIL_HEADERS]
    body: list[list[Cell]] = []
    for row in sorted(rows, key=_sort_key):
        body.append(
            [
                row.file,
                row.unit,
                row.district,
                row.lecturers,
                row.bachelor_ratio,
                row.crossborder_trainees,
                row.total_trainees,
                row.total_score,
                *(row.conditions.get(t) for t in titles),
                "成功" if row.ok else "失败",
                row.error or None,
            ]
        )
    return headers, body


def _csv_cell(value: Cell) -> str:
    """A figure as the forms print it (75, 4.5), text as it is, blank for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt_number(value)
    return str(value)


def _csv_bytes(headers: list[str], body: list[list[Cell]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    for values in body:
        writer.writerow([_csv_cell(v) for v in values])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _display_width(text: str) -> int:
    """Return how many Latin character cells `text` takes: a CJK character counts as two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _xlsx_cell(value: Cell) -> str | int | float | None:
    # openpyxl stores Decimal as a number too, but a float keeps the workbook free of surprises
    # for readers that do not know Decimal; figures here have at most one decimal.
    if isinstance(value, Decimal):
        return float(value)
    return value


def _write_xlsx(path: Path, headers: list[str], body: list[list[Cell]]) -> None:
    # Imported here: openpyxl (and the numpy it loads) costs ~0.1 s at start-up, and only the
    # end of a batch needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has one sheet
    ws.title = "汇总"
    ws.append(headers)
    for values in body:
        ws.append([_xlsx_cell(v) for v in values])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    status_fills = {
        "不符合": PatternFill("solid", fgColor="F8CBAD"),
        "需注意": PatternFill("solid", fgColor="FFE699"),
        "失败": PatternFill("solid", fgColor="F8CBAD"),
    }
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value in status_fills:
                cell.fill = status_fills[cell.value]
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    # Widths from the content: wide enough for the longest value, capped so that long error
    # texts wrap instead of making the sheet unreadable.
    for index, header in enumerate(headers, start=1):
        longest = max(
            [_display_width(header), *(_display_width(str(v[index - 1] or "")) for v in body)]
        )
        cap = 60 if header == "错误信息" else 40
        ws.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 8), cap)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.save(path)


def write_summary(rows: Sequence[SummaryRow], out_dir: Path) -> tuple[Path, Path]:
    """Write 汇总表.xlsx and 汇总.csv into `out_dir`; return their paths (xlsx, csv).

    Both are written to temporary files and renamed into place, so an interrupted batch never
    leaves a half-written summary.
    """
    headers, body = summary_table(rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx, csv_path = out_dir / XLSX_NAME, out_dir / CSV_NAME
    with atomic_write(xlsx) as tmp:
        _write_xlsx(tmp, headers, body)
    atomic_write_many({csv_path: _csv_bytes(headers, body)})
    return xlsx, csv_path
