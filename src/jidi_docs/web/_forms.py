"""The review's input, as Django forms: moves, reasons, 十, the base's submission, filters, deadline.

Every form carries what its move needs to be checked on the server: the application's
`revision` (or 十's `opinion_version`) the page showed, so a move from a stale page is refused.
"""

from __future__ import annotations

from typing import Any

from django import forms

from ..schema import builtin_profiles
from ._workflow import ACTIONS
from .models import Reason, State

__all__ = [
    "SORTS",
    "DeadlineForm",
    "EmailForm",
    "FilterForm",
    "MoveForm",
    "OpinionForm",
    "ReasonForm",
    "SubmitForm",
    "reason_formset",
]

PRECHECKS = ("符合", "需注意", "不符合", "有误")
#: The office list's orders: key → (label, ORM ordering).
SORTS = {
    "district": ("按区县", ("base__district", "base__name", "pk")),
    "-submitted": ("按提交时间（新的在前）", ("-last_submitted", "pk")),
    "submitted": ("按提交时间（早的在前）", ("last_submitted", "pk")),
    "state": ("按状态", ("state", "base__district", "pk")),
    "precheck": ("按预审结果", ("last_precheck", "base__district", "pk")),
    "name": ("按单位名称", ("base__name", "pk")),
}


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # declared as one in the form class
    return field


class MoveForm(forms.Form):
    """A move of the review (not 提交), with the revision the page showed."""

    action = forms.ChoiceField(choices=[(k, a.label) for k, a in ACTIONS.items() if k != "submit"])
    revision = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label="说明（可不填，会告知申报单位）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    """One reason for 退回修改: where it points, and what is wrong."""

    target = forms.ChoiceField(label="针对", required=False)
    text = forms.CharField(
        label="意见",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "如：学历证明不清晰，请重新上传"}),
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "target").choices = [("", "（请选择栏目、行或佐证材料）"), *targets]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("text", "").strip() and not data.get("target"):
            self.add_error("target", "请选择这条意见针对的栏目、行或佐证材料。")
        return data


def reason_formset(
    targets: list[tuple[str, str]], data: Any = None, *, extra: int = 3
) -> forms.BaseFormSet[ReasonForm]:
    """Return the formset of a return's reasons (`extra` empty rows; the page may add more)."""
    factory = forms.formset_factory(ReasonForm, extra=extra, max_num=50, absolute_max=50)
    return factory(data, prefix="reason", form_kwargs={"targets": targets})


class OpinionForm(forms.Form):
    """十、综试办审核意见, with the opinion's version the page showed."""

    office_opinion = forms.CharField(
        label="十、综试办审核意见",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "id": "office-opinion"}),
    )
    opinion_version = forms.IntegerField(widget=forms.HiddenInput)


class SubmitForm(forms.Form):
    """The base's submission: one 已处理 box (and an optional reply) per open reason."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, reasons: list[Reason], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = reasons
        for r in reasons:
            self.fields[f"done_{r.pk}"] = forms.BooleanField(
                label=f"已处理：{r.label}：{r.text}", required=False
            )
            self.fields[f"reply_{r.pk}"] = forms.CharField(
                label="说明（可不填）", required=False, max_length=2000
            )

    def rows(self) -> list[tuple[Reason, forms.BoundField, forms.BoundField]]:
        """Each open reason with its box and its reply field, for the template."""
        return [(r, self[f"done_{r.pk}"], self[f"reply_{r.pk}"]) for r in self.reasons]

    def dealt_with(self) -> list[int]:
        return [r.pk for r in self.reasons if self.cleaned_data.get(f"done_{r.pk}")]

    def replies(self) -> dict[int, str]:
        return {r.pk: self.cleaned_data.get(f"reply_{r.pk}", "") for r in self.reasons}


class FilterForm(forms.Form):
    """The office list's filter and order (a GET form: the URL keeps the filter)."""

    district = forms.ChoiceField(label="区县", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *State.choices])
    precheck = forms.ChoiceField(
        label="预审结果",
        required=False,
        choices=[("", "全部"), *((p, p) for p in PRECHECKS), ("未提交", "未提交")],
    )
    submitted_from = forms.DateField(
        label="提交日期从",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    submitted_to = forms.DateField(
        label="到",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[(k, v[0]) for k, v in SORTS.items()]
    )

    def __init__(self, *args: Any, districts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "district").choices = [("", "全部"), *((d, d) for d in districts)]


class EmailForm(forms.Form):
    """Where the user's notification mail goes (blank: notifications in the portal only)."""

    email = forms.EmailField(
        label="接收通知的邮箱",
        required=False,
        error_messages={"invalid": "请填写正确的邮箱地址，如 name@example.cn。"},
    )


class DeadlineForm(forms.Form):
    """The office's 截止日期 of a 认定批次 (instead of its profile's)."""

    batch = forms.ChoiceField(label="认定批次")
    day = forms.DateField(
        label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "batch").choices = [(b, b) for b in builtin_profiles()]
