"""The office's list: applications in scope with their latest version, filtered and counted.

The latest version's number, submission time and 预审结果 are read by subqueries, so filtering
and ordering by them happen in the database, however many applications there are. The 预审结果
is stored on each version when it is submitted (`Version.precheck`); versions submitted before
it was stored get it on first listing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from . import _library as lib
from ._access import applications_in_scope
from ._store import app_dir
from ._workflow import precheck_of
from .models import Application, State, User, Version

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Latest(TypedDict):
    """What `annotated` adds to each application: its latest version's figures."""

    last_version: int | None
    last_number: int | None
    last_submitted: dt.datetime | None
    last_precheck: str | None


__all__ = [
    "Latest",
    "annotated",
    "counts",
    "draft_stem",
    "entry_name",
    "fill_prechecks",
    "filtered",
    "unit_of",
]

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def annotated(user: User) -> QuerySet[WithAnnotations[Application, Latest]]:
    """Return the applications `user` may read, each with its latest version's figures."""
    latest = Version.objects.filter(application=OuterRef("pk")).order_by("-number")
    return applications_in_scope(user).annotate(
        last_version=Subquery(latest.values("pk")[:1]),
        last_number=Subquery(latest.values("number")[:1]),
        last_submitted=Subquery(latest.values("submitted")[:1]),
        last_precheck=Subquery(latest.values("precheck")[:1]),
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_current_timezone())


def filtered(
    user: User, filters: dict[str, Any], order: tuple[str, ...]
) -> QuerySet[WithAnnotations[Application, Latest]]:
    """Return the applications in scope matching the office list's `filters`, in `order`."""
    apps = annotated(user)
    if filters.get("district"):
        apps = apps.filter(base__district=filters["district"])
    if filters.get("state"):
        apps = apps.filter(state=filters["state"])
    precheck = filters.get("precheck")
    if precheck == "未提交":
        apps = apps.filter(last_version__isnull=True)
    elif precheck:
        apps = apps.filter(last_precheck=precheck)
    if filters.get("submitted_from"):
        apps = apps.filter(last_submitted__gte=_day_start(filters["submitted_from"]))
    if filters.get("submitted_to"):
        end = _day_start(filters["submitted_to"] + dt.timedelta(days=1))
        apps = apps.filter(last_submitted__lt=end)
    # unsubmitted applications (no date, no 预审) last either way, on SQLite and PostgreSQL alike
    return apps.order_by(
        *(
            F(o[1:]).desc(nulls_last=True) if o.startswith("-") else F(o).asc(nulls_last=True)
            for o in order
        )
    )


def counts(user: User, districts: list[str]) -> dict[str, Any]:
    """Return how many applications in scope are in each state, per district and in all."""
    rows = (
        applications_in_scope(user)
        .order_by()
        .values("base__district", "state")
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        table.setdefault(row["base__district"], {})[row["state"]] = row["n"]
    states = [s for s, _label in State.choices]
    shown = [d for d in districts if d in table] + [d for d in table if d not in districts]
    return {
        "states": State.choices,
        "rows": [
            {
                "district": d,
                "cells": [(s, table[d].get(s, 0)) for s in states],
                "total": sum(table[d].values()),
            }
            for d in shown
        ],
        "totals": [(s, sum(table[d].get(s, 0) for d in table)) for s in states],
        "total": sum(sum(v.values()) for v in table.values()),
    }


def fill_prechecks(versions: QuerySet[Version]) -> int:
    """Store the 预审结果 of versions submitted before it was stored; return how many."""
    done = 0
    for version in versions.filter(precheck="").select_related("application"):
        draft = lib.validate_draft(version.data, app_dir(version.application))
        Version.objects.filter(pk=version.pk).update(precheck=precheck_of(draft))
        done += 1
    return done


def unit_of(version: Version) -> tuple[str, str]:
    """Return (区县, 单位名称) as the version's data states them (the base's as fallback)."""
    basic = version.data.get("基本情况") if isinstance(version.data, dict) else None
    basic = basic if isinstance(basic, dict) else {}
    base = version.application.base
    return str(basic.get("所属区县") or base.district), str(basic.get("单位名称") or base.name)


def entry_name(version: Version, suffix: str = "申报材料.pdf") -> str:
    """Return ``<区县>-<单位名称>-申报材料.pdf`` for `version`, safe as a file name anywhere."""
    district, unit = unit_of(version)
    name = f"{district}-{unit}-{suffix}"
    return _UNSAFE.sub("_", name).strip(" .")[:150] or suffix


def draft_stem(app: Application) -> str:
    """Return the name of a draft's downloads: ``<区县>-<单位名称>-草稿``."""
    return _UNSAFE.sub("_", f"{app.base.district}-{app.title}-草稿").strip(" .")[:150]
