"""A cache that keeps working when Redis does not.

allauth keeps its failed-login counters in the default cache and, if the cache does not answer,
refuses every login (its lock cannot be taken, so it answers 429). Ignoring Redis errors is
therefore no way to survive an outage. `FailoverCache` sits in front of two other caches named in
`CACHES`: a primary (Redis) and a fallback (the database table the embedded mode uses). When the
primary cannot be reached it answers from the fallback, so logins work and failed-login limits
still hold (counted in the database, shared by every process).

In one process, after a failure the primary is left alone for `RETRY_AFTER` seconds: a down
Redis costs one connect or read timeout per window, not one per request. One warning is logged
per `WARN_EVERY` seconds at most, and the start of the outage is written to the fallback so that
every process, and `cache_status()`, can report it.

What the fallback holds during an outage is not copied back: when Redis answers again, counters
started during the outage start over, which at worst allows a few more attempts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import DatabaseError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from common.registry import Status

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What "the primary cannot be reached" looks like: refused, reset, timed out, still loading.
UNREACHABLE: tuple[type[Exception], ...] = (
    ConnectionInterrupted,
    RedisConnectionError,
    RedisTimeoutError,
    OSError,  # a socket error that redis-py did not wrap
)

DEGRADED_SINCE_KEY = "common.cache:degraded-since"
_PROBE_KEY = "common.cache:probe"


@dataclass
class _Health:
    """What one process knows of a primary; shared by its threads (each has its own backend)."""

    lock: threading.Lock
    degraded_since: datetime | None = None
    retry_at: float = 0.0
    warned_at: float | None = None


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(primary: str) -> _Health:
    with _health_lock:
        return _health.setdefault(primary, _Health(lock=threading.Lock()))


def reset_failover_state() -> None:
    """Forget every outage this process has seen (tests start from a working Redis)."""
    with _health_lock:
        _health.clear()


class FailoverCache(BaseCache):
    """The primary cache while it answers, the fallback cache while it does not.

    OPTIONS: `PRIMARY` and `FALLBACK` (aliases in CACHES), `RETRY_AFTER` (seconds before the
    primary is tried again, 30) and `WARN_EVERY` (seconds between two warnings, 300).
    """

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.primary_alias: str = options["PRIMARY"]
        self.fallback_alias: str = options["FALLBACK"]
        self.retry_after = float(options.get("RETRY_AFTER", 30))
        self.warn_every = float(options.get("WARN_EVERY", 300))
        self._health = _health_of(self.primary_alias)

    @property
    def fallback(self) -> BaseCache:
        return caches[self.fallback_alias]

    @property
    def degraded_since(self) -> datetime | None:
        """When this process, or another one, last found the primary unreachable."""
        since = self._health.degraded_since
        shared = self.fallback.get(DEGRADED_SINCE_KEY)
        if isinstance(shared, datetime) and (since is None or shared < since):
            since = shared
        return since

    def probe(self) -> bool:
        """Whether the primary answers now; not asked, and False, during its back-off."""
        if not self._should_try_primary():
            return False
        try:
            caches[self.primary_alias].has_key(_PROBE_KEY)
        except UNREACHABLE as error:
            self._primary_failed(error)
            return False
        self._primary_answered()
        # Another process may have marked an outage and not yet found Redis back itself.
        self.fallback.delete(DEGRADED_SINCE_KEY)
        return True

    def _use(self, call: Callable[[BaseCache], T]) -> T:
        if self._should_try_primary():
            try:
                result = call(caches[self.primary_alias])
            except UNREACHABLE as error:
                self._primary_failed(error)
            else:
                if self._health.degraded_since is not None:
                    self._primary_answered()
                return result
        return call(self.fallback)

    def _should_try_primary(self) -> bool:
        health = self._health
        if health.degraded_since is None:
            return True
        with health.lock:
            now = time.monotonic()
            if now < health.retry_at:
                return False
            # This thread tries; the others keep to the fallback until it knows.
            health.retry_at = now + self.retry_after
            return True

    def _primary_failed(self, error: Exception) -> None:
        health = self._health
        with health.lock:
            now = time.monotonic()
            started = health.degraded_since is None
            if started:
                health.degraded_since = timezone.now()
            health.retry_at = now + self.retry_after
            warn = health.warned_at is None or now - health.warned_at >= self.warn_every
            if warn:
                health.warned_at = now
            since = health.degraded_since
        if warn:
            logger.warning(
                "Cache %r cannot be reached (%s): using %r instead since %s, trying again every "
                "%g s.",
                self.primary_alias,
                error,
                self.fallback_alias,
                since.isoformat() if since else "now",
                self.retry_after,
            )
        if started:
            # add, not set: the earliest process to notice keeps its time.
            self.fallback.add(DEGRADED_SINCE_KEY, since, timeout=None)

    def _primary_answered(self) -> None:
        health = self._health
        with health.lock:
            since, health.degraded_since, health.warned_at = health.degraded_since, None, None
        if since is not None:
            logger.info(
                "Cache %r answers again (unreachable since %s).",
                self.primary_alias,
                since.isoformat(),
            )
            self.fallback.delete(DEGRADED_SINCE_KEY)

    # --- Django's cache API, each call to whichever cache answers ------------------------------

    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        return self._use(lambda c: c.add(key, value, timeout, version))

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        return self._use(lambda c: c.get(key, default, version))

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        self._use(lambda c: c.set(key, value, timeout, version))

    def touch(
        self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._use(lambda c: c.touch(key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._use(lambda c: c.delete(key, version))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._use(lambda c: c.get_many(keys, version))

    def set_many(
        self,
        data: dict[Any, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[Any]:
        return self._use(lambda c: c.set_many(data, timeout, version))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._use(lambda c: c.delete_many(keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._use(lambda c: c.has_key(key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._use(lambda c: c.incr(key, delta, version))

    def decr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._use(lambda c: c.decr(key, delta, version))

    def clear(self) -> None:
        self._use(lambda c: c.clear())

    def close(self, **kwargs: Any) -> None:
        """Nothing of its own to close: Django closes the primary and fallback by their aliases."""


def cache_status() -> Status:
    """The system status page's line about the cache (registered in CommonConfig.ready)."""
    failover = caches["default"]
    if not isinstance(failover, FailoverCache):
        return Status(
            name=_("Cache"),
            ok=True,
            detail=_("The cache does not depend on Redis."),
            advice="",
        )
    name = _("Cache (Redis)")
    try:
        since = None if failover.probe() else failover.degraded_since
    except DatabaseError:
        return Status(
            name=name,
            ok=False,
            detail=_(
                "The cache table in the database cannot be read, so it cannot stand in for "
                "Redis when Redis is down."
            ),
            advice=_("Create it: python manage.py createcachetable"),
        )
    if since is None:
        return Status(name=name, ok=True, detail=_("Redis answers."), advice="")
    return Status(
        name=name,
        ok=False,
        detail=_(
            "Redis has not answered since %(since)s. Meanwhile the cache, with the failed-login "
            "limits, is kept in the database: logins and pages work, a little slower."
        )
        % {"since": formats.date_format(timezone.localtime(since), "DATETIME_FORMAT")},
        advice=_(
            "Start Redis again (on the server: docker compose up -d redis). Emails wait in the "
            "database and are sent once Redis is back; nothing else needs doing."
        ),
    )


__all__ = [
    "DEGRADED_SINCE_KEY",
    "UNREACHABLE",
    "FailoverCache",
    "cache_status",
    "reset_failover_state",
]
