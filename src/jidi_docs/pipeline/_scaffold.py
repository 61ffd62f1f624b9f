"""``jidi-docs init``: a new application folder that office staff can fill without knowing YAML.

The folder holds a ``申报.yaml`` with every field present, blank, and explained by a comment (what
it is, its unit, an example), with the schema line VS Code's YAML extension reads; one Excel
workbook per list (讲师.xlsx …) whose header row is exactly the YAML keys, with a note, a drop-down
or a text format where Excel would otherwise get in the way; and ``佐证材料/`` with one folder per
评价表 indicator. Nothing that already exists is ever overwritten.

Why blank values instead of examples: an example left in by mistake would reach the official
forms. Blank fields make the first ``check`` fail, so `summarize_unfilled` turns the "this is
empty" errors into one short list of what is still to fill in, and keeps real mistakes apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .._fs import atomic_write
from .._text import display_width, no_formulas
from ..errors import InputError, Issue, ValidationFailed
from ..forms import fmt_number
from ..input import (
    APPLICATION_FILE,
    EVIDENCE_DIR,
    FILE_KEY,
    as_path,
    get_profile,
    iter_paths,
    json_schema,
    label,
    parse_yaml,
    read_text,
)
from ..schema import EDUCATION_LEVELS, Column, Profile, Registry, Section, registry

__all__ = [
    "EVIDENCE_DIR",
    "SCHEMA_FILE",
    "TABLE_FILES",
    "YAML_FILE",
    "InitResult",
    "init",
    "scaffold_yaml",
    "summarize_unfilled",
    "write_table_template",
]

YAML_FILE = APPLICATION_FILE
SCHEMA_FILE = "申报.schema.json"

#: The lists kept in spreadsheets by a fresh folder, and their workbook names (from the registry).
TABLE_FILES: dict[str, str] = registry().workbooks

_TEMPLATE_ROWS = 300


@dataclass
class InitResult:
    """What `init` did: the files and folders it created, and those it found and left alone."""

    folder: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def _pad(text: str, width: int = 24) -> str:
    """Pad `text` to a display width (CJK characters count twice) so comments line up."""
    shown = display_width(text)
    return text + " " * max(1, width - shown)


def _example(column: Column) -> str:
    value = column.example
    return "" if value is None else str(value)


def _help(column: Column, profile: Profile) -> str:
    """The comment of a blank field: what it is, an example, whether it may stay blank."""
    if column.type == "区县":
        return f"{'、'.join(profile.districts)} 之一"
    text = column.description
    if column.example is not None and column.type != "文字列表":
        text += f"，例如 {_example(column)}"
    if not column.required and column.type != "文字列表":
        text += "（选填）"
    return text


def _section_lines(section: Section, reg: Registry, profile: Profile) -> list[str]:
    """The lines of 基本情况: one blank field per column, a nested list written out once."""
    lines = []
    for column in section.columns:
        if column.type == "栏目":
            inner = reg.section(column.label)
            count = len(inner.columns)
            lines.append(
                f"  {_pad(column.label + ':')}# {inner.description}；再加一处时复制下面 {count} 行"
            )
            for n, c in enumerate(inner.columns):
                lead = "    - " if n == 0 else "      "
                lines.append(f"{lead}{_pad(c.label + ':', 20)}# {_help(c, profile)}")
        elif column.type == "文字列表":
            lines.append(f"  {_pad(column.label + ': []')}# {_help(column, profile)}")
        else:
            lines.append(f"  {_pad(column.label + ':')}# {_help(column, profile)}")
    return lines


def scaffold_yaml(profile: Profile | str | None = None, *, reg: Registry | None = None) -> str:
    """Return the text of a fresh ``申报.yaml``: every field blank, each with a Chinese comment.

    Args:
        profile: the 认定批次 (default: the registry's default 认定批次).
        reg: the registry of sections (by default the built-in one).
    """
    reg = reg or registry()
    chosen = profile if isinstance(profile, Profile) else get_profile(profile)
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        f"# {chosen.notice_title.removeprefix('关于开展').removesuffix('的通知')} —— 申报数据",
        "# 填写方法：在每个冒号后面空一格再填写；# 后面是说明，可以保留。",
        "# 日期写成 2021-08-17；面积、人数等只写数字。名单类内容在同一文件夹的 Excel 表格里填写。",
        f"# 填好后检查：jidi-docs check {YAML_FILE}",
    ]
    previous_was_list = False
    for column in (c for c in reg.root.columns if not c.office_only):
        is_list = column.type == "栏目" and column.label != reg.mapping_section.key
        if not (is_list and previous_was_list):
            lines.append("")
        previous_was_list = is_list
        if column.type == "认定批次":
            lines.append(f"{column.label}: {chosen.name}")
        elif column.type == "栏目" and not is_list:
            section = reg.section(column.label)
            lines.append(f"{column.label}:   # {section.description}")
            lines += _section_lines(section, reg, chosen)
        elif is_list:
            section = reg.section(column.label)
            entry = f"{column.label}: {{{FILE_KEY}: {section.workbook}}}"
            lines.append(f"{_pad(entry, 40)}# {section.description}")
        elif column.type == "自评分":
            lines.append(f"{column.label}:   # {column.description}")
            for ind in chosen.indicators:
                lines.append(f"  {_pad(ind.name + ':')}# 满分 {fmt_number(ind.max_points)} 分")
        else:
            lines.append(f"{_pad(column.label + ':', 24)}# {_help(column, chosen)}")
    return "\n".join(lines) + "\n"


def _choices(column: Column, profile: Profile) -> list[str]:
    """The drop-down of a column in its workbook (none for free text)."""
    if column.type == "学历":
        return list(EDUCATION_LEVELS)
    if column.type == "选项":
        return list(column.choices)
    if column.type == "指标":
        return profile.evidence_groups
    if column.type == "区县":
        return list(profile.districts)
    return []


def write_table_template(
    path: Path, key: str, profile: Profile | str | None = None, *, reg: Registry | None = None
) -> None:
    """Write an empty workbook for the list `key`: the header row, notes, drop-downs, text columns."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    chosen = profile if isinstance(profile, Profile) else get_profile(profile)
    section = (reg or registry()).section(key)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook starts with one worksheet
    ws.title = key
    ws.freeze_panes = "A2"
    for c, column in enumerate(section.columns, start=1):
        cell = ws.cell(row=1, column=c, value=column.label)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        example = _example(column)
        note = ("必填。" if column.required else "") + column.description
        if column.text_format:
            note += "；本列已设为文本格式，号码不会变成科学计数法"
        if example:
            note += f"\n例如：{example}"
        cell.comment = Comment(note, "jidi-docs", width=260, height=110)
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = max(12, min(40, 2 * len(example) + 4))
        rng = f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}"
        if column.text_format:
            for r in range(2, _TEMPLATE_ROWS + 2):
                ws.cell(row=r, column=c).number_format = "@"
        choices = _choices(column, chosen)
        if choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error=f"只能是：{'、'.join(choices)}",
            )
            dv.add(rng)
            ws.add_data_validation(dv)
    no_formulas(wb)
    with atomic_write(path) as tmp:
        wb.save(tmp)


def init(
    folder: str | Path, *, profile: Profile | str | None = None, reg: Registry | None = None
) -> InitResult:
    """Create a new application folder at `folder`, leaving every existing file untouched.

    Args:
        folder: the folder to fill; created if missing, may already hold some of the files.
        profile: the 认定批次 (default: the registry's default 认定批次).
        reg: the registry of sections (by default the built-in one).

    Returns:
        Which files and folders were created and which already existed.

    Raises:
        InputError: `folder` is an existing file, or cannot be created.
    """
    root = as_path(folder, "folder")
    if root.exists() and not root.is_dir():
        raise InputError(
            Issue(str(root), None, None, "", "这是一个文件，不是文件夹。请换一个文件夹名称。")
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            Issue(str(root), None, None, "", f"无法创建文件夹：{exc.strerror}。")
        ) from exc
    chosen = profile if isinstance(profile, Profile) else get_profile(profile)
    result = InitResult(root)

    def write_text(path: Path, text: str) -> None:
        if path.exists():
            result.kept.append(path)
            return
        with atomic_write(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
        result.created.append(path)

    reg = reg or registry()
    write_text(root / YAML_FILE, scaffold_yaml(chosen, reg=reg))
    schema = json.dumps(json_schema(chosen, reg=reg), ensure_ascii=False, indent=2) + "\n"
    write_text(root / SCHEMA_FILE, schema)
    for key, filename in reg.workbooks.items():
        path = root / filename
        if path.exists():
            result.kept.append(path)
            continue
        write_table_template(path, key, chosen, reg=reg)
        result.created.append(path)
    for group in [EVIDENCE_DIR, *(f"{EVIDENCE_DIR}/{g}" for g in chosen.evidence_groups)]:
        path = root / group
        if path.exists():
            result.kept.append(path)
        else:
            path.mkdir()
            result.created.append(path)
    return result


def _blank_labels(source: str | None) -> set[str] | None:
    """Return the labels of every value left blank in the YAML file `source`, or None if unreadable."""
    if source is None:
        return None
    try:
        doc = parse_yaml(read_text(Path(source)), source)
    except InputError:
        return None
    return {
        label(p)
        for p, v in iter_paths(doc.data)
        if v is None or (isinstance(v, str) and not v.strip())
    }


def summarize_unfilled(error: ValidationFailed, path: str | Path | None = None) -> ValidationFailed:
    """Return `error` with the "still empty" problems of the YAML file folded into one line.

    An issue counts as unfilled when it is about a value left blank in the YAML file itself, or a
    required field that is missing there; problems in spreadsheet rows keep their own lines,
    since the user needs their row numbers. When nothing is unfilled, `error` is returned as is.

    Args:
        error: what `jidi_docs.load` raised.
        path: the YAML file (default: the error's source).
    """
    source = str(path) if path is not None else error.source
    blank = _blank_labels(source) or set()
    unfilled: list[Issue] = []
    rest: list[Issue] = []
    for issue in error.issues:
        own = issue.file == source
        if own and (issue.field in blank or issue.message.startswith("是必填栏目")):
            unfilled.append(issue)
        else:
            rest.append(issue)
    if not unfilled:
        return error
    groups: dict[str, list[str]] = {}
    for issue in unfilled:
        parent, _, leaf = issue.field.rpartition(" → ")
        names = groups.setdefault(parent, [])
        if leaf not in names:
            names.append(leaf)
    parts = [
        f"{parent}：{'、'.join(names)}" if parent else "、".join(names)
        for parent, names in groups.items()
    ]
    summary = Issue(source, None, None, "", f"以下栏目还没有填写：{'；'.join(parts)}。")
    head = f"{source} 还有栏目没有填写" + (f"，另有 {len(rest)} 处错误：" if rest else "：")
    return ValidationFailed([summary, *rest], source=error.source, head=head)


def created_lines(result: InitResult) -> list[str]:
    """Return the lines the CLI prints about `result`, relative to its folder."""
    lines = [f"已创建 {p.relative_to(result.folder)}" for p in result.created]
    lines += [f"已存在，未改动 {p.relative_to(result.folder)}" for p in result.kept]
    return lines
