"""The 汇总表 made for paper (jidi_docs.pipeline._summary_xlsx), read back and printed by LibreOffice Calc."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest

from jidi_docs.pipeline._summary import TITLE, SummaryRow, write_summary
from jidi_docs.pipeline._summary_xlsx import PAPER_HEADERS
from pdfhelpers import require_calc, soffice_convert, text_sizes

CONDITIONS = [
    "各栏目都已填写",
    "所属区县在认定范围内",
    "统一社会信用代码登记在本地",
    "至少一处培训场地可容纳 20 人",
    "专职讲师不少于 3 名",
    "讲师学历一般为本科及以上",
    "跨境电商培训不少于 200 人次",
    "每期培训不少于 20 学时",
    "培训活动的讲师都列在讲师名单中",
    "各项活动都不晚于申报截止日期",
    "企业资质在申报截止日期仍有效",
    "每个评价指标都有佐证材料",
]
DISTRICTS = ["上城区", "西湖区", "滨江区", "萧山区", "余杭区", "建德市"]
#: The failed application's error: one line per problem, 30 of them.
LONG_ERROR = "/data/各单位/坏单位/申报.yaml 有 30 处错误：\n" + "\n".join(
    f"  • 第 {k} 处：/data/各单位/坏单位/讲师.xlsx（工作表 讲师） 第 {k + 1} 行："
    f"「讲师 → 第 {k} 项 → 学历」“大学”不在可选范围内。是不是“本科”？"
    "只能是：博士、硕士、本科、大专、中专、高中及以下。"
    for k in range(1, 31)
)


def rows(n: int) -> list[SummaryRow]:
    """`n` applications as a district sends them: long names, some 不符合, one failed, one edited."""
    out = []
    for i in range(n):
        failed = i == 3
        out.append(
            SummaryRow(
                f"单位{i:03d}/申报.yaml",
                f"杭州市{DISTRICTS[i % 6]}跨境电商职业技能培训学校有限公司第{i}分校",
                DISTRICTS[i % 6],
                figures={
                    "联系人": "李四",
                    "电话": "0571-87654321 转 8",
                    "讲师数量": 4,
                    "占比（%）": Decimal(75),
                    "跨境电商培训人次": 238,
                    "历年培训总人次": 3260,
                    "总分": Decimal("90.5"),
                },
                conditions={}
                if failed
                else {
                    t: "不符合" if (i + k) % 9 == 0 else "符合" for k, t in enumerate(CONDITIONS)
                },
                ok=not failed,
                error=LONG_ERROR if failed else "",
                district_rank=i % 6,
                kept_forms=("x-附件2-申报表.docx",) if i == 5 else (),
            )
        )
    return out


def sheet_pages(reader: pypdf.PdfReader, suffix: str = "") -> list[pypdf.PageObject]:
    """The pages of one sheet, told by the title at their top (the details' carries a suffix)."""
    heading = re.compile(rf"^{re.escape(TITLE + suffix)}(?!（)", re.MULTILINE)
    return [p for p in reader.pages if heading.search(p.extract_text())]


@pytest.fixture(scope="module", params=[20, 200])
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    soffice = require_calc()
    out = tmp_path_factory.mktemp(f"summary{request.param}")
    xlsx, _ = write_summary(rows(request.param), out, [Path("/data/各单位")])
    return request.param, pypdf.PdfReader(soffice_convert(soffice, xlsx, out))


@pytest.mark.soffice
def test_the_first_sheet_prints_on_a4_landscape_at_full_size(printed) -> None:
    n, reader = printed
    pages = sheet_pages(reader)

    sizes = [size for page in pages for _, size in text_sizes(page)]
    assert min(sizes) >= 9.0, min(sizes)
    assert round(min(sizes), 1) == 11.0  # not shrunk at all: the columns fit the page
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)  # A4 landscape
        text = page.extract_text()
        # Every column on every page: none was pushed onto a page of its own.
        assert all(h in text for h in PAPER_HEADERS), text[:200]
    # Two lines per application at most: about 15 to a page.
    assert len(pages) <= -(-n // 13)
    text = "".join(p.extract_text() for p in pages)
    # Each row tall enough for its wrapped name: the end of every name is printed.
    assert all(f"第{i}分校" in text for i in range(n))


@pytest.mark.soffice
def test_the_error_sheet_wraps_and_prints_every_line_of_a_long_error(printed) -> None:
    _, reader = printed
    pages = sheet_pages(reader, "（错误详情）")

    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))
    assert len(pages) >= 2  # 30 problems of several lines each: the error goes on, never cut
    assert all(f"第{k}处" in text and f"第{k + 1}行" in text for k in range(1, 31))
    assert text.count("高中及以下") == 30
    assert min(size for page in pages for _, size in text_sizes(page)) >= 9.0


@pytest.mark.soffice
def test_the_details_sheet_prints_every_condition_at_a_readable_size(printed) -> None:
    _, reader = printed
    pages = sheet_pages(reader, "（预审明细）")

    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))
    assert all(re.sub(r"\s+", "", t) in text for t in CONDITIONS)
    assert min(size for page in pages for _, size in text_sizes(page)) >= 9.0


def test_the_first_sheet_holds_what_an_office_files_and_phones_about(tmp_path: Path) -> None:
    xlsx, _ = write_summary(rows(12), tmp_path, [Path("/data/各单位")])

    wb = openpyxl.load_workbook(xlsx)

    assert wb.sheetnames == ["汇总", "预审明细", "错误详情"]
    ws = wb["汇总"]
    table = [[c.value for c in row] for row in ws.iter_rows()]
    assert (
        table[0]
        == list(PAPER_HEADERS)
        == [
            "序号",
            "区县",
            "单位名称",
            "联系人",
            "电话",
            "自评总分",
            "预审结果",
            "生成结果",
            "备注",
        ]
    )
    assert [r[0] for r in table[1:]] == list(range(1, 13))
    assert [r[1] for r in table[1:3]] == ["上城区", "上城区"]  # the 认定批次's order of districts
    first = table[1]
    assert first[3:8] == ["李四", "0571-87654321 转 8", 90.5, "不符合 2", "成功"]
    failed = next(r for r in table if r[7] == "失败")
    assert failed[2] == "杭州市萧山区跨境电商职业技能培训学校有限公司第3分校"
    assert failed[6] is None
    assert failed[8].startswith("坏单位/申报.yaml 有 30 处错误：第 1 处：")  # one short line
    edited = next(r for r in table if r[2].endswith("第5分校"))
    assert edited[8] == "附件2《申报表》用的是手工修改版（与申报 YAML 不一致）"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert int(ws.page_setup.scale) == 100
    assert ws.print_title_rows == "$1:$1"
    assert "汇总表" in ws.oddHeader.center.text
    # Rows are tall enough for their wrapped text (no program grows them on opening).
    assert all(ws.row_dimensions[r].height >= 2 * 14.5 for r in range(2, 14))
    errors = [[c.value for c in row] for row in wb["错误详情"].iter_rows(min_row=2)]
    assert len(errors) == 31  # the message's first line, then one row per problem
    assert errors[0][:3] == [failed[0], failed[2], "单位003/申报.yaml"]
    assert errors[1][:3] == [None, None, None]
    assert errors[1][3].startswith("• 第 1 处：")
    assert wb["错误详情"]["D2"].alignment.wrap_text is True
