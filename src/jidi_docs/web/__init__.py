"""The web portal (``jidi-docs serve``): bases fill in their application in a browser.

Django brings authentication, sessions, CSRF protection, the ORM with migrations and forms;
waitress (pure Python, runs on Windows too) serves it, or cheroot with TLS for ``--lan``
(`jidi_docs.web._tls`). Needs the optional extra ``pip install 'jidi-docs[web]'``. Everything
else — validation, 预审, rendering, bundling — is the library's, reached only through its public
faces (``jidi_docs`` and its sub-packages' ``__init__``; `tests/test_layout.py` fails on a private
import); `jidi_docs.web._library` gathers what the editor and the views need from it.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import PortalError
from ._settings import Options, check_options
from ._setup import check_data_dir, install_command, missing_modules, remember

__all__ = [
    "Options",
    "backup",
    "check_admin_name",
    "check_data_dir",
    "check_options",
    "create_admin",
    "install_command",
    "lan_address",
    "mail_line",
    "missing_modules",
    "prepare",
    "restore",
    "serve",
]

#: The largest request the web server reads (an upload of several files at once).
MAX_REQUEST_MB = 64


def prepare(options: Options) -> None:
    """Configure Django for `options` and bring the database up to date (migrations)."""
    from django.core.management import call_command

    from ._settings import configure

    configure(options)
    call_command("migrate", interactive=False, verbosity=0)


def lan_address() -> str | None:
    """This computer's address on its local network, for ``--lan`` (None: no network)."""
    from ._tls import lan_address as find

    return find()


def check_admin_name(options: Options, username: str) -> None:
    """Refuse to make `username` an administrator when it is a base's account.

    Raises:
        PortalError: it belongs to a 培训基地 (it would see every application in the city and
            orphan its own).
    """
    prepare(options)
    from .models import Role, User

    existing = User.objects.filter(username=username).first()
    if existing is not None and existing.role == Role.BASE:
        base = f"（{existing.base.name}）" if existing.base else ""
        raise PortalError(
            f"“{username}”是培训基地的账号{base}，不能改为管理员。请换一个用户名；"
            "这个基地忘记密码时，由综试办在“账号与邀请”页生成重设密码链接。"
        )


def create_admin(options: Options, username: str, password: str) -> None:
    """Create (or reset) a 审核人员 with the whole city in scope: the first administrator.

    The password passes Django's validators; an existing administrator is enabled again and its
    login locks are cleared (this is how a locked-out office gets back in).

    Raises:
        PortalError: a base's account, or the password is refused (the validators' Chinese).
    """
    check_admin_name(options, username)
    from axes.utils import reset

    from ._views_accounts import check_password
    from .models import CITY, Role, User

    problems = check_password(password, username)
    if problems:
        raise PortalError("密码不符合要求：" + "".join(problems))
    user = User.objects.filter(username=username).first() or User(username=username)
    user.role, user.scope, user.base = Role.REVIEWER, CITY, None
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    user.save()
    reset(username=username)
    remember(options.data_dir)


def mail_line(options: Options) -> str:
    """Return the startup line saying whether notification mail is sent, and through which server."""
    from ._smtp import describe

    if options.smtp_url:
        return f"通知邮件：经 {describe(options.smtp_url)} 发送；网页内也有通知。"
    return "通知邮件：未设置 --smtp（或 JIDI_SMTP_URL），只在网页内通知，不发邮件。"


def has_admin() -> bool:
    """True when the configured database has an active 审核人员 (someone can log in)."""
    from .models import Role, User

    return User.objects.filter(role=Role.REVIEWER, is_active=True).exists()


def serve(
    options: Options, *, threads: int = 8, on_ready: Callable[[dict[str, str]], None] | None = None
) -> None:
    """Run the portal until interrupted, with the bundle queue alongside.

    `on_ready` is called once the address is bound, with what the clerk needs to know (the
    data folder, the address bases use, the CA certificate's fingerprint for ``--lan``).

    Raises:
        PortalError: no administrator yet, or the address cannot be bound (port in use …).
    """
    check_data_dir(options)
    prepare(options)
    if not has_admin():
        raise PortalError(
            "这个数据库里还没有管理员账号，谁也登录不了。请先创建："
            f'jidi-docs serve --data "{options.data_dir}" --create-admin 用户名'
        )
    from django.core.wsgi import get_wsgi_application

    from ._jobs import JobRunner
    from ._notify import MailSender

    info = {"data_dir": str(options.data_dir.resolve())}
    app = get_wsgi_application()
    try:
        if options.lan:
            from ._tls import ensure_certificates, tls_server

            certs = ensure_certificates(options.data_dir.resolve(), options.host)
            info["fingerprint"] = certs.fingerprint
            server = tls_server(
                app, options.host, options.port, certs, threads=threads, upload_mb=MAX_REQUEST_MB
            )
            run, close = server.serve, server.stop
        else:
            server = _waitress(app, options, threads)
            run, close = server.run, server.close
    except OSError as e:
        raise PortalError(_bind_message(options, e)) from None
    runner = JobRunner(max(1, options.max_conversions))
    runner.start()
    # mail leaves from its own thread: a slow mail server never holds up a bundle or a request
    mail = MailSender() if options.smtp_url else None
    if mail is not None:
        mail.start()
    try:
        if on_ready is not None:
            on_ready(info)
        run()
    finally:
        close()
        if mail is not None:
            mail.stop()
        runner.stop()


def _waitress(app: Any, options: Options, threads: int) -> Any:
    from waitress.server import create_server

    from ._errors import chinese_server_errors

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
        app,
        host=options.host,
        port=options.port,
        threads=threads,
        max_request_body_size=MAX_REQUEST_MB * 1024 * 1024,
        ident="jidi-docs",
        **proxy,
    )
    chinese_server_errors(server, MAX_REQUEST_MB)
    return server


def _bind_message(options: Options, error: OSError) -> str:
    """Say in Chinese why the address could not be bound, and what to do."""
    where = f"{options.host}:{options.port}"
    if error.errno in (errno.EADDRINUSE, 10048):  # 10048: WSAEADDRINUSE (Windows)
        return (
            f"端口 {options.port} 已被占用（{where}）：网页版可能已经在运行，或者别的程序在用这个"
            f"端口。请先关闭它，或换一个端口，如 --port {options.port + 1}。"
        )
    if error.errno in (errno.EACCES, 10013):  # 10013: WSAEACCES
        return (
            f"没有权限使用 {where}：1024 以下的端口需要管理员权限，请换一个端口，如 --port 8443。"
        )
    if error.errno in (errno.EADDRNOTAVAIL, 10049):  # 10049: WSAEADDRNOTAVAIL
        return f"这台电脑没有地址 {options.host}，请检查 --host（用 ipconfig 或 ip addr 查看本机地址）。"
    return f"无法在 {where} 上启动网页版：{error.strerror or error}。"


def backup(options: Options, archive: Path) -> dict[str, Any]:
    """Write a consistent backup of the portal's data to `archive`; see `jidi_docs.web._backup`."""
    from ._backup import backup as run

    return run(options, archive)


def restore(options: Options, archive: Path) -> dict[str, Any]:
    """Restore a backup into an empty data folder; see `jidi_docs.web._backup`."""
    from ._backup import restore as run

    result = run(options, archive)
    remember(options.data_dir)
    return result
