"""Loose spreadsheets imported into a draft: the library's table reader, one file per list.

A base that filled the workbooks ``jidi-docs init`` made (讲师.xlsx, 培训活动.xlsx …) uploads
them as they are. Which list a file holds comes from the registry: the workbook's file name
(``讲师.xlsx``, also ``讲师 (1).xlsx`` as browsers save a second download), or else the name of
its first sheet (``init`` names it after the list). The rows are read by the library exactly as
``申报.yaml`` → ``讲师: {文件: 讲师.xlsx}`` would read them, and validated with the rest of the
draft, so every message names the file, the row and the column. Either every file is imported
or none: one problem anywhere and the draft stays as it was.
"""

from __future__ import annotations

import copy
import re
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import Issue, ValidationFailed
from ..input import FILE_KEY, YamlDoc, expand_tables, validate
from ..schema import Section, registry
from ._library import FIELD_EVIDENCE, YAML_NAME, _as_text, clean

__all__ = ["SUFFIXES", "import_tables", "is_table"]

#: What the table reader reads (`jidi_docs.input._sheet.read_table`).
SUFFIXES = (".xlsx", ".xlsm", ".csv")
#: How the messages name the import as a whole.
SOURCE = "导入的表格"
#: Uncompressed bytes a workbook may hold (an .xlsx is a zip: a tiny upload may unpack to GBs).
UNPACKED_LIMIT = 50 * 1024 * 1024
# "讲师 (1)", "讲师（2）", "讲师-副本": the same workbook saved again
_COPY = re.compile(r"\s*(?:[(（]\d+[)）]|[-_ ]?副本\d*)$")


def is_table(name: str) -> bool:
    """True when `name` is a spreadsheet the table reader reads (by its extension)."""
    return PurePosixPath(name).suffix.lower() in SUFFIXES


def _by_name() -> dict[str, Section]:
    """``{name: section}`` for each list a spreadsheet may hold: its key and its workbook's stem."""
    out: dict[str, Section] = {}
    for section in registry().lists:
        out[section.key] = section
        if section.workbook:
            out[PurePosixPath(section.workbook).stem] = section
    return out


def _first_sheet(path: Path) -> str | None:
    if path.suffix.lower() == ".csv":
        return None
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds; the table reader says why
        return None
    try:
        return workbook.sheetnames[0] if workbook.sheetnames else None
    finally:
        workbook.close()


def _problem(name: str, message: str) -> Issue:
    return Issue(name, None, None, "", message)


def _too_large(item: tuple[str, Path]) -> Issue | None:
    """A workbook that would unpack to more than `UNPACKED_LIMIT` bytes, before anything reads it."""
    name, path = item
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        return None  # a .csv, or a damaged workbook: the table reader says so
    if unpacked <= UNPACKED_LIMIT:
        return None
    return _problem(
        name,
        f"表格解压后超过 {UNPACKED_LIMIT // (1024 * 1024)} MB，不像是名单表格；"
        "请删去图片等内容后另存再导入。",
    )


def _recognise(files: dict[str, Path]) -> tuple[dict[str, str], list[Issue]]:
    """Return ``{section key: file name}`` for `files` and what could not be recognised."""
    known = _by_name()
    evidence = registry().section(FIELD_EVIDENCE).key
    chosen: dict[str, str] = {}
    issues: list[Issue] = []
    for name, path in files.items():
        stem = _COPY.sub("", PurePosixPath(name).stem.strip())
        section = known.get(stem) or known.get(_first_sheet(path) or "")
        if section is None:
            accepted = "、".join(s.workbook or f"{s.key}.xlsx" for s in registry().lists)
            issues.append(
                _problem(
                    name,
                    f"认不出这是哪一份名单：文件名应是 {accepted} 之一（jidi-docs init 生成的表格），"
                    "或第一个工作表以名单命名。",
                )
            )
        elif section.key == evidence:
            issues.append(
                _problem(
                    name,
                    "佐证材料的文件不能随表格导入：请在“佐证材料”页上传，"
                    "或导入整个申报文件夹（zip，含佐证材料）。",
                )
            )
        elif section.key in chosen:
            issues.append(
                _problem(
                    name,
                    f"与“{chosen[section.key]}”都是“{section.key}”名单，请只选其中一个文件。",
                )
            )
        else:
            chosen[section.key] = name
    return chosen, issues


def _place(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for part in path[:-1]:
        child = data.get(part)
        data[part] = child = dict(child) if isinstance(child, dict) else {}
        data = child
    data[path[-1]] = value


def import_tables(draft: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
    """Return `draft` with each list held in `files` (file name → content) replaced by its rows.

    Raises:
        ValidationFailed: a file is not one of the lists, two files hold the same list, a file
            cannot be read, or one of its cells breaks the rules (messages name file, row and
            column). Nothing is imported then.
    """
    with tempfile.TemporaryDirectory(prefix="jidi-tables-") as tmp:
        folder = Path(tmp)
        paths: dict[str, Path] = {}
        for name, content in files.items():
            safe = PurePosixPath(name.replace("\\", "/")).name or "表格.xlsx"
            paths[safe] = folder / safe
            paths[safe].write_bytes(content)
        issues = [i for i in map(_too_large, paths.items()) if i is not None]
        if issues:
            raise ValidationFailed(issues, source=SOURCE)
        chosen, issues = _recognise(paths)
        if issues:
            raise ValidationFailed(issues, source=SOURCE)
        reg = registry()
        data = copy.deepcopy(clean(draft))
        for key, name in chosen.items():
            _place(data, reg.path(key), {FILE_KEY: name})
        doc = YamlDoc(data=data, source=YAML_NAME)  # rows get their spreadsheet positions here
        try:  # unreadable files, missing or unknown columns, digits Excel has lost
            expanded = expand_tables(data, doc=doc, base_dir=folder)
        except ValidationFailed as failed:
            raise ValidationFailed(failed.issues, source=SOURCE) from None
        try:
            validate(expanded, doc=doc)
        except ValidationFailed as failed:
            # only the imported rows' problems: the rest of the draft may be unfinished
            ours = [i for i in failed.issues if i.file and i.file != YAML_NAME]
            if ours:
                raise ValidationFailed(ours, source=SOURCE) from None
    out = copy.deepcopy(draft)
    for key in chosen:
        path = reg.path(key)
        rows = expanded
        for part in path:
            rows = rows[part]
        _place(out, path, _as_text(rows))
    return out
