"""Digests: who is due, what each one holds, and recording them exactly once.

The beat runs `queue_due_digests` every few minutes. It works from the database only (each
person's `next_digest_at`), so a run missed while Redis was down is caught up by the next one.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from common import registry
from common.people import Recipient
from notifications.delivery import deliver
from notifications.emails import build_delivery, zone_or_utc
from notifications.models import DIGEST, Delivery, Preference
from notifications.services import wanted_kinds
from notifications.unsubscribe import unsubscribe_url

# People per batch (and per task): the sections read what concerns the batch's organisations
# once per batch, so a large batch reads the group's open work a few times a run rather than
# fifty; a thousand digests are a few megabytes to hold and record.
BATCH_SIZE = 1000
# Lines a section shows before "and N more" (the page has them all).
LINES_PER_SECTION = 15


def preference_of(person: Recipient) -> Preference:
    """The preference loaded with the person (select_related); the user model is a setting, so
    the reverse one-to-one is not known to the type checker."""
    preference: Preference = getattr(person, "notification_preference")  # noqa: B009
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
    person: Recipient  # loaded with its preference
    key: str
    sections: list[dict[str, Any]]


def collect(people: Sequence[Recipient], now: datetime) -> dict[int, list[dict[str, Any]]]:
    """Every section's lines for every person of the batch.

    "Overdue" and "due within 14 days" depend on the day it is where the reader lives, so the
    sections run once per local date present in the batch (two or three at most, whatever the
    number of people), each time in a zone where it is that date: the queries are bounded by the
    calendar, not by the recipients.

    The zone active here is only the first reader's of each date, and no language is: a line
    writes its dates and times as lazy texts (common.formats), formatted when each reader's
    email is rendered (`_render`), in that reader's language and on that reader's clock.
    """
    by_person: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in people}
    groups: dict[date, tuple[zoneinfo.ZoneInfo, list[Recipient]]] = {}
    for person in people:
        zone = zone_or_utc(person.time_zone)
        groups.setdefault(now.astimezone(zone).date(), (zone, []))[1].append(person)
    for zone, group in groups.values():
        with timezone.override(zone):
            lines = {section: section.collect(group, now) for section in registry.digest_sections}
        for person in group:
            wanted = wanted_kinds(preference_of(person), person.role)
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


class Fragments:
    """Each section of a batch's digests rendered once per language and time zone.

    The lines of a section that concerns an organisation (its items due, its answers owed) are
    the same objects in the digest of each of its people (common.digests.lines_for_people), so
    a section is known by its kind and the identity of its lines: the forty people of an
    organisation reading in English in Vienna share its sections' text and HTML, and only what
    is theirs alone (the items they own, their handover tasks) is rendered for them. Each
    digest is then its sections' fragments in its reader's own frame (name, links).
    Good for one batch only: the identities are those of the batch's line objects."""

    def __init__(self) -> None:
        self.done: dict[tuple[Any, ...], dict[str, str]] = {}
        self.lines: dict[tuple[Any, ...], dict[str, Any]] = {}

    def __call__(self, section: dict[str, Any], language: str, zone: str) -> dict[str, Any]:
        key = (
            section["kind"],
            tuple(id(line) for line in section["lines"]),
            section["more"],
            language,
            zone,
        )
        rendered = self.done.get(key)
        if rendered is None:
            with timezone.override(zone_or_utc(zone)), translation.override(language):
                shown = {
                    **section,
                    "lines": [self._line(line, language, zone) for line in section["lines"]],
                }
                rendered = self.done[key] = {
                    "text": _section_text(shown),
                    "html": _section_html(shown),
                }
        return {**section, **rendered}

    def _line(self, line: dict[str, Any], language: str, zone: str) -> dict[str, Any]:
        """The line as its section shows it, made once per language and zone (an
        organisation's lines are in the digests of all its people): its lazy texts (dates in the
        reader's zone) made text, and its text and HTML list entries written here rather than by
        the section's templates, where fifteen lines in each of a reader's sections were most
        of a digest's time."""
        key = (id(line), language, zone)
        found = self.lines.get(key)
        if found is None:
            title, detail = str(line["title"]), str(line.get("detail") or "")
            address = settings.SITE_URL + line["url"]
            found = self.lines[key] = {
                **line,
                "title": title,
                "detail": detail,
                "text": f"- {title} ({detail})\n  {address}\n"
                if detail
                else f"- {title}\n  {address}\n",
                "html": format_html(
                    '<li style="margin:0 0 6px"><a href="{}" style="color:#0b4f8a">{}</a>{}</li>\n',
                    address,
                    title,
                    format_html('<br><span style="font-size:13px;color:#4d5661">{}</span>', detail)
                    if detail
                    else "",
                ),
            }
        return found


# A section as the digest's text and HTML show it: written here rather than by a template, as
# its lines are (Fragments._line), for the thousands of sections of a run.
def _section_text(section: dict[str, Any]) -> str:
    more = section["more"]
    text = "\n{}\n{}".format(
        str(section["title"]).upper(), "".join(line["text"] for line in section["lines"])
    )
    if more:
        text += "  {}\n".format(
            ngettext("and %(counter)s more", "and %(counter)s more", more) % {"counter": more}
        )
    return text


def _section_html(section: dict[str, Any]) -> SafeString:
    more = section["more"]
    return format_html(
        '<h2 style="font-size:16px;color:#0b4f8a;margin:20px 0 6px">{}</h2>\n'
        '<ul style="padding-left:18px;margin:0">\n{}</ul>\n{}',
        section["title"],
        mark_safe("".join(line["html"] for line in section["lines"])),  # each made by format_html
        format_html(
            '<p style="font-size:13px">{}</p>',
            ngettext("and %(counter)s more in the site", "and %(counter)s more in the site", more)
            % {"counter": more},
        )
        if more
        else "",
    )


def _render(built: Built, now: datetime, fragments: Fragments | None = None) -> Delivery:
    person = built.person
    fragments = fragments or Fragments()
    language = person.language or settings.LANGUAGE_CODE
    return build_delivery(
        kind=DIGEST,
        key=built.key,
        template="notifications/email/digest",
        context={
            "sections": [
                fragments(section, language, person.time_zone) for section in built.sections
            ],
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            "now": now,
        },
        to=person.email,
        language=person.language,
        time_zone=person.time_zone,
        person=person,
        unsubscribe_url=unsubscribe_url(person, "digest"),
    )


def record_digest_batch(
    person_ids: list[int], now: datetime | None = None, *, period: str | None = None
) -> tuple[int, list[int]]:
    """Claim the due people of a batch and record their digests, in a number of queries that
    does not grow with the people in the batch (only with the schedules they have: step 4).

    1. Claim the preferences still due, with one conditional UPDATE that writes this run's
       token (people who unsubscribed or whose time moved meanwhile are not due any more).
    2. Read the claimed people and every section's lines.
    3. Record one Delivery per person with something to say, keyed on person and period, in one
       INSERT that skips keys already recorded: a second run for the same period records nothing.
    4. Move the claimed people's next digest time on (also those with nothing to say), only
       where the claim is still ours: a preference saved meanwhile cleared it and keeps its time.
       One UPDATE per distinct next time: as many as the batch has schedules (zone, hour,
       day), however many people share them.

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
            get_user_model()
            ._default_manager.filter(notification_preference__claim=token)
            .select_related("notification_preference")
        )
    else:
        people = list(
            get_user_model()
            ._default_manager.filter(notification_preference__in=takers)
            .select_related("notification_preference")
        )
    if not people:
        return 0, []
    contents = collect(people, now)
    fragments = Fragments()
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
            delivery = _render(built, now, fragments)
            delivery.claim = token
            rows.append(delivery)
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        mine = list(Delivery.objects.filter(claim=token).values_list("pk", flat=True))
        if period is None:
            # One UPDATE per next time: the batch's people share a few schedules (a zone, an
            # hour, a day), and a bulk_update of a thousand rows is a CASE of a thousand arms.
            next_times: dict[datetime | None, list[int]] = defaultdict(list)
            for person in people:
                preference = preference_of(person)
                next_at = preference.compute_next_digest_at(now, person.time_zone)
                next_times[next_at].append(preference.pk)
            for next_at, pks in next_times.items():
                Preference.objects.filter(claim=token, pk__in=pks).update(
                    next_digest_at=next_at, claim=None
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
