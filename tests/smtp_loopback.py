"""An SMTP server on 127.0.0.1 for tests (aiosmtpd): it keeps every mail it is sent."""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from flows.orchestration.prefect_server import free_port


class _Keeper:
    """aiosmtpd's handler: parse each mail and keep it with its envelope's recipients."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mails: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.mails.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


class SmtpLoopback:
    """A started SMTP server on a free port of 127.0.0.1 (no TLS, no login), as a context."""

    def __init__(self) -> None:
        self._keeper = _Keeper()
        self._controller: Controller | None = None
        self.port = 0

    def __enter__(self) -> SmtpLoopback:
        # aiosmtpd checks its server answers on the port it was given, so it cannot take port 0.
        self.port = free_port()
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def url(self, sender: str, recipient: str) -> str:
        """The Apprise URL that mails recipient through this server."""
        return f"mailto://127.0.0.1:{self.port}?from={sender}&to={recipient}"

    @property
    def mails(self) -> list[tuple[list[str], EmailMessage]]:
        """Every mail received so far: (envelope recipients, message), oldest first."""
        with self._keeper.lock:
            return list(self._keeper.mails)


def text_of(message: EmailMessage) -> str:
    """The plain-text body of a mail, with the newlines it was written with (SMTP sends CRLF)."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the mail has no text/plain part"
    return part.get_content().replace("\r\n", "\n")
