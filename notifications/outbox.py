"""The outbox: events recorded with the change they announce, processed by a worker.

`contract.record` writes an Event row in the caller's transaction. After the commit, one
attempt is made to hand its id to a worker (no retries, no waiting: see `hand_over`); the beat's
`relay_events` picks up every event still waiting, so an event recorded while the broker was
down is processed once it is back. Processing claims each event with a conditional UPDATE (as
the delivery log does), runs the app's handler and marks the event done in one transaction: the
deliveries it records and the "done" commit together, so a retried task, a relay running at the
same moment or a second worker cannot process an event twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common import registry
from notifications.models import Event

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# An event claimed longer ago than this belongs to a worker that died while processing it.
ABANDONED_AFTER = timedelta(minutes=10)
BATCH = 100


class ClaimLost(Exception):
    """Another process took the event over while this one was running it."""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 minutes after the first, second, third, fourth failure."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def claim(ids: Iterable[int] | None = None, *, limit: int = BATCH) -> list[Event]:
    """Take the events that are due and that nobody is working on, for this process alone."""
    now = timezone.now()
    free = Q(claim__isnull=True) | Q(claimed_at__lt=now - ABANDONED_AFTER)
    due = Event.objects.filter(free, status=Event.Status.PENDING, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    candidates = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    if not candidates:
        return []
    token = uuid.uuid4()
    # The condition is checked again by the database row by row: of two processes racing for
    # the same event, exactly one moves it to its own token.
    Event.objects.filter(free, pk__in=candidates, status=Event.Status.PENDING).update(
        claim=token, claimed_at=now
    )
    return list(Event.objects.filter(claim=token).order_by("pk"))


def process(event: Event) -> bool:
    """Run the event's handler and mark it done, together; on failure, schedule a retry."""
    try:
        handler = registry.event_handlers.named(event.handler)
        with transaction.atomic():
            handler(**event.payload)
            done = Event.objects.filter(pk=event.pk, claim=event.claim).update(
                status=Event.Status.DONE, processed_at=timezone.now(), claim=None, last_error=""
            )
            if not done:
                # Another process took the event over (ours was thought abandoned): undo ours.
                raise ClaimLost(event.pk)
    except Exception as error:  # one event's failure must not stop the others
        attempts = event.attempts + 1
        logger.warning("Outbox event %s failed (attempt %s): %s", event.pk, attempts, error)
        Event.objects.filter(pk=event.pk, claim=event.claim).update(
            status=Event.Status.FAILED if attempts >= MAX_ATTEMPTS else Event.Status.PENDING,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=timezone.now() + backoff(attempts),
            claim=None,
        )
        return False
    return True


def process_due(ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Process the events that are due (of `ids`, if given), batch after batch.

    Returns (processed, failed)."""
    processed = failed = 0
    ids = list(ids) if ids is not None else None
    while batch := claim(ids):
        for event in batch:
            if process(event):
                processed += 1
            else:
                failed += 1
        if ids is not None:
            break
    return processed, failed


def backlog() -> tuple[int, Event | None]:
    """How many events wait, and the oldest of them (for the status page)."""
    waiting = Event.objects.filter(status=Event.Status.PENDING)
    return waiting.count(), waiting.order_by("created_at").first()
