from __future__ import annotations

import smtplib

from celery import shared_task

from notifications.services import invitation_email_send


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_invitation_email(*, invitation_id: int) -> bool:
    return invitation_email_send(invitation_id=invitation_id)


@shared_task
def ping(value: str) -> str:
    """Answers with what it was given: proves a worker is reachable and returns results."""
    return value
