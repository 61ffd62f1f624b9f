"""The review loop in a real browser (Debian's chromium through Playwright) on the live server.

The office invites a base and a district reviewer; the base imports its folder and submits; the
reviewer in scope gets a notification and a mail (a real SMTP server on loopback), reads the
application as the 申报表 (evidence opened by its own name, thumbnails), returns it with two
reasons — one on a row of 三、专兼职讲师, one on an evidence indicator; the base sees both next
to the fields, fixes them, marks them dealt with and resubmits; the reviewer sees what changed
and approves; the base gets the mail and sees 审核通过. Pages are checked at a phone's width.

Set ``JIDI_SCREENSHOTS=1`` to refresh the README's pictures (docs/images/portal-*.png).
"""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from browserhelpers import login, shot
from servehelpers import PASSWORD

pytestmark = [pytest.mark.soffice, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例"
UNIT = "杭州审核流程示范培训学校有限公司"
PHONE = {"width": 390, "height": 844}


def _folder_zip(tmp_path: Path) -> Path:
    """The example as the command line's folder (申报.yaml + 佐证材料/), under this test's unit."""
    text = (EXAMPLE / "申报.yaml").read_text(encoding="utf-8")
    text = re.sub(r"单位名称: .*", f"单位名称: {UNIT}", text, count=1)
    target = tmp_path / "申报.zip"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("申报.yaml", text)
        for f in sorted((EXAMPLE / "佐证材料").iterdir()):
            zf.write(f, f"佐证材料/{f.name}")
    return target


def _mail_to(mail: Any, address: str, subject: str, timeout: float = 60) -> Any:
    """Wait for the server's mail thread to deliver a mail to `address` whose subject has `subject`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mail.to(address) if subject in str(m["Subject"])]
        if found:
            return found[-1]
        time.sleep(0.2)
    pytest.fail(
        f"no mail “{subject}” to {address} in {timeout} s: {[str(m['Subject']) for m in mail.to(address)]}"
    )


def _join(browser: Any, link: str, username: str, viewport: dict[str, int] | None = None) -> Any:
    context = browser.new_context(
        accept_downloads=True, viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(link)
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', "review-password-42")
    page.fill('input[name="password2"]', "review-password-42")
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r"/$"))
    return page


def _invite(office: Any, server: str, role: str, district: str, name: str = "") -> str:
    office.goto(server)
    form = office.locator("#invite-form")
    form.locator('select[name="role"]').select_option(role)
    if name:
        form.locator('input[name="base_name"]').fill(name)
    form.locator('select[name="district"]').select_option(district)
    office.click("text=创建邀请链接")
    return str(office.locator("input.link").input_value())


def _set_email(page: Any, server: str, address: str) -> None:
    page.goto(f"{server}/notifications/")
    page.fill('input[name="email"]', address)
    page.click("#email-form button")
    assert "通知邮箱已保存" in page.inner_text("main")


def _saved(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#status")).to_have_text(re.compile("^已保存"), timeout=30000)


def _fits_a_phone(page: Any) -> None:
    """Nothing on the page is wider than the phone's screen (wide tables scroll in their box)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
          .filter(e => !e.closest(".scroll"))
          .slice(0, 5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))"""
    )
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a phone: {wide}"


def test_the_review_loop_in_a_real_browser(
    server: str, browser: Any, mail: Any, tmp_path: Path
) -> None:
    office_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    office = office_ctx.new_page()
    login(office, server, "office", PASSWORD)
    base_link = _invite(office, server, "base", "西湖区", UNIT)
    reviewer_link = _invite(office, server, "reviewer", "西湖区")
    outsider_link = _invite(office, server, "reviewer", "滨江区")

    reviewer = _join(browser, reviewer_link, "西湖区审核员")
    _set_email(reviewer, server, "xihu-office@example.cn")
    outsider = _join(browser, outsider_link, "滨江区审核员")
    _set_email(outsider, server, "binjiang-office@example.cn")
    base = _join(browser, base_link, "审核流程示范基地", PHONE)
    _set_email(base, server, "base@example.cn")

    # -- the base imports its folder and submits ------------------------------------------
    base.goto(server)
    base.get_by_role("link", name=UNIT).first.click()
    app_url = base.url
    base.set_input_files("#import-file", str(_folder_zip(tmp_path)))
    base.get_by_role("button", name="导入", exact=True).click()
    assert "已导入" in base.inner_text("main")
    assert "申报截止日期" in base.inner_text("#review")
    _fits_a_phone(base)
    base.click("#submit")
    assert "已提交第 1 版" in base.inner_text("main")
    assert base.inner_text("#state") == "已提交（待审核）"
    shot(base, "已提交")

    # -- the reviewer in scope is told, in the portal and by mail; the one out of scope is not
    submitted = _mail_to(mail, "xihu-office@example.cn", "提交了申报（第 1 版）")
    assert "/version/" in submitted.get_content()
    reviewer.goto(server)
    assert reviewer.inner_text("#notices") != "通知"  # a count of unread notifications
    reviewer.click("#notices")
    reviewer.get_by_role("link", name=re.compile(f"{UNIT}.*提交了第 1 版申报")).click()
    outsider.goto(f"{server}/notifications/")
    assert UNIT not in outsider.inner_text("main")
    assert not mail.to("binjiang-office@example.cn")
    assert outsider.goto(reviewer.url).status == 404

    # -- the application as the 申报表 reads; every evidence file opens by its own name -------
    version_url = reviewer.url
    main = reviewer.inner_text("main")
    assert "一、基本情况" in main
    assert "2015 年 6 月 18 日" in main
    assert "- 地址:" not in main
    assert "'2015-06-18'" not in main
    files = reviewer.locator("a.evidence-file")
    names = [files.nth(n).inner_text() for n in range(files.count())]
    assert sorted(names) == sorted(p.name for p in (EXAMPLE / "佐证材料").iterdir())
    for n, name in enumerate(names):
        response = reviewer.request.get(server + files.nth(n).get_attribute("href"))
        assert response.ok, name
        assert response.headers["content-type"] == (
            "application/pdf" if name.endswith(".pdf") else "image/jpeg"
        )
        assert response.headers["content-disposition"].startswith("inline")
        assert response.body() == (EXAMPLE / "佐证材料" / name).read_bytes()
    thumbs = reviewer.locator("ul.thumbs img")
    for n in range(thumbs.count()):
        thumbs.nth(n).scroll_into_view_if_needed()
        assert thumbs.nth(n).evaluate("e => e.decode().then(() => e.naturalWidth)") > 40
    with reviewer.expect_popup() as popup:
        reviewer.locator("a.evidence-file", has_text="讲师材料.pdf").click()
    assert popup.value.url.endswith("/%E8%AE%B2%E5%B8%88%E6%9D%90%E6%96%99.pdf")  # 讲师材料.pdf
    popup.value.close()
    reviewer.locator("#block-讲师").evaluate("e => e.scrollIntoView()")
    shot(reviewer, "审核页面")

    # -- start the review, return it with two reasons -----------------------------------------
    reviewer.click("#move-accept")
    assert reviewer.inner_text("#state") == "审核中"
    reviewer.locator('tr[data-target="讲师.1"] .point-reason').click()
    reviewer.keyboard.type("学历证明不清晰，请上传学位证书")
    reviewer.locator('.indicator[data-target="佐证材料@教师管理系统"] .point-reason').click()
    reviewer.keyboard.type("劳动合同缺盖章页")
    assert reviewer.locator('select[name="reason-0-target"]').input_value() == "讲师.1"
    assert (
        reviewer.locator('select[name="reason-1-target"]').input_value() == "佐证材料@教师管理系统"
    )
    shot(reviewer, "退回修改")
    reviewer.click("#move-return")
    assert reviewer.inner_text("#state") == "退回修改"

    # -- the base: told by mail, the reasons on its home page and next to the fields ------------
    returned = _mail_to(mail, "base@example.cn", "已退回修改")
    assert "三、专兼职讲师 第 2 行（孙八）：学历证明不清晰" in returned.get_content()
    base.goto(server)
    reasons = base.locator("#home-reasons li")
    assert reasons.count() == 2
    _fits_a_phone(base)
    shot(base, "退回意见")
    reasons.filter(has_text="学历证明不清晰").get_by_role("link", name="去修改").click()
    row = base.locator("tr.has-reason")
    assert row.locator('[data-path="讲师.1.姓名"]').input_value() == "孙八"
    assert "学历证明不清晰" in row.locator(".reason-inline").inner_text()
    base.locator('[data-path="讲师.1.学历"]').select_option("博士")
    _saved(base)

    base.goto(server)
    base.locator("#home-reasons li").filter(has_text="劳动合同缺盖章页").get_by_role(
        "link", name="去修改"
    ).click()
    row = base.locator("tr.has-reason")
    assert row.count() == 1
    assert "劳动合同缺盖章页" in row.locator(".reason-inline").inner_text()
    stamped = tmp_path / "劳动合同（含盖章页）.pdf"
    stamped.write_bytes((EXAMPLE / "佐证材料" / "营业执照.pdf").read_bytes())
    row.locator("input.upload").set_input_files(str(stamped))
    row.locator("li.file").nth(1).wait_for()
    _saved(base)
    row.evaluate("e => e.scrollIntoView()")
    shot(base, "按意见修改")

    # -- marks each reason dealt with, resubmits -------------------------------------------------
    base.goto(app_url)
    base.click("#submit")  # not yet: the reasons are not marked
    assert "还有 2 条退回意见没有勾选" in base.inner_text("main")
    boxes = base.locator('input[name^="done_"]')
    for n in range(boxes.count()):
        boxes.nth(n).check()
    base.locator('input[name^="reply_"]').first.fill("已换成博士学位证书")
    base.click("#submit")
    assert "已提交第 2 版" in base.inner_text("main")

    # -- the reviewer: what changed since the returned version; approves --------------------------
    _mail_to(mail, "xihu-office@example.cn", "提交了修改后的申报（第 2 版）")
    reviewer.goto(f"{server}/notifications/")
    reviewer.get_by_role("link", name=re.compile("提交了修改后的第 2 版申报")).click()
    assert reviewer.url != version_url
    diff = reviewer.inner_text("#diff")
    assert "三、专兼职讲师 第 2 行（孙八） · 学历" in diff
    assert "硕士" in diff
    assert "博士" in diff
    assert "劳动合同（含盖章页）.pdf" in diff
    assert "已换成博士学位证书" in diff
    reviewer.locator("#diff").scroll_into_view_if_needed()
    shot(reviewer, "修改对比")
    reviewer.click("#move-accept")
    reviewer.fill("#office-opinion", "经审核，同意认定为跨境电商人才社会培训基地。")
    reviewer.click("text=保存审核意见")
    reviewer.click("#move-approve")
    assert reviewer.inner_text("#state") == "审核通过"

    # -- the base: the mail and 审核通过 --------------------------------------------------------
    approved = _mail_to(mail, "base@example.cn", "审核通过")
    assert app_url.replace("http://127.0.0.1", "").split("/app/")[1] in approved.get_content()
    base.goto(app_url)
    assert base.inner_text("#state") == "审核通过"
    _fits_a_phone(base)
    shot(base, "审核通过")

    # -- the office's list: counts, filter by state; on a phone too --------------------------------
    office.goto(f"{server}/?state=approved&district=西湖区")
    listed = office.locator("table.office-list tbody tr", has_text=UNIT)
    assert "审核通过" in listed.inner_text()
    shot(office, "审核一览-筛选")
    phone_ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = phone_ctx.new_page()
    login(phone, server, "西湖区审核员", "review-password-42")
    phone.goto(version_url)
    _fits_a_phone(phone)
    for context in (office_ctx, phone_ctx, reviewer.context, outsider.context, base.context):
        context.close()
