"""What the meetings tests share: a real SMTP server (aiosmtpd) taking the emails."""

from __future__ import annotations

import time

import pytest

from tests.notifications import smtp


@pytest.fixture
def smtp_server(settings):
    recorder = smtp.Recorder()
    server = smtp.start(recorder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield recorder
    server.stop()


def received(recorder, words: str) -> list[str]:
    time.sleep(0.3)  # the server thread files what it took
    with recorder.lock:
        return sorted(
            m["To"] for m in recorder.messages if words in " ".join(str(m["Subject"]).split())
        )
