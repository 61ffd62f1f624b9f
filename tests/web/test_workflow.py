"""The review's workflow on the server (jidi_docs.web._workflow and its views): states and
moves, reasons for 退回修改, resubmission with its changes, conflicts, deadline, notifications."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from reviewhelpers import evidence as _evidence
from reviewhelpers import move as _move
from reviewhelpers import reasons as _reasons
from reviewhelpers import save as _save
from reviewhelpers import submit as _submit


@pytest.fixture
def submitted(make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]) -> Any:
    """A base of 西湖区 with the example (and its evidence) submitted; reviewers in and out."""
    user, app = make_base(district="西湖区", draft=example)
    office = make_reviewer("西湖区")
    base = client_for(user)
    _evidence(base, app)
    assert _submit(base, app).status_code == 302
    app.refresh_from_db()
    return {
        "user": user,
        "app": app,
        "base": base,
        "office_user": office,
        "office": client_for(office),
        "city": client_for(make_reviewer("全市")),
    }


def test_the_whole_loop_submit_return_with_reasons_resubmit_approve(submitted: Any) -> None:
    from jidi_docs.web.models import Move, Notification, Reason

    app, base, office = submitted["app"], submitted["base"], submitted["office"]
    first = app.latest_version()
    told = Notification.objects.filter(user=submitted["office_user"], application=app)
    assert app.state == "submitted"
    assert told.filter(text__contains="提交了第 1 版").exists()

    assert _move(office, app, "accept").status_code == 302
    returned = _move(
        office,
        app,
        "return",
        **_reasons(("讲师.1", "学历证明不清晰"), ("佐证材料@教师管理系统", "劳动合同缺盖章页")),
    )
    app.refresh_from_db()

    assert returned.status_code == 302
    assert app.state == "returned"
    reasons = list(Reason.objects.filter(application=app).order_by("pk"))
    assert [r.label for r in reasons] == [
        "三、专兼职讲师 第 2 行（孙八）",
        "佐证材料 · 教师管理系统",
    ]
    # the base: the list on its home page and the overview, each reason on its section's page
    home = base.get("/").content.decode()
    assert "三、专兼职讲师 第 2 行（孙八）" in home
    assert "学历证明不清晰" in home
    lecturers = base.get(f"/app/{app.pk}/edit/2/").content.decode()
    assert 'data-target="讲师.1"' in lecturers
    assert "学历证明不清晰" in lecturers
    assert "劳动合同缺盖章页" not in lecturers  # that one is on the 佐证材料 page
    evidence_page = base.get(f"/app/{app.pk}/edit/10/").content.decode()
    assert 'data-target="佐证材料@教师管理系统"' in evidence_page

    # fix row 2, resubmit: refused until every reason is marked dealt with
    rows = [dict(r) for r in app.draft["讲师"]]
    rows[1]["学历"] = "博士"
    assert _save(base, app, "讲师", rows).status_code == 200
    refused = _submit(base, app, **{f"done_{reasons[0].pk}": "on"})
    assert app.versions.count() == 1
    assert "还有 1 条退回意见没有勾选" in base.get(refused.url).content.decode()
    done = {f"done_{r.pk}": "on" for r in reasons} | {
        f"reply_{reasons[0].pk}": "已换成博士学位证书"
    }
    assert _submit(base, app, **done).status_code == 302

    app.refresh_from_db()
    second = app.latest_version()
    assert (second.number, app.state) == (2, "submitted")
    assert second.answers == Move.objects.get(application=app, action="return")
    assert second.answers.version == first
    page = office.get(f"/version/{second.pk}/").content.decode()
    assert "与第 1 版（被退回的版本）相比" in page
    assert re.search(
        r"三、专兼职讲师 第 2 行（孙八） · 学历</td><td>修改</td><td>硕士</td><td>博士", page
    )
    assert "已换成博士学位证书" in page

    assert _move(office, app, "accept").status_code == 302
    assert _move(office, app, "approve", comment="材料齐全").status_code == 302
    app.refresh_from_db()
    assert app.state == "approved"
    news = Notification.objects.filter(user=submitted["user"]).order_by("pk")
    assert [n.text for n in news if "审核通过" in n.text] == ["您的第 2 版申报已审核通过。"]
    assert "审核通过" in base.get(f"/app/{app.pk}/").content.decode()
    actions = list(
        Move.objects.filter(application=app).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["submit", "accept", "return", "submit", "accept", "approve"]
    assert list(app.audit.order_by("pk").values_list("action", flat=True))[-3:] == [
        "提交",
        "开始审核",
        "审核通过",
    ]


def test_moves_follow_the_states_and_the_roles(submitted: Any) -> None:
    app, base, office = submitted["app"], submitted["base"], submitted["office"]

    too_early = office.get(_move(office, app, "approve").url).content.decode()
    by_base = _move(base, app, "accept")
    accepted = _move(office, app, "accept")
    office.get(accepted.url)
    no_reason = office.get(_move(office, app, "return", **_reasons()).url).content.decode()
    app.refresh_from_db()

    assert "只能用于已提交（待审核）的申报" not in too_early
    assert "“审核通过”只能用于审核中的申报，这份申报现在是“已提交（待审核）”" in too_early
    assert by_base.status_code == 404
    assert app.state == "reviewing"  # accepted; the return without a reason was refused
    assert "退回修改至少要写一条意见" in no_reason
    locked = _save(base, app, "申报单位审核意见", "审核中改")
    assert locked.status_code == 409
    assert "审核期间不能修改" in locked.json()["error"]
    withdraw = base.get(_move(base, app, "withdraw").url).content.decode()
    assert "“撤回”只能用于已提交（待审核）的申报" in withdraw


def test_a_move_from_a_stale_page_shows_both_moves_and_changes_nothing(submitted: Any) -> None:
    app, office, city = submitted["app"], submitted["office"], submitted["city"]
    app.refresh_from_db()
    seen = app.revision
    first = office.post(f"/app/{app.pk}/move/", {"action": "accept", "revision": seen})
    office.post(
        f"/app/{app.pk}/move/",
        {"action": "return", "revision": seen + 1, **_reasons(("基本情况.电话", "电话打不通"))},
    )

    late = city.post(
        f"/app/{app.pk}/move/",
        {"action": "accept", "revision": seen, "comment": "我来审"},
    )

    app.refresh_from_db()
    page = late.content.decode()
    assert first.status_code == 302
    assert late.status_code == 409
    assert app.state == "returned"
    assert "对方的操作" in page
    assert "退回修改" in page
    assert "电话打不通" in page
    assert "您刚才要做的操作（未执行）" in page
    assert "我来审" in page
    assert f'name="revision" value="{app.revision}"' in page  # ready to send again, knowingly


def test_two_reviewers_writing_ten_the_later_sees_both_texts(submitted: Any) -> None:
    app, office, city = submitted["app"], submitted["office"], submitted["city"]
    version = app.latest_version()
    url = f"/version/{version.pk}/"

    office.post(url, {"office_opinion": "同意认定。", "opinion_version": version.opinion_version})
    late = city.post(
        url, {"office_opinion": "建议补充场地照片。", "opinion_version": version.opinion_version}
    )

    version.refresh_from_db()
    page = late.content.decode()
    assert late.status_code == 409
    assert version.office_opinion == "同意认定。"
    assert "对方保存的内容" in page
    assert "同意认定。" in page
    assert "您刚写的内容" in page
    assert "建议补充场地照片。" in page
    assert re.search(
        r'<textarea[^>]*id="office-opinion"[^>]*>\s*建议补充场地照片。</textarea>', page
    )
    assert f'name="opinion_version" value="{version.opinion_version}"' in page


def test_submission_after_the_deadline_is_refused_until_a_reviewer_reopens(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any], monkeypatch: Any
) -> None:
    from django.utils import timezone

    from jidi_docs.schema import registry
    from jidi_docs.web import _clock
    from jidi_docs.web.models import Deadline

    user, app = make_base(draft=example)
    base, office = client_for(user), client_for(make_reviewer("全市"))
    day = Deadline.objects.get(batch=registry().default_batch).day
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    monkeypatch.setattr(_clock, "now", lambda: end - dt.timedelta(days=4) + dt.timedelta(hours=9))
    assert "还有 3 天" in base.get(f"/app/{app.pk}/").content.decode()
    monkeypatch.setattr(_clock, "now", lambda: end + dt.timedelta(minutes=1))

    late = _submit(base, app)
    page = base.get(f"/app/{app.pk}/").content.decode()
    reopened = _move(office, app, "reopen", comment="因系统故障延期")
    accepted = _submit(base, app)

    assert late.status_code == 302
    assert "已截止" in page
    assert "截止后不能再提交" in page
    assert reopened.status_code == 302
    app.refresh_from_db()
    assert accepted.status_code == 302
    assert app.versions.count() == 1
    assert (app.state, app.reopened) == ("submitted", False)  # reopened once, for this one


def test_the_office_sets_the_deadline_and_bases_see_the_days_left(
    make_base: Any, make_reviewer: Any, client_for: Any, monkeypatch: Any
) -> None:
    from jidi_docs.schema import registry
    from jidi_docs.web import _clock
    from jidi_docs.web.models import Deadline

    batch = registry().default_batch
    kept = Deadline.objects.get(batch=batch).day
    user, _app = make_base()
    district = client_for(make_reviewer("西湖区"))
    city = client_for(make_reviewer("全市"))
    today = dt.date(2031, 3, 1)
    monkeypatch.setattr(_clock, "now", lambda: dt.datetime(2031, 3, 1, 9, tzinfo=dt.timezone.utc))
    try:
        refused = district.post("/deadline/", {"batch": batch, "day": "2031-03-21"})
        city.post("/deadline/", {"batch": batch, "day": "2031-03-21"})
        page = client_for(user).get("/").content.decode()
    finally:
        Deadline.objects.filter(batch=batch).update(day=kept)

    assert refused.status_code == 404
    assert today + dt.timedelta(days=20) == dt.date(2031, 3, 21)
    assert "申报截止日期：2031 年 3 月 21 日，还有 20 天。" in page


def test_notifications_are_listed_unread_and_read_once_opened(submitted: Any) -> None:
    from jidi_docs.web.models import Notification

    office, user = submitted["office"], submitted["office_user"]
    note = Notification.objects.filter(user=user).latest("pk")

    listed = office.get("/notifications/").content.decode()
    badge = office.get("/").content.decode()
    opened = office.get(f"/notifications/{note.pk}/")
    note.refresh_from_db()

    assert note.text in listed
    assert re.search(r'id="notices">通知<span class="badge">\d+</span>', badge)
    assert opened.status_code == 302
    assert opened.url == note.url
    assert note.read is not None
    assert note.text not in office.get("/notifications/").content.decode().split("已读")[0]


def test_an_import_that_finishes_after_the_submission_leaves_the_draft_alone(
    make_base: Any, client_for: Any, example: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import reads and stores its files before it writes the draft (seconds, for a folder
    with scans); a submission from another window in that time wins: the draft under review is
    not replaced, and the base is told why."""
    import io

    from jidi_docs.web import _views_import
    from jidi_docs.web.models import Application

    user, app = make_base(draft=example)
    base = client_for(user)
    storing = _views_import._store_imported

    def submitted_meanwhile(*args: Any) -> Any:
        stored = storing(*args)
        assert _submit(client_for(user), app).status_code == 302
        return stored

    monkeypatch.setattr(_views_import, "_store_imported", submitted_meanwhile)
    upload = io.BytesIO("基本情况:\n  单位名称: 导入的名称\n".encode())
    upload.name = "申报.yaml"

    response = base.post(f"/app/{app.pk}/import/", {"file": upload}, follow=True)

    app = Application.objects.get(pk=app.pk)
    assert app.state == "submitted"
    assert app.draft == app.latest_version().data
    assert "未导入：这份申报已提交" in response.content.decode()
