"""Thin tasks: the services decide what is due and write it once."""

from __future__ import annotations

from celery import shared_task

from meetings import series


@shared_task(acks_late=True)
def extend_series() -> int:
    """Keep every running series' meetings stored a year ahead. Safe to run twice at once: each
    series is locked and each of its meetings stored once."""
    return series.extend_all()
