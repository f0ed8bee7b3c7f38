"""Thin tasks: each takes ids, and the services claim their work in the database."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from notifications import delivery, digests, services

logger = logging.getLogger(__name__)


def queue_sending(ids: list[int]) -> None:
    """Hand recorded emails to a worker; if the broker is down, the beat's sweep sends them."""
    try:
        send_deliveries.delay(ids)
    except Exception:
        logger.warning(
            "Could not queue %s emails; the next sweep of the beat sends them",
            len(ids),
            exc_info=True,
        )


@shared_task(acks_late=True)
def queue_due_digests() -> int:
    """The beat's tick: give new people their preferences, then one task per batch of people
    whose digest time has passed. Safe to run twice: the batches claim in the database."""
    now = timezone.now()
    services.ensure_preferences(now)
    ids = digests.due_person_ids(now)
    for batch in digests.batches(ids):
        send_digest_batch.delay(batch)
    return len(ids)


@shared_task(acks_late=True)
def send_digest_batch(person_ids: list[int]) -> dict[str, int]:
    return digests.send_digest_batch(person_ids)


@shared_task(acks_late=True)
def send_deliveries(ids: list[int] | None = None) -> tuple[int, int]:
    """Send recorded emails (these, or every one that is due, retries included)."""
    return delivery.deliver(ids)


@shared_task(acks_late=True)
def sweep_deliveries() -> tuple[int, int]:
    """The beat's other tick: emails a dead worker left half-sent go back in the queue, and
    everything due (new rows nobody could queue, retries whose time has come) is sent."""
    delivery.release_abandoned()
    return delivery.deliver()


@shared_task
def ping(value: str) -> str:
    """Answers with what it was given: proves a worker is reachable and returns results."""
    return value
