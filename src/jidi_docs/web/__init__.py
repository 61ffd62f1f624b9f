"""The web portal (``jidi-docs serve``): bases fill in their application in a browser.

Django brings authentication, sessions, CSRF protection, the ORM with migrations and forms;
waitress (pure Python, runs on Windows too) serves it. Needs the optional extra
``pip install 'jidi-docs[web]'``. Everything else — validation, 预审, rendering, bundling — is
the library's (`jidi_docs.web._library` is the only module that calls it).
"""

from __future__ import annotations

from typing import Any

from ._settings import Options, check_options

__all__ = ["Options", "check_options", "create_admin", "prepare", "serve"]

#: The largest request the web server reads (an upload of several files at once).
MAX_REQUEST_MB = 64


def prepare(options: Options) -> None:
    """Configure Django for `options` and bring the database up to date (migrations)."""
    from django.core.management import call_command

    from ._settings import configure

    configure(options)
    call_command("migrate", interactive=False, verbosity=0)


def create_admin(options: Options, username: str, password: str) -> None:
    """Create (or reset) a 审核人员 with the whole city in scope: the first administrator."""
    prepare(options)
    from .models import CITY, Role, User

    user, _created = User.objects.get_or_create(username=username)
    user.role, user.scope, user.base = Role.REVIEWER, CITY, None
    user.is_staff = True
    user.set_password(password)
    user.save()


def serve(options: Options, *, threads: int = 8) -> None:
    """Run the portal with waitress until interrupted, with the bundle queue alongside."""
    from waitress.server import create_server

    prepare(options)
    from django.core.wsgi import get_wsgi_application

    from ._errors import chinese_server_errors
    from ._jobs import JobRunner

    proxy: dict[str, Any] = {}
    if options.proxy():
        # Only the proxy's X-Forwarded-* are believed (others' are dropped): the client's
        # address then reaches the login throttling, and https the cookies and CSRF checks.
        proxy = {
            "trusted_proxy": options.proxy(),
            "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
            "clear_untrusted_proxy_headers": True,
        }
    server = create_server(
        get_wsgi_application(),
        host=options.host,
        port=options.port,
        threads=threads,
        max_request_body_size=MAX_REQUEST_MB * 1024 * 1024,
        ident="jidi-docs",
        **proxy,
    )
    chinese_server_errors(server, MAX_REQUEST_MB)
    runner = JobRunner(max(1, options.max_conversions))
    runner.start()
    try:
        server.run()
    finally:
        server.close()
        runner.stop()
