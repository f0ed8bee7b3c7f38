from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests import factories
from tests.notifications import smtp

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available: bool, what: str) -> None:
    """Skip a test whose service is missing on a person's machine; in CI, fail it instead."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test, but {what} is not available.", pytrace=False)
    pytest.skip(f"{what} is not available on this machine (CI runs this test)")


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    parsed = urlparse(redis_url())
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1
        ):
            return True
    except OSError:
        return False


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM) or Path(CHROMIUM).exists())


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path_factory: Any) -> None:
    # Uploads (the demonstration's too) go to a folder of the test run, never var/media.
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "http://testserver"
    settings.MFA_REQUIRED_FOR = ["secretariat"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _language_reset() -> Any:
    """Django's LocaleMiddleware leaves a request's language active in the thread: every test
    starts, and ends, in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_celery() -> None:
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture
def organisation():
    return factories.OrganisationFactory(acronym="UNICEF", name="United Nations Children's Fund")


@pytest.fixture
def other_organisation():
    return factories.OrganisationFactory(acronym="ILO", name="International Labour Organization")


@pytest.fixture
def secretariat(organisation):
    coordinator = factories.OrganisationFactory(acronym="UNODC", is_permanent_coordinator=True)
    person = factories.SecretariatFactory(organisation=coordinator, email="sec@example.org")
    # The secretariat must use two-factor; most tests are about something else.
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return person


@pytest.fixture
def focal_point(organisation):
    return factories.PersonFactory(organisation=organisation, email="focal@example.org")


@pytest.fixture
def principal(organisation):
    return factories.PrincipalFactory(organisation=organisation, email="principal@example.org")


@pytest.fixture
def observer():
    return factories.ObserverFactory(email="observer@example.org")


@pytest.fixture
def broker_unreachable():
    """The real Celery app, not eager, publishing to a closed port (nothing listens on 1)."""
    from config.celery import app

    # Publishing takes a producer from the app's pools: give this test pools of its own, for the
    # closed port, and put the others back afterwards (closing them would break later tests).
    saved = app._pool, app.amqp._producer_pool, app.conf.broker_url
    app._pool = app.amqp._producer_pool = None
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool, app.amqp._producer_pool, app.conf.broker_url = saved
    app.conf.task_always_eager = True


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd, tests/notifications/smtp.py) taking the emails sent."""
    recorder = smtp.Recorder()
    server = smtp.start(recorder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield recorder
    server.stop()
