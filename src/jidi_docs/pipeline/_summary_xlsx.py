"""The 汇总表 workbook, laid out for paper: what a district office prints, files and phones about.

Three sheets:

* ``汇总`` — 序号, 区县, 单位名称, 联系人, 电话, 自评总分, 预审结果, 生成结果, 备注. Its columns are
  sized to fill an A4 landscape page at 11 pt, so it prints at full size (never shrunk to fit),
  with long names and remarks wrapped inside their cells and the header row on every page.
* ``预审明细`` — every figure and every condition's status; printed at full size across several
  pages, 序号 and 单位名称 repeated on each.
* ``错误详情`` — each failed application's error in full, one line of the message per row, so no
  row is ever taller than a page (a spreadsheet cannot split a row across pages).

Why row heights are set here: neither Excel nor LibreOffice grows a row for wrapped text when the
file is opened, only when the cell is edited; a row left at its default height shows one line.
Heights are estimated from the text's display width (a CJK character counts as two cells) and the
column's width, generously, so nothing is cut.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._text import display_width, no_formulas

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["PAPER_HEADERS", "ErrorRow", "write_workbook"]

Cell = str | int | Decimal | None

#: The first sheet's columns and their widths, in Excel's unit: the width of a digit of the
#: default font (Arial 11 pt: 8 px at 96 dpi, 6 pt). Together 122 units, 732 pt: within the
#: 755 pt between the side margins of A4 landscape, so the sheet prints at full size.
PAPER_COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 4.5),
    ("区县", 8),
    ("单位名称", 26),
    ("联系人", 8),
    ("电话", 14),
    ("自评总分", 8.5),
    ("预审结果", 9.5),
    ("生成结果", 8.5),
    ("备注", 35),
)
PAPER_HEADERS = tuple(name for name, _ in PAPER_COLUMNS)

#: The 错误详情 sheet's columns, as wide in all as the first sheet's.
ERROR_COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 4.5),
    ("单位名称", 24),
    ("文件", 24),
    ("错误信息（全文）", 67.5),
)

#: Font of every cell, and the workbook's default font, at a size read without glasses; the page
#: header and footer use it too. Why Arial: column widths are counted in digits of the default
#: font, and Arial is on every Windows and macOS and has a metric twin on Linux (Liberation Sans),
#: so the columns are equally wide in Excel, WPS and LibreOffice; Chinese text is drawn by each
#: system's Chinese font (宋体/等线, 宋体-简, Noto CJK) at the same size.
FONT_NAME = "Arial"
FONT_SIZE = 11
#: The height of one line of text at `FONT_SIZE`, in points, with the cell's padding.
_LINE_HEIGHT = 14.5
_PAD_HEIGHT = 3.0

_STATUS_FILLS = {"不符合": "F8CBAD", "需注意": "FFE699", "失败": "F8CBAD", "未完成": "D9D9D9"}


@dataclass(frozen=True)
class ErrorRow:
    """One failed application on the 错误详情 sheet: its 序号 and name, file, full error."""

    number: int
    unit: str
    file: str
    error: str


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` units wide (rounded up).

    A CJK character at 11 pt is about 1.83 units wide, a Latin one about 0.9 (so 0.9 units per
    display cell, a little over); half a unit is kept for the cell's padding, and every
    explicit line break starts a line.
    """
    room = max(width - 0.5, 1.0)
    return sum(
        max(1, math.ceil(display_width(part) * 0.9 / room)) for part in str(text).split("\n")
    )


def _cell(value: Cell) -> str | int | float | None:
    # openpyxl stores Decimal as a number too, but a float keeps the workbook free of surprises
    # for readers that do not know Decimal; figures here have at most one decimal.
    if isinstance(value, Decimal):
        return float(value)
    return value


def _fill_table(
    ws: Worksheet,
    columns: Sequence[tuple[str, float]],
    rows: Sequence[Sequence[Cell]],
    *,
    wrap: bool = True,
) -> None:
    """Write the header and `rows` into `ws` with widths, fonts, fills and row heights."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    font, bold = (
        Font(name=FONT_NAME, size=FONT_SIZE),
        Font(name=FONT_NAME, size=FONT_SIZE, bold=True),
    )
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    fills = {k: PatternFill("solid", fgColor=v) for k, v in _STATUS_FILLS.items()}
    top = Alignment(vertical="top", wrap_text=wrap)
    ws.append([name for name, _ in columns])
    for values in rows:
        ws.append([_cell(v) for v in values])
    for index, (_name, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for r, row in enumerate(ws.iter_rows(), start=1):
        lines = 1
        for cell, (_name, width) in zip(row, columns, strict=False):
            cell.border = border
            if r == 1:
                cell.font, cell.fill = bold, header_fill
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            else:
                cell.font, cell.alignment = font, top
                text = cell.value if isinstance(cell.value, str) else ""
                status = next((k for k in fills if text.startswith(k)), None)
                if status is not None and len(text) <= 8:
                    cell.fill = fills[status]
            if cell.value is not None and (wrap or r == 1):
                lines = max(lines, _lines(str(cell.value), width))
        ws.row_dimensions[r].height = lines * _LINE_HEIGHT + _PAD_HEIGHT


def _print_setup(ws: Any, title: str, *, title_columns: str | None = None) -> None:
    """A4 landscape at full size, the header row on every page (and `title_columns` on every
    page across), title and date above, page numbers below."""
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.scale = 100
    ws.page_margins = PageMargins(
        left=0.6, right=0.6, top=0.75, bottom=0.75, header=0.3, footer=0.3
    )
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = "1:1"
    if title_columns:
        ws.print_title_cols = title_columns
    ws.freeze_panes = "C2" if title_columns else "A2"
    size = f'&"{FONT_NAME},Regular"&{FONT_SIZE}'
    ws.oddHeader.center.text = f"{size}{title}"
    ws.oddHeader.right.text = f"{size}生成日期：{dt.date.today().isoformat()}"
    ws.oddFooter.center.text = f"{size}第 &P 页，共 &N 页"


def write_workbook(
    path: Path,
    *,
    title: str,
    paper: Sequence[Sequence[Cell]],
    details: tuple[Sequence[str], Sequence[Sequence[Cell]]],
    errors: Sequence[ErrorRow],
) -> None:
    """Write the 汇总表 to `path`: the paper sheet, the details and (when any) the errors.

    Args:
        path: the .xlsx file to write.
        title: printed at the top of every page.
        paper: one row of `PAPER_HEADERS` values per application, in order.
        details: the headers and rows of the full table (figures and conditions).
        errors: the failed applications' errors in full.
    """
    # Imported here: openpyxl (and the numpy it loads) costs ~0.1 s at start-up, and only the
    # end of a batch needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    wb = Workbook()
    # The default font (the first one, and the Normal style's) is what column widths are counted
    # in; openpyxl fixes it to Calibri, which LibreOffice on Linux replaces with a wider face.
    default = Font(name=FONT_NAME, size=FONT_SIZE)
    wb._fonts = IndexedList([default])  # type: ignore[attr-defined]
    wb._named_styles["Normal"].font = default  # type: ignore[attr-defined]
    ws = wb.active
    assert ws is not None  # a new workbook always has one sheet
    ws.title = "汇总"
    _fill_table(ws, PAPER_COLUMNS, paper)
    _print_setup(ws, title)
    if paper:
        ws.auto_filter.ref = ws.dimensions

    headers, rows = details
    sheet = wb.create_sheet("预审明细")
    columns = [(h, _detail_width(h, [r[i] for r in rows])) for i, h in enumerate(headers)]
    _fill_table(sheet, columns, rows)
    # Too wide for one page at a readable size: printed across pages, 序号 and 单位名称 on each.
    _print_setup(sheet, f"{title}（预审明细）", title_columns="A:B")

    if errors:
        sheet = wb.create_sheet("错误详情")
        lines: list[list[Cell]] = []
        for e in errors:
            for k, text in enumerate(_error_lines(e.error)):
                lines.append(
                    [e.number, e.unit, e.file, text] if k == 0 else [None, None, None, text]
                )
        _fill_table(sheet, ERROR_COLUMNS, lines)
        _print_setup(sheet, f"{title}（错误详情）")
    no_formulas(wb)  # a 单位名称 "=HYPERLINK(…)" stays text
    wb.save(path)


def _detail_width(header: str, values: Sequence[Any]) -> float:
    """A details column: as wide as its longest value; a long header wraps onto more lines."""
    longest = max([display_width(str(v)) for v in values if v is not None] or [0])
    return float(min(max(longest * 0.9 + 2, 6), 24))


def _error_lines(error: str) -> list[str]:
    """The lines of an error message, each list item (``  • …``) a line of its own."""
    return [line.strip() for line in error.strip().splitlines() if line.strip()] or [""]
