"""Accounts in a real browser: weak passwords refused in Chinese, invitations used, revoked and
expired, a user disabled and enabled, a one-time reset link, a password change.

The server is this module's own (its data folder is needed to let an invitation expire: the
clock is moved for that one row, as fourteen days passing would).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servehelpers import PASSWORD, serving

STRONG = "Zq9-浏览器-passphrase"
NEWER = "Zq9-新的-passphrase-2"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from browserhelpers import require_browser

    require_browser()
    data = tmp_path_factory.mktemp("accounts") / "data"
    with serving(data) as url:
        yield url, data


def _invite(office: Any, server: str, name: str) -> str:
    office.goto(f"{server}/")
    office.fill('input[name="base_name"]', name)
    office.click("text=创建邀请链接")
    return str(office.locator("input.link").input_value())


def _row(page: Any, text: str) -> Any:
    """The row of an account (by user name) or of an invitation (by base name)."""
    table = "table.accounts" if text == "account-base" else "table.invitations"
    return page.locator(f"{table} tr", has_text=text)


def test_accounts_and_invitations_work_in_the_browser(live: tuple[str, Path], browser: Any) -> None:
    from browserhelpers import login

    server, data = live
    office = browser.new_context().new_page()
    login(office, server, "office", PASSWORD)
    office.wait_for_url(f"{server}/")

    # -- joining: a weak password is refused in Chinese, a strong one accepted ----------------
    link = _invite(office, server, "账号测试基地")
    base = browser.new_context().new_page()
    base.goto(link)
    base.fill('input[name="username"]', "account-base")
    base.fill('input[name="password"]', "1234567890")
    base.fill('input[name="password2"]', "1234567890")
    base.click('button[type="submit"]')
    assert "密码只包含数字" in base.inner_text("main")
    assert "这个密码太常见了" in base.inner_text("main")
    base.fill('input[name="password"]', STRONG)
    base.fill('input[name="password2"]', STRONG)
    base.click('button[type="submit"]')
    base.wait_for_url(f"{server}/")
    home = base.url

    office.goto(f"{server}/accounts/")
    assert "已使用" in _row(office, "账号测试基地").inner_text()

    # -- disabled: the open session ends, logging in is refused; enabled again ---------------
    _row(office, "account-base").get_by_role("button", name="停用").click()
    assert "已停用" in _row(office, "account-base").inner_text()
    base.goto(home)
    assert base.url.startswith(f"{server}/login/")
    login(base, server, "account-base", STRONG)
    assert "用户名或密码不正确" in base.inner_text("main")
    _row(office, "account-base").get_by_role("button", name="启用").click()
    assert "正常" in _row(office, "account-base").inner_text()

    # -- a one-time reset link sets a new password ---------------------------------------------
    _row(office, "account-base").get_by_role("button", name="生成重设密码链接").click()
    reset = str(office.locator("input.link").input_value())
    assert reset.startswith(f"{server}/reset/")
    stranger = browser.new_context().new_page()
    stranger.goto(reset)
    stranger.fill('input[name="new_password1"]', NEWER)
    stranger.fill('input[name="new_password2"]', NEWER)
    stranger.click('button[type="submit"]')
    stranger.wait_for_url(f"{server}/login/")
    assert "新密码已设置" in stranger.inner_text("main")
    login(stranger, server, "account-base", NEWER)
    stranger.wait_for_url(f"{server}/")
    again = browser.new_context().new_page()
    again.goto(reset)
    assert "链接已经用过" in again.inner_text("main")

    # -- the user's own password change --------------------------------------------------------
    stranger.click("text=修改密码")
    stranger.fill('input[name="old_password"]', NEWER)
    stranger.fill('input[name="new_password1"]', STRONG)
    stranger.fill('input[name="new_password2"]', STRONG)
    stranger.click('main button[type="submit"]')  # not the header's 退出
    assert "密码已修改" in stranger.inner_text("main")

    # -- revoked and expired invitations -------------------------------------------------------
    revoked = _invite(office, server, "撤销测试基地")
    expired = _invite(office, server, "过期测试基地")
    with sqlite3.connect(data / "portal.sqlite3") as db:  # fourteen days have passed for it
        past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).isoformat(" ")
        db.execute(
            "update portal_invitation set expires = ? where base_name = ?", (past, "过期测试基地")
        )
    office.goto(f"{server}/accounts/")
    _row(office, "撤销测试基地").get_by_role("button", name="撤销").click()
    assert "已撤销" in _row(office, "撤销测试基地").inner_text()
    assert "已过期" in _row(office, "过期测试基地").inner_text()
    assert _row(office, "过期测试基地").get_by_role("button", name="撤销").count() == 0
    for url in (revoked, expired):
        visitor = browser.new_context().new_page()
        visitor.goto(url)
        assert "邀请链接无效" in visitor.inner_text("main")
