"""Thin tasks: each takes ids, and the services claim their work in the database."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.utils import timezone

from notifications import delivery, digests, outbox, services, status

logger = logging.getLogger(__name__)


def _hand_over(task: Task[..., object], ids: list[int], what: str) -> None:
    """One attempt to hand `ids` to a worker, without retrying or waiting (a request may be the
    caller): if the broker is down, the rows wait in the database for the beat's next run."""
    try:
        task.apply_async(args=(ids,), retry=False)
    except Exception as error:
        logger.warning(
            "Could not hand %s %s to a worker (%s); the beat picks them up", len(ids), what, error
        )


def queue_sending(ids: list[int]) -> None:
    """Hand recorded emails to a worker; if the broker is down, the beat's sweep sends them."""
    _hand_over(send_deliveries, ids, "emails")


def queue_events(ids: list[int]) -> None:
    """Hand outbox events to a worker; if the broker is down, the beat's relay processes them."""
    _hand_over(process_events, ids, "outbox events")


@shared_task(acks_late=True)
def queue_due_digests() -> int:
    """The beat's tick: give new people their preferences, then one task per batch of people
    whose digest time has passed. Safe to run twice: the batches claim in the database."""
    now = timezone.now()
    status.beat("digests")
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


@shared_task(acks_late=True)
def process_events(ids: list[int] | None = None) -> tuple[int, int]:
    """Turn outbox events into notifications (these, or every one that is due)."""
    return outbox.process_due(ids)


@shared_task(acks_late=True)
def relay_events() -> tuple[int, int]:
    """The beat's relay: every event still waiting (recorded while the broker was down, or whose
    worker died) is processed; a claim keeps two relays from processing one event twice."""
    return outbox.process_due()


@shared_task(acks_late=True)
def heartbeat() -> None:
    """The beat asks every minute: the worker that runs it is alive (the status page)."""
    status.beat("worker")


@shared_task
def ping(value: str) -> str:
    """Answers with what it was given: proves a worker is reachable and returns results."""
    return value
