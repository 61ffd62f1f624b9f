"""``--smtp URL``: the mail server the portal sends its notifications through, as Django settings.

The URL names everything in one option (or ``JIDI_SMTP_URL``, which keeps a password out of the
process list)::

    smtp://host[:port]                    plain SMTP (port 25), e.g. a relay on the office network
    smtp+starttls://user:pass@host[:587]  submission with STARTTLS
    smtps://user:pass@host[:465]          SMTP over TLS

and ``?from=地址`` for the sender (default ``noreply@`` the server's host). User name and
password are percent-encoded as in any URL (``@`` is ``%40``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["describe", "smtp_settings"]

_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}


def smtp_settings(url: str | None) -> dict[str, Any]:
    """Return Django's e-mail settings for `url` (none: mail off); ValueError in Chinese.

    ``PORTAL_SMTP`` is what the startup line and the pages show (no password).
    """
    if not url:
        return {
            "PORTAL_SMTP": None,
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in _SCHEMES or not parts.hostname or port == -1:
        raise ValueError(
            "--smtp 应写成 smtp://主机:端口、smtp+starttls://用户:密码@主机:587 或 "
            f"smtps://用户:密码@主机:465（可加 ?from=发件地址），现在是“{describe(url)}”。"
        )
    default_port, starttls, ssl = _SCHEMES[parts.scheme]
    query = dict(parse_qsl(parts.query))
    sender = query.get("from") or f"noreply@{parts.hostname}"
    if "@" not in sender:
        raise ValueError(f"--smtp 的发件地址（?from=）应是邮箱地址，现在是“{sender}”。")
    return {
        "PORTAL_SMTP": describe(url),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": starttls,
        "EMAIL_USE_SSL": ssl,
        "EMAIL_TIMEOUT": 30,
        "DEFAULT_FROM_EMAIL": sender,
        "SERVER_EMAIL": sender,
    }


def describe(url: str) -> str:
    """Return `url` without its password, to be printed."""
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url.strip()
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
