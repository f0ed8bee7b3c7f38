"""Sending the recorded emails: claim, send, record the outcome, retry with backoff.

Every email is a Delivery row before it is sent. A process sends only the rows it claimed
with its own token in one conditional UPDATE, so a duplicated beat tick, a retried task or two
workers at once never send the same row twice. A failed send is retried with exponential
backoff; after MAX_ATTEMPTS the row is FAILED, shown to the secretariat, who can send it again.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from datetime import timedelta
from email.charset import Charset
from email.mime.nonmultipart import MIMENonMultipart

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.utils import timezone

from common import registry
from common.registry import SendHook
from notifications.models import Delivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY_AFTER = timedelta(minutes=1)
LONGEST_RETRY_AFTER = timedelta(hours=2)
# A row claimed for sending longer ago than this belongs to a process that died mid-send.
ABANDONED_AFTER = timedelta(minutes=15)
BATCH = 200
# A calendar's lines are folded at 75 octets (RFC 5545 3.1), far below SMTP's limit: sent as
# they are (8bit, as Django sends the text and HTML parts), not base64.
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = None  # type: ignore[assignment]  # None: 7 or 8 bit as the text needs


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the first, second, third failure; never more than 2 hours."""
    later: timedelta = FIRST_RETRY_AFTER * 2 ** max(attempts - 1, 0)
    return min(later, LONGEST_RETRY_AFTER)


class NothingToSend(Exception):
    """The email lost its reason to go (an invitation withdrawn or used before it was sent).
    Send hooks raise it (notifications.contract exports it)."""


def _hook_for(delivery: Delivery) -> SendHook:
    hooks = {hook.subject_type: hook for hook in registry.send_hooks}
    if delivery.subject_type not in hooks:
        raise NothingToSend(f"No app finishes emails about {delivery.subject_type}.")
    return hooks[delivery.subject_type]


def _prepared(delivery: Delivery) -> Delivery:
    """Let the app that sent an email about an object finish it now (an invitation's link is
    made only at sending); only the newest email about an object goes out."""
    if delivery.subject_id is None:
        raise NothingToSend("The email names no object.")
    newer = Delivery.objects.filter(
        subject_type=delivery.subject_type, subject_id=delivery.subject_id, pk__gt=delivery.pk
    )
    if newer.exists():
        # Sending this one would void the link of the newer email the person may already have.
        raise NothingToSend("Replaced by a newer email.")
    delivery.text, delivery.html = _hook_for(delivery).prepare(
        delivery.subject_id, delivery.text, delivery.html
    )
    return delivery


def message_for(delivery: Delivery) -> EmailMultiAlternatives:
    if delivery.subject_type:
        delivery = _prepared(delivery)
    # RFC 3834: sent by a program, not a person, so that auto-responders stay silent.
    headers = {"Auto-Submitted": "auto-generated"}
    if delivery.unsubscribe_url:
        # RFC 8058: a mail client can unsubscribe with one POST, without opening a page.
        headers["List-Unsubscribe"] = f"<{delivery.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to],
        headers=headers,
    )
    message.attach_alternative(delivery.html, "text/html")
    for number, calendar in enumerate(calendars(delivery.ics), start=1):
        message.attach(
            _calendar_part(calendar, "meeting.ics" if number == 1 else f"meeting-{number}.ics")
        )
    return message


_CALENDAR_START = re.compile(r"^(?=BEGIN:VCALENDAR\r?$)", re.MULTILINE)
_METHOD = re.compile(r"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)


def calendars(ics: str) -> list[str]:
    """The iCalendar objects of an attachment, one after the other (an iCalendar stream): an
    email about a meeting may carry more than one event, and a scheduling message holds one."""
    return [part for part in _CALENDAR_START.split(ics) if part.strip()]


def _calendar_part(calendar: str, filename: str) -> MIMENonMultipart:
    """One iCalendar object as a text/calendar part whose `method` says the body's METHOD (iMIP,
    RFC 6047 2.4: a mail client acts on an invitation or a cancellation by it), with one
    charset."""
    part = MIMENonMultipart("text", "calendar")
    part.set_payload(calendar, charset=_UTF8)
    found = _METHOD.search(calendar)
    method = f"; method={found.group(1).upper()}" if found else ""
    part.replace_header("Content-Type", f'text/calendar{method}; charset="utf-8"')
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def release_abandoned() -> int:
    """Put rows whose sender died mid-send back in the queue (they may go out a second time:
    the one window SMTP leaves open, since the server cannot be asked what it received)."""
    return Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=timezone.now() - ABANDONED_AFTER
    ).update(status=Delivery.Status.RETRY, claim=None)


def claim(ids: Iterable[int] | None = None, *, limit: int | None = None) -> list[Delivery]:
    """Take the rows that are due and not being sent, for this process alone.

    The UPDATE's condition (still pending or waiting for a retry) is re-checked by the database
    row by row, so when two processes race, each row goes to exactly one of them; each then
    reads back the rows carrying its own token.
    """
    now = timezone.now()
    due = Delivery.objects.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.RETRY], next_attempt_at__lte=now
    )
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    token = uuid.uuid4()
    candidates = list(
        due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[: limit or BATCH]
    )
    if not candidates:
        return []
    Delivery.objects.filter(
        Q(pk__in=candidates), status__in=[Delivery.Status.PENDING, Delivery.Status.RETRY]
    ).update(status=Delivery.Status.SENDING, claim=token, claimed_at=now)
    return list(Delivery.objects.filter(claim=token, status=Delivery.Status.SENDING))


def send_claimed(deliveries: list[Delivery]) -> tuple[int, int]:
    """Send over one SMTP connection, marking each row SENT as soon as the server took it.

    One UPDATE per email, on purpose: if the worker dies half-way (killed, out of memory, past
    its time limit), only the one email in flight can go out again when its row is released,
    not every email sent before it in the batch. The UPDATE names the claim too, so a sender
    whose rows were released and taken over by another process changes nothing.
    """
    if not deliveries:
        return 0, 0
    sent = failures = 0
    settled: set[int] = set()
    connection = get_connection()
    try:
        connection.open()
        for delivery in deliveries:
            try:
                message = message_for(delivery)
                message.connection = connection
                message.send()
            except SoftTimeLimitExceeded:
                raise  # the task is out of time: stop here, the rest stays claimed and is released later
            except NothingToSend as reason:
                settled.add(delivery.pk)
                Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
                    status=Delivery.Status.SKIPPED, last_error=str(reason), claim=None
                )
            except Exception as error:  # this message failed: record it and go on with the next
                failures += 1
                settled.add(delivery.pk)
                _record_failure(delivery, error)
                # A broken connection fails every message after it: start a new one.
                connection.close()
                connection = get_connection()
            else:
                sent += 1
                settled.add(delivery.pk)
                Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
                    status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", claim=None
                )
                if delivery.subject_type and delivery.subject_id is not None:
                    _hook_for(delivery).sent(delivery.subject_id)
    except SoftTimeLimitExceeded:
        raise
    except Exception as error:  # the server could not be reached at all
        logger.warning("Could not open the mail connection: %s", error)
        for delivery in deliveries:
            if delivery.pk not in settled:
                failures += 1
                _record_failure(delivery, error)
    finally:
        try:
            connection.close()
        except Exception:
            logger.debug("Closing the mail connection failed", exc_info=True)
    return sent, failures


def _record_failure(delivery: Delivery, error: Exception) -> None:
    attempts = delivery.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    logger.warning(
        "Email %s to %s failed (attempt %s): %s", delivery.pk, delivery.to, attempts, error
    )
    Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
        status=Delivery.Status.FAILED if final else Delivery.Status.RETRY,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=timezone.now() + backoff(attempts),
        claim=None,
    )


def deliver(ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Send what is due (of `ids`, if given) in batches until nothing is left to claim. Each
    row is claimed once: a sent one is no longer due, and a failed one is due again only after
    its backoff, so the loop ends."""
    total_sent = total_failed = 0
    ids = list(ids) if ids is not None else None
    while batch := claim(ids):
        sent, failed = send_claimed(batch)
        total_sent += sent
        total_failed += failed
    return total_sent, total_failed


def send_again(delivery: Delivery) -> Delivery:
    """The secretariat's "send again" for a failed email: back in the queue, attempts reset."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.RETRY, attempts=0, next_attempt_at=timezone.now(), claim=None
    )
    delivery.refresh_from_db()
    return delivery
