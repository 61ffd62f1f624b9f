"""Django settings built in code from the ``serve`` options: nothing for the user to edit.

Why in code: the portal is started by ``jidi-docs serve --data DIR``; everything it needs (the
SQLite database, uploaded evidence, generated bundles, the secret key) lives inside DIR, so a
settings file would only be one more thing to get wrong.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["Options", "build_settings", "configure", "is_loopback"]

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
    if url.scheme not in ("postgres", "postgresql"):
        raise ValueError(
            f"--database 只支持 postgresql://用户:密码@主机:端口/库名 或 sqlite:///文件路径，"
            f"现在是“{url.scheme}://…”。"
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(url.path.lstrip("/")),
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname or "",
        "PORT": str(url.port or ""),
    }


def build_settings(options: Options) -> dict[str, Any]:
    """Return the settings of the portal for `options` (the data folder is created if missing)."""
    data = options.data_dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    loopback = is_loopback(options.host)
    secure = not loopback and not options.plain_http
    hosts = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    if options.host not in ("0.0.0.0", "::"):
        hosts.append(options.host)
    else:
        hosts = ["*"]
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
        "AUTH_PASSWORD_VALIDATORS": [
            {
                "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": 10},
            },
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
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
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if secure else None,
        "X_FRAME_OPTIONS": "DENY",
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "FILE_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "FILE_UPLOAD_TEMP_DIR": str(_subdir(data, "tmp")),
        "DATA_UPLOAD_MAX_NUMBER_FILES": 20,
        # login throttling (django-axes): 5 wrong passwords for a user from one address → 15 min
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": 0.25,
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
        "AXES_LOCKOUT_CALLABLE": "jidi_docs.web.views.locked_out",
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_VERBOSE": False,
        "LOGGING_CONFIG": None,
        # the portal's own settings
        "PORTAL_DATA_DIR": data,
        "PORTAL_FILES_DIR": _subdir(data, "files"),
        "PORTAL_JOBS_DIR": _subdir(data, "jobs"),
        "PORTAL_MAX_CONVERSIONS": max(1, options.max_conversions),
        "PORTAL_MAX_UPLOAD_BYTES": MAX_UPLOAD_BYTES,
        "PORTAL_MAX_FILES_PER_APPLICATION": 200,
        "STATIC_URL": "/static/",
        "PORTAL_STATIC_DIR": _PACKAGE / "static",
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
