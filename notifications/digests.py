"""Digests: who is due, what each one holds, and recording them exactly once.

The beat runs `queue_due_digests` every few minutes. It works from the database only (each
person's `next_digest_at`), so a run missed while Redis was down is caught up by the next one.
"""

from __future__ import annotations

import logging
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from coordination.models import Person
from notifications.delivery import deliver
from notifications.emails import render_parts
from notifications.models import Delivery, Preference
from notifications.sections import digest_sections
from notifications.unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# Lines a section shows before "and N more" (the page has them all).
LINES_PER_SECTION = 15


def preference_of(person: Person) -> Preference:
    """The preference loaded with the person (select_related); the stubs do not see the reverse
    one-to-one from this app."""
    return person.notification_preference  # type: ignore[attr-defined, unused-ignore]  # the plugin sees it only with a warm cache


def _due(preference: Preference, now: datetime) -> bool:
    return preference.next_digest_at is not None and preference.next_digest_at <= now


def role_defaults(person: Person) -> dict[str, Any]:
    """What a new person gets before choosing: the people who keep things moving hear daily,
    principals and observers weekly and only about what concerns them."""
    role = person.role
    if role in {Person.Role.SECRETARIAT, Person.Role.FOCAL_POINT, Person.Role.ALTERNATE}:
        return {
            "frequency": Preference.Frequency.DAILY,
            "kinds": ["work_items", "meetings", "rsvps", "minutes", "actions"],
        }
    if role == Person.Role.PRINCIPAL:
        return {
            "frequency": Preference.Frequency.WEEKLY,
            "kinds": ["meetings", "minutes"],
            "immediate": True,
        }
    return {"frequency": Preference.Frequency.WEEKLY, "kinds": ["meetings"], "immediate": False}


def preference_for(person: Person) -> Preference:
    preference = Preference.objects.filter(person=person).first()
    if preference is None:
        ensure_preferences(timezone.now(), people=[person])
        preference = Preference.objects.get(person=person)
    return preference


def ensure_preferences(now: datetime, *, people: Iterable[Person] | None = None) -> int:
    """Give every active person without preferences their role's defaults (new people join by
    invitation at any time; this keeps the digest from needing to know)."""
    candidates = (
        people
        if people is not None
        else Person.objects.filter(is_active=True, notification_preference__isnull=True)
    )
    created = []
    for person in candidates:
        preference = Preference(person=person, **role_defaults(person))
        preference.next_digest_at = preference.compute_next_digest_at(now, person.time_zone)
        created.append(preference)
    Preference.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


def preference_update(*, person: Person, **changes: Any) -> Preference:
    """A person changes how they hear from the hub; the next digest time follows."""
    preference = preference_for(person)
    for field, value in changes.items():
        setattr(preference, field, value)
    preference.full_clean()
    preference.next_digest_at = preference.compute_next_digest_at(timezone.now(), person.time_zone)
    # Clearing the claim tells a digest batch running now not to overwrite the new time.
    preference.claim = None
    preference.save()
    return preference


def due_person_ids(now: datetime) -> list[int]:
    return list(
        Preference.objects.filter(
            next_digest_at__lte=now,
            person__is_active=True,
        )
        .exclude(frequency=Preference.Frequency.NEVER)
        .order_by("next_digest_at")
        .values_list("person_id", flat=True)
    )


def period_of(preference: Preference, due_at: datetime, zone_name: str) -> str:
    """The digest's period in the person's calendar: a day, or an ISO week."""
    local = due_at.astimezone(zoneinfo.ZoneInfo(zone_name))
    if preference.frequency == Preference.Frequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


@dataclass
class Built:
    person: Person
    key: str
    sections: list[dict[str, Any]]


def collect(people: list[Person], now: datetime) -> dict[int, list[dict[str, Any]]]:
    """Every section's lines for every person of the batch.

    "Overdue" and "due within 14 days" depend on the day it is where the reader lives, so the
    sections run once per local date present in the batch (two or three at most, whatever the
    number of people), each time in a zone where it is that date: the queries are bounded by the
    calendar, not by the recipients.
    """
    by_person: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in people}
    groups: dict[Any, tuple[zoneinfo.ZoneInfo, list[Person]]] = {}
    for person in people:
        zone = _zone(person.time_zone)
        groups.setdefault(now.astimezone(zone).date(), (zone, []))[1].append(person)
    for zone, group in groups.values():
        with timezone.override(zone):
            lines = {section: section.collect(group, now) for section in digest_sections()}
        for person in group:
            wanted = preference_of(person).kinds
            for section, section_lines in lines.items():
                person_lines = section_lines.get(person.pk, [])
                if section.kind in wanted and person_lines:
                    by_person[person.pk].append(
                        {
                            "kind": section.kind,
                            "title": section.title,
                            "lines": person_lines[:LINES_PER_SECTION],
                            "more": max(0, len(person_lines) - LINES_PER_SECTION),
                        }
                    )
    return by_person


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _render(built: Built, now: datetime) -> Delivery:
    person = built.person
    url = unsubscribe_url(person, "digest")
    with (
        timezone.override(zoneinfo.ZoneInfo(person.time_zone)),
        translation.override(person.language),
    ):
        parts = render_parts(
            "notifications/email/digest",
            language=person.language,
            context={
                "person": person,
                "sections": built.sections,
                "unsubscribe_url": url,
                "preferences_url": settings.SITE_URL + "/notifications/preferences/",
                "now": now,
            },
        )
    return Delivery(
        key=built.key,
        kind=Delivery.Kind.DIGEST,
        person=person,
        to=person.email,
        subject=parts.subject,
        text=parts.text,
        html=parts.html,
        unsubscribe_url=url,
    )


def record_digest_batch(
    person_ids: list[int], now: datetime | None = None, *, period: str | None = None
) -> tuple[int, list[int]]:
    """Claim the due people of a batch and record their digests. A fixed number of queries,
    however many people are in the batch.

    1. Claim the preferences still due, with one conditional UPDATE that writes this run's
       token (people who unsubscribed or whose time moved meanwhile are not due any more).
    2. Read the claimed people and every section's lines.
    3. Record one Delivery per person with something to say, keyed on person and period, in one
       INSERT that skips keys already recorded: a second run for the same period records nothing.
    4. Move the claimed people's next digest time on (also those with nothing to say), only
       where the claim is still ours: a preference saved meanwhile cleared it and keeps its time.

    `period` overrides the schedule (the send_digests command, for trying): everyone in the
    batch who takes digests gets one now, once for that period.

    Returns (people read, ids of the deliveries recorded).
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    takers = Preference.objects.filter(person_id__in=person_ids, person__is_active=True).exclude(
        frequency=Preference.Frequency.NEVER
    )
    if period is None:
        takers.filter(next_digest_at__lte=now).update(claim=token)
        people = list(
            Person.objects.filter(notification_preference__claim=token).select_related(
                "notification_preference"
            )
        )
    else:
        people = list(
            Person.objects.filter(notification_preference__in=takers).select_related(
                "notification_preference"
            )
        )
    if not people:
        return 0, []
    contents = collect(people, now)
    rows = []
    for person in people:
        if contents[person.pk]:
            preference = preference_of(person)
            key_period = period or period_of(
                preference, preference.next_digest_at or now, person.time_zone
            )
            built = Built(
                person=person, key=f"digest:{person.pk}:{key_period}", sections=contents[person.pk]
            )
            delivery = _render(built, now)
            delivery.claim = token
            rows.append(delivery)
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        mine = list(Delivery.objects.filter(claim=token).values_list("pk", flat=True))
        if period is None:
            preferences = [preference_of(p) for p in people]
            for preference, person in zip(preferences, people, strict=True):
                preference.next_digest_at = preference.compute_next_digest_at(now, person.time_zone)
                preference.claim = None
            Preference.objects.filter(claim=token).bulk_update(
                preferences, ["next_digest_at", "claim"]
            )
        Delivery.objects.filter(pk__in=mine).update(claim=None)
    return len(people), mine


def send_digest_batch(
    person_ids: list[int], now: datetime | None = None, *, period: str | None = None
) -> dict[str, int]:
    """Record the batch's digests (a fixed number of queries), then send them (one UPDATE per
    email sent, see notifications.delivery.send_claimed)."""
    people, mine = record_digest_batch(person_ids, now, period=period)
    sent, failed = deliver(mine) if mine else (0, 0)
    return {"people": people, "recorded": len(mine), "sent": sent, "failed": failed}


def batches(ids: list[int], size: int = BATCH_SIZE) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
