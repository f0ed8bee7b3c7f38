"""The public send functions other apps call, and the in-app notifications.

Emails are recorded as Delivery rows in the caller's transaction and sent after it commits by a
worker; if the broker cannot be reached, that is logged and the beat's next sweep sends them.
No page ever waits for, or fails because of, the mail server or Redis.
"""

from __future__ import annotations

import logging
import uuid
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from coordination.models import Person
from notifications.emails import render_parts
from notifications.models import INVITATION_LINK, Delivery, Notification, Preference
from notifications.unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)


# --- The invitation to join (its link is made at sending: see coordination.services) ----------------


def invitation_email_record(*, invitation_id: int) -> int | None:
    """Record the invitation email (its link is made when it is sent) and queue its sending
    once the caller's transaction commits. Returns the delivery's id."""
    from coordination.models import Invitation

    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    parts = render_parts(
        "notifications/email/invitation",
        language=getattr(invitation.invited_by, "language", None),
        context={"invitation": invitation, "url": INVITATION_LINK},
    )
    # One email per link: sending a new link (which replaces the hash) is a new email.
    delivery, created = Delivery.objects.get_or_create(
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        defaults={
            "kind": Delivery.Kind.INVITATION,
            "invitation": invitation,
            "to": invitation.email,
            "subject": parts.subject,
            "text": parts.text,
            "html": parts.html,
        },
    )
    if created:
        # Earlier emails of this invitation not sent yet would void the new link: drop them.
        Delivery.objects.filter(invitation=invitation).exclude(pk=delivery.pk).filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.RETRY, Delivery.Status.FAILED]
        ).update(
            status=Delivery.Status.SKIPPED,
            last_error="Replaced by a newer invitation email.",
            claim=None,
        )
        transaction.on_commit(lambda: _queue_sending([delivery.pk]))
    return delivery.pk


# --- Immediate emails and in-app notifications ---------------------------------------------------------


def _queue_sending(ids: list[int]) -> None:
    from notifications.tasks import send_deliveries

    try:
        send_deliveries.delay(ids)
    except Exception:
        logger.warning(
            "Could not queue %s emails; the next sweep of the beat sends them",
            len(ids),
            exc_info=True,
        )


def _in_language(text: Any, language: str) -> str:
    """A lazy text as the person reads it."""
    with translation.override(language):
        return str(text)


def notify(
    *,
    people: Iterable[Person],
    kind: str,
    key: str,
    title: Any,
    url: str,
    template: str,
    context: dict[str, Any],
    ics: str = "",
) -> int:
    """Tell each person at once: an in-app notification always, an email if they want it.

    `key` names the event (with its version, e.g. a meeting's SEQUENCE): recording the same
    event twice writes nothing twice. Returns how many emails were recorded.
    """
    people = [p for p in people if p.is_active]
    if not people:
        return 0
    preferences = {p.person_id: p for p in Preference.objects.filter(person__in=people)}
    Notification.objects.bulk_create(
        Notification(person=p, kind=kind, title=_in_language(title, p.language), url=url)
        for p in people
    )
    token = uuid.uuid4()
    rows = []
    for person in people:
        preference = preferences.get(person.pk)
        if preference is not None and not preference.immediate:
            continue
        unsubscribe = unsubscribe_url(person, "immediate")
        with (
            timezone.override(zoneinfo.ZoneInfo(person.time_zone)),
            translation.override(person.language),
        ):
            parts = render_parts(
                template,
                language=person.language,
                context={
                    **context,
                    "person": person,
                    "url": settings.SITE_URL + url,
                    "unsubscribe_url": unsubscribe,
                },
            )
        rows.append(
            Delivery(
                key=f"{key}:{person.pk}",
                kind=kind,
                person=person,
                to=person.email,
                subject=parts.subject,
                text=parts.text,
                html=parts.html,
                ics=ics,
                unsubscribe_url=unsubscribe,
                claim=token,
            )
        )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(Delivery.objects.filter(claim=token).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(claim=None)
    if ids:
        transaction.on_commit(lambda: _queue_sending(ids))
    return len(ids)


def _meeting_people(meeting: Any) -> QuerySet[Person]:
    """Who hears about a meeting: the focal points and alternates of the invited organisations,
    and their principals too for a principals' meeting."""
    roles = [Person.Role.FOCAL_POINT, Person.Role.ALTERNATE]
    if meeting.kind == "principals":
        roles.append(Person.Role.PRINCIPAL)
    return Person.objects.filter(
        is_active=True, role__in=roles, organisation__meeting_invitations__meeting=meeting
    ).distinct()


def meeting_event(*, meeting_id: int, event: str) -> int:
    """A meeting was published ("invitation"), its agenda published ("agenda"), rescheduled
    ("changed") or cancelled ("cancelled"): tell the people of the invited organisations, with
    the .ics attached."""
    from meetings.ical import calendar
    from meetings.models import Meeting

    meeting = Meeting.objects.select_related("host_organisation").get(pk=meeting_id)
    kinds = {
        "invitation": Delivery.Kind.MEETING_INVITATION,
        "agenda": Delivery.Kind.AGENDA,
        "changed": Delivery.Kind.MEETING_CHANGED,
        "cancelled": Delivery.Kind.MEETING_CANCELLED,
    }
    titles = {
        "invitation": gettext_lazy("Invitation: {title}"),
        "agenda": gettext_lazy("Agenda published: {title}"),
        "changed": gettext_lazy("Changed: {title}"),
        "cancelled": gettext_lazy("Cancelled: {title}"),
    }
    return notify(
        people=_meeting_people(meeting),
        kind=kinds[event],
        key=f"meeting:{meeting.pk}:{event}:{meeting.sequence}",
        title=format_lazy(titles[event], title=meeting.title),
        url=meeting.get_absolute_url(),
        template="notifications/email/meeting",
        context={
            "meeting": meeting,
            "event": event,
            "agenda": list(meeting.agenda_items.select_related("presenter_organisation")),
        },
        ics=calendar([meeting], name=meeting.title).decode(),
    )


def item_assigned(*, item_id: int, person_id: int, by_id: int | None = None) -> int:
    from workplans.models import WorkItem

    item = WorkItem.objects.select_related("priority_area__plan", "lead_organisation").get(
        pk=item_id
    )
    person = Person.objects.get(pk=person_id)
    if by_id == person_id:
        return 0  # nobody needs telling what they did themselves
    return notify(
        people=[person],
        kind=Delivery.Kind.ITEM_ASSIGNED,
        key=f"assigned:{item.pk}:{item.version}",
        title=format_lazy(gettext_lazy("Assigned to you: {title}"), title=item.title),
        url=item.get_absolute_url(),
        template="notifications/email/item_assigned",
        context={"item": item},
    )


def person_schedule_changed(*, person_id: int) -> None:
    """A person's time zone changed: their next digest moves to their hour in the new zone."""
    from notifications.digests import preference_update

    person = Person.objects.get(pk=person_id)
    if Preference.objects.filter(person=person).exists():
        preference_update(person=person)


_muted: ContextVar[bool] = ContextVar("notifications_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Record no notifications inside the block (loading demonstration data, imports)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def record(function: Any, **kwargs: Any) -> None:
    """Record a notification now, inside the caller's transaction, so that it commits (or rolls
    back) with the change it announces; its sending is queued once that commits.

    A failure to record is logged and never breaks the caller's change: it runs in a savepoint.
    """
    if _muted.get():
        return
    try:
        with transaction.atomic():
            function(**kwargs)
    except Exception:
        logger.exception("Could not record the notification %s(%s)", function.__name__, kwargs)
