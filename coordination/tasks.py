"""Thin tasks: the services decide what is due and claim it in the database."""

from __future__ import annotations

from celery import shared_task

from coordination import services


@shared_task(acks_late=True)
def chair_term_notices() -> dict[str, int]:
    """The beat's hourly look at the chair terms: the handover reminder before a term starts and
    the new chairs' announcement on its first day. Safe to run twice (services claim each)."""
    return services.chair_term_notices_send()
