"""Thin tasks: the services decide what is due and claim it in the database."""

from __future__ import annotations

from celery import shared_task

from statements import reminders


@shared_task(acks_late=True)
def last_calls() -> dict[str, int]:
    """The beat's look at the comment and endorsement deadlines of the next 24 hours: the last
    reminder to those who have not answered. Safe to run twice (reminders claims each)."""
    return reminders.last_calls_send()
