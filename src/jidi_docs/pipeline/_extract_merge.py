"""``extract`` into a folder that already holds an application: the form's values replace the
form's own fields, and everything else the person had stays.

Replaced: the fields of 基本情况, the seven lists and the two 审核意见 — each only where the form
holds a value. A field the form leaves empty, or a list found empty or not found at all, keeps
what the YAML had (and the message says so): an empty cell is no reason to lose a value. Kept
as written, comments included: 认定批次, 自评分, 佐证材料 and any other key. A list kept in a
workbook (``讲师: {文件: 讲师.xlsx}``) stays a link.

Why the linked workbook is updated rather than the differences listed: the form is read because
it is the newer source (基本情况 and the opinions come from it too). A list of differences would
leave the link pointing at the old rows until someone copies the new ones over by hand, and
meanwhile ``check`` and ``bundle`` would quietly use the old rows. So the form's rows are written
into the workbook itself: openpyxl keeps its header, notes, drop-downs and formats; a workbook
whose rows already equal the form's is not touched; a missing one is made as ``init`` makes it.
Nothing is lost: the old workbook is kept under a ``（修改备份 …）`` name beside it, and so is the
old YAML (the comments inside the replaced sections go). The new YAML is read back before any
file is written, and the kept sections must come back exactly as they were.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._fs import backup_name
from .._text import csv_text, keep_text
from ..errors import InputError, InternalError, Issue
from ..forms import Extracted, join_blocks, section_notes, yaml_blocks
from ..input import FILE_KEY, SHEET_KEY, YamlDoc, parse_yaml, read_table
from ..schema import Registry, Section, registry

__all__ = ["Merge", "merge_into"]


@dataclass
class Merge:
    """What merging gives: the new YAML, the workbooks to write, the backups, and what was done."""

    text: str
    files: dict[Path, bytes] = field(default_factory=dict)
    keep: dict[Path, Path] = field(default_factory=dict)  # file → the backup it is copied to
    lines: list[str] = field(default_factory=list)


def _is_link(value: Any) -> bool:
    return isinstance(value, dict) and FILE_KEY in value


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


@dataclass
class _Plan:
    """The data the merged YAML holds, and what came from where."""

    data: dict[str, Any]
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    verbatim: set[str] = field(default_factory=set)  # top-level keys copied as written
    tables: list[tuple[tuple[str, ...], dict[str, Any], list[dict[str, Any]]]] = field(
        default_factory=list
    )


def merge_into(out: Path, old: YamlDoc, extracted: Extracted, reg: Registry | None = None) -> Merge:
    """Merge the form read (`extracted`) into the application `old` read from `out`.

    Raises:
        InputError: a linked workbook exists but cannot be read (nothing is written then).
        InternalError: the merged YAML would not give back what was kept (a bug).
    """
    reg = reg or registry()
    plan = _plan(old.data, extracted, reg)
    merge = Merge("")
    for path, link, rows in plan.tables:
        _update_table(out.parent, reg, path, link, rows, merge)
    merge.text = _compose(old, extracted, plan)
    _check(merge.text, old.data, plan, out)
    backup = backup_name(out)
    merge.keep[out] = backup
    merge.lines = [
        f"已按申报表更新：{'、'.join(plan.replaced) or '（没有）'}",
        *([f"保留了原来的：{'、'.join(plan.kept)}"] if plan.kept else []),
        *merge.lines,
        f"原来的 {out.name} 已另存为 {backup.name}",
    ]
    return merge


def _plan(old: dict[str, Any], extracted: Extracted, reg: Registry) -> _Plan:
    form = extracted.data
    plan = _Plan(dict(old))
    # 基本情况 and the two 审核意见 (the application's free-text boxes 九 and 十), from the registry
    basic_key = reg.mapping_section.key
    opinions = [c.label for c in reg.root.columns if c.type == "长文字"]
    found = {s.key: s for s in extracted.sections}
    # 基本情况, field by field.
    old_basic = old.get(basic_key) if isinstance(old.get(basic_key), dict) else {}
    assert isinstance(old_basic, dict)
    form_basic = form.get(basic_key, {})
    if form_basic:
        basic: dict[str, Any] = {}
        blank: list[str] = []
        order = [*reg.section(basic_key).labels, *(k for k in old_basic if k not in form_basic)]
        for key in dict.fromkeys(order):
            mine, theirs = old_basic.get(key), form_basic.get(key)
            if key == "培训场地" and isinstance(mine, dict) and _is_link(mine):
                basic[key] = mine
                if theirs:
                    plan.tables.append(((basic_key, key), mine, list(theirs)))
            elif _filled(theirs):
                basic[key] = theirs
            elif _filled(mine):
                basic[key] = mine
                blank.append(key)
        plan.data[basic_key] = basic
        if blank:
            plan.kept.append(f"{basic_key}的{'、'.join(blank)}（申报表里是空的）")
        plan.replaced.append(basic_key)
    elif basic_key in old:
        plan.verbatim.add(basic_key)
        plan.kept.append(f"{basic_key}（申报表里没有读到）")
    # The lists, whole.
    for section in reg.form_sections:
        key = section.key
        rows = form.get(key, [])
        if rows and _is_link(old.get(key)):
            plan.tables.append(((key,), old[key], rows))
            plan.verbatim.add(key)
            plan.replaced.append(f"{key}（在 {old[key][FILE_KEY]} 里）")
        elif rows:
            plan.data[key] = rows
            plan.replaced.append(key)
        elif key in old:
            plan.verbatim.add(key)
            report = found.get(key)
            why = "没有找到这一栏" if report is None or not report.found else "这一栏是空的"
            plan.kept.append(f"{key}（申报表里{why}）")
        else:
            plan.data[key] = []
    for key in opinions:
        if _filled(form.get(key)):
            plan.data[key] = form[key]
            plan.replaced.append(key)
        elif key in old:
            plan.verbatim.add(key)
            plan.kept.append(key)
    form_keys = {basic_key, *opinions, *(s.key for s in reg.form_sections)}
    others = [k for k in old if k not in form_keys]
    plan.verbatim.update(others)
    plan.kept[:0] = others
    return plan


# -- the YAML text -------------------------------------------------------------------------------


def _split(old: YamlDoc) -> tuple[list[str], dict[str, list[str]]]:
    """The old file's lines before its first key, and each top-level key's lines as written.

    A key's block runs from the comment lines right above it (no blank line between) to the
    line before the next block.

    Raises:
        InputError: the keys are not each at the start of a line of their own (flow style).
    """
    lines = old.text.splitlines()
    marks = [(old.keys[(k,)], k) for k in old.data if (k,) in old.keys]
    starts = sorted((m.line - 1, k) for m, k in marks)
    if len(starts) != len(old.data) or any(m.column != 1 for m, _ in marks):
        raise InputError(
            Issue(
                old.source,
                None,
                None,
                "",
                "文件已经存在，但它的各栏不是一栏一行从行首写起的（例如整个文件写在一对大括号里），"
                "没法逐栏合并，所以没有改动它。请换一个文件名（-o），"
                "或加 --force 整个覆盖（原文件会另存为备份）。",
            )
        )
    begins = []
    for line, _ in starts:
        while line > 0 and lines[line - 1].lstrip().startswith("#"):
            line -= 1
        begins.append(line)
    if not begins:
        return lines, {}
    blocks = {}
    for i, (_, key) in enumerate(starts):
        end = begins[i + 1] if i + 1 < len(begins) else len(lines)
        block = lines[begins[i] : end]
        while block and not block[-1].strip():
            block.pop()
        blocks[key] = block
    return lines[: begins[0]], blocks


def _own_header(line: str) -> bool:
    """True for the lines of an earlier extract's header, replaced by the new one."""
    return line.startswith(("# 由 ", "# 读取结果", "#   ")) or not line.strip()


def _compose(old: YamlDoc, extracted: Extracted, plan: _Plan) -> str:
    preamble, written = _split(old)
    merged = Extracted(
        {k: v for k, v in plan.data.items() if k not in plan.verbatim},
        extracted.notes,
        extracted.source,
        extracted.sections,
        extracted.changes,
    )
    fresh = yaml_blocks(merged)
    user_head = [ln for ln in preamble if not _own_header(ln)]
    blocks: dict[str, list[str]] = {"": fresh[""]}
    if user_head:
        blocks[""] += ["", *user_head]
    order = [k for k in written] + [k for k in fresh if k and k not in written]
    for key in order:
        if key in plan.verbatim:
            blocks[key] = [*written[key], *section_notes(extracted, key)]
        elif key in fresh:
            blocks[key] = fresh[key]
        else:
            blocks[key] = written[key]
    return join_blocks(blocks)


def _check(text: str, old: dict[str, Any], plan: _Plan, out: Path) -> None:
    """Read the merged YAML back: every key must hold what the plan says, kept ones unchanged."""
    try:
        back = parse_yaml(text, str(out)).data
    except InputError as e:
        raise InternalError(f"合并后的 {out.name} 读不回来：{e}") from e
    want = {k: (old[k] if k in plan.verbatim else plan.data[k]) for k in plan.data}
    wrong = [k for k in want if _norm(back.get(k)) != _norm(want[k])]
    if wrong:
        raise InternalError(f"合并后的 {out.name} 中 {'、'.join(wrong)} 与应写入的内容不一致")


def _norm(value: Any) -> Any:
    """Data as the YAML reads it back (every scalar a string; an empty list as written)."""
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return None if value is None else str(value)


# -- the workbooks -------------------------------------------------------------------------------


def _section_of(reg: Registry, path: tuple[str, ...]) -> Section:
    return reg.section(path[-1])


def _update_table(
    folder: Path,
    reg: Registry,
    path: tuple[str, ...],
    link: dict[str, Any],
    rows: list[dict[str, Any]],
    merge: Merge,
) -> None:
    """Write the form's `rows` into the workbook `link` names, if they differ from its rows."""
    name = str(link[FILE_KEY])
    sheet = link.get(SHEET_KEY)
    file = folder / name
    section = _section_of(reg, path)
    if not file.exists():
        merge.files[file] = _new_workbook(file, section, rows)
        merge.lines.append(f"{name} 原来不存在，已新建并写入申报表中的 {len(rows)} 行")
        return
    aliases = {alias: c.label for c in section.columns for alias in c.header_aliases}
    table = read_table(
        file,
        columns=section.labels,
        required=section.required,
        sheet=sheet if isinstance(sheet, str) else None,
        display=name,
        field_path=path,
        aliases=aliases,
    )
    if not table.header_row:
        reason = "；".join(i.message for i in table.issues) or "找不到表头"
        raise InputError(
            Issue(
                str(file),
                None,
                None,
                "",
                f"这个表格读不出来（{reason}），没有合并，什么也没有写入。"
                "请修好或移走这个表格后再试，或用 -o 把读取结果写到另一个文件。",
            )
        )
    had = [row for _, row in table.rows]
    if _same_rows(had, rows):
        merge.lines.append(f"{name} 的 {len(rows)} 行与申报表一致，没有改动")
        return
    if file.suffix.lower() == ".csv":
        merge.files[file] = _csv_bytes(table.columns, section, rows)
    else:
        merge.files[file] = _workbook_bytes(
            file, sheet, table.header_row, table.columns, section, rows
        )
    if had:
        merge.keep[file] = backup_name(file)
        merge.lines.append(
            f"{name} 已按申报表写入 {len(rows)} 行（原来 {len(had)} 行），"
            f"原表格另存为 {merge.keep[file].name}"
        )
    else:
        merge.lines.append(f"{name} 原来是空的，已写入申报表中的 {len(rows)} 行")


def _same_rows(had: list[dict[str, str]], rows: list[dict[str, Any]]) -> bool:
    def norm(row: dict[str, Any]) -> dict[str, str]:
        return {k: str(v).strip() for k, v in row.items() if _filled(v) and str(v).strip()}

    return [norm(r) for r in had] == [norm(r) for r in rows]


def _cell(value: Any, column_type: str) -> Any:
    """The value to write: numbers of number columns as numbers (Excel would flag them as
    text), everything else as the text read."""
    if value is None:
        return None
    text = str(value)
    if column_type in ("整数", "数字"):
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number
    return text


def _types(section: Section) -> dict[str, str]:
    return {c.label: c.type for c in section.columns}


def _workbook_bytes(
    file: Path,
    sheet: Any,
    header_row: int,
    columns: dict[int, str],
    section: Section,
    rows: list[dict[str, Any]],
) -> bytes:
    """The workbook with its data rows replaced by `rows`; header, notes and formats kept."""
    import openpyxl

    wb = openpyxl.load_workbook(file)
    ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[0]
    first = header_row + 1
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row <= header_row <= rng.max_row:
            first = max(first, rng.max_row + 1)
        elif rng.min_row >= first:
            ws.unmerge_cells(str(rng))
    where = {label: c for c, label in columns.items()}
    number = next(
        (
            c
            for c in range(1, ws.max_column + 1)
            if "".join(str(ws.cell(header_row, c).value or "").split()) == "序号"
        ),
        None,
    )
    free = max([*where.values(), number or 0, ws.max_column]) + 1
    for label in section.labels:
        if label not in where and any(_filled(r.get(label)) for r in rows):
            ws.cell(header_row, free, label)
            where[label] = free
            free += 1
    targets = [*where.values(), *([number] if number else [])]
    for r in range(first, max(ws.max_row, first + len(rows)) + 1):
        for c in targets:
            ws.cell(r, c).value = None
    types = _types(section)
    for i, row in enumerate(rows):
        r = first + i
        if number:
            ws.cell(r, number).value = i + 1
        for label, c in where.items():
            cell = ws.cell(r, c)
            cell.value = _cell(row.get(label), types.get(label, ""))
            keep_text(cell)  # text that looks like a formula stays text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv_bytes(columns: dict[int, str], section: Section, rows: list[dict[str, Any]]) -> bytes:
    labels = list(dict.fromkeys([*columns.values(), *section.labels]))
    used = [lb for lb in labels if lb in columns.values() or any(_filled(r.get(lb)) for r in rows)]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(used)
    for row in rows:
        values = ("" if row.get(lb) is None else str(row.get(lb)) for lb in used)
        writer.writerow([csv_text(v) for v in values])
    return text.getvalue().encode("utf-8-sig")


def _new_workbook(file: Path, section: Section, rows: list[dict[str, Any]]) -> bytes:
    """A workbook as ``init`` makes it (header, notes, drop-downs), holding `rows`."""
    import tempfile

    from ._scaffold import write_table_template

    with tempfile.TemporaryDirectory(prefix="jidi-table-") as tmp:
        blank = Path(tmp) / file.name
        write_table_template(blank, section.key)
        columns = {c: label for c, label in enumerate(section.labels, start=1)}
        return _workbook_bytes(blank, None, 1, columns, section, rows)
