"""Django settings built in code from the ``serve`` options: nothing for the user to edit.

Why in code: the portal is started by ``jidi-docs serve --data DIR``; everything it needs (the
SQLite database, uploaded evidence, generated bundles, the secret key) lives inside DIR, so a
settings file would only be one more thing to get wrong.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from ._smtp import smtp_settings

__all__ = [
    "Options",
    "build_database",
    "build_settings",
    "check_options",
    "configure",
    "is_loopback",
    "public_origin",
]

_PACKAGE = Path(__file__).resolve().parent
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Options:
    """What ``jidi-docs serve`` was asked for."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str | None = None
    max_conversions: int = 2
    plain_http: bool = False  # serve a LAN over plain http: cookies without Secure
    debug: bool = False
    #: The address users type, e.g. ``https://申报.example.cn``, when a reverse proxy serves the
    #: portal: its host is allowed, its origin trusted for CSRF, https makes cookies Secure.
    public_url: str | None = None
    #: The reverse proxy's address: only its X-Forwarded-For/-Proto headers are believed
    #: (default with `public_url`: 127.0.0.1, a proxy on this machine).
    trusted_proxy: str | None = None
    #: ``--lan``: serve https itself on `host` (an address of the local network) with
    #: certificates of its own local CA (`jidi_docs.web._tls`); no proxy.
    lan: bool = False
    #: ``--smtp``: where notification mail is sent (`jidi_docs.web._smtp`); None: no mail.
    smtp_url: str | None = None

    def proxy(self) -> str | None:
        """The address whose forwarded headers the server believes, or None (no proxy)."""
        if self.lan:
            return None
        if self.trusted_proxy:
            return self.trusted_proxy
        return "127.0.0.1" if self.public_url else None

    def origin(self) -> str | None:
        """The address bases use (scheme, host, port), or None when only this machine can."""
        if self.lan:
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"https://{host}:{self.port}"
        if self.public_url:
            return public_origin(self.public_url)[0]
        return None


def is_loopback(host: str) -> bool:
    """True when `host` is only reachable from this machine (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secret_key(data_dir: Path) -> str:
    """Return the secret key stored in DIR, generating it (owner-readable only) the first time."""
    path = data_dir / "secret_key.txt"
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(key, encoding="ascii")
    return key


def _database(options: Options) -> dict[str, Any]:
    """Return Django's DATABASES['default'] for the embedded SQLite file or a postgres:// URL."""
    if not options.database_url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(options.data_dir / "portal.sqlite3"),
            "OPTIONS": {
                # WAL lets readers work while one writer saves; IMMEDIATE takes the write lock at
                # the start of a transaction, so concurrent saves wait instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    url = urlsplit(options.database_url)
    if url.scheme in ("sqlite", "sqlite3"):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(url.path)}
    if url.scheme not in ("postgres", "postgresql") or _port(url) == -1:
        raise ValueError(
            f"--database 只支持 postgresql://用户:密码@主机:端口/库名 或 sqlite:///文件路径，"
            f"现在是“{url.scheme}://…”。"
        )
    # libpq's own URL parameters: ?host=/var/run/postgresql (a unix socket folder, where Debian
    # lets a local user in without a password), ?sslmode=verify-full, …
    params = dict(parse_qsl(url.query))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(url.path.lstrip("/")),
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": params.pop("host", None) or unquote(url.hostname or ""),
        "PORT": str(_port(url) or params.pop("port", "")),
        "OPTIONS": params,
    }


def build_database(options: Options) -> dict[str, Any]:
    """Django's DATABASES['default'] for `options` (the backup hands it to pg_dump)."""
    return _database(options)


def check_options(options: Options) -> None:
    """Raise ValueError with a Chinese message when the options cannot work together.

    Off loopback without ``--plain-http`` cookies are https-only, so the portal must sit behind
    an https proxy, and it needs ``--public-url`` to trust that proxy's forwarded headers:
    without it no login could pass the CSRF origin check.
    """
    _database(options)
    smtp_settings(options.smtp_url)
    if options.lan:
        if options.public_url or options.plain_http:
            raise ValueError(
                "--lan 自己提供 https，不能与 --public-url（反向代理）或 --plain-http 同时使用。"
            )
        try:
            if ipaddress.ip_address(options.host).is_unspecified:  # 0.0.0.0: no one address
                raise ValueError(options.host)
        except ValueError:
            raise ValueError(
                f"--lan 需要这台电脑在局域网上的 IP 地址，如 --host 192.168.1.20，"
                f"现在是“{options.host}”。"
            ) from None
    elif options.public_url:
        public_origin(options.public_url)
    elif not is_loopback(options.host) and not options.plain_http:
        raise ValueError(
            f"--host {options.host} 让其他电脑访问时，登录 Cookie 只通过 https 发送：请把网页版放在"
            "提供 https 的反向代理之后，并用 --public-url 写明用户访问的地址（如 "
            "https://申报.example.cn，见 README“部署在 https 反向代理之后”）；"
            "只在内网用 http 时加 --plain-http。"
        )


def public_origin(url: str) -> tuple[str, str]:
    """Return (origin, host name) of a ``--public-url``; ValueError with a Chinese message."""
    parts = urlsplit(url.strip())
    port = _port(parts)
    try:  # a Chinese host name as browsers send it (punycode)
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    if (
        parts.scheme not in ("http", "https")
        or not host
        or parts.path not in ("", "/")
        or port == -1
    ):
        raise ValueError(
            f"--public-url 应是用户在浏览器中输入的地址，如 https://申报.example.cn 或 "
            f"https://example.cn:8443（不带路径），现在是“{url}”。"
        )
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}", host


def _port(parts: SplitResult) -> int | None:
    """The URL's port, None when it has none, -1 when it is not a port number."""
    try:
        return parts.port
    except ValueError:
        return -1


def build_settings(options: Options) -> dict[str, Any]:
    """Return the settings of the portal for `options` (the data folder is created if missing)."""
    data = options.data_dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    loopback = is_loopback(options.host)
    origins: list[str] = []
    hosts = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    if options.host not in ("0.0.0.0", "::"):
        hosts.append(options.host)
    else:
        hosts = ["*"]
    if options.public_url:
        origin, public_host = public_origin(options.public_url)
        origins.append(origin)
        hosts.append(public_host)
    if options.lan:
        origins.append(options.origin() or "")
    behind_https = origins[0].startswith("https:") if origins else not loopback
    secure = behind_https and not options.plain_http
    return {
        "DEBUG": options.debug,
        "SECRET_KEY": _secret_key(data),
        "ALLOWED_HOSTS": hosts,
        "ROOT_URLCONF": "jidi_docs.web._root",
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "axes",
            "jidi_docs.web.apps.PortalConfig",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "jidi_docs.web._security.SecurityHeadersMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "axes.middleware.AxesMiddleware",
        ],
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
        ],
        "AUTH_USER_MODEL": "portal.User",
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ],
        # Django's validators (their messages in its zh-hans translation): at least 10
        # characters, not among 20,000 common passwords, not all digits, not like the user name
        "AUTH_PASSWORD_VALIDATORS": [
            {
                "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
                "OPTIONS": {"user_attributes": ["username"]},
            },
            {
                "NAME": "jidi_docs.web._security.MinimumLengthValidator",
                "OPTIONS": {"min_length": 10},
            },
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        # the office's one-time reset links: valid 3 days, and only until the password changes
        "PASSWORD_RESET_TIMEOUT": 3 * 24 * 3600,
        "DATABASES": {"default": _database(options)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        "LANGUAGE_CODE": "zh-hans",
        "TIME_ZONE": "Asia/Shanghai",
        "USE_I18N": True,
        "USE_TZ": True,
        "LOGIN_URL": "portal:login",
        "LOGIN_REDIRECT_URL": "portal:home",
        "LOGOUT_REDIRECT_URL": "portal:login",
        # cookies: never readable by scripts, not sent on cross-site requests, https-only off loopback
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_AGE": 8 * 3600,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": secure,
        "CSRF_FAILURE_VIEW": "jidi_docs.web.views.csrf_failure",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        # off loopback the portal is reached over https (a reverse proxy): browsers keep to it
        "SECURE_HSTS_SECONDS": 31536000 if secure else 0,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        # the proxy's "this came over https"; waitress drops the header from anyone but the
        # trusted proxy when one is set (`jidi_docs.web.serve`)
        "SECURE_PROXY_SSL_HEADER": (
            ("HTTP_X_FORWARDED_PROTO", "https") if secure and not options.lan else None
        ),
        "CSRF_TRUSTED_ORIGINS": origins,
        "X_FRAME_OPTIONS": "DENY",
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "FILE_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "FILE_UPLOAD_TEMP_DIR": str(_subdir(data, "tmp")),
        "DATA_UPLOAD_MAX_NUMBER_FILES": 20,
        # Login throttling (django-axes), counted two ways: per account from any address, and
        # per address for any account (one password tried over many user names). 10 wrong
        # passwords within 15 minutes lock that account, or that address, for 15 minutes after
        # the last one. 10, not fewer: the bases of a district may reach the portal through one
        # address (a shared internet connection) and share its count.
        "AXES_FAILURE_LIMIT": 10,
        "AXES_COOLOFF_TIME": timedelta(minutes=15),
        "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"],
        "AXES_LOCKOUT_CALLABLE": "jidi_docs.web._views_accounts.locked_out",
        # a success forgets that account's failures only (`forget_failures_on_login`)
        "AXES_RESET_ON_SUCCESS": False,
        # tries during a lock do not prolong it: the lock page's time to retry holds
        "AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT": False,
        # the client's address as the server saw it (waitress puts a trusted proxy's
        # X-Forwarded-For there and drops anyone else's)
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",),
        "AXES_VERBOSE": False,
        "LOGGING_CONFIG": None,
        # the portal's own settings
        "PORTAL_DATA_DIR": data,
        # where links sent to others point (invitations, password resets): the address bases
        # use, whatever address the office's own browser happens to show
        "PORTAL_PUBLIC_ORIGIN": options.origin() or "",
        "PORTAL_LAN": options.lan,
        "PORTAL_FILES_DIR": _subdir(data, "files"),
        "PORTAL_JOBS_DIR": _subdir(data, "jobs"),
        "PORTAL_MAX_CONVERSIONS": max(1, options.max_conversions),
        "PORTAL_MAX_UPLOAD_BYTES": MAX_UPLOAD_BYTES,
        "PORTAL_MAX_FILES_PER_APPLICATION": 200,
        "PORTAL_MAX_QUEUED_PER_BASE": 3,  # bundles and previews waiting or running, per base
        "PORTAL_UPLOADS_PER_MINUTE": 60,  # evidence files, per user
        "STATIC_URL": "/static/",
        "PORTAL_STATIC_DIR": _PACKAGE / "static",
        # what mail links to, and how mail leaves (`jidi_docs.web._notify`)
        "PORTAL_PUBLIC_URL": options.origin() or f"http://{options.host}:{options.port}",
        **smtp_settings(options.smtp_url),
    }


def _subdir(data: Path, name: str) -> Path:
    path = data / name
    path.mkdir(exist_ok=True)
    return path


def configure(options: Options) -> None:
    """Configure Django for `options` and load the portal (once per process)."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(**build_settings(options))
        django.setup()
