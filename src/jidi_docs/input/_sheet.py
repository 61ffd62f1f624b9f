"""Read one sheet of a spreadsheet (.xlsx, UTF-8 or GBK .csv) as rows of text keyed by column label.

Why strings: the YAML loader hands pydantic strings too, and the cells must reach the forms the way
people typed them. Excel's own types are turned back into that text here: a phone number Excel
stored as the number 13800001111.0 becomes ``13800001111``, a date cell ``2020-07-06``, a number
typed as text stays that text. What cannot be recovered (a phone number Excel shortened to
``1.38E+10``) is an error that says how to fix the sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import Issue
from ._messages import suggest
from ._yaml import Path_, label

__all__ = ["CellError", "Table", "cell_text", "column_letter", "read_table"]

#: A column people add to number the rows, as the forms do; it is read and ignored.
_NUMBER_COLUMN = "序号"

_SCIENTIFIC = re.compile(r"^([+-]?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$")
_LONG_INT_POINT_ZERO = re.compile(r"^(\d{7,})\.0+$")
_HEADER_SPACE = re.compile(r"\s+")
_HEADER_UNIT = re.compile(r"[（(][^（）()]*[）)]$")

#: How many rows from the top are searched for the header row (title rows may come first).
_HEADER_SEARCH_ROWS = 10


class CellError(ValueError):
    """A cell whose value cannot be turned back into what the user typed (message in Chinese)."""


def column_letter(index: int) -> str:
    """Return Excel's letter for a 1-based column index: 1 → A, 28 → AB."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _float_text(value: float) -> str:
    """Return a float cell as people see it: 13800001111.0 → 13800001111, 4.5 → 4.5."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    # Excel keeps 15 significant digits; more would show binary noise (0.1 → 0.1000000000000000055).
    text = format(Decimal(format(value, ".15g")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scientific_text(text: str) -> str:
    """Return text like ``1.3800001111E+10`` as plain digits, refusing digits Excel already lost."""
    m = _SCIENTIFIC.match(text)
    assert m is not None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only lets valid numbers through
        return text
    mantissa_digits = len((m[2] + (m[3] or "")).lstrip("0"))
    if number == number.to_integral_value():
        digits = format(abs(number), "f").split(".")[0]
        if len(digits) >= 8 and len(digits) > mantissa_digits:
            raise CellError(
                f"“{text}”是 Excel 用科学计数法显示的数字，后面几位已经丢失，无法还原。"
                "请把这一列的单元格格式设为“文本”，重新输入完整的号码后再保存。"
            )
        return f"{m[1] if m[1] == '-' else ''}{digits}"
    out = format(number, "f")
    return out.rstrip("0").rstrip(".") if "." in out else out


def cell_text(value: Any) -> str | None:
    """Return a cell's value as the text the user typed, or None for an empty cell.

    Raises:
        CellError: the cell holds a number whose digits Excel has already lost.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()  # the forms show days; a time of day is not wanted
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, Decimal):
        return _float_text(float(value)) if value == value.to_integral_value() else str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None
    if _SCIENTIFIC.match(text):
        return _scientific_text(text)
    m = _LONG_INT_POINT_ZERO.match(text)
    if m:  # a phone number exported from a number cell, e.g. 13800001111.0
        return m[1]
    return text


def _normalise_header(
    text: str | None, allowed: Sequence[str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """Return the YAML key a header cell stands for, or the cleaned header text if unknown."""
    if text is None:
        return None
    header = _HEADER_SPACE.sub("", str(text)).rstrip("*＊")
    if not header:
        return None
    if header in allowed or header == _NUMBER_COLUMN:
        return header
    if aliases and aliases.get(header) in allowed:
        return aliases[header]
    bare = _HEADER_UNIT.sub("", header)  # 面积（平方米） → 面积
    if bare in allowed:
        return bare
    return header


@dataclass
class Table:
    """Rows read from one sheet: each row is ``(row number, {column label: text})``."""

    name: str
    header_row: int
    columns: dict[int, str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class _Grid:
    """A sheet as a grid of raw values, with merged ranges filled from their top-left cell."""

    values: dict[tuple[int, int], Any]
    max_row: int
    max_col: int
    merges: list[tuple[int, int, int, int]]  # min_row, min_col, max_row, max_col

    def get(self, row: int, col: int) -> Any:
        return self.values.get((row, col))


def _why_unreadable(exc: Exception) -> str:
    """Say in Chinese why openpyxl could not open a workbook.

    openpyxl's own messages are English and name its internals ("File is not a zip file",
    "There is no item named 'xl/workbook.xml'"); office staff need the likely cause instead.
    """
    import zipfile

    if isinstance(exc, zipfile.BadZipFile):
        return "它不是 .xlsx 格式（可能是旧版 .xls、.et 或改了扩展名的文件），或文件已损坏"
    if isinstance(exc, PermissionError):
        return "没有读取它的权限（请确认文件未被其他程序独占）"
    if isinstance(exc, (KeyError, OSError)):  # a part missing from the package
        return "文件内容不完整，缺少 Excel 工作簿必需的部分"
    return "文件已损坏，或不是 Excel 工作簿"


def _xlsx_grid(path: Path, sheet: str | None, display: str) -> tuple[_Grid, str]:
    """Return the grid of a sheet of an .xlsx file and the sheet's name."""
    import openpyxl  # imported here: only spreadsheet users pay for it

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise CellError(
            f"无法打开表格文件 {display}：{_why_unreadable(exc)}。"
            "请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再试。"
        ) from exc
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise CellError(
                f"表格文件 {display} 里没有名为“{sheet}”的工作表。"
                f"现有的工作表：{'、'.join(wb.sheetnames)}。"
            )
        values: dict[tuple[int, int], Any] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    values[(cell.row, cell.column)] = cell.value
        merges = []
        for rng in ws.merged_cells.ranges:
            top = values.get((rng.min_row, rng.min_col))
            merges.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
            for r in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    if top is not None:
                        values[(r, col)] = top
        rows = [r for r, _ in values] or [0]
        cols = [c for _, c in values] or [0]
        return _Grid(values, max(rows), max(cols), merges), ws.title
    finally:
        wb.close()


def _decode_csv(raw: bytes, display: str) -> str:
    """Return CSV text: UTF-8 (with or without BOM) or GBK/GB18030, as Excel saves it in China."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise CellError(
            f"表格文件 {display} 既不是 UTF-8 也不是 GBK 编码。请在 Excel 中另存为“CSV UTF-8”或 .xlsx。"
        ) from None


def _csv_grid(path: Path, display: str) -> _Grid:
    text = _decode_csv(path.read_bytes(), display)
    values: dict[tuple[int, int], Any] = {}
    max_row = max_col = 0
    for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        max_row = r
        for c, value in enumerate(row, start=1):
            if value.strip():
                values[(r, c)] = value
                max_col = max(max_col, c)
    return _Grid(values, max_row, max_col, [])


def _find_header(
    grid: _Grid, allowed: Sequence[str], aliases: Mapping[str, str] | None = None
) -> int | None:
    """Return the row holding the most known column labels among the first rows."""
    best_row, best = None, 0
    for r in range(1, min(grid.max_row, _HEADER_SEARCH_ROWS) + 1):
        known = {
            h
            for c in range(1, grid.max_col + 1)
            if (h := _normalise_header(_text_or_none(grid.get(r, c)), allowed, aliases)) in allowed
        }
        if len(known) > best:
            best_row, best = r, len(known)
    return best_row


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def read_table(
    path: Path,
    *,
    columns: Sequence[str],
    required: Sequence[str] = (),
    sheet: str | None = None,
    display: str | None = None,
    field_path: Path_ = (),
    aliases: Mapping[str, str] | None = None,
) -> Table:
    """Read the rows of a spreadsheet whose header row holds some of `columns`.

    Title rows above the header are skipped, merged cells count for every cell they cover,
    headers may carry spaces, a trailing ``*`` or a unit in brackets, a ``序号`` column is
    ignored, and empty rows are skipped. Problems are collected in `Table.issues`, each naming
    the file (and sheet), the row and the column.

    Args:
        path: the .xlsx or .csv file.
        columns: the labels a column may have (the YAML keys of one list item).
        required: labels that must be present as columns when the sheet has rows.
        sheet: the sheet of an .xlsx file to read (default: the first).
        display: how the file is named in messages (default: its name).
        field_path: where the list sits in the application, for the field labels of issues.
        aliases: other headers a column may have (``{"讲师姓名": "姓名"}``).
    """
    display = display or path.name
    where = display
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx" or suffix == ".xlsm":
            grid, sheet_name = _xlsx_grid(path, sheet, display)
            where = f"{display}（工作表 {sheet_name}）"
        elif suffix == ".csv":
            grid = _csv_grid(path, display)
        else:
            raise CellError(
                f"不支持 {path.suffix or '无扩展名'} 格式的表格 {display}："
                "请用 .xlsx 或 .csv（.xls 旧格式请在 Excel 中另存为 .xlsx）。"
            )
    except CellError as e:
        return Table(where, 0, {}, issues=[Issue(display, None, None, label(field_path), str(e))])

    table = Table(where, 0, {})
    header_row = _find_header(grid, columns, aliases)
    if header_row is None:
        if grid.values:
            table.issues.append(
                Issue(
                    where,
                    1,
                    None,
                    label(field_path),
                    f"找不到表头：第一行应是列名，可用的列名有：{'、'.join(columns)}。",
                )
            )
        return table
    table.header_row = header_row

    # Rows covered by a merge that starts in the header row still belong to the header.
    first_data = header_row + 1
    for r0, _c0, r1, _c1 in grid.merges:
        if r0 <= header_row <= r1:
            first_data = max(first_data, r1 + 1)

    seen: dict[str, int] = {}
    for c in range(1, grid.max_col + 1):
        raw = grid.get(header_row, c)
        header = _normalise_header(_text_or_none(raw), columns, aliases)
        letter = column_letter(c)
        if header is None:
            has_data = any(grid.get(r, c) is not None for r in range(first_data, grid.max_row + 1))
            if has_data:
                table.issues.append(
                    Issue(
                        where,
                        header_row,
                        None,
                        label(field_path),
                        f"第 {letter} 列有内容，但没有列名。请填写列名或删除这一列。",
                    )
                )
            continue
        if header == _NUMBER_COLUMN:
            continue
        if header not in columns:
            guess = suggest(header, list(columns))
            hint = f"是不是“{guess}”？" if guess else ""
            table.issues.append(
                Issue(
                    where,
                    header_row,
                    None,
                    label(field_path),
                    f"第 {letter} 列“{header}”不是可用的列名。{hint}可用的列名有：{'、'.join(columns)}。",
                )
            )
            continue
        if header in seen:
            if not _same_merge(grid, header_row, seen[header], c):
                table.issues.append(
                    Issue(
                        where,
                        header_row,
                        None,
                        label(field_path),
                        f"列名“{header}”出现了两次（第 {column_letter(seen[header])} 列和第 {letter} 列），请只保留一列。",
                    )
                )
            continue
        seen[header] = c
        table.columns[c] = header

    data_rows = []
    for r in range(first_data, grid.max_row + 1):
        row: dict[str, str] = {}
        for c, header in table.columns.items():
            try:
                text = cell_text(grid.get(r, c))
            except CellError as e:
                table.issues.append(Issue(where, r, None, label((*field_path, header)), str(e)))
                continue
            if text is not None:
                row[header] = text
        if row:
            data_rows.append((r, row))
    table.rows = data_rows

    if data_rows:
        for name in required:
            if name not in table.columns.values():
                table.issues.append(
                    Issue(
                        where,
                        header_row,
                        None,
                        label(field_path),
                        f"缺少必填的列“{name}”。请在表头加上这一列。",
                    )
                )
    return table


def _same_merge(grid: _Grid, row: int, c1: int, c2: int) -> bool:
    """True when header cells (row, c1) and (row, c2) are one merged cell."""
    return any(
        r0 <= row <= r1 and m0 <= c1 <= m1 and m0 <= c2 <= m1 for r0, m0, r1, m1 in grid.merges
    )
