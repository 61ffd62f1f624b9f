"""The portal in a real browser (Debian's chromium through Playwright) against a live server.

One journey, run on a phone's screen (390 × 844) and a laptop's (1366 × 768): the office
invites a base; the base enters the example's data page by page (table rows, a photo from the
camera button), sees a Chinese error on a wrong field, fixes it, opens the preview of both forms
(page images, then again from the cache), submits and downloads the bundle; the office finds it
with its 预审, writes 十, downloads the 汇总表.xlsx and the regenerated 附件2 shows 十. Every page
shown is checked as it is shown (`browserhelpers.audit_page`): no horizontal scroll, inputs wide
enough or in cards, 44 px touch targets, axe-core without serious or critical violations, no
English and no command-line or YAML jargon.

Set ``JIDI_SCREENSHOTS=1`` to refresh the README's pictures (docs/images/portal-*.png; the
phone's as portal-手机-*.png).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import docx
import openpyxl
import pytest
import yaml
from pypdf import PdfReader

from browserhelpers import VIEWPORTS, audit_page, require_axe
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
    if field.is_disabled():  # set by the office (所属区县): shown, not typed
        assert field.input_value() == str(value)
        return
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(str(value))
    elif isinstance(value, list):
        field.fill("\n".join(map(str, value)))
    else:
        field.fill(str(value))


def _fill_table(page: Any, key: str, rows: list[dict[str, Any]]) -> None:
    table = page.locator(f'.table[data-table="{key}"]')
    for n, row in enumerate(rows):
        table.locator(":scope > .add-row").click()
        for column, value in row.items():
            _fill(page, f"{key}.{n}.{column}", value)


def _section(page: Any, server: str, app_url: str, key: str) -> None:
    """Open the editor's page of section `key` by its heading, as a user would."""
    from jidi_docs.web._pages import page_of

    heading = page_of(key).heading
    page.goto(app_url)
    page.get_by_role("link", name=heading, exact=True).first.click()
    page.wait_for_selector("#editor")


def _invite(office: Any, name: str, district: str) -> str:
    """The office creates a one-time invitation for base `name`; return the link."""
    office.fill('input[name="base_name"]', name)
    office.select_option('#invite-form select[name="district"]', district)
    with office.expect_navigation():
        office.click("text=创建邀请链接")
    return str(office.locator("input.link").input_value())


def _join(page: Any, username: str, password: str) -> None:
    """Accept the invitation open in `page`: choose a user name and password."""
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    page.fill('input[name="password2"]', password)
    with page.expect_navigation():
        page.click('main button[type="submit"]')


class Pages:
    """Every page the journey shows, checked as it is shown (`audit_page`); problems by page."""

    def __init__(self, axe: str, data_words: set[str], size: str) -> None:
        self.axe, self.data_words, self.size = axe, data_words, size
        self.problems: dict[str, Any] = {}
        self.count = 0

    def check(self, page: Any, name: str) -> None:
        self.count += 1
        found = audit_page(page, self.axe, data_words=self.data_words)
        if found:
            self.problems[f"{name}（{page.url}）"] = found

    def shot(self, page: Any, name: str, at: Any = None) -> None:
        """A picture for the README: the top of the page, or centred on `at`."""
        if at is None:
            page.evaluate("() => window.scrollTo(0, 0)")
        else:
            at.evaluate("e => e.scrollIntoView({block: 'center'})")
        _shot(page, name if self.size == "电脑" else f"手机-{name}")


def _data_words(example: dict[str, Any]) -> set[str]:
    """The ASCII words of what the user types (platform names …): theirs, not the page's."""
    return set(re.findall(r"[A-Za-z]{2,}", yaml.safe_dump(example, allow_unicode=True))) | {
        "office"
    }


@pytest.fixture(scope="module")
def axe() -> str:
    return require_axe()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_base_applies_and_the_office_reviews_in_a_real_browser(
    server: str, browser: Any, axe: str, tmp_path: Path, size: str
) -> None:
    example = yaml.safe_load((EXAMPLE / "申报.yaml").read_text(encoding="utf-8"))
    basic = example["基本情况"]
    if size != "电脑":  # the two runs share the server: each its own base
        basic["单位名称"] = basic["单位名称"].replace("有限公司", f"（{size}）有限公司")
    width, height = VIEWPORTS[size]
    pages = Pages(axe, _data_words(example), size)
    office_ctx = browser.new_context(
        accept_downloads=True, viewport={"width": width, "height": height}
    )
    office = office_ctx.new_page()
    office.goto(f"{server}/login/")
    pages.check(office, "登录")
    _login(office, server, "office", PASSWORD)
    pages.check(office, "审核一览")
    link = _invite(office, basic["单位名称"], basic["所属区县"])
    pages.check(office, "邀请链接")

    # -- the base joins with the one-time link ------------------------------------------------
    base_ctx = browser.new_context(
        accept_downloads=True, viewport={"width": width, "height": height}
    )
    page = base_ctx.new_page()
    page.goto(link)
    pages.check(page, "接受邀请")
    _join(page, f"示例基地{size}", "base-password-42")
    pages.check(page, "我的申报")
    with page.expect_navigation():
        page.get_by_role("link", name=basic["单位名称"]).click()
    app_url = page.url
    pages.check(page, "申报")

    # -- 一、基本情况, with the 培训场地 table and the platform list ----------------------------
    _section(page, server, app_url, "基本情况")
    for key, value in basic.items():
        if key == "培训场地":
            _fill_table(page, "基本情况.培训场地", value)
        else:
            _fill(page, f"基本情况.{key}", value)
    _saved(page)
    pages.check(page, "基本情况")
    pages.shot(page, "基本情况")

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
        pages.check(page, key)
        if key == "讲师":
            pages.shot(page, "讲师")
        if key == "培训活动":
            error = page.locator('.err[data-err="培训活动.0.培训人次"]')
            assert "应是整数" in error.inner_text()
            assert "五十六" in error.inner_text()
            field = page.locator('[data-path="培训活动.0.培训人次"]')
            assert field.get_attribute("aria-invalid") == "true"
            assert error.get_attribute("id") in field.get_attribute("aria-describedby").split()
            assert field.input_value() == "五十六"  # what was typed stays, to be corrected
            pages.shot(page, "错误提示", at=field)
            _fill(page, "培训活动.0.培训人次", example[key][0]["培训人次"])
            _saved(page)
            assert error.inner_text() == ""
            assert field.get_attribute("aria-invalid") is None

    _section(page, server, app_url, "申报单位审核意见")
    _fill(page, "申报单位审核意见", example["申报单位审核意见"])
    _saved(page)
    pages.check(page, "申报单位审核意见")
    _section(page, server, app_url, "自评分")
    for key, value in example["自评分"].items():
        _fill(page, f"自评分.{key}", value)
    _saved(page)
    pages.check(page, "自评分")

    # -- 佐证材料: every entry with its files uploaded, the JPG as a phone photo ---------------
    _section(page, server, app_url, "佐证材料")
    table = page.locator('.table[data-table="佐证材料"]')
    for n, entry in enumerate(example["佐证材料"]):
        table.locator(":scope > .add-row").click()
        _fill(page, f"佐证材料.{n}.名称", entry["名称"])
        _fill(page, f"佐证材料.{n}.指标", entry["指标"])
        files = entry["文件"] if isinstance(entry["文件"], list) else [entry["文件"]]
        box = page.locator(f'.files[data-files="佐证材料.{n}.文件"]')
        photos = [f for f in files if f.endswith(".jpg")]
        others = [f for f in files if not f.endswith(".jpg")]
        if others:
            box.locator("input.upload[multiple]").set_input_files(
                [str(EXAMPLE / f) for f in others]
            )
        if photos:  # the camera button: capture="environment" opens the phone's camera
            camera = box.locator("input.upload[capture]")
            assert camera.get_attribute("capture") == "environment"
            camera.set_input_files([str(EXAMPLE / f) for f in photos])
        box.locator("li.file").nth(len(files) - 1).wait_for()
        _saved(page)
    # each uploaded file opens from its entry as the same bytes, just uploaded and after reload
    for reload in (False, True):
        if reload:
            _section(page, server, app_url, "佐证材料")
        first = example["佐证材料"][0]["文件"]
        first = first[0] if isinstance(first, list) else first
        link = page.locator('.files[data-files="佐证材料.0.文件"] a.file-name').first
        assert link.inner_text() == Path(first).name
        got = page.request.get(urljoin(page.url, link.get_attribute("href") or ""))
        assert got.status == 200
        assert got.body() == (EXAMPLE / first).read_bytes()
    page.wait_for_selector("#report .report")
    assert "st-不符合" not in page.inner_html("#report")
    pages.check(page, "佐证材料")
    pages.shot(page, "佐证材料")

    # -- 预览: both forms as page images, made in the background -----------------------------
    page.goto(app_url)
    page.click("#preview")
    _preview_loads(page)
    pages.check(page, "预览")
    page.goto(app_url)
    page.click("#preview")  # the same draft again: its images at once, nothing queued
    assert page.locator("#preview-job").count() == 0
    page.locator("figure.page img").first.evaluate("e => e.decode()")
    pages.shot(page, "预览")
    _preview_loads(page)

    # -- submit, then the bundle as a queued job with progress -------------------------------
    page.goto(app_url)
    with page.expect_navigation():
        page.click("#submit")
    pages.check(page, "已提交")
    with page.expect_navigation():
        page.get_by_role("link", name="第 1 版").click()
    with page.expect_navigation():
        page.click("#make-bundle")
    link_pdf = page.locator(".job-link:not([hidden])")
    link_pdf.wait_for(timeout=240000)
    pages.check(page, "申报材料")
    pages.shot(page, "申报材料")
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
    pages.check(office, "审核一览（已提交）")
    pages.shot(office, "审核一览")
    with office.expect_navigation():
        row.get_by_role("link", name="查看与审核").click()
    pages.check(office, "审核")
    office.fill("#office-opinion", "经审核，同意认定为跨境电商人才社会培训基地。")
    with office.expect_navigation():
        office.click("text=保存审核意见")
    assert "审核意见已保存" in office.inner_text("main")
    pages.check(office, "审核意见")
    pages.shot(office, "审核意见")
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
    assert not pages.problems, json.dumps(pages.problems, ensure_ascii=False, indent=1)
    assert pages.count == 23


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


# ---------------------------------------------------------------------------------------------
# Every way a save can fail: the page says which, and nothing typed is lost
# ---------------------------------------------------------------------------------------------

BASE_PASSWORD = "state-password-42"


@pytest.fixture(scope="module")
def base_account(server: str, browser: Any) -> dict[str, str]:
    """A base invited and joined through the pages; its username and editor URLs."""
    context = browser.new_context()
    office = context.new_page()
    _login(office, server, "office", PASSWORD)
    link = _invite(office, "杭州保存状态测试有限公司", "西湖区")
    context.close()
    context = browser.new_context()
    page = context.new_page()
    page.goto(link)
    _join(page, "保存状态基地", BASE_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="杭州保存状态测试有限公司").click()
    app_url = page.url
    context.close()
    from jidi_docs.web._pages import pages

    index = [p.key for p in pages()].index("申报单位审核意见")
    return {"user": "保存状态基地", "app": app_url, "opinion": f"{app_url}edit/{index}/"}


OPINION = '[data-path="申报单位审核意见"]'


def _editor(browser: Any, server: str, account: dict[str, str]) -> tuple[Any, Any]:
    """A signed-in browser (its own cookies) on the 申报单位审核意见 page."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _login(page, server, account["user"], BASE_PASSWORD)
    page.goto(account["opinion"])
    return context, page


def _logout_elsewhere(context: Any, account: dict[str, str]) -> Any:
    """Sign out in another tab of the same browser; return that tab."""
    other = context.new_page()
    other.goto(account["app"])
    with other.expect_navigation():
        other.get_by_role("button", name="退出").click()
    return other


def _stored(page: Any, account: dict[str, str]) -> str:
    """What the server holds: the page opened afresh."""
    page.goto(account["opinion"])
    page.wait_for_selector(OPINION)
    return str(page.locator(OPINION).input_value())


def _kept(page: Any) -> str:
    """What the page keeps in the browser's storage, not yet saved."""
    return str(page.evaluate("() => JSON.stringify(Object.entries(localStorage))"))


def test_offline_the_page_says_so_retries_and_loses_nothing_even_if_closed(
    server: str, browser: Any, base_account: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    context, page = _editor(browser, server, base_account)
    context.set_offline(True)
    page.locator(OPINION).fill("断网时填写的意见")
    expect(page.locator("#status")).to_contain_text("网络中断", timeout=15000)
    expect(page.locator("#status")).to_contain_text("秒后自动重试")
    assert "断网时填写的意见" in _kept(page)
    page.close()  # the tab is closed before the network comes back

    context.set_offline(False)
    page = context.new_page()
    page.goto(base_account["opinion"])
    # the browser's copy is put back and saved (unless the closing tab's last request got
    # through after all: then the page shows it from the server, and the copy is dropped)
    expect(page.locator(OPINION)).to_have_value("断网时填写的意见", timeout=30000)
    # (wait_for_function needs the eval the page's CSP forbids: the storage is polled)
    for _ in range(300):
        if _kept(page) == "[]":
            break
        page.wait_for_timeout(100)
    assert _kept(page) == "[]"
    assert _stored(page, base_account) == "断网时填写的意见"

    # and back online while the page is still open: saved without a click
    context.set_offline(True)
    page.locator(OPINION).fill("第二次断网时填写的意见")
    expect(page.locator("#status")).to_contain_text("网络中断", timeout=15000)
    context.set_offline(False)
    _saved(page)
    assert _stored(page, base_account) == "第二次断网时填写的意见"
    context.close()


def test_a_logout_in_another_tab_keeps_the_text_and_saves_it_after_signing_in_here(
    server: str, browser: Any, base_account: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    context, page = _editor(browser, server, base_account)
    _logout_elsewhere(context, base_account)

    page.locator(OPINION).fill("登录过期前填写的意见")
    expect(page.locator("#problem")).to_contain_text("请重新登录", timeout=15000)
    expect(page.locator("#status")).to_contain_text("登录已过期")
    assert "登录过期前填写的意见" in _kept(page)
    page.locator("#relogin-user").fill(base_account["user"])
    page.locator("#relogin-pass").fill(BASE_PASSWORD)
    page.locator("#relogin").click()

    _saved(page)
    assert page.locator("#problem").is_hidden()
    assert page.locator(OPINION).input_value() == "登录过期前填写的意见"
    assert _stored(page, base_account) == "登录过期前填写的意见"
    context.close()


def test_after_signing_in_again_in_another_tab_the_kept_text_is_saved(
    server: str, browser: Any, base_account: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    context, page = _editor(browser, server, base_account)
    other = _logout_elsewhere(context, base_account)
    page.locator(OPINION).fill("在另一个标签页重新登录")
    expect(page.locator("#relogin-tab")).to_be_visible(timeout=15000)

    _login(other, server, base_account["user"], BASE_PASSWORD)  # "在新标签页登录"

    _saved(page)
    assert _stored(page, base_account) == "在另一个标签页重新登录"
    context.close()


def test_a_stale_csrf_token_is_refreshed_and_the_save_tried_once_more(
    server: str, browser: Any, base_account: dict[str, str]
) -> None:
    context, page = _editor(browser, server, base_account)
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if "/save/" in r.url else None)
    other = context.new_page()  # signing in again rotates the CSRF token (Django's login())
    _login(other, server, base_account["user"], BASE_PASSWORD)

    page.locator(OPINION).fill("令牌过期后填写的意见")

    _saved(page)
    assert answers == [403, 200]
    assert _stored(page, base_account) == "令牌过期后填写的意见"
    context.close()


def test_too_large_is_refused_and_kept_and_saved_once_shortened(
    server: str, browser: Any, base_account: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    context, page = _editor(browser, server, base_account)
    huge = "很长的意见" * 500_000  # 2.5 million characters, over the 2 MB a page may send

    page.locator(OPINION).fill(huge)
    expect(page.locator("#status")).to_contain_text("内容太大", timeout=30000)
    expect(page.locator("#problem")).to_contain_text("超过了允许的大小")
    assert len(page.locator(OPINION).input_value()) == len(huge)  # nothing typed is lost
    page.locator(OPINION).fill(huge[:2000])

    _saved(page)
    assert _stored(page, base_account) == huge[:2000]
    context.close()


def test_a_server_error_shows_its_reference_number_and_keeps_the_text(
    server: str, browser: Any, base_account: dict[str, str]
) -> None:
    """The server's failure is simulated by Playwright's routing, with the body the portal's
    500 handler sends (`jidi_docs.web._errors.server_error`, tested in test_errors.py)."""
    from playwright.sync_api import expect

    context, page = _editor(browser, server, base_account)
    failure = {"error": "服务器出错，操作没有完成。", "reference": "20261207-101500-4821"}
    page.route("**/save/", lambda route: route.fulfill(status=500, json=failure))

    page.locator(OPINION).fill("服务器出错时填写的意见")
    expect(page.locator("#problem")).to_contain_text(
        "出错编号：20261207-101500-4821", timeout=15000
    )
    assert "服务器出错时填写的意见" in _kept(page)
    page.unroute("**/save/")
    page.get_by_role("button", name="重试保存").click()

    _saved(page)
    assert _stored(page, base_account) == "服务器出错时填写的意见"
    context.close()


def test_a_conflict_shows_both_values_and_keeps_either(
    server: str, browser: Any, base_account: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    first_context, first = _editor(browser, server, base_account)
    second_context, second = _editor(browser, server, base_account)
    first.locator(OPINION).fill("第一个窗口的意见")
    _saved(first)

    second.locator(OPINION).fill("第二个窗口的意见")
    problem = second.locator("#problem")
    expect(problem).to_contain_text("已在别处", timeout=15000)
    row = problem.locator("tbody tr")
    assert row.locator("td").all_inner_texts() == ["第二个窗口的意见", "第一个窗口的意见"]
    second.locator("#keep-mine").click()
    _saved(second)
    assert _stored(second, base_account) == "第二个窗口的意见"

    first.locator(OPINION).fill("第一个窗口又改的意见")  # on the version it was shown
    expect(first.locator("#problem")).to_contain_text("已在别处", timeout=15000)
    with first.expect_navigation():
        first.locator("#keep-theirs").click()
    assert first.locator(OPINION).input_value() == "第二个窗口的意见"
    assert _stored(first, base_account) == "第二个窗口的意见"
    first_context.close()
    second_context.close()


def test_the_keyboard_moves_through_a_page_in_the_forms_order(
    server: str, browser: Any, base_account: dict[str, str]
) -> None:
    """Tab goes from input to input as the form reads (labels above inputs, rows in order),
    and an error is said in words, not by colour alone."""
    context, page = _editor(browser, server, base_account)
    page.goto(base_account["app"] + "edit/0/")  # 一、基本情况, with the 培训场地 table
    page.locator('.table[data-table="基本情况.培训场地"] > .add-row').click()
    page.locator('[data-path="基本情况.单位名称"]').focus()
    order = page.evaluate(
        """() => [...document.querySelectorAll("#editor input, #editor select, #editor textarea, #editor button")]
        .filter(e => e.type !== "hidden" && !e.disabled && e.offsetParent !== null && e.tabIndex >= 0)
        .map(e => e.id || e.textContent.trim())"""
    )
    start = order.index("f-基本情况-单位名称")
    tabbed = []
    for _ in range(12):
        tabbed.append(
            page.evaluate(
                "() => document.activeElement.id || document.activeElement.textContent.trim()"
            )
        )
        page.keyboard.press("Tab")
    assert tabbed == order[start : start + 12]

    page.locator('[data-path="基本情况.总面积"]').fill("很大")
    _saved(page)
    error = page.locator('.err[data-err="基本情况.总面积"]')
    assert error.inner_text().startswith("错误：")  # the word, besides the red
    assert "（必填）" in page.locator('label[for="f-基本情况-单位名称"]').inner_text()
    context.close()
