"""No workbook the project writes holds a base's text as a formula (OWASP "CSV injection").

A 单位名称 such as ``=HYPERLINK("http://…","点我")`` must reach the office's 汇总表 as the text
it is. Each workbook is read back with openpyxl (every cell's data type) and its sheets' XML is
searched for a formula element, so a formula cannot hide behind a cached value.
"""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from jidi_docs import init
from jidi_docs.pipeline._batch import batch
from jidi_docs.pipeline._summary import SummaryRow, write_summary
from pdfhelpers import as_unit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "data" / "示例" / "申报.yaml").read_text("utf-8")
EXAMPLE_UNIT = "杭州示例跨境电商职业培训学校有限公司"

#: One hostile text per first character a spreadsheet program takes for a formula.
HOSTILE = [
    '=HYPERLINK("http://evil.example","点我")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def assert_no_formula(xlsx: Path) -> list[str]:
    """Fail if any cell of `xlsx` is a formula; return every text cell's value."""
    with zipfile.ZipFile(xlsx) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(rb"<(\w+:)?f[ >/]", zf.read(name)), name
    texts = []
    wb = openpyxl.load_workbook(xlsx)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type in ("s", "inlineStr"), cell.coordinate
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        # Excel's quote prefix: editing the cell keeps it text
                        assert cell.quotePrefix, (cell.coordinate, cell.value)
                    texts.append(cell.value)
    return texts


def test_the_summary_writer_stores_every_formula_like_text_as_text(tmp_path: Path) -> None:
    rows = [SummaryRow(f"{text}/申报.yaml", text, text, ok=False, error=text) for text in HOSTILE]

    xlsx, csv_path = write_summary(rows, tmp_path)

    texts = assert_no_formula(xlsx)
    for text in HOSTILE:  # the value is kept exactly, on both sheets
        assert texts.count(text) >= 3, repr(text)
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        cells = [cell for row in list(csv.reader(f))[1:] for cell in row]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert f"'{HOSTILE[0]}" in cells


def test_a_batch_of_hostile_applications_writes_a_summary_without_formulas(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    for n, text in enumerate(HOSTILE[:4]):
        (folder / f"{text[:2]}{n}").mkdir(parents=True)
        hostile = as_unit(EXAMPLE, text.replace("'", "’"))  # each its own credit code
        (folder / f"{text[:2]}{n}" / "申报.yaml").write_text(hostile, encoding="utf-8")

    result = batch([folder], tmp_path / "out", jobs=1, pdf=False)

    units = [item.row.unit for item in result.items if item.row is not None and item.row.unit]
    assert units, [item.error for item in result.items]
    assert any(u.startswith("=HYPERLINK") for u in units)  # the loader let it through
    texts = assert_no_formula(tmp_path / "out" / "汇总表.xlsx")
    assert set(units) <= set(texts)


@pytest.mark.parametrize("key", ["讲师", "培训活动"])
def test_the_table_templates_of_init_have_no_formula_cells(tmp_path: Path, key: str) -> None:
    init(tmp_path / "新申报")

    workbooks = sorted((tmp_path / "新申报").rglob("*.xlsx"))

    assert any(key in p.name for p in workbooks)
    for xlsx in workbooks:
        assert_no_formula(xlsx)
