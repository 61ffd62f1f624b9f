"""Telling people: a notification in the portal for every move, and mail for the ones that matter.

Who hears of what: the reviewers whose scope covers the application, when a base submits (or
withdraws); the base, of every step of the review. Mail goes to the base on 退回修改, on the
decision (审核通过, 不予通过), when 十 is written and when its application is reopened after the
deadline, and to the reviewers on a submission — only when the server has SMTP (``--smtp``).

Why a queue: a request never waits for a mail server. Mails are rows (`Mail`), written in the
same transaction as the move they tell of, and sent by the server's mail thread (`MailSender`,
started with the job queue); a failed send is tried again later (`BACKOFF`), and after the last
try it stays ``failed`` with its error, on the administrator's page.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import threading
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import close_old_connections, connections, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from . import _clock
from .models import (
    CITY,
    Application,
    Mail,
    MailState,
    Move,
    Notification,
    Role,
    User,
    Version,
)

__all__ = [
    "BACKOFF",
    "MailSender",
    "mail_enabled",
    "moved",
    "opinion_written",
    "public_url",
    "send_due",
]

log = logging.getLogger(__name__)

#: Seconds to wait before each further try of a mail that failed: 1 min, 5 min, 15 min, 1 h,
#: 3 h; after the last one the mail is ``failed`` for good (the administrator may retry it).
BACKOFF = (60, 300, 900, 3600, 3 * 3600)
#: A mail ``sending`` for longer than this was cut off (the server stopped): send it again.
_STUCK = dt.timedelta(minutes=10)
_SIGNATURE = "（此邮件由跨境电商人才社会培训基地认定申报平台自动发送，请勿直接回复。）"


def mail_enabled() -> bool:
    """True when the server was given an SMTP server (``--smtp``)."""
    return bool(getattr(settings, "PORTAL_SMTP", None))


def public_url(path: str) -> str:
    """Return `path` of the portal as its users reach it (``--public-url``, else host and port)."""
    root = str(getattr(settings, "PORTAL_PUBLIC_URL", "") or "http://127.0.0.1:8000")
    return root.rstrip("/") + path


def _reviewers(app: Application) -> QuerySet[User]:
    return User.objects.filter(
        Q(scope=CITY) | Q(scope=app.base.district), role=Role.REVIEWER, is_active=True
    )


def _base_users(app: Application) -> QuerySet[User]:
    return User.objects.filter(role=Role.BASE, base_id=app.base_id, is_active=True)


def _tell(
    users: Iterable[User],
    app: Application,
    text: str,
    path: str,
    *,
    mail: tuple[str, str] | None = None,
) -> None:
    """Leave `text` for each of `users` and, with `mail` (subject, body) and SMTP, queue mail."""
    now = _clock.now()
    users = list(users)
    Notification.objects.bulk_create(
        Notification(user=u, application=app, text=text[:500], url=path, created=now) for u in users
    )
    if mail is None or not mail_enabled():
        return
    subject, body = mail
    addresses = sorted({u.email for u in users if u.email})
    Mail.objects.bulk_create(
        Mail(to=a, subject=subject[:200], body=body, next_try=now, created=now) for a in addresses
    )


def _unit(app: Application, version: Version | None) -> str:
    data = version.data if version is not None else app.draft
    basic = data.get("基本情况") if isinstance(data, dict) else None
    name = basic.get("单位名称") if isinstance(basic, dict) else None
    return str(name or app.base.name)


def _letter(greeting: str, lines: list[str], path: str) -> str:
    return "\n".join(
        [f"{greeting}：", "", *lines, "", "请登录申报平台查看：", public_url(path), "", _SIGNATURE]
    )


def moved(move: Move) -> None:
    """Tell the people concerned of `move` (called in the move's transaction)."""
    app, version = move.application, move.version
    unit = _unit(app, version)
    number = f"第 {version.number} 版" if version is not None else ""
    to_base = reverse("portal:application", args=[app.pk])
    to_office = reverse("portal:version", args=[version.pk]) if version is not None else to_base
    if move.action == "submit":
        again = "修改后的" if version is not None and version.answers_id else ""
        text = f"{unit}（{app.base.district}）提交了{again}{number}申报，待审核。"
        _tell(
            _reviewers(app),
            app,
            text,
            to_office,
            mail=(
                f"【培训基地认定】{unit} 提交了{again}申报（{number}）",
                _letter("审核人员", [text], to_office),
            ),
        )
        return
    if move.action == "withdraw":
        _tell(_reviewers(app), app, f"{unit} 撤回了{number}申报。", to_office)
        return
    _tell_base(move, unit, number, to_base)


def _tell_base(move: Move, unit: str, number: str, path: str) -> None:
    app = move.application
    comment = [f"审核人员的说明：{move.comment}"] if move.comment else []
    if move.action == "return":
        reasons = list(move.reasons.order_by("pk"))
        text = f"您的{number}申报被退回修改，共 {len(reasons)} 条意见，请修改后重新提交。"
        lines = [text, "", *(f"{n}. {r.label}：{r.text}" for n, r in enumerate(reasons, 1))]
        mail = (f"【培训基地认定】{unit} 的申报已退回修改", _letter(unit, lines + comment, path))
        _tell(_base_users(app), app, text, path, mail=mail)
        return
    texts = {
        "accept": (f"综试办已开始审核您的{number}申报。", False),
        "approve": (f"您的{number}申报已审核通过。", True),
        "reject": (f"您的{number}申报未予通过。", True),
        "again": (f"综试办撤回了对{number}申报的审核结论，重新审核。", False),
        "reopen": ("综试办已为您的申报重新开放提交，截止日期后也可以提交一次。", True),
    }
    text, with_mail = texts[move.action]
    mail = (f"【培训基地认定】{unit}：{text.rstrip('。')}", _letter(unit, [text, *comment], path))
    _tell(_base_users(app), app, text, path, mail=mail if with_mail else None)


def opinion_written(version: Version) -> None:
    """Tell the base that the office wrote (or changed) 十 on `version`."""
    app = version.application
    unit = _unit(app, version)
    path = reverse("portal:version", args=[version.pk])
    text = f"综试办填写了第 {version.number} 版申报的审核意见（十、综试办审核意见）。"
    lines = [text, "", version.office_opinion]
    _tell(
        _base_users(app),
        app,
        text,
        path,
        mail=(f"【培训基地认定】{unit}：综试办审核意见", _letter(unit, lines, path)),
    )


# ---------------------------------------------------------------------------------------------
# the mail queue
# ---------------------------------------------------------------------------------------------


def _claim(now: dt.datetime) -> Mail | None:
    """Take the oldest mail due now, or None; a mail is taken once even by several servers."""
    with transaction.atomic():
        due = Mail.objects.filter(state=MailState.QUEUED, next_try__lte=now).order_by("pk")
        mail = due.select_for_update(skip_locked=True).first()
        if mail is None:
            return None
        taken = Mail.objects.filter(pk=mail.pk, state=MailState.QUEUED).update(
            state=MailState.SENDING, next_try=now
        )
    return mail if taken else None


def send_due(now: dt.datetime | None = None, limit: int = 20) -> int:
    """Send up to `limit` mails that are due; return how many were tried."""
    tried = 0
    while tried < limit:
        when = now or _clock.now()
        mail = _claim(when)
        if mail is None:
            break
        tried += 1
        try:
            EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to]).send()
        except (smtplib.SMTPException, OSError, UnicodeError) as e:
            attempts = mail.attempts + 1
            final = attempts > len(BACKOFF)
            later = when + dt.timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])
            Mail.objects.filter(pk=mail.pk).update(
                state=MailState.FAILED if final else MailState.QUEUED,
                attempts=attempts,
                next_try=when if final else later,
                error=f"{type(e).__name__}: {e}"[:2000],
            )
            log.warning("mail %s to %s: %s", mail.pk, mail.to, e)
            continue
        Mail.objects.filter(pk=mail.pk).update(
            state=MailState.SENT, attempts=mail.attempts + 1, sent=_clock.now(), error=""
        )
    return tried


def requeue_stuck(now: dt.datetime | None = None) -> int:
    """Put mails left ``sending`` by a stopped server back in the queue; return how many."""
    when = now or _clock.now()
    return Mail.objects.filter(state=MailState.SENDING, next_try__lt=when - _STUCK).update(
        state=MailState.QUEUED
    )


class MailSender:
    """The server's mail thread: sends due mails until `stop` is called."""

    def __init__(self, *, poll_seconds: float = 1.0) -> None:
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="mail", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                close_old_connections()
                try:
                    # a mail left "sending" that long was cut off (its server stopped): another
                    # server sharing the database may be sending the younger ones right now
                    requeue_stuck()
                    busy = send_due()
                except Exception:  # the database was busy or gone: try again later
                    log.exception("mail queue")
                    busy = 0
                if not busy:
                    self._stop.wait(self.poll_seconds)
        finally:
            connections.close_all()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
