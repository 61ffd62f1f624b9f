"""What the portal stores: users with their role, bases, applications, versions, files, jobs, log,
and the review (moves with their reasons, notifications, mail, deadlines, bundle zips).

An application's working copy (`Application.draft`) is the same plain data a ``申报.yaml`` holds
(keys are the forms' Chinese labels); the library validates it. Submitting copies it into a frozen
`Version`. Evidence files are stored under generated names and referenced from the data as
``佐证材料/<generated name>``, exactly as in the command line's folder format.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from hashlib import sha256
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

CITY = "全市"


class Role(models.TextChoices):
    BASE = "base", "培训基地"
    REVIEWER = "reviewer", "审核人员"


class Base(models.Model):
    """A 培训基地 (the organisation applying)."""

    name = models.CharField("单位名称", max_length=200)
    district = models.CharField("所属区县", max_length=20)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A portal user: a 培训基地 user (bound to one base) or a 审核人员 (scoped to a district or 全市)."""

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.BASE)
    base = models.ForeignKey(Base, null=True, blank=True, on_delete=models.PROTECT)
    scope = models.CharField("审核范围", max_length=20, blank=True, default="")

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def city_wide(self) -> bool:
        """True for a 审核人员 of 全市: it also sets deadlines, sees the mail queue and manages the
        other reviewers."""
        return self.is_reviewer and self.scope == CITY

    def sees_district(self, district: str) -> bool:
        """True when this reviewer's scope covers `district`."""
        return self.is_reviewer and self.scope in (CITY, district)


def _token_hash(token: str) -> str:
    return sha256(token.encode("utf-8")).hexdigest()


class Invitation(models.Model):
    """A one-time link created by the office: a base (or a reviewer) joins with it."""

    token_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.BASE)
    base_name = models.CharField(max_length=200, blank=True, default="")
    district = models.CharField(max_length=20)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    used_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    @classmethod
    def issue(cls, **fields: Any) -> tuple[Invitation, str]:
        """Return a new invitation and its token; only the token's hash is stored."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            token_hash=_token_hash(token), expires=timezone.now() + timedelta(days=14), **fields
        )
        return invitation, token

    @classmethod
    def find(cls, token: str) -> Invitation | None:
        """Return the unused, unexpired, unrevoked invitation with `token`, else None."""
        return cls.objects.filter(
            token_hash=_token_hash(token),
            used__isnull=True,
            revoked__isnull=True,
            expires__gt=timezone.now(),
        ).first()

    @property
    def state(self) -> str:
        """未使用 / 已使用 / 已过期 / 已撤销, as the office's lists show it."""
        if self.used is not None:
            return "已使用"
        if self.revoked is not None:
            return "已撤销"
        return "已过期" if self.expires <= timezone.now() else "未使用"


class State(models.TextChoices):
    """Where an application is in the review (`jidi_docs.web._workflow` moves it)."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交（待审核）"
    REVIEWING = "reviewing", "审核中"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "不予通过"


class Application(models.Model):
    """One base's application: its working copy (draft) with optimistic-concurrency versions.

    `draft_version` counts every change of the draft; `section_versions` counts the changes of
    each top-level key (a page of the editor), so two windows editing different pages never
    refuse each other's saves, and a window whose page changed elsewhere is told so.

    `state` and `revision` belong to the review: every move (submit, return, approve …) adds 1 to
    `revision`, and a move sent from a page showing an older revision is refused, so nobody acts
    on a state they did not see. `reopened`: a reviewer allowed one submission after the deadline.
    """

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="applications")
    draft = models.JSONField(default=dict)
    draft_version = models.PositiveIntegerField(default=1)
    section_versions = models.JSONField(default=dict)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    revision = models.PositiveIntegerField(default=1)
    reopened = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True)
    created = models.DateTimeField(auto_now_add=True)

    def section_version(self, key: str) -> int:
        """How many times the draft's key `key` has changed (0: never since it was created)."""
        return int(self.section_versions.get(key, 0))

    def replace_draft(self, draft: dict[str, Any]) -> list[str]:
        """Set the draft to `draft`, counting a change for each key whose value differs; return
        those keys (nothing is counted, and nothing needs saving, when none differs)."""
        keys = sorted({*self.draft, *draft})
        changed = [k for k in keys if self.draft.get(k) != draft.get(k)]
        if changed:
            self.draft = draft
            self.draft_version += 1
            self.section_versions = {
                **self.section_versions,
                **{k: self.section_version(k) + 1 for k in changed},
            }
        return changed

    def latest_version(self) -> Version | None:
        return self.versions.order_by("-number").first()

    @property
    def title(self) -> str:
        basic = self.draft.get("基本情况") if isinstance(self.draft, dict) else None
        name = basic.get("单位名称") if isinstance(basic, dict) else None
        return str(name or self.base.name)


class Version(models.Model):
    """A submitted, frozen copy of an application; the office writes 十 on it."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted = models.DateTimeField(auto_now_add=True)
    office_opinion = models.TextField(blank=True, default="")
    opinion_version = models.PositiveIntegerField(default=1)
    opinion_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opinion_at = models.DateTimeField(null=True, blank=True)
    #: The return this version answers (a resubmission after 退回修改), if any.
    answers = models.ForeignKey(
        "Move", null=True, blank=True, on_delete=models.PROTECT, related_name="answered_by"
    )
    #: 预审结果 when submitted: 符合, 需注意, 不符合, or 有误 (the data no longer validates).
    precheck = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="one_number_per_app")
        ]


class StoredFile(models.Model):
    """An uploaded evidence file, kept under a generated name outside any served folder."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="files")
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)
    kind = models.CharField(
        max_length=8
    )  # its usual extension (pdf, jpg …), sniffed from the content
    size = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded = models.DateTimeField(auto_now_add=True)
    #: when neither the draft nor any submitted version referred to it any more: it no longer
    #: counts towards the application's limit, and is deleted a day later unless referred to again
    removed = models.DateTimeField(null=True, blank=True)

    @property
    def data_path(self) -> str:
        """The path the application's data uses for this file (folder format of the CLI)."""
        return f"佐证材料/{self.stored_name}"


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """A queued bundle: survives a restart; at most N run at once."""

    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="jobs")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True, default="")
    error = models.TextField(blank=True, default="")
    result_name = models.CharField(max_length=64, blank=True, default="")
    pdfa = models.BooleanField(default=False)  # PDF/A-2b (archival), as `bundle --pdfa`
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)


class Preview(models.Model):
    """Page images of a draft's two forms, made in the background; one per draft content.

    `digest` identifies what was rendered (the draft's data and the program's version), so
    re-opening the preview of an unchanged draft shows the images already made.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="previews")
    digest = models.CharField(max_length=64)
    draft_version = models.PositiveIntegerField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True, default="")
    error = models.TextField(blank=True, default="")
    pages = models.JSONField(default=dict)  # {"附件1": 2, "附件2": 9} when done
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "digest"], name="one_preview_per_draft")
        ]


class AuditEntry(models.Model):
    """Who did what, when (never edited)."""

    when = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="audit"
    )
    action = models.CharField(max_length=40)
    detail = models.TextField(blank=True, default="")

    @classmethod
    def record(
        cls,
        user: User | None,
        action: str,
        application: Application | None = None,
        detail: str = "",
    ) -> None:
        cls.objects.create(user=user, application=application, action=action, detail=detail)


# ---------------------------------------------------------------------------------------------
# the review: moves with their reasons, notifications, mail, deadlines, bundle zips
# ---------------------------------------------------------------------------------------------


class MoveAction(models.TextChoices):
    """The moves of the review, as the pages name them (`jidi_docs.web._workflow` says who may
    make each, and from which state)."""

    SUBMIT = "submit", "提交"
    WITHDRAW = "withdraw", "撤回"
    ACCEPT = "accept", "开始审核"
    RETURN = "return", "退回修改"
    APPROVE = "approve", "审核通过"
    REJECT = "reject", "不予通过"
    AGAIN = "again", "重新审核"
    REOPEN = "reopen", "允许截止后提交"


class Move(models.Model):
    """One step of the review (提交, 开始审核, 退回修改, 审核通过 …): who, when, from and to.

    Never edited. The audit log records the same step in words; this row keeps it as data, so
    a return's reasons, the version a resubmission answers and the conflict page (what the
    other reviewer did) can refer to it.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="moves")
    version = models.ForeignKey(
        Version, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    action = models.CharField(max_length=20, choices=MoveAction.choices)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    when = models.DateTimeField()
    comment = models.TextField(blank=True, default="")
    #: The application's revision this move produced.
    revision = models.PositiveIntegerField()


class Reason(models.Model):
    """A reason for 退回修改, tied to a section, a table row, a field or an evidence indicator.

    `target` is the place in the application's data the editor knows (``讲师``, ``讲师.1``,
    ``基本情况.电话``, ``佐证材料@教师管理系统``); `label` says it as the form does
    (``三、专兼职讲师 第 2 行（钱七）``). The base marks it dealt with when it resubmits.
    """

    move = models.ForeignKey(Move, on_delete=models.PROTECT, related_name="reasons")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="reasons")
    target = models.CharField(max_length=300)
    label = models.CharField(max_length=300)
    text = models.TextField()
    resolved = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True, default="")


class Notification(models.Model):
    """A message in the portal for one user (unread until opened or marked read)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True, default="")
    created = models.DateTimeField()
    read = models.DateTimeField(null=True, blank=True)


class MailState(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Mail(models.Model):
    """A mail waiting in the queue, sent by the server's mail thread (never by a request)."""

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=MailState.choices, default=MailState.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try = models.DateTimeField()
    error = models.TextField(blank=True, default="")
    created = models.DateTimeField()
    sent = models.DateTimeField(null=True, blank=True)


class Deadline(models.Model):
    """The office's 截止日期 for a 认定批次, instead of the one its profile states."""

    batch = models.CharField(max_length=100, unique=True)
    day = models.DateField()
    set_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)


class BundleZip(models.Model):
    """A zip of the bundles of a filtered office list, built in the background.

    Visible only to the reviewer who asked for it (a zip mixes applications, and another
    reviewer's scope may not cover all of them).
    """

    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    versions = models.ManyToManyField(Version, related_name="+")
    description = models.CharField(max_length=300, blank=True, default="")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True, default="")
    error = models.TextField(blank=True, default="")
    result_name = models.CharField(max_length=200, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
