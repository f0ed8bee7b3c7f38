"""A real SMTP server (aiosmtpd) on a free port of this machine, for tests."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Recorder:
    """Keeps every message; refuses the first `refuse` ones with a temporary failure."""

    def __init__(self, refuse: int = 0) -> None:
        self.refuse = refuse
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def recipients(self) -> list[str]:
        with self.lock:
            return [m["To"] for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(recorder: Recorder) -> Controller:
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def subject(message) -> str:
    """The subject as read (a long one is folded over lines in the message)."""
    return " ".join(str(message["Subject"]).split())


def received(recorder: Recorder, words: str) -> list[str]:
    """Who received a message whose subject has `words`, in order of address."""
    time.sleep(0.3)  # the server thread files what it took
    with recorder.lock:
        return sorted(m["To"] for m in recorder.messages if words in subject(m))
