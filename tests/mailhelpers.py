"""A real SMTP server on loopback for the portal's mail tests (aiosmtpd), collecting what arrives.

`refuse` makes it answer every message with a temporary failure (451), as a mail server that is
overloaded or greylisting does, so the portal's retries can be watched.
"""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

__all__ = ["MailSink", "mail_sink"]


class MailSink:
    """The messages an aiosmtpd server received (as parsed e-mail), and its switch to refuse."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False
        self.port = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 暂时无法接收，请稍后重试"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for `address`."""
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]

    @property
    def url(self) -> str:
        """The ``--smtp`` URL of this server."""
        return f"smtp://127.0.0.1:{self.port}?from=jidi-docs@example.cn"


@contextmanager
def mail_sink() -> Iterator[MailSink]:
    """Run an SMTP server on a free loopback port until the block ends."""
    from aiosmtpd.controller import Controller

    from servehelpers import free_port

    sink = MailSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
