"""The portal in a real browser (Debian's chromium through Playwright) against a live server.

One journey, as the issue describes it: the office invites a base; the base enters the example's
data page by page (table rows, an uploaded phone photo), sees a Chinese error on a wrong field,
fixes it, opens the preview of both forms (page images, then again from the cache), submits
and downloads the bundle; the office finds it with its 预审, writes 十,
downloads the 汇总表.xlsx and the regenerated 附件2 shows 十.

Set ``JIDI_SCREENSHOTS=1`` to refresh the README's pictures (docs/images/portal-*.png).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import yaml
from pypdf import PdfReader

from browserhelpers import login as _login
from browserhelpers import shot as _shot
from servehelpers import PASSWORD

pytestmark = [pytest.mark.soffice, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例"


def _saved(page: Any) -> None:
    from playwright.sync_api import expect

    # a locator assertion: the page's CSP forbids the eval a wait_for_function would need
    expect(page.locator("#status")).to_have_text(re.compile("^已保存"), timeout=30000)


def _fill(page: Any, path: str, value: Any) -> None:
    field = page.locator(f'[data-path="{path}"]')
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(str(value))
    elif isinstance(value, list):
        field.fill("\n".join(map(str, value)))
    else:
        field.fill(str(value))


def _fill_table(page: Any, key: str, rows: list[dict[str, Any]]) -> None:
    table = page.locator(f'[data-table-path="{key}"]')
    for n, row in enumerate(rows):
        table.locator(":scope > .add-row").click()
        for column, value in row.items():
            _fill(page, f"{key}.{n}.{column}", value)


def _section(page: Any, server: str, app_url: str, key: str) -> None:
    """Open the editor's page of section `key` by its heading, as a user would."""
    from jidi_docs.web._library import sections

    heading = next(s.heading for s in sections() if s.key == key)
    page.goto(app_url)
    page.get_by_role("link", name=heading, exact=True).first.click()
    page.wait_for_selector("#editor")


def test_a_base_applies_and_the_office_reviews_in_a_real_browser(
    server: str, browser: Any, tmp_path: Path
) -> None:
    example = yaml.safe_load((EXAMPLE / "申报.yaml").read_text(encoding="utf-8"))
    basic = example["基本情况"]
    office_ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    office = office_ctx.new_page()
    _login(office, server, "office", PASSWORD)
    office.fill('input[name="base_name"]', basic["单位名称"])
    office.select_option('#invite-form select[name="district"]', basic["所属区县"])
    office.click("text=创建邀请链接")
    link = office.locator("input.link").input_value()

    # -- the base joins with the one-time link ------------------------------------------------
    base_ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = base_ctx.new_page()
    page.goto(link)
    page.fill('input[name="username"]', "示例基地")
    page.fill('input[name="password"]', "base-password-42")
    page.fill('input[name="password2"]', "base-password-42")
    page.click('button[type="submit"]')
    page.get_by_role("link", name=basic["单位名称"]).click()
    app_url = page.url

    # -- 一、基本情况, with the 培训场地 table and the platform list ----------------------------
    _section(page, server, app_url, "基本情况")
    for key, value in basic.items():
        if key == "培训场地":
            _fill_table(page, "基本情况.培训场地", value)
        else:
            _fill(page, f"基本情况.{key}", value)
    _saved(page)
    _shot(page, "基本情况")

    # -- the list sections; one wrong value first ----------------------------------------------
    for key in [
        "管理运营团队",
        "讲师",
        "培训活动",
        "对接调研活动",
        "品牌创新活动",
        "企业荣誉",
        "企业资质",
    ]:
        _section(page, server, app_url, key)
        rows = [{k: v for k, v in row.items()} for row in example[key]]
        if key == "培训活动":
            rows[0] = {**rows[0], "培训人次": "五十六"}
        _fill_table(page, key, rows)
        _saved(page)
        if key == "培训活动":
            error = page.locator('.err[data-err="培训活动.0.培训人次"]')
            assert "应是整数" in error.inner_text()
            assert "五十六" in error.inner_text()
            _shot(page, "错误提示")
            _fill(page, "培训活动.0.培训人次", example[key][0]["培训人次"])
            _saved(page)
            assert error.inner_text() == ""

    _section(page, server, app_url, "申报单位审核意见")
    _fill(page, "申报单位审核意见", example["申报单位审核意见"])
    _saved(page)
    _section(page, server, app_url, "自评分")
    for key, value in example["自评分"].items():
        _fill(page, f"自评分.{key}", value)
    _saved(page)

    # -- 佐证材料: every entry with its files uploaded, the JPG as a phone photo ---------------
    _section(page, server, app_url, "佐证材料")
    table = page.locator('[data-table-path="佐证材料"]')
    for n, entry in enumerate(example["佐证材料"]):
        table.locator(":scope > .add-row").click()
        _fill(page, f"佐证材料.{n}.名称", entry["名称"])
        _fill(page, f"佐证材料.{n}.指标", entry["指标"])
        files = entry["文件"] if isinstance(entry["文件"], list) else [entry["文件"]]
        box = page.locator(f'[data-files-path="佐证材料.{n}.文件"]')
        box.locator("input.upload").set_input_files([str(EXAMPLE / f) for f in files])
        box.locator("li.file").nth(len(files) - 1).wait_for()
        _saved(page)
    page.wait_for_selector("#report .report")
    assert "st-不符合" not in page.inner_html("#report")
    _shot(page, "佐证材料")

    # -- 预览: both forms as page images, made in the background -----------------------------
    page.goto(app_url)
    page.click("#preview")
    _preview_loads(page)
    page.goto(app_url)
    page.click("#preview")  # the same draft again: its images at once, nothing queued
    assert page.locator("#preview-job").count() == 0
    page.locator("figure.page img").first.evaluate("e => e.decode()")
    _shot(page, "预览")
    _preview_loads(page)

    # -- submit, then the bundle as a queued job with progress -------------------------------
    page.goto(app_url)
    page.click("#submit")
    page.get_by_role("link", name="第 1 版").click()
    page.click("#make-bundle")
    link_pdf = page.locator(".job-link:not([hidden])")
    link_pdf.wait_for(timeout=240000)
    _shot(page, "申报材料")
    with page.expect_download() as download:
        link_pdf.click()
    pdf_path = tmp_path / "申报材料.pdf"
    download.value.save_as(pdf_path)
    reader = PdfReader(pdf_path)
    titles = _outline_titles(reader.outline)
    text = "".join(p.extract_text() for p in reader.pages[:8])
    evidence_pages = (
        sum(len(PdfReader(EXAMPLE / f).pages) for f in _files(example) if f.endswith(".pdf")) + 1
    )  # + the photo
    assert len(reader.pages) >= evidence_pages + 6  # cover, contents, 申报表, 评价表
    assert all(e["名称"] in titles for e in example["佐证材料"])
    assert any("申报表" in t for t in titles)
    assert any("评价表" in t for t in titles)
    assert basic["单位名称"] in text
    assert "钱七" in text

    # -- the office: 预审 in the list, 十, 汇总表, the regenerated 附件2 ------------------------
    office.goto(server)
    row = office.locator("tr", has_text=basic["单位名称"])
    assert "全部符合" in row.inner_text() or "有不符合项" in row.inner_text()
    _shot(office, "审核一览")
    row.get_by_role("link", name="查看与审核").click()
    office.fill("#office-opinion", "经审核，同意认定为跨境电商人才社会培训基地。")
    office.click("text=保存审核意见")
    assert "审核意见已保存" in office.inner_text("main")
    _shot(office, "审核意见")
    with office.expect_download() as download:
        office.click("#docx2")
    form2 = docx.Document(download.value.path())
    cells = [c.text for t in form2.tables for r in t.rows for c in r.cells]
    assert any("同意认定为跨境电商人才社会培训基地" in c for c in cells)
    office.goto(server)
    with office.expect_download() as download:
        office.click("text=下载汇总表.xlsx")
    xlsx = tmp_path / "汇总表.xlsx"
    download.value.save_as(xlsx)
    sheet = openpyxl.load_workbook(xlsx).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert any(basic["单位名称"] in str(r[2]) for r in values[1:])  # 序号, 区县, 单位名称 …
    office_ctx.close()
    base_ctx.close()


def _preview_loads(page: Any) -> None:
    """Wait for the preview's images; check each one loaded, as many as the page counts."""
    images = page.locator("figure.page img")
    images.first.wait_for(timeout=180000)
    counted = [int(m) for m in re.findall(r"共 (\d+) 页", page.inner_text("main"))]  # 附件1, 附件2
    assert len(counted) == 2
    assert images.count() == sum(counted)
    for n in range(images.count()):
        image = images.nth(n)
        image.scroll_into_view_if_needed()
        width = image.evaluate("e => e.decode().then(() => e.naturalWidth)")
        assert width > 500  # a decoded page image, not a broken one


def _files(example: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for entry in example["佐证材料"]:
        files = entry["文件"]
        out.extend(files if isinstance(files, list) else [files])
    return out


def _outline_titles(outline: Any) -> list[str]:
    titles: list[str] = []
    for item in outline:
        if isinstance(item, list):
            titles.extend(_outline_titles(item))
        else:
            titles.append(str(item.title))
    return titles
