"""Accounts and login throttling: validators in Chinese, reset links, disabling, invitations.

Throttling is counted per account (from any address) and per address (for any account). The
test client sends no network traffic: its ``REMOTE_ADDR`` is only what the server is told, so
each test uses addresses of its own (documentation ranges, RFC 5737) and never locks another
test's 127.0.0.1.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

STRONG = "Zq9-长久的-passphrase"


def _client(address: str) -> Any:
    from django.test import Client

    return Client(REMOTE_ADDR=address)


def _login(address: str, username: str, password: str) -> Any:
    return _client(address).post("/login/", {"username": username, "password": password})


def test_one_password_tried_over_30_user_names_from_one_address_is_throttled(
    make_base: Any,
) -> None:
    user, _app = make_base()
    user.set_password(STRONG)
    user.save()
    address = "192.0.2.10"

    tries = [_login(address, f"guess{n}", "Password123!") for n in range(30)]
    right = _login(address, user.username, STRONG)
    elsewhere = _login("192.0.2.11", user.username, STRONG)

    statuses = [r.status_code for r in tries]
    assert statuses[:9] == [200] * 9  # the login page again, with its error
    assert statuses[10:] == [429] * 20
    assert right.status_code == 429  # the address is locked, whichever account it names
    text = right.content.decode()
    assert "密码错误次数过多" in text
    assert re.search(r"请在 \d\d:\d\d 之后（约 1[45] 分钟后）再试", text), text
    assert elsewhere.status_code == 302  # the account itself is not locked


def test_one_account_tried_from_many_addresses_is_throttled(make_base: Any) -> None:
    user, _app = make_base()
    user.set_password(STRONG)
    user.save()

    tries = [_login(f"198.51.100.{n}", user.username, f"wrong-{n}") for n in range(10)]
    right = _login("198.51.100.200", user.username, STRONG)
    other_user, _ = make_base()
    other_user.set_password(STRONG)
    other_user.save()
    other = _login("198.51.100.201", other_user.username, STRONG)

    assert [r.status_code for r in tries][:9] == [200] * 9
    assert right.status_code == 429
    assert "登录已暂停" in right.content.decode()
    assert other.status_code == 302  # other accounts from fresh addresses are not affected


def test_a_valid_login_between_guesses_does_not_reset_the_address_count(make_base: Any) -> None:
    attacker, _app = make_base()
    attacker.set_password(STRONG)
    attacker.save()
    address = "203.0.113.50"

    for n in range(12):
        if n % 4 == 3:  # the attacker's own account, to clear the count if it could
            _login(address, attacker.username, STRONG)
        _login(address, f"victim{n}", "Password123!")
    last = _login(address, "victim-last", "Password123!")

    assert last.status_code == 429


def test_weak_passwords_are_refused_in_chinese_when_joining(make_reviewer: Any) -> None:
    from jidi_docs.web.models import Invitation

    _invitation, token = Invitation.issue(
        base_name="弱密码基地", district="西湖区", created_by=make_reviewer("全市")
    )
    cases = {
        "short9chr": "密码长度太短",
        "1234567890": "全都是数字",
        "qwertyuiop": "太常见",
        "zhangsan-2024": "相似",
    }
    for password, expected in cases.items():
        form = {"username": "zhangsan-2024", "password": password, "password2": password}
        page = _client("192.0.2.30").post(f"/join/{token}/", form)
        assert page.status_code == 200, password
        assert expected in page.content.decode(), (password, expected)
    mismatch = {"username": "zhangsan", "password": STRONG, "password2": STRONG + "x"}
    assert (
        "输入的两个密码不一致"
        in _client("192.0.2.30").post(f"/join/{token}/", mismatch).content.decode()
    )
    assert Invitation.find(token) is not None  # still unused


def test_the_office_manages_accounts_in_its_scope(
    make_base: Any, make_reviewer: Any, client_for: Any
) -> None:

    base_user, _app = make_base(district="滨江区")
    west = client_for(make_reviewer("西湖区"))
    city = client_for(make_reviewer("全市"))

    assert west.post(f"/account/{base_user.pk}/active/", {"active": "0"}).status_code == 404
    assert city.post(f"/account/{base_user.pk}/active/", {"active": "0"}).status_code == 302
    base_user.refresh_from_db()
    assert not base_user.is_active
    assert base_user.username not in west.get("/accounts/").content.decode()
    assert base_user.username in city.get("/accounts/").content.decode()
    assert client_for(base_user).get("/accounts/").status_code in (302, 404)


def test_a_disabled_users_session_ends_and_it_cannot_log_in(
    make_base: Any, make_reviewer: Any, client_for: Any
) -> None:
    user, app = make_base()
    user.set_password(STRONG)
    user.save()
    session = _client("192.0.2.40")
    assert (
        session.post("/login/", {"username": user.username, "password": STRONG}).status_code == 302
    )
    assert session.get(f"/app/{app.pk}/").status_code == 200

    client_for(make_reviewer("全市")).post(f"/account/{user.pk}/active/", {"active": "0"})

    assert session.get(f"/app/{app.pk}/").status_code == 302  # back to the login page
    assert _login("192.0.2.41", user.username, STRONG).status_code == 200  # refused
    client_for(make_reviewer("全市")).post(f"/account/{user.pk}/active/", {"active": "1"})
    assert _login("192.0.2.41", user.username, STRONG).status_code == 302


def test_a_reset_link_sets_a_new_password_once_and_clears_the_lock(
    make_base: Any, make_reviewer: Any, client_for: Any
) -> None:
    user, _app = make_base()
    for n in range(10):  # locked from many addresses
        _login(f"192.0.2.{100 + n}", user.username, f"wrong-{n}")
    assert _login("192.0.2.120", user.username, "anything-else").status_code == 429
    office = client_for(make_reviewer("全市"))

    page = office.post(f"/account/{user.pk}/reset-link/", follow=True).content.decode()
    link = re.search(r'value="http://testserver(/reset/[^"]+)"', page).group(1)
    visitor = _client("192.0.2.121")
    form_page = visitor.get(link, follow=True)
    action = form_page.redirect_chain[-1][0]
    weak = visitor.post(action, {"new_password1": "1234567890", "new_password2": "1234567890"})
    done = visitor.post(action, {"new_password1": STRONG, "new_password2": STRONG})
    again = _client("192.0.2.122").get(link, follow=True)

    assert "全都是数字" in weak.content.decode()
    assert done.status_code == 302
    assert "链接已经用过" in again.content.decode()
    assert _login("192.0.2.123", user.username, STRONG).status_code == 302  # lock cleared


def test_invitation_states_and_revoking(make_reviewer: Any, client_for: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from jidi_docs.web.models import Invitation

    reviewer = make_reviewer("西湖区")
    office = client_for(reviewer)
    fresh, token = Invitation.issue(base_name="未用", district="西湖区", created_by=reviewer)
    old, old_token = Invitation.issue(base_name="过期", district="西湖区", created_by=reviewer)
    Invitation.objects.filter(pk=old.pk).update(expires=timezone.now() - timedelta(minutes=1))
    old.refresh_from_db()
    other, _ = Invitation.issue(base_name="别区", district="滨江区", created_by=reviewer)

    assert (fresh.state, old.state) == ("未使用", "已过期")
    assert office.post(f"/invitation/{other.pk}/revoke/").status_code == 404
    assert office.post(f"/invitation/{fresh.pk}/revoke/").status_code == 302
    fresh.refresh_from_db()
    assert fresh.state == "已撤销"
    assert _client("192.0.2.50").get(f"/join/{token}/").status_code == 404
    assert _client("192.0.2.50").get(f"/join/{old_token}/").status_code == 404
    listing = office.get("/accounts/").content.decode()
    assert "已撤销" in listing
    assert "已过期" in listing


def test_a_base_cannot_change_its_district_but_the_city_office_can(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    import json

    # a unit name of its own: in the PostgreSQL rerun the browser test's server shares this
    # database, and its office looks the example's unit up by name
    example["基本情况"]["单位名称"] = "区县固定测试单位"
    user, app = make_base(district="西湖区", draft=example)
    client = client_for(user)
    basic = {**example["基本情况"], "所属区县": "滨江区"}

    saved = client.post(
        f"/app/{app.pk}/save/",
        json.dumps({"section": "基本情况", "version": app.draft_version, "value": basic}),
        content_type="application/json",
    )
    app.refresh_from_db()

    assert saved.status_code == 200
    assert app.draft["基本情况"]["所属区县"] == "西湖区"
    assert app.draft["基本情况"]["单位名称"] == basic["单位名称"]
    west = client_for(make_reviewer("西湖区"))
    assert west.post(f"/account/{user.pk}/district/", {"district": "滨江区"}).status_code == 302
    app.refresh_from_db()
    assert app.base.district == "西湖区"  # a district office cannot hand a base to another
    client_for(make_reviewer("全市")).post(f"/account/{user.pk}/district/", {"district": "滨江区"})
    app.refresh_from_db()
    assert (app.base.district, app.draft["基本情况"]["所属区县"]) == ("滨江区", "滨江区")


@pytest.mark.parametrize("path", ["/password/", "/accounts/"])
def test_account_pages_need_a_login(portal: Any, path: str) -> None:
    response = _client("192.0.2.60").get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
