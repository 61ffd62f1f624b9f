"""The portal's "now": one function every deadline, move and mail retry asks.

Why a module of its own: the review's rules depend on the time (the 截止日期, the mail queue's
back-off). Tests replace `now` here (``monkeypatch.setattr(_clock, "now", …)``) to stand one
minute after a deadline instead of waiting for it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

__all__ = ["now", "today"]


def now() -> dt.datetime:
    """Return the current time (aware)."""
    return timezone.now()


def today() -> dt.date:
    """Return today's date in the portal's time zone (Asia/Shanghai)."""
    return timezone.localtime(now()).date()
