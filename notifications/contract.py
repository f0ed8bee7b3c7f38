"""notifications' public contract: the one module other apps import from notifications.

A service records an event in the outbox with `record(handler, **ids)`, inside its own
transaction. After the commit a worker runs the handler (a function of the app's `notify.py`):
it decides whom to tell, with which template and subject, and calls `notify` (people with an
account: an in-app notification and, if they want it, an email) or `email` (an address without an
account: an invitation to join). Those write one Delivery row per email, rendered in the reader's
language and time zone, and a worker sends them. No request renders an email or waits for the
broker or the mail server: if the broker is down, the beat relays the events and sweeps the
emails once it is back.

This module imports no other app: people are whatever `settings.AUTH_USER_MODEL` is, read
through `common.people.Recipient`; an app's event handlers, email kinds, digest sections and send
hooks reach notifications through `common.registry`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise

from common import registry
from common.people import Recipient
from notifications.delivery import NothingToSend
from notifications.emails import build_delivery
from notifications.models import Delivery, Event, Notification, Preference
from notifications.services import preference_reschedule
from notifications.tasks import queue_events, queue_sending
from notifications.unsubscribe import unsubscribe_url

__all__ = [
    "NothingToSend",
    "delivery_states",
    "email",
    "muted",
    "notify",
    "record",
    "schedule_changed",
]


def notify(
    *,
    people: Iterable[Recipient],
    kind: str,
    key: str,
    title: str | Promise,
    url: str,
    template: str,
    context: dict[str, Any],
    ics: str | Callable[[Recipient], str] = "",
    service: bool = False,
) -> int:
    """Tell each person at once: an in-app notification always, an email if they want it.

    A `service` message asks for the person's answer or action (a sign-off, an endorsement): it
    is emailed even to people who turned off the emails that cannot wait, and carries no
    unsubscribe link, so that silence is never taken from someone who was not asked.

    `key` names the event (with its version, e.g. a meeting's SEQUENCE): recording the same
    event twice writes nothing twice. `title` is lazy, so each person reads it in their
    language. `ics`, an iCalendar file attached to each email, is either the same for everyone
    or made for each person (a meeting invitation names its reader as ATTENDEE); each email
    keeps its own. Returns how many emails were recorded.
    """
    people = [p for p in people if p.is_active]
    if not people:
        return 0
    preferences = {
        p.person_id: p for p in Preference.objects.filter(person_id__in=[p.pk for p in people])
    }
    Notification.objects.bulk_create(
        Notification(person_id=p.pk, kind=kind, title=_in_language(title, p.language), url=url)
        for p in people
    )
    rows = []
    for person in people:
        preference = preferences.get(person.pk)
        if preference is not None and not preference.immediate and not service:
            continue
        rows.append(
            build_delivery(
                kind=kind,
                key=f"{key}:{person.pk}",
                template=template,
                context={**context, "url": settings.SITE_URL + url},
                to=person.email,
                language=person.language,
                time_zone=person.time_zone,
                person=person,
                unsubscribe_url="" if service else unsubscribe_url(person, "immediate"),
                ics=ics(person) if callable(ics) else ics,
            )
        )
    return len(_record(rows))


def delivery_states(*, key: str, people: Iterable[int]) -> dict[int, str]:
    """How the emails `notify` recorded under the event `key` stand for `people` (ids): person
    id → the status of their delivery (a `Delivery.Status` value: "pending", "sending", "sent",
    "retry", "failed", "skipped"). A person who got no email (inactive, or immediate emails off
    for a message that is not a service one) is absent. One query, whatever the number of
    people.
    """
    # The exact keys notify writes (f"{key}:{person.pk}"), read through the unique index on
    # `key`: a prefix search could not use it on every database collation.
    keys = {f"{key}:{pk}": pk for pk in people}
    rows = Delivery.objects.filter(key__in=keys).values_list("key", "status")
    return {keys[row_key]: status for row_key, status in rows}


def email(
    *,
    to: str,
    kind: str,
    key: str,
    template: str,
    context: dict[str, Any],
    language: str | None,
    subject: tuple[str, int],
    time_zone: str | None = None,
) -> int | None:
    """Email an address that has no account yet (an invitation to join), about one object.

    `subject` ("app_label.model", id) names that object: the send hook its app registered for
    that type finishes the email at sending, and only the newest email about an object is sent
    (an older one not sent yet would carry a link the newer one voided). Returns the delivery's
    id, or None if this email was already recorded.
    """
    row = build_delivery(
        kind=kind,
        key=key,
        template=template,
        context=context,
        to=to,
        language=language,
        time_zone=time_zone,
        subject=subject,
    )
    recorded = _record([row])
    if not recorded:
        return None
    subject_type, subject_id = subject
    Delivery.objects.filter(subject_type=subject_type, subject_id=subject_id).exclude(
        pk__in=recorded
    ).filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.RETRY, Delivery.Status.FAILED]
    ).update(status=Delivery.Status.SKIPPED, last_error="Replaced by a newer email.", claim=None)
    return recorded[0]


def _record(rows: list[Delivery]) -> list[int]:
    """Write the rows (skipping keys already recorded) and queue the new ones' sending once the
    caller's transaction commits. The rows written by this call are those carrying its token."""
    if not rows:
        return []
    token = uuid.uuid4()
    for row in rows:
        row.claim = token
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(Delivery.objects.filter(claim=token).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(claim=None)
    if ids:
        transaction.on_commit(lambda: queue_sending(ids))
    return ids


def _in_language(text: str | Promise, language: str) -> str:
    """A lazy text as the person reads it."""
    with translation.override(language):
        return str(text)


def schedule_changed(*, person: Recipient) -> None:
    """A person's time zone changed: their next digest moves to their hour in the new zone."""
    preference_reschedule(person=person)


_muted: ContextVar[bool] = ContextVar("notifications_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Record no notifications inside the block (loading demonstration data, imports)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def record(handler: Callable[..., object], **payload: int | str | None) -> None:
    """Record an event in the outbox, inside the caller's transaction, so that it exists exactly
    when the change it announces does; a worker runs `handler(**payload)` after the commit.

    `handler` is a function of the app's `notify.py` registered in
    `common.registry.event_handlers`; `payload` names objects by id (the worker reads them as
    they are then). The request renders nothing and never waits for the broker.
    """
    if _muted.get():
        return
    path = f"{handler.__module__}.{handler.__qualname__}"
    if path not in registry.event_handlers:
        raise ImproperlyConfigured(f"{path} is not registered in common.registry.event_handlers")
    event = Event.objects.create(handler=path, payload=payload)
    transaction.on_commit(lambda: queue_events([event.pk]))
