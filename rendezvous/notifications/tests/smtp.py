"""A real SMTP server (aiosmtpd) on a free localhost port, for tests that follow mail out.

Use the `smtp_server` fixture (import it into a test module or conftest): it starts the server
and points the outbox worker's delivery backend at it. `smtp_server.stop()` / `.start()` take it
down and bring it back on the same port; `.messages` are the received mails, parsed.
`smtp_server.stall(n)` makes the next n messages hang after their data is in, before the server
answers (a slow or dead-locked server), until `.resume()`; `.stalled` is set once one hangs.
"""

import asyncio
import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """aiosmtpd handler that keeps every envelope; addresses in `refuse` get a 550."""

    def __init__(self):
        self.lock = threading.Lock()
        self.envelopes = []
        self.peers = []
        self.refuse: set[str] = set()
        self.stalls = 0
        self.stalled = threading.Event()
        self.resumed = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            stall = self.stalls > 0
            if stall:
                self.stalls -= 1
        if stall:
            self.stalled.set()
            while not self.resumed.is_set():  # the event loop keeps serving other clients
                await asyncio.sleep(0.01)
        with self.lock:
            self.envelopes.append(envelope)
            self.peers.append(session.peer)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.handler = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def stall(self, count: int = 1) -> None:
        self.handler.stalled.clear()
        self.handler.resumed.clear()
        self.handler.stalls = count

    def resume(self) -> None:
        self.handler.stalls = 0
        self.handler.resumed.set()

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            envelopes = list(self.handler.envelopes)
        return [email.message_from_bytes(e.content, policy=default_policy) for e in envelopes]

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer()
    server.start()
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.resume()
    server.stop()
