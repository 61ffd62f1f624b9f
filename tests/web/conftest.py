"""Fixtures for the portal tests: Django configured once on a temporary data folder."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("django", reason="the web extra is not installed")

#: A ``--database`` URL to run the portal tests on instead of a fresh SQLite file.
TEST_DATABASE = "JIDI_TEST_DATABASE"
EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "示例" / "申报.yaml"
_names = itertools.count(1)


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The portal configured on a fresh data folder, database migrated; yields the folder."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    from jidi_docs.web import Options, prepare

    data = tmp_path_factory.mktemp("portal")
    database = os.environ.get(TEST_DATABASE)
    prepare(Options(data_dir=data, database_url=database))
    if database:  # the suite rerun on PostgreSQL (tests/web/test_postgresql.py)
        from django.db import connection

        assert connection.vendor == "postgresql", connection.vendor
    open_round()
    setup_test_environment()
    yield data
    teardown_test_environment()


def open_round() -> None:
    """Give the default 认定批次 the office's 截止日期 a year from today.

    The built-in batch's own deadline (2021) has passed, so without it no test could submit;
    the deadline tests stand "now" around this date (`jidi_docs.web._clock`).
    """
    import datetime as dt

    from jidi_docs.schema import registry
    from jidi_docs.web.models import Deadline

    Deadline.objects.update_or_create(
        batch=registry().default_batch, defaults={"day": dt.date.today() + dt.timedelta(days=365)}
    )


def as_inputs(value: Any) -> Any:
    """Return YAML data as a browser sends it: every scalar as the text of its input."""
    if isinstance(value, dict):
        return {str(k): as_inputs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_inputs(v) for v in value]
    return "" if value is None else str(value)


@pytest.fixture
def example() -> dict[str, Any]:
    """The example application as the editor holds it (text values, no evidence entries)."""
    data = as_inputs(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    data.pop("认定批次")
    data.pop("佐证材料")
    return data


@pytest.fixture
def make_base(portal: Path) -> Callable[..., Any]:
    """Return a factory: a base user with one application (draft = `draft` or the bare minimum)."""
    from jidi_docs.web.models import Application, Base, Role, User

    def factory(district: str = "西湖区", draft: dict[str, Any] | None = None) -> Any:
        n = next(_names)
        base = Base.objects.create(name=f"基地{n}", district=district)
        user = User.objects.create_user(
            f"base{n}", password="not-used-123", role=Role.BASE, base=base
        )
        app = Application.objects.create(base=base, draft=draft or {})
        return user, app

    return factory


@pytest.fixture
def make_reviewer(portal: Path) -> Callable[[str], Any]:
    """Return a factory: a 审核人员 scoped to a district or 全市."""
    from jidi_docs.web.models import Role, User

    def factory(scope: str = "全市") -> Any:
        return User.objects.create_user(
            f"office{next(_names)}", password="not-used-123", role=Role.REVIEWER, scope=scope
        )

    return factory


@pytest.fixture
def client_for(portal: Path) -> Callable[..., Any]:
    """Return a factory: a Django test client logged in as `user` (CSRF enforced on request)."""
    from django.test import Client

    def factory(user: Any, *, csrf: bool = False) -> Any:
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return factory


@pytest.fixture
def make_preview(portal: Path) -> Callable[..., Any]:
    """Return a factory: a finished preview of `app` with a small PNG for each page."""
    from PIL import Image

    from jidi_docs.web._preview import image_path
    from jidi_docs.web.models import Preview

    def factory(app: Any, pages: dict[str, int], digest: str = "d") -> Any:
        made = Preview.objects.create(
            application=app,
            digest=digest,
            draft_version=app.draft_version,
            requested_by=app.base.user_set.first(),
            state="done",
            pages=pages,
        )
        for form, count in pages.items():
            for n in range(1, count + 1):
                image_path(made, form, n).parent.mkdir(parents=True, exist_ok=True)
                Image.new("RGB", (10, 14), "white").save(image_path(made, form, n))
        return made

    return factory


@pytest.fixture(scope="session")
def mail() -> Iterator[Any]:
    """A real SMTP server on loopback (aiosmtpd): what the portal's mail thread sends arrives
    here (`mailhelpers.MailSink`)."""
    from mailhelpers import mail_sink

    with mail_sink() as sink:
        yield sink


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, soffice: str, mail: Any) -> Iterator[str]:
    """`jidi-docs serve` on a fresh data folder, on loopback, for one test module; yields its
    base URL (the administrator is ``office`` with `servehelpers.PASSWORD`). It sends its mail
    to the `mail` server, and the office has opened the round (a deadline).

    Why per module: in the PostgreSQL rerun the server shares the test database, and its job
    queue would claim the jobs later modules queue and run themselves (tests/web/test_jobs.py).
    """
    from browserhelpers import require_browser
    from servehelpers import serving

    require_browser()
    database = os.environ.get(TEST_DATABASE)  # the suite rerun on PostgreSQL
    with serving(
        tmp_path_factory.mktemp("live"),
        *(["--database", database] if database else []),
        "--smtp",
        mail.url,
    ) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Debian chromium for one test module; tests open their own contexts.

    Why per module, not per run: Playwright's sync API keeps an asyncio loop running in this
    thread while the browser is open, and Django refuses ORM calls from a thread with a running
    loop (``SynchronousOnlyOperation``, docs.djangoproject.com/en/5.1/topics/async/#async-safety),
    so an open browser would break every later module that uses the ORM in process. Launching
    chromium costs about a second; the expensive live server is shared for the whole run.
    """
    from browserhelpers import CHROMIUM, CHROMIUM_ARGS, require_browser

    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
