"""Template tags that put the review on pages other modules own: the base's overview, the
editor, the base's home and the header.

Why tags: each is one line in its template, and everything it shows is computed here, so the
editor's and the home page's views need not know about the review at all.
"""

from __future__ import annotations

from typing import Any

from django import template

from .. import _library as lib
from .._access import applications_in_scope
from .._forms import SubmitForm
from .._pages import pages
from .._sheet import section_of
from .._workflow import (
    EDITABLE,
    actions_for,
    deadline_text,
    locked,
    open_reasons,
    submission_open,
)
from ..models import Application, Notification, Reason, Role, User

register = template.Library()


def _with_links(app: Application, reasons: list[Reason]) -> list[dict[str, Any]]:
    """Each reason with the index of its section's page in the application's editor."""
    index = {p.key: n for n, p in enumerate(pages(lib.batch_of(app.draft)))}
    return [{"reason": r, "section": index.get(section_of(r.target))} for r in reasons]


@register.inclusion_tag("portal/_review_panel.html", takes_context=True)
def review_panel(context: template.Context, app: Application) -> dict[str, Any]:
    """The application's state, deadline, open reasons and the moves the user may make."""
    user: User = context["user"]
    reasons = open_reasons(app)
    deadline = deadline_text(app)
    return {
        "app": app,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
        "is_base": user.role == Role.BASE,
        "locked": locked(app),
        "deadline": deadline,
        "open": submission_open(app),
        "reasons": _with_links(app, reasons),
        "submit_form": SubmitForm(reasons=reasons, initial={"revision": app.revision}),
        "actions": [a for a in actions_for(app, user) if a.key != "submit"],
        "can_submit": user.role == Role.BASE and app.state in EDITABLE,
        "latest": app.latest_version(),
        "moves": app.moves.select_related("by", "version").order_by("-pk")[:20],
    }


@register.inclusion_tag("portal/_review_notes.html", takes_context=True)
def review_notes(context: template.Context, app: Application, section: str) -> dict[str, Any]:
    """On an editor page: the open reasons about this section (placed next to their fields by
    ``review.js``), and why the draft cannot be changed, if it cannot."""
    reasons = open_reasons(app)
    here = [r for r in reasons if section_of(r.target) == section]
    return {"locked": locked(app), "reasons": here, "others": len(reasons) - len(here), "app": app}


@register.inclusion_tag("portal/_base_home.html", takes_context=True)
def base_home(context: template.Context) -> dict[str, Any]:
    """On the base's home: its open reasons, each with a link to its section, and deadlines."""
    user: User = context["user"]
    apps = list(applications_in_scope(user).select_related("base")) if user.base_id else []
    return {
        "rows": [
            {
                "app": a,
                "deadline": deadline_text(a),
                "reasons": _with_links(a, open_reasons(a)),
            }
            for a in apps
        ],
        "unread": Notification.objects.filter(user=user, read__isnull=True).order_by("-pk")[:10],
    }


@register.simple_tag(takes_context=True)
def unread_count(context: template.Context) -> int:
    """How many notifications the signed-in user has not read."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read__isnull=True).count()
