"""With Redis unreachable, people still log in and use pages, and failed logins are still limited.

Redis is made unreachable for real: the cache and the broker point at a port nobody listens on
(or at one that accepts and never answers), as when the Redis container is stopped or hangs.
"""

from __future__ import annotations

import importlib.util
import logging
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils import timezone

from common import registry
from common.cache import DEGRADED_SINCE_KEY, FailoverCache, cache_status, reset_failover_state
from coordination.demo import DEMO_PASSWORD, load_demo_group
from tests.conftest import redis_available, redis_url, require

pytestmark = pytest.mark.django_db

CLOSED = "redis://127.0.0.1:1/0"  # port 1: nothing listens, the connection is refused at once
FOCAL_POINT = "focal.unwomen@demo.example"
# The dashboard and two other pages (paths, not names: names move between namespaces).
PAGES = ["/", "/members/", "/profile/"]
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"


def production_caches(monkeypatch: pytest.MonkeyPatch, cache_url: str) -> dict[str, Any]:
    """CACHES as config/settings.py builds it for this CACHE_URL (a fresh copy of the module)."""
    monkeypatch.setenv("CACHE_URL", cache_url)
    spec = importlib.util.spec_from_file_location("_settings_for_cache_test", SETTINGS_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    caches_setting: dict[str, Any] = module.CACHES
    return caches_setting


@pytest.fixture(autouse=True)
def _fresh_failover_state() -> Iterator[None]:
    reset_failover_state()
    yield
    reset_failover_state()


def log_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def redis_down(client, settings, monkeypatch) -> dict[str, Any]:
    """The demonstration group, a warmed-up process, then Redis gone.

    The process's first login takes a second or two with any cache (imports, templates); warming
    up first leaves only what the outage costs to be measured.
    """
    load_demo_group()
    log_in(client, "observer@demo.example", DEMO_PASSWORD)
    for path in PAGES:
        client.get(path)
    client.post(reverse("account_logout"))

    settings.CACHES = production_caches(monkeypatch, CLOSED)
    settings.CELERY_BROKER_URL = CLOSED
    return settings.CACHES


def timed(request) -> tuple[Any, float]:
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def test_production_settings_put_redis_in_front_of_the_database_cache(monkeypatch):
    configured = production_caches(monkeypatch, "redis://redis:6379/1")

    assert configured["default"]["BACKEND"] == "common.cache.FailoverCache"
    assert configured["redis"]["LOCATION"] == "redis://redis:6379/1"
    # Errors must reach the failover, quickly.
    assert configured["redis"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is False
    assert configured["redis"]["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] <= 0.5
    assert configured["redis"]["OPTIONS"]["SOCKET_TIMEOUT"] <= 0.5
    assert configured["database"]["LOCATION"] == "coordination_cache"


def test_embedded_settings_keep_the_database_cache(monkeypatch):
    configured = production_caches(monkeypatch, "dbcache://coordination_cache")

    assert configured == {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coordination_cache",
        }
    }


def test_demo_person_logs_in_and_uses_pages_while_redis_is_unreachable(client, redis_down):
    response, seconds = timed(lambda: log_in(client, FOCAL_POINT, DEMO_PASSWORD))
    assert response.status_code == 302, response.status_code
    assert seconds < 1
    for path in PAGES:
        response, seconds = timed(lambda path=path: client.get(path))
        assert response.status_code == 200, (path, response.status_code)
        assert seconds < 1, (path, seconds)
    # Out and in again: a second login is as quick as the first.
    client.post(reverse("account_logout"))
    response, seconds = timed(lambda: log_in(client, FOCAL_POINT, DEMO_PASSWORD))
    assert response.status_code == 302
    assert seconds < 1


def test_failed_logins_are_still_limited_while_redis_is_unreachable(client, redis_down):
    for _ in range(5):
        response, seconds = timed(lambda: log_in(client, FOCAL_POINT, "wrong-password"))
        assert response.status_code == 200
        assert "too many" not in response.content.decode().lower()
        assert seconds < 1
    response = log_in(client, FOCAL_POINT, DEMO_PASSWORD)

    # Even the right password is refused until the limit expires: the counters live on in the
    # database while Redis is away.
    assert "too many failed login attempts" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_the_limit_per_address_holds_too_while_redis_is_unreachable(client, redis_down):
    load_demo_group()
    # Ten failures a minute from one address, spread over accounts so the limit per account
    # (five) is not what stops them.
    accounts = [FOCAL_POINT, "principal.unwomen@demo.example", "observer@demo.example"]
    for attempt in range(10):
        log_in(client, accounts[attempt % 3], "wrong-password")

    response = log_in(client, "secretariat@demo.example", DEMO_PASSWORD)

    assert response.status_code in {200, 429}
    assert "too many" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_unreachable_redis_is_logged_once_and_reported_on_the_status_page(
    client, redis_down, caplog
):
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        for _ in range(3):
            log_in(client, FOCAL_POINT, "wrong-password")
        status = cache_status()

    warnings = [r for r in caplog.records if r.name == "common.cache"]
    assert len(warnings) == 1
    assert "cannot be reached" in warnings[0].getMessage()
    assert status.ok is False
    assert "Redis has not answered since" in status.detail
    assert "redis" in status.advice.lower()
    # Every process sees it: the start of the outage is kept in the database.
    assert caches["database"].get(DEGRADED_SINCE_KEY) is not None
    assert cache_status in list(registry.status_checks)


def test_a_long_outage_is_logged_once_not_at_every_retry(settings, monkeypatch, caplog):
    settings.CACHES = production_caches(monkeypatch, CLOSED)
    settings.CACHES["default"]["OPTIONS"]["RETRY_AFTER"] = 0  # every call tries Redis again

    with caplog.at_level(logging.WARNING, logger="common.cache"):
        for number in range(20):
            cache.set(f"key-{number}", number)

    assert len([r for r in caplog.records if r.name == "common.cache"]) == 1
    assert cache.get("key-19") == 19


def test_status_clears_an_outage_another_process_marked_once_redis_answers(settings, monkeypatch):
    require(redis_available(), "Redis")
    settings.CACHES = production_caches(monkeypatch, redis_url())
    caches["database"].set(DEGRADED_SINCE_KEY, timezone.now(), timeout=None)

    assert cache_status().ok is True
    assert caches["database"].get(DEGRADED_SINCE_KEY) is None


def test_a_redis_that_hangs_costs_one_timeout_per_back_off(settings, monkeypatch):
    # Accepts connections (the kernel's backlog) but never answers a command.
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        port = hung.getsockname()[1]
        settings.CACHES = production_caches(monkeypatch, f"redis://127.0.0.1:{port}/0")

        _, first = timed(lambda: cache.set("key", "value"))
        later = [timed(lambda: cache.get("key"))[1] for _ in range(20)]

    assert first < 1
    assert max(later) < 0.1
    assert cache.get("key") == "value"  # from the database meanwhile


def test_redis_is_used_again_once_it_answers(settings, monkeypatch, caplog):
    require(redis_available(), "Redis")
    settings.CACHES = production_caches(monkeypatch, CLOSED)
    settings.CACHES["default"]["OPTIONS"]["RETRY_AFTER"] = 0.3
    key = f"test-cache-{uuid.uuid4()}"

    cache.set(key, "during the outage")
    assert caches["database"].get(key) == "during the outage"
    assert cache_status().ok is False

    # Redis is back (the same alias, now reachable).
    back = {**settings.CACHES, "redis": {**settings.CACHES["redis"], "LOCATION": redis_url()}}
    settings.CACHES = back
    try:
        cache.set(key, "still in the back-off")
        assert caches["redis"].get(key) is None
        time.sleep(0.35)
        with caplog.at_level(logging.INFO, logger="common.cache"):
            cache.set(key, "after the back-off")

        assert caches["redis"].get(key) == "after the back-off"
        assert cache.get(key) == "after the back-off"
        assert any("answers again" in r.getMessage() for r in caplog.records)
        assert cache_status().ok is True
        assert caches["database"].get(DEGRADED_SINCE_KEY) is None
    finally:
        caches["redis"].delete(key)


def test_failover_cache_without_redis_is_a_plain_database_cache_status(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coordination_cache",
        }
    }
    assert not isinstance(caches["default"], FailoverCache)
    assert cache_status().ok is True
