"""The review's states and moves, enforced here and nowhere else.

草稿 → 已提交（待审核）→ 审核中 → 退回修改 | 审核通过 | 不予通过. A base submits its draft (a new
frozen `Version`) and may withdraw it until a reviewer starts the review; a returned application
is editable again and its next submission is a version that answers the return. A reviewer
whose scope covers the application moves it; a decision may be taken back (重新审核).

Every move names the application's `revision` the user saw: when somebody moved it since, the
move is refused with `MoveConflict` (what the other did, and what this user asked for), never
applied on a state the user did not see. Every move is a `Move` row and a line of the audit log,
and tells the people concerned (`jidi_docs.web._notify`), in the same transaction.

Deadline: the 认定批次's 申报截止日期 (from its profile, or the office's `Deadline` for it) is
the last day a draft may be submitted. After it, only an application a reviewer reopened, or
one returned for correction (补正 comes after the deadline by its nature), may be submitted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from ..errors import PortalError
from ..schema import builtin_profile
from . import _clock, _notify
from . import _library as lib
from ._access import application_for
from ._store import app_dir
from .models import (
    Application,
    AuditEntry,
    Deadline,
    Move,
    MoveAction,
    Reason,
    State,
    User,
    Version,
)

__all__ = [
    "ACTIONS",
    "EDITABLE",
    "Action",
    "MoveConflict",
    "MoveRefused",
    "actions_for",
    "batch_of",
    "deadline_of",
    "deadline_text",
    "last_return",
    "locked",
    "move",
    "open_reasons",
    "precheck_of",
    "submission_open",
    "submit",
]

#: States in which the base may change its draft.
EDITABLE = (State.DRAFT, State.RETURNED)
BASE, REVIEWER = "base", "reviewer"


@dataclass(frozen=True)
class Action:
    """A move: who makes it, from which states, to which state (None: the state stays)."""

    key: str
    label: str
    who: str
    sources: tuple[str, ...]
    target: str | None


def _action(key: MoveAction, who: str, sources: tuple[str, ...], target: str | None) -> Action:
    return Action(key.value, key.label, who, sources, target)


ACTIONS = {
    a.key: a
    for a in (
        _action(MoveAction.SUBMIT, BASE, EDITABLE, State.SUBMITTED),
        _action(MoveAction.WITHDRAW, BASE, (State.SUBMITTED,), State.DRAFT),
        _action(MoveAction.ACCEPT, REVIEWER, (State.SUBMITTED,), State.REVIEWING),
        _action(MoveAction.RETURN, REVIEWER, (State.REVIEWING,), State.RETURNED),
        _action(MoveAction.APPROVE, REVIEWER, (State.REVIEWING,), State.APPROVED),
        _action(MoveAction.REJECT, REVIEWER, (State.REVIEWING,), State.REJECTED),
        _action(MoveAction.AGAIN, REVIEWER, (State.APPROVED, State.REJECTED), State.REVIEWING),
        _action(MoveAction.REOPEN, REVIEWER, (State.DRAFT,), None),
    )
}


class MoveRefused(PortalError):
    """A move the rules do not allow now; the message says why, in Chinese."""


class MoveConflict(PortalError):
    """The application was moved since the user's page was made.

    Attributes:
        application: the application as it is now.
        last: the move the user did not see (None when only the draft's state differs).
    """

    def __init__(self, application: Application, last: Move | None) -> None:
        self.application = application
        self.last = last
        who = last.by.username if last is not None else "他人"
        when = timezone.localtime(last.when).strftime("%H:%M") if last is not None else ""
        super().__init__(
            f"未执行：{who}{f' 在 {when} ' if when else ''}已对这份申报做了操作"
            f"（现在的状态是“{application.get_state_display()}”）。请看清对方的操作后再决定。"
        )


# ---------------------------------------------------------------------------------------------
# what the pages ask
# ---------------------------------------------------------------------------------------------


def locked(app: Application) -> str | None:
    """Return why the base cannot change its draft now (Chinese), or None when it can."""
    if app.state in EDITABLE:
        return None
    if app.state == State.SUBMITTED:
        return "这份申报已提交，等待综试办审核，审核期间不能修改；需要修改请先撤回。"
    if app.state == State.REVIEWING:
        return "综试办正在审核这份申报，审核期间不能修改；如被退回修改，可再修改。"
    return f"这份申报已审核完毕（{app.get_state_display()}），不能再修改。"


def actions_for(app: Application, user: User) -> list[Action]:
    """Return the moves `user` may make on `app` now (the buttons of its page)."""
    who = REVIEWER if user.is_reviewer else BASE
    out = [a for a in ACTIONS.values() if a.who == who and app.state in a.sources]
    if who == REVIEWER and not user.sees_district(app.base.district):
        return []
    if who == BASE and app.base_id != user.base_id:
        return []
    return [a for a in out if a.key != "reopen" or not submission_open(app)]


def last_return(app: Application) -> Move | None:
    """Return the latest 退回修改 of `app`, or None."""
    return app.moves.filter(action="return").order_by("-pk").first()


def open_reasons(app: Application) -> list[Reason]:
    """Return the reasons of the return the base has not answered yet (in the order given)."""
    if app.state != State.RETURNED:
        return []
    back = last_return(app)
    return list(back.reasons.filter(resolved__isnull=True).order_by("pk")) if back else []


def batch_of(app: Application) -> str:
    """Return the 认定批次 of `app` (its draft's, else the default)."""
    return lib.batch_of(app.draft)


def deadline_of(batch: str) -> tuple[dt.date, bool] | None:
    """Return the 截止日期 of `batch` and whether the office set it; None if there is none."""
    override = Deadline.objects.filter(batch=batch).first()
    if override is not None:
        return override.day, True
    try:
        return builtin_profile(batch).deadline, False
    except lib.UserError:  # a batch of the user's own: no deadline known to the portal
        return None


def _end(day: dt.date) -> dt.datetime:
    """The end of `day` in the portal's time zone: submissions are due before it."""
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    return timezone.make_aware(start, timezone.get_current_timezone())


def submission_open(app: Application, now: dt.datetime | None = None) -> bool:
    """True when `app` may be submitted now as far as the deadline goes."""
    if app.reopened or app.state == State.RETURNED:
        return True
    deadline = deadline_of(batch_of(app))
    return deadline is None or (now or _clock.now()) < _end(deadline[0])


def deadline_text(app: Application, now: dt.datetime | None = None) -> tuple[str, bool] | None:
    """Return the deadline as the base reads it and whether it has passed; None without one."""
    deadline = deadline_of(batch_of(app))
    if deadline is None:
        return None
    day = deadline[0]
    when = now or _clock.now()
    label = f"申报截止日期：{day.year} 年 {day.month} 月 {day.day} 日"
    if when >= _end(day):
        return f"{label}，已截止。", True
    left = (day - timezone.localtime(when).date()).days
    return (f"{label}，今天截止。" if left == 0 else f"{label}，还有 {left} 天。"), False


def precheck_of(draft: lib.Draft) -> str:
    """Return the 预审结果 of a validated draft: its worst status, or 有误 when it is invalid."""
    if draft.report is None:
        return "有误"
    statuses = {c.status for c in draft.report.conditions}
    return next((s for s in ("不符合", "需注意") if s in statuses), "符合")


# ---------------------------------------------------------------------------------------------
# moves
# ---------------------------------------------------------------------------------------------


def _check_revision(app: Application, revision: int | None) -> None:
    if revision != app.revision:
        last = app.moves.select_related("by").order_by("-pk").first()
        raise MoveConflict(app, last)


def _record(
    app: Application,
    user: User,
    action: Action,
    now: dt.datetime,
    *,
    version: Version | None,
    comment: str = "",
) -> Move:
    before = app.state
    app.revision += 1
    if action.target is not None:
        app.state = action.target
    app.save(update_fields=["state", "revision", "reopened", "updated"])
    return Move.objects.create(
        application=app,
        version=version,
        action=action.key,
        from_state=before,
        to_state=app.state,
        by=user,
        when=now,
        comment=comment,
        revision=app.revision,
    )


def move(
    user: User,
    pk: int,
    key: str,
    revision: int | None,
    *,
    comment: str = "",
    reasons: Iterable[tuple[str, str, str]] = (),
    now: dt.datetime | None = None,
) -> Move:
    """Make move `key` (not 提交: see `submit`) on application `pk` as `user`; return it.

    Args:
        revision: the application's revision the user's page showed.
        comment: what the reviewer adds (shown to the base with the move).
        reasons: for 退回修改, (target, label, text) of each reason; at least one.

    Raises:
        Http404: `user` may not see the application (another base, out of scope).
        MoveConflict: somebody moved it since `revision`.
        MoveRefused: the move is not possible in the application's state.
    """
    action = ACTIONS.get(key)
    if action is None or key == "submit":
        raise MoveRefused("没有这个操作。")
    when = now or _clock.now()
    reasons = [r for r in reasons if r[2].strip()]
    with transaction.atomic():
        app = application_for(user, pk, lock=True)
        if (action.who == REVIEWER) != user.is_reviewer:
            raise Http404
        _check_revision(app, revision)
        if app.state not in action.sources:
            raise MoveRefused(
                f"“{action.label}”只能用于{'、'.join(State(s).label for s in action.sources)}"
                f"的申报，这份申报现在是“{app.get_state_display()}”。"
            )
        if key == "return" and not reasons:
            raise MoveRefused("退回修改至少要写一条意见，并选好它针对的栏目、行或佐证材料。")
        if key == "reopen":
            app.reopened = True
        version = app.latest_version()
        done = _record(app, user, action, when, version=version, comment=comment.strip()[:2000])
        for target, label, text in reasons:
            Reason.objects.create(
                move=done,
                application=app,
                target=target[:300],
                label=label[:300],
                text=text.strip()[:2000],
            )
        detail = f"第 {version.number} 版" if version else ""
        if reasons:
            detail += f"：{len(reasons)} 条意见"
        AuditEntry.record(user, action.label, app, detail)
        _notify.moved(done)
    return done


def submit(
    user: User,
    pk: int,
    revision: int | None,
    *,
    dealt_with: Iterable[int] = (),
    replies: Mapping[int, str] | None = None,
    now: dt.datetime | None = None,
) -> Version:
    """Freeze the base's valid draft as a new version for review; return the version.

    Args:
        revision: the application's revision the base's page showed.
        dealt_with: ids of the open reasons of the last return the base marked as dealt with;
            every open reason must be among them.
        replies: what the base says about each reason (optional).

    Raises:
        Http404: `user` is not the application's base.
        MoveConflict: somebody moved the application since `revision`.
        MoveRefused: not editable now, past the deadline, invalid, or reasons left open.
    """
    when = now or _clock.now()
    done = set(dealt_with)
    with transaction.atomic():
        app = application_for(user, pk, edit=True, lock=True)
        _check_revision(app, revision)
        why = locked(app)
        if why:
            raise MoveRefused(f"未提交：{why}")
        if not submission_open(app, when):
            text = deadline_text(app, when)
            raise MoveRefused(
                f"未提交：{text[0] if text else '申报已截止。'}截止后不能再提交；"
                "确有原因的，请联系综试办，由审核人员为这份申报重新开放提交。"
            )
        # the district is the base's own (it decides who reviews), whatever the draft says
        data = lib.fixed_district(app.draft, app.base.district)
        draft = lib.validate_draft(data, app_dir(app))
        if draft.app is None:
            raise MoveRefused(f"还有 {len(draft.issues)} 处填写错误，改正后才能提交。")
        reasons = open_reasons(app)
        left = [r for r in reasons if r.pk not in done]
        if left:
            raise MoveRefused(
                f"未提交：还有 {len(left)} 条退回意见没有勾选“已处理”："
                + "；".join(f"{r.label}：{r.text}" for r in left)
            )
        latest = app.latest_version()
        version = Version.objects.create(
            application=app,
            number=(latest.number if latest else 0) + 1,
            data=data,
            submitted_by=user,
            answers=last_return(app) if app.state == State.RETURNED else None,
            precheck=precheck_of(draft),
        )
        for reason in reasons:
            reason.resolved = when
            reason.reply = (replies or {}).get(reason.pk, "").strip()[:2000]
            reason.save(update_fields=["resolved", "reply"])
        app.reopened = False
        done_move = _record(app, user, ACTIONS["submit"], when, version=version)
        AuditEntry.record(user, "提交", app, f"第 {version.number} 版")
        _notify.moved(done_move)
    return version
