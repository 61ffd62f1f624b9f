"""Lists of an application read from spreadsheets (.xlsx, UTF-8 or GBK .csv) instead of YAML.

Any list of the application (讲师, 培训活动 …, also 基本情况 → 培训场地) may be written as
``培训活动: {文件: 培训活动.xlsx, 工作表: Sheet1}``. `expand_tables` replaces such an entry with the
rows of the sheet, as plain dicts of strings keyed by the column headers (the same Chinese labels
as the YAML keys), and records where each row came from, so that validation errors name the file,
the sheet, the row and (through the field path) the column. Which lists there are, their columns
and the other headers a column may have come from the registry (``schema/sections.yaml``); how
one sheet is read is `jidi_docs.input._sheet`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Issue, ValidationFailed
from ..schema import Registry, registry
from ._yaml import Mark, Path_, YamlDoc, label

__all__ = [
    "FILE_KEY",
    "SHEET_KEY",
    "TABLE_PATHS",
    "expand_tables",
    "read_tables",
    "table_columns",
]

#: Keys of a list entry that names a spreadsheet instead of listing the items.
FILE_KEY = "文件"
SHEET_KEY = "工作表"

#: Every list of the application that may come from a spreadsheet (from the registry).
TABLE_PATHS: tuple[Path_, ...] = tuple(registry().path(s.key) for s in registry().lists)

#: Cells of a column of type 文件 may hold several values, one per line or separated by ；/;.
_LIST_SPLIT = re.compile(r"\s*(?:\n|；|;)\s*")


def table_columns(path: Path_, reg: Registry | None = None) -> tuple[list[str], list[str]]:
    """Return (all column labels, required labels) of the list at `path` of the application."""
    section = (reg or registry()).section(str(path[-1]))
    return section.labels, section.required


def _aliases(path: Path_, reg: Registry) -> dict[str, str]:
    """Other headers each column of the list at `path` may have: ``{"讲师姓名": "姓名"}``."""
    section = reg.section(str(path[-1]))
    return {alias: c.label for c in section.columns for alias in c.header_aliases}


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        if not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return data


def _is_file_entry(value: Any) -> bool:
    return isinstance(value, Mapping) and FILE_KEY in value


def expand_tables(
    data: Any,
    *,
    doc: YamlDoc | None = None,
    base_dir: Path | None = None,
    reg: Registry | None = None,
) -> Any:
    """Return `data` with every ``{文件: …}`` list entry replaced by the rows of that spreadsheet.

    The input is not changed; positions of the rows are added to `doc` (when given) as marks
    naming the file and sheet, so validation errors point at the spreadsheet row.

    Args:
        data: the application as plain data (what `parse_yaml` returns).
        doc: the positions of `data`; each row's position is added to ``doc.values``.
        base_dir: the folder spreadsheet paths are relative to (default: the current folder).
        reg: the registry of sections (by default the built-in one): which lists there are,
            their columns and the other headers each column may have.

    Raises:
        ValidationFailed: a spreadsheet is missing, unreadable, or has unknown or missing columns,
            or cells whose digits Excel has lost; every such problem at once.
    """
    out, issues = read_tables(data, doc=doc, base_dir=base_dir, reg=reg)
    if issues:
        raise ValidationFailed(issues, source=doc.source if doc is not None else None)
    return out


def read_tables(
    data: Any,
    *,
    doc: YamlDoc | None = None,
    base_dir: Path | None = None,
    reg: Registry | None = None,
) -> tuple[Any, list[Issue]]:
    """Return `data` with its spreadsheets read (as `expand_tables`), and their problems.

    A spreadsheet whose header is wrong (a column missing or unknown, no header at all) or
    that cannot be read gives no rows, only its problems; so the caller can go on and report
    them together with the other problems of the application.
    """
    reg = reg or registry()
    paths = [reg.path(s.key) for s in reg.lists]
    if not isinstance(data, Mapping) or not any(_is_file_entry(_get(data, p)) for p in paths):
        return data, []
    base = base_dir if base_dir is not None else Path.cwd()
    source = doc.source if doc is not None else None
    out: dict[str, Any] = _copy(data, paths)
    issues: list[Issue] = []
    for path in paths:
        entry = _get(data, path)
        if not _is_file_entry(entry):
            continue
        rows = _expand_one(path, entry, _Place(base, doc, source, reg), issues)
        parent = out
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = rows
    return out, issues


def _copy(data: Mapping[str, Any], paths: Sequence[Path_]) -> dict[str, Any]:
    """Copy the mappings along the table paths (lists and scalars are shared, never changed)."""
    out = dict(data)
    for path in paths:
        parent: dict[Any, Any] = out
        for part in path[:-1]:
            child = parent.get(part)
            if not isinstance(child, Mapping):
                break
            parent[part] = dict(child)
            parent = parent[part]
    return out


@dataclass(frozen=True)
class _Place:
    """Where the YAML is: the folder spreadsheets are relative to, its positions, its name."""

    base: Path
    doc: YamlDoc | None
    source: str | None
    reg: Registry


def _expand_one(
    path: Path_, entry: Mapping[str, Any], place: _Place, issues: list[Issue]
) -> list[dict[str, Any]]:
    base, doc, source = place.base, place.doc, place.source

    def problem(key: str, message: str) -> Issue:
        mark = doc.mark((*path, key)) if doc is not None else None
        line, column = (mark.line, mark.column) if mark is not None else (None, None)
        return Issue(source, line, column, label((*path, key)), message)

    for key in entry:
        if key not in (FILE_KEY, SHEET_KEY):
            issues.append(
                problem(
                    key,
                    f"没有“{key}”这一栏。用表格文件代替列表时只能写“{FILE_KEY}”和“{SHEET_KEY}”。",
                )
            )
    name, sheet = entry.get(FILE_KEY), entry.get(SHEET_KEY)
    if not isinstance(name, str) or not name.strip():
        issues.append(
            problem(
                FILE_KEY,
                "请写出表格文件的名称，例如 培训活动.xlsx（相对于本 YAML 文件所在的文件夹）。",
            )
        )
        return []
    if sheet is not None and not isinstance(sheet, str):
        issues.append(problem(SHEET_KEY, "工作表名称应是一段文字。"))
        return []
    file = base / name
    if not file.is_file():
        issues.append(
            problem(FILE_KEY, f"找不到表格文件 {name}（在 {base} 中查找）。请检查文件名和扩展名。")
        )
        return []
    # Imported here: most applications list everything in the YAML, and every command that loads
    # one would otherwise compile and run the spreadsheet reader at start-up.
    from ._sheet import read_table

    section = place.reg.section(str(path[-1]))
    table = read_table(
        file,
        columns=section.labels,
        required=section.required,
        sheet=sheet,
        display=name,
        field_path=path,
        aliases=_aliases(path, place.reg),
    )
    several = {c.label for c in section.columns if c.type == "文件"}
    issues.extend(table.issues)
    if any(i.line in (None, table.header_row) for i in table.issues):
        return []  # the header is wrong: its rows would only repeat that, row by row
    rows: list[dict[str, Any]] = []
    for i, (row_no, row) in enumerate(table.rows):
        item: dict[str, Any] = {}
        for key, text in row.items():
            item[key] = _split(text) if key in several else text
        rows.append(item)
        if doc is not None:
            mark = Mark(row_no, None, table.name)
            row_path: Path_ = (*path, i)
            doc.values[row_path] = mark
            for key in item:
                cell_path: Path_ = (*row_path, key)
                doc.values[cell_path] = mark
                doc.keys[cell_path] = mark
    return rows


def _split(text: str) -> str | list[str]:
    parts = [p for p in _LIST_SPLIT.split(text) if p]
    return parts[0] if len(parts) == 1 else parts
