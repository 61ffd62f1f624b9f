"""Notification mail (jidi_docs.web._notify, _smtp): queued with the move, sent by the mail
thread to a real SMTP server on loopback (aiosmtpd), retried with back-off, failures shown to
the administrator; without ``--smtp`` only notifications in the portal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from reviewhelpers import move, reasons, submit


@pytest.fixture
def smtp(mail: Any) -> Any:
    """The portal configured to send through the test's SMTP server (as ``--smtp`` does)."""
    from django.test import override_settings

    from jidi_docs.web._smtp import smtp_settings

    mail.refuse = False
    with override_settings(**smtp_settings(mail.url), PORTAL_PUBLIC_URL="https://申报.example.cn"):
        yield mail


def _subject(message: Any) -> str:
    """The subject as a mail program shows it (unfolded: the encoded header may start a line)."""
    return str(message["Subject"]).strip()


def _deliver() -> int:
    from jidi_docs.web._notify import send_due

    return send_due()


def test_a_submission_mails_the_reviewers_in_scope_and_a_return_mails_the_base(
    smtp: Any, make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web.models import Mail

    user, app = make_base(district="萧山区", draft=example)
    user.email = "base@example.cn"
    user.save()
    inside, outside = make_reviewer("萧山区"), make_reviewer("滨江区")
    inside.email, outside.email = "xiaoshan@example.cn", "binjiang@example.cn"
    inside.save()
    outside.save()
    base, office = client_for(user), client_for(inside)

    submit(base, app)
    queued = list(Mail.objects.filter(to__in=[inside.email, outside.email]))
    _deliver()
    move(office, app, "accept")
    move(
        office,
        app,
        "return",
        **reasons(("讲师.1", "学历证明不清晰"), ("基本情况", "地址与执照不符")),
    )
    _deliver()

    assert [m.to for m in queued] == [inside.email]  # queued with the move, not sent by it
    assert queued[0].attempts == 0
    (to_office,) = smtp.to(inside.email)
    assert not smtp.to(outside.email)
    assert "提交了申报（第 1 版）" in _subject(to_office)
    body = to_office.get_content()
    assert "待审核" in body
    assert f"https://申报.example.cn/version/{app.latest_version().pk}/" in body
    (to_base,) = smtp.to(user.email)
    assert (
        _subject(to_base) == "【培训基地认定】杭州示例跨境电商职业培训学校有限公司 的申报已退回修改"
    )
    text = to_base.get_content()
    assert "1. 三、专兼职讲师 第 2 行（孙八）：学历证明不清晰" in text
    assert "2. 一、基本情况：地址与执照不符" in text
    assert f"https://申报.example.cn/app/{app.pk}/" in text
    assert to_base["From"] == "jidi-docs@example.cn"


def test_approval_and_ten_are_mailed_to_the_base(
    smtp: Any, make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    user, app = make_base(draft=example)
    user.email = "approved@example.cn"
    user.save()
    base, office = client_for(user), client_for(make_reviewer("全市"))
    submit(base, app)
    version = app.latest_version()

    move(office, app, "accept")
    office.post(f"/version/{version.pk}/", {"office_opinion": "同意认定。", "opinion_version": 1})
    move(office, app, "approve")
    _deliver()

    subjects = [_subject(m) for m in smtp.to(user.email)]
    assert subjects == [
        "【培训基地认定】杭州示例跨境电商职业培训学校有限公司：综试办审核意见",
        "【培训基地认定】杭州示例跨境电商职业培训学校有限公司：您的第 1 版申报已审核通过",
    ]
    assert "同意认定。" in smtp.to(user.email)[0].get_content()


def test_a_refused_mail_is_retried_with_back_off_then_shown_to_the_administrator(
    smtp: Any, make_reviewer: Any, client_for: Any, monkeypatch: Any
) -> None:
    from jidi_docs.web import _clock
    from jidi_docs.web._notify import BACKOFF, send_due
    from jidi_docs.web.models import Mail

    start = dt.datetime(2031, 5, 1, 9, tzinfo=dt.timezone.utc)
    mail = Mail.objects.create(
        to="slow@example.cn", subject="测试", body="正文", next_try=start, created=start
    )
    smtp.refuse = True
    now = start
    tries = []
    for wait in (0, *BACKOFF):
        now += dt.timedelta(seconds=wait)
        early = send_due(now - dt.timedelta(seconds=1)) if wait else 0
        monkeypatch.setattr(_clock, "now", lambda now=now: now)
        tried = send_due(now)
        mail.refresh_from_db()
        tries.append((early, tried, mail.attempts, mail.state))
    page = client_for(make_reviewer("全市")).get("/mail/").content.decode()
    smtp.refuse = False
    admin = client_for(make_reviewer("全市"))
    admin.post("/mail/", {"mail": [mail.pk]})
    send_due(now)
    mail.refresh_from_db()

    assert [t[0] for t in tries] == [0] * (len(BACKOFF) + 1)  # never before its time
    assert [t[2] for t in tries] == list(range(1, len(BACKOFF) + 2))
    assert [t[3] for t in tries] == ["queued"] * len(BACKOFF) + ["failed"]
    assert "slow@example.cn" in page
    assert "451" in page  # the server's answer, for the administrator
    assert mail.state == "sent"
    assert [_subject(m) for m in smtp.to("slow@example.cn")] == ["测试"]


def test_without_smtp_there_are_notifications_and_no_mail(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web.models import Mail, Notification

    user, app = make_base(district="临安区", draft=example)
    reviewer = make_reviewer("临安区")
    reviewer.email = "linan@example.cn"
    reviewer.save()
    before = Mail.objects.count()

    submit(client_for(user), app)

    assert Mail.objects.count() == before
    assert Notification.objects.filter(user=reviewer, application=app).count() == 1


def test_a_request_never_waits_for_the_mail_server(
    smtp: Any, make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    """With the mail server gone, a submission still answers and leaves the mail queued."""
    from django.test import override_settings

    from jidi_docs.web.models import Mail
    from servehelpers import free_port

    user, app = make_base(district="富阳区", draft=example)
    reviewer = make_reviewer("富阳区")
    reviewer.email = "fuyang@example.cn"
    reviewer.save()
    with override_settings(EMAIL_PORT=free_port()):  # nothing listens there
        response = submit(client_for(user), app)

    (queued,) = Mail.objects.filter(to=reviewer.email)
    assert response.status_code == 302
    assert (queued.state, queued.attempts) == ("queued", 0)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://relay.example.cn",
            ("relay.example.cn", 25, False, False, "", "noreply@relay.example.cn"),
        ),
        (
            "smtps://u%40x.cn:p%3Aw@smtp.x.cn?from=a@x.cn",
            ("smtp.x.cn", 465, False, True, "p:w", "a@x.cn"),
        ),
        (
            "smtp+starttls://u:pw@smtp.x.cn:2525",
            ("smtp.x.cn", 2525, True, False, "pw", "noreply@smtp.x.cn"),
        ),
    ],
)
def test_the_smtp_url_names_host_port_security_and_sender(
    url: str, expected: tuple[Any, ...]
) -> None:
    from jidi_docs.web._smtp import describe, smtp_settings

    s = smtp_settings(url)

    got = (s["EMAIL_HOST"], s["EMAIL_PORT"], s["EMAIL_USE_TLS"], s["EMAIL_USE_SSL"])
    assert (*got, s["EMAIL_HOST_PASSWORD"], s["DEFAULT_FROM_EMAIL"]) == expected
    assert expected[4] == "" or expected[4] not in describe(url).replace("%3A", ":")


@pytest.mark.parametrize(
    "url", ["http://x.cn", "smtp://", "smtp://x.cn:port", "smtp://x.cn?from=nobody"]
)
def test_a_wrong_smtp_url_is_refused_in_chinese(url: str) -> None:
    from jidi_docs.web._smtp import smtp_settings

    with pytest.raises(ValueError, match=r"^--smtp "):
        smtp_settings(url)


def test_the_startup_line_says_whether_mail_is_sent(monkeypatch: Any, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from jidi_docs import web
    from jidi_docs.cli import app as cli

    def started(options: Any, *, on_ready: Any) -> None:  # the server, as far as the line goes
        on_ready({"data_dir": str(tmp_path)})

    monkeypatch.setattr(web, "serve", started)
    monkeypatch.delenv("JIDI_SMTP_URL", raising=False)
    runner = CliRunner()

    without = runner.invoke(cli, ["serve", "--data", str(tmp_path)])
    monkeypatch.setenv("JIDI_SMTP_URL", "smtps://u:secret@smtp.example.cn")
    with_env = runner.invoke(cli, ["serve", "--data", str(tmp_path)])
    wrong = runner.invoke(cli, ["serve", "--data", str(tmp_path), "--smtp", "mailto:x"])

    assert "未设置 --smtp（或 JIDI_SMTP_URL），只在网页内通知" in without.output
    assert "通知邮件：经 smtps://u:***@smtp.example.cn 发送" in with_env.output
    assert "secret" not in with_env.output
    assert wrong.exit_code == 2
    assert "--smtp 应写成" in wrong.output


def test_a_mail_cut_off_while_sending_is_sent_again_later_but_not_one_being_sent() -> None:
    from django.utils import timezone

    from jidi_docs.web._notify import requeue_stuck
    from jidi_docs.web.models import Mail

    now = timezone.now()
    cut = Mail.objects.create(
        to="cut@example.cn",
        subject="x",
        body="x",
        state="sending",
        next_try=now - dt.timedelta(minutes=11),
        created=now,
    )
    busy = Mail.objects.create(
        to="busy@example.cn",
        subject="x",
        body="x",
        state="sending",
        next_try=now - dt.timedelta(minutes=1),
        created=now,
    )

    requeue_stuck(now)

    cut.refresh_from_db()
    busy.refresh_from_db()
    assert (cut.state, busy.state) == ("queued", "sending")


def test_users_choose_where_their_notification_mail_goes(
    make_reviewer: Any, client_for: Any
) -> None:
    user = make_reviewer("西湖区")
    client = client_for(user)

    wrong = client.post("/notifications/", {"email": "不是邮箱"})
    right = client.post("/notifications/", {"email": "me@example.cn"})
    user.refresh_from_db()

    assert wrong.status_code == 400
    assert "请填写正确的邮箱地址" in wrong.content.decode()
    assert right.status_code == 302
    assert user.email == "me@example.cn"
