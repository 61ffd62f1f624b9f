"""Lists of an application read from spreadsheets (.xlsx, UTF-8 or GBK .csv) instead of YAML.

Any list of the application (讲师, 培训活动 …, also 基本情况 → 培训场地) may be written as
``培训活动: {文件: 培训活动.xlsx, 工作表: Sheet1}``. `expand_tables` replaces such an entry with the
rows of the sheet, as plain dicts of strings keyed by the column headers (the same Chinese labels
as the YAML keys), and records where each row came from, so that validation errors name the file,
the sheet, the row and (through the field path) the column.

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

from pydantic import BaseModel

from ..errors import Issue, ValidationFailed
from ._messages import allowed_keys, model_at, suggest
from ._yaml import Mark, Path_, YamlDoc, label

__all__ = [
    "FILE_KEY",
    "SHEET_KEY",
    "TABLE_PATHS",
    "Table",
    "allow_files_in_schema",
    "cell_text",
    "column_letter",
    "expand_tables",
    "read_table",
    "table_columns",
]

#: Keys of a list entry that names a spreadsheet instead of listing the items.
FILE_KEY = "文件"
SHEET_KEY = "工作表"

#: Every list of the application that may come from a spreadsheet.
TABLE_PATHS: tuple[tuple[str, ...], ...] = (
    ("基本情况", "培训场地"),
    ("管理运营团队",),
    ("讲师",),
    ("培训活动",),
    ("对接调研活动",),
    ("品牌创新活动",),
    ("企业荣誉",),
    ("企业资质",),
    ("佐证材料",),
)

#: A column people add to number the rows, as the forms do; it is read and ignored.
_NUMBER_COLUMN = "序号"

#: Column headers of the official forms that differ from our YAML keys.
_HEADER_ALIASES = {"讲师姓名": "姓名", "专职/兼职": "专兼职", "专职／兼职": "专兼职"}

#: Columns whose cell may hold several values, one per line or separated by ；/;.
_LIST_COLUMNS = {FILE_KEY}
_LIST_SPLIT = re.compile(r"\s*(?:\n|；|;)\s*")

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


def _normalise_header(text: str | None, allowed: Sequence[str]) -> str | None:
    """Return the YAML key a header cell stands for, or the cleaned header text if unknown."""
    if text is None:
        return None
    header = _HEADER_SPACE.sub("", str(text)).rstrip("*＊")
    if not header:
        return None
    if header in allowed or header == _NUMBER_COLUMN:
        return header
    if _HEADER_ALIASES.get(header) in allowed:
        return _HEADER_ALIASES[header]
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


def _xlsx_grid(path: Path, sheet: str | None, display: str) -> tuple[_Grid, str]:
    """Return the grid of a sheet of an .xlsx file and the sheet's name."""
    import openpyxl  # imported here: only spreadsheet users pay for it

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise CellError(
            f"无法打开表格文件 {display}：{exc}。请用 Excel 或 WPS 另存为 .xlsx 后再试。"
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
                for c in range(rng.min_col, rng.max_col + 1):
                    if top is not None:
                        values[(r, c)] = top
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


def _find_header(grid: _Grid, allowed: Sequence[str]) -> int | None:
    """Return the row holding the most known column labels among the first rows."""
    best_row, best = None, 0
    for r in range(1, min(grid.max_row, _HEADER_SEARCH_ROWS) + 1):
        known = {
            h
            for c in range(1, grid.max_col + 1)
            if (h := _normalise_header(_text_or_none(grid.get(r, c)), allowed)) in allowed
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
    header_row = _find_header(grid, columns)
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
        header = _normalise_header(_text_or_none(raw), columns)
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


def table_columns(path: Path_, root: type[BaseModel] | None = None) -> tuple[list[str], list[str]]:
    """Return (all column labels, required labels) of the list at `path` of the application."""
    if root is None:
        from ..schema._model import Application

        root = Application
    item = model_at(root, path)
    if item is None:  # pragma: no cover - TABLE_PATHS and the model are kept in step
        raise KeyError(path)
    columns = allowed_keys(item)
    required = [info.alias or n for n, info in item.model_fields.items() if info.is_required()]
    return columns, required


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        if not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return data


def _is_file_entry(value: Any) -> bool:
    return isinstance(value, Mapping) and FILE_KEY in value


def expand_tables(data: Any, *, doc: YamlDoc | None = None, base_dir: Path | None = None) -> Any:
    """Return `data` with every ``{文件: …}`` list entry replaced by the rows of that spreadsheet.

    The input is not changed; positions of the rows are added to `doc` (when given) as marks
    naming the file and sheet, so validation errors point at the spreadsheet row.

    Args:
        data: the application as plain data (what `parse_yaml` returns).
        doc: the positions of `data`; each row's position is added to ``doc.values``.
        base_dir: the folder spreadsheet paths are relative to (default: the current folder).

    Raises:
        ValidationFailed: a spreadsheet is missing, unreadable, or has unknown or missing columns,
            or cells whose digits Excel has lost; every such problem at once.
    """
    if not isinstance(data, Mapping) or not any(_is_file_entry(_get(data, p)) for p in TABLE_PATHS):
        return data
    base = base_dir if base_dir is not None else Path.cwd()
    source = doc.source if doc is not None else None
    out: dict[str, Any] = _copy(data)
    issues: list[Issue] = []
    for path in TABLE_PATHS:
        entry = _get(data, path)
        if not _is_file_entry(entry):
            continue
        rows = _expand_one(path, entry, base, doc, source, issues)
        parent = out
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = rows
    if issues:
        raise ValidationFailed(issues, source=source)
    return out


def _copy(data: Mapping[str, Any]) -> dict[str, Any]:
    """Copy the mappings along the table paths (lists and scalars are shared, never changed)."""
    out = dict(data)
    if isinstance(out.get("基本情况"), Mapping):
        out["基本情况"] = dict(out["基本情况"])
    return out


def _expand_one(
    path: Path_,
    entry: Mapping[str, Any],
    base: Path,
    doc: YamlDoc | None,
    source: str | None,
    issues: list[Issue],
) -> list[dict[str, Any]]:
    def at(sub: Path_) -> tuple[int | None, int | None]:
        mark = doc.mark(sub) if doc is not None else None
        return (mark.line, mark.column) if mark is not None else (None, None)

    extra = [k for k in entry if k not in (FILE_KEY, SHEET_KEY)]
    for key in extra:
        issues.append(
            Issue(
                source,
                *at((*path, key)),
                label((*path, key)),
                f"没有“{key}”这一栏。用表格文件代替列表时只能写“{FILE_KEY}”和“{SHEET_KEY}”。",
            )
        )
    name, sheet = entry.get(FILE_KEY), entry.get(SHEET_KEY)
    if not isinstance(name, str) or not name.strip():
        issues.append(
            Issue(
                source,
                *at((*path, FILE_KEY)),
                label((*path, FILE_KEY)),
                "请写出表格文件的名称，例如 培训活动.xlsx（相对于本 YAML 文件所在的文件夹）。",
            )
        )
        return []
    if sheet is not None and not isinstance(sheet, str):
        issues.append(
            Issue(
                source,
                *at((*path, SHEET_KEY)),
                label((*path, SHEET_KEY)),
                "工作表名称应是一段文字。",
            )
        )
        return []
    file = base / name
    if not file.is_file():
        issues.append(
            Issue(
                source,
                *at((*path, FILE_KEY)),
                label((*path, FILE_KEY)),
                f"找不到表格文件 {name}（在 {base} 中查找）。请检查文件名和扩展名。",
            )
        )
        return []
    columns, required = table_columns(path)
    table = read_table(
        file, columns=columns, required=required, sheet=sheet, display=name, field_path=path
    )
    issues.extend(table.issues)
    rows: list[dict[str, Any]] = []
    for i, (row_no, row) in enumerate(table.rows):
        item: dict[str, Any] = {}
        for key, text in row.items():
            item[key] = _split(text) if key in _LIST_COLUMNS else text
        rows.append(item)
        if doc is not None:
            mark = Mark(row_no, None, table.name)
            row_path = (*path, i)
            doc.values[row_path] = mark
            for key in item:
                cell_path = (*row_path, key)
                doc.values[cell_path] = mark
                doc.keys[cell_path] = mark
    return rows


def _split(text: str) -> str | list[str]:
    parts = [p for p in _LIST_SPLIT.split(text) if p]
    return parts[0] if len(parts) == 1 else parts


_FILE_ENTRY_DEF = "表格文件"


def allow_files_in_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Return the application JSON Schema in which every table list may also be ``{文件: …}``.

    Changes `schema` in place (and returns it), so editors accept and complete the spreadsheet form.
    """
    defs = schema.setdefault("$defs", {})
    defs[_FILE_ENTRY_DEF] = {
        "type": "object",
        "description": "从表格文件读取这一列表：第一行是列名（与 YAML 栏目名相同），每行一项",
        "properties": {
            FILE_KEY: {
                "type": "string",
                "description": ".xlsx 或 .csv（UTF-8 或 GBK），相对于本 YAML 文件所在的文件夹",
            },
            SHEET_KEY: {"type": "string", "description": "工作表名称，默认第一个工作表"},
        },
        "required": [FILE_KEY],
        "additionalProperties": False,
    }
    ref = {"$ref": f"#/$defs/{_FILE_ENTRY_DEF}"}
    for path in TABLE_PATHS:
        props = schema.get("properties", {})
        node: dict[str, Any] | None = None
        for depth, part in enumerate(path):
            prop = props.get(part)
            if prop is None:
                break
            if depth == len(path) - 1:
                node = prop
                break
            target = prop.get("$ref", "")
            if not target.startswith("#/$defs/"):
                break
            props = defs.get(target.removeprefix("#/$defs/"), {}).get("properties", {})
        if node is None or "anyOf" in node:
            continue
        original = {k: v for k, v in node.items() if k not in ("title", "description", "default")}
        for k in list(original):
            node.pop(k)
        node["anyOf"] = [original, ref]
    return schema
