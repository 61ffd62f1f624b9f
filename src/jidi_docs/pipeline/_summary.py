"""The district's 汇总表: one row per application of a batch, as .xlsx (openpyxl) and .csv.

Why both: district offices open the workbook in Excel or WPS; the CSV is for scripts and diffs.
The CSV is written as UTF-8 with a byte-order mark, because Excel (and WPS) read a BOM-less CSV
as the local ANSI code page and show Chinese as mojibake.

The table itself (`summary_table`) is pure data, so its content and order are tested apart
from the file formats. Rows follow the 认定批次's own order of districts, then 单位名称 in pinyin
order, as a district office files them. The workbook prints on A4 landscape, one page wide,
with the header row on every page; each error is one short line (paths relative to the batch's
folders) and its full text is on a second sheet.
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
from typing import TYPE_CHECKING, Any

from .._fs import atomic_write, atomic_write_many
from .._text import display_width
from ..errors import OutputError
from ..forms._format import fmt_number

if TYPE_CHECKING:
    from ..review._check import CheckReport
    from ..schema._model import Application

__all__ = [
    "CSV_NAME",
    "FIXED_HEADERS",
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
TAIL_HEADERS = ("预审结果", "生成结果", "备注", "错误信息")
#: Statuses from best to worst; an application's 预审结果 is its worst condition.
_STATUS_ORDER = ("符合", "需注意", "不符合")
#: The workbook's printed title.
TITLE = "跨境电商人才社会培训基地认定申报汇总表"

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
        district_rank: the position of `district` in its 认定批次's list (None: not in it).
        kept_forms: the forms (file names) edited by hand that went into the bundle as they
            are, instead of forms generated from the YAML.
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
    district_rank: int | None = None
    kept_forms: tuple[str, ...] = ()

    @classmethod
    def of(cls, app: Application, report: CheckReport, file: str) -> SummaryRow:
        """Return the row of a valid application and its 预审 (batch and portal alike)."""
        districts = app.profile.districts
        district = app.basic.district
        return cls(
            file=file,
            unit=app.basic.name,
            district=district,
            lecturers=app.lecturer_count,
            bachelor_ratio=app.bachelor_ratio,
            crossborder_trainees=app.crossborder_trainees,
            total_trainees=app.basic.total_trainees,
            total_score=app.total_score,
            conditions={c.title: c.status for c in report.conditions},
            district_rank=districts.index(district) if district in districts else None,
        )

    @property
    def remark(self) -> str:
        """备注: which forms went into the bundle as edited by hand (the YAML differs)."""
        titles = [_form_title(name) for name in self.kept_forms]
        return f"{'、'.join(titles)}用的是手工修改版（与申报 YAML 不一致）" if titles else ""

    @property
    def review(self) -> str | None:
        """预审结果: the worst status of the conditions (None when it was not checked)."""
        if not self.conditions:
            return None
        return max(self.conditions.values(), key=_STATUS_ORDER.index)


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
    for row in rows:
        titles.extend(t for t in row.conditions if t not in titles)
    headers = [*FIXED_HEADERS, *titles, *TAIL_HEADERS]
    body: list[list[Cell]] = []
    for row in sort_rows(rows):
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
                row.review,
                "成功" if row.ok else "失败",
                row.remark or None,
                short_error(row.error, roots) or None,
            ]
        )
    return headers, body


def sort_rows(rows: Sequence[SummaryRow]) -> list[SummaryRow]:
    """Return `rows` in the 汇总表's order: district as the 认定批次 lists them, then pinyin."""
    return sorted(rows, key=_sort_key)


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


def _xlsx_cell(value: Cell) -> str | int | float | None:
    # openpyxl stores Decimal as a number too, but a float keeps the workbook free of surprises
    # for readers that do not know Decimal; figures here have at most one decimal.
    if isinstance(value, Decimal):
        return float(value)
    return value


def _write_xlsx(
    path: Path, headers: list[str], body: list[list[Cell]], errors: list[tuple[str, str]]
) -> None:
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
            [display_width(header), *(display_width(str(v[index - 1] or "")) for v in body)]
        )
        cap = 60 if header == "错误信息" else 40
        ws.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 8), cap)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _print_setup(ws)
    if errors:
        details = wb.create_sheet("错误详情")
        details.append(["文件", "错误信息（全文）"])
        for file, text in errors:
            details.append([file, text])
        for cell in details[1]:
            cell.font = bold
        details.column_dimensions["A"].width = 40
        details.column_dimensions["B"].width = 100
        for row in details.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    wb.save(path)


def _print_setup(ws: Any) -> None:
    """A4 landscape, one page wide, header row on every page, title and date in the header."""
    import datetime as dt

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.oddHeader.center.text = TITLE
    ws.oddHeader.right.text = f"生成日期：{dt.date.today().isoformat()}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


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
    errors = [(r.file, r.error) for r in sort_rows(rows) if r.error]
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx, csv_path = out_dir / XLSX_NAME, out_dir / CSV_NAME
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        with atomic_write(xlsx, force=force) as tmp:
            _write_xlsx(tmp, headers, body, errors)
    except OutputError as e:
        if not e.locked:
            raise
        # Excel holds the old one open (Windows refuses to replace it): the applications are
        # built, so keep this run's summary under another name rather than fail the batch.
        xlsx = xlsx.with_name(f"{xlsx.stem}-{stamp}{xlsx.suffix}")
        logger.warning("%s本次的汇总表已另存为 %s。", e, xlsx.name)
        with atomic_write(xlsx, force=force) as tmp:
            _write_xlsx(tmp, headers, body, errors)
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
