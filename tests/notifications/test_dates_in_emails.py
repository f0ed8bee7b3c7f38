"""Dates in emails are written for their reader: in the reader's language, on the reader's clock
with the zone named, never as ISO dates ("2027-03-15").

A digest's sections are collected once for a batch of readers and rendered for each reader: the
dates of a line are formatted when each reader's email is rendered (common.formats), so two
readers of the same batch read the same line in their own language and zone.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone
from typing import cast

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.text import format_lazy

from common.formats import date_text, datetime_text, local_date, local_datetime
from coordination import notify as coordination_notify
from coordination.models import Announcement, ChairTerm, Person
from mapping import notify as mapping_notify
from mapping.models import Revision
from meetings import notify as meetings_notify
from meetings.models import Meeting, Minutes
from notifications import digests, services
from notifications.models import Delivery, Notification
from statements import notify as statements_notify
from statements.models import EndorsementRound, Statement
from tests import factories
from workplans import notify as workplans_notify
from workplans.models import WorkItem
from workplans.services import work_item_update

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LINK = re.compile(r"https?://\S+")
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
MONTHS_FR = "(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
MONTHS_ES = (
    "(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)"
)


def iso_dates_in(delivery: Delivery) -> list[str]:
    """The ISO dates a person would read in an email: in its subject, text and HTML, links
    left out (an address may carry a date as a code)."""
    found = []
    for part in (delivery.subject, delivery.text, delivery.html):
        prose = LINK.sub(" ", part)
        found += [prose[max(0, m.start() - 60) : m.end() + 10] for m in ISO_DATE.finditer(prose)]
    return found


# --- The helpers -------------------------------------------------------------------------------


def test_a_lazy_date_is_written_in_the_language_it_is_read_in():
    text = format_lazy("{date}", date=local_date(date(2027, 3, 15)))

    with translation.override("fr"):
        assert str(text) == "15 mars 2027"
    with translation.override("es"):
        assert str(text) == "15 de marzo de 2027"
    with translation.override("en"):
        assert str(text) == "March 15, 2027"


def test_a_lazy_moment_is_written_on_the_readers_clock_with_the_zone_named():
    moment = datetime(2027, 3, 15, 13, 0, tzinfo=UTC)
    text = local_datetime(moment)

    with translation.override("fr"), timezone.override("Europe/Vienna"):
        assert str(text) == "15 mars 2027 14:00 (Europe/Vienna)"
    with translation.override("es"), timezone.override("America/Bogota"):
        assert str(text) == "15 de marzo de 2027 a las 08:00 (America/Bogota)"


def test_the_immediate_forms_use_the_active_language():
    with translation.override("fr"), timezone.override("Europe/Paris"):
        assert date_text(date(2027, 3, 15)) == "15 mars 2027"
        assert datetime_text(datetime(2027, 3, 15, 13, tzinfo=UTC)) == (
            "15 mars 2027 14:00 (Europe/Paris)"
        )


# --- A digest, read in French and in Spanish -------------------------------------------------


@pytest.fixture
def readers() -> tuple[Person, Person]:
    """Two focal points of one organisation, one in Paris reading French, one in Bogotá
    reading Spanish; on 10 March 2027 at noon UTC it is the 10th for both, so the digest
    collects their lines once, together."""
    organisation = factories.OrganisationFactory(acronym="ORG")
    french = cast(
        Person,
        factories.PersonFactory(organisation=organisation, language="fr", time_zone="Europe/Paris"),
    )
    spanish = cast(
        Person,
        factories.PersonFactory(
            organisation=organisation, language="es", time_zone="America/Bogota"
        ),
    )
    with time_machine.travel(NOW, tick=False):
        factories.WorkItemFactory(
            lead_organisation=organisation, title="Toolkit", due_on=date(2027, 3, 15)
        )
        meeting = factories.MeetingFactory(
            title="Working Group",
            starts_at=datetime(2027, 3, 15, 13, 0, tzinfo=UTC),
            ends_at=datetime(2027, 3, 15, 15, 0, tzinfo=UTC),
        )
        factories.MeetingInvitationFactory(meeting=meeting, organisation=organisation)
    return french, spanish


def digest_of(person: Person) -> Delivery:
    return Delivery.objects.get(person=person, kind="digest")


def test_a_digest_writes_its_dates_in_each_readers_language_and_zone(readers):
    french, spanish = readers
    with time_machine.travel(NOW, tick=False):
        services.ensure_preferences(timezone.now())
        digests.record_digest_batch([french.pk, spanish.pk], period="test")

    in_french, in_spanish = digest_of(french), digest_of(spanish)

    assert "15 mars 2027" in in_french.text
    assert "15 mars 2027 14:00 (Europe/Paris)" in in_french.text
    assert "15 de marzo de 2027" in in_spanish.text
    assert "15 de marzo de 2027 a las 08:00 (America/Bogota)" in in_spanish.text
    assert "March" not in in_french.text + in_spanish.text
    for delivery in (in_french, in_spanish):
        assert iso_dates_in(delivery) == []


def test_a_change_of_date_in_the_digest_is_written_as_a_date(readers):
    """The "changes to items you lead" section reads the audit history, where a date is kept
    as "2027-03-20": the reader sees a date in their language."""
    french, _spanish = readers
    item = WorkItem.objects.get(title="Toolkit")
    other = factories.PersonFactory(organisation=factories.OrganisationFactory(acronym="OTH"))
    item.contributing_organisations.add(other.organisation)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        work_item_update(item=item, actor=other, version=item.version, due_on=date(2027, 3, 20))
    with time_machine.travel(NOW, tick=False):
        services.ensure_preferences(timezone.now())
        digests.record_digest_batch([french.pk], period="test")

    text = digest_of(french).text
    assert "20 mars 2027" in text
    assert iso_dates_in(digest_of(french)) == []


# --- Every email the demonstration group produces ------------------------------------------


def _tell_about_the_demo() -> None:
    """Run the handlers of the emails people receive on the demonstration's objects: meetings,
    minutes, series, statements, chair terms, announcements, work items, mapping profiles."""
    meeting = Meeting.objects.filter(status=Meeting.Status.SCHEDULED).order_by("starts_at").last()
    if meeting is not None:
        for event in ("invitation", "agenda", "changed"):
            meetings_notify.meeting_event(meeting_id=meeting.pk, event=event)
        meetings_notify.rsvp_reminded(meeting_id=meeting.pk, reminder="demo")
    for minutes in Minutes.objects.filter(status=Minutes.Status.CIRCULATED):
        meetings_notify.minutes_circulated(minutes_id=minutes.pk, circulation=minutes.circulation)
    for series_id in Meeting.objects.filter(series__isnull=False).values_list(
        "series_id", flat=True
    )[:1]:
        meetings_notify.series_event(series_id=series_id, event="invitation")
    for term in ChairTerm.objects.order_by("-starts_on")[:2]:
        coordination_notify.term_recorded(term_id=term.pk)
        coordination_notify.handover_reminder(term_id=term.pk)
        coordination_notify.new_chairs(term_id=term.pk)
    for announcement in Announcement.objects.all():
        coordination_notify.announcement_sent(announcement_id=announcement.pk)
    for round in EndorsementRound.objects.filter(closed_at__isnull=True):
        statements_notify.round_opened(round_id=round.pk)
    for statement in Statement.objects.filter(comment_deadline__isnull=False):
        statements_notify.comment_period_opened(
            statement_id=statement.pk,
            deadline=statement.comment_deadline.isoformat(),  # type: ignore[union-attr]
        )
    for statement in Statement.objects.filter(adopted_at__isnull=False):
        statements_notify.statement_adopted(statement_id=statement.pk)
    item = WorkItem.objects.filter(owner__isnull=False, due_on__isnull=False).first()
    if item is not None and item.owner_id is not None:
        workplans_notify.item_assigned(item_id=item.pk, person_id=item.owner_id)
    for revision in Revision.objects.filter(state=Revision.State.SUBMITTED)[:1]:
        mapping_notify.profile_submitted(revision_id=revision.pk)
    for revision in Revision.objects.filter(state=Revision.State.PUBLISHED)[:1]:
        mapping_notify.profile_published(revision_id=revision.pk)


def test_no_email_of_the_demonstration_writes_an_iso_date():
    call_command("load_demo")
    languages = ["en", "fr", "es"]
    for index, person in enumerate(Person.objects.order_by("pk")):
        Person.objects.filter(pk=person.pk).update(language=languages[index % 3])
    services.ensure_preferences(timezone.now())

    _tell_about_the_demo()
    digests.record_digest_batch(list(Person.objects.values_list("pk", flat=True)), period="all")

    deliveries = list(Delivery.objects.all())
    kinds = {d.kind for d in deliveries}
    # The walk reached the digest and the emails of every app.
    assert {"digest", "meeting_invitation", "term_recorded"} <= kinds, kinds
    assert len(kinds) >= 12, kinds
    found = {d.pk: iso_dates_in(d) for d in deliveries}
    assert not any(found.values()), {pk: dates for pk, dates in found.items() if dates}
    titles = Notification.objects.values_list("title", flat=True)
    assert not [t for t in titles if ISO_DATE.search(t)]
    # The digests of French and Spanish readers have dates in their language.
    french = " ".join(d.text for d in deliveries if d.kind == "digest" and "Bonjour" in d.text)
    spanish = " ".join(d.text for d in deliveries if d.kind == "digest" and "Estimad" in d.text)
    assert re.search(rf"\d {MONTHS_FR} \d{{4}}", french)
    assert re.search(rf"\d de {MONTHS_ES} de \d{{4}}", spanish)


def test_kept_texts_are_those_of_their_language_zone_and_day():
    """common.formats keeps what it formatted; the same instant reads differently on two
    clocks and in two languages, and a fixed offset is formatted as it comes."""
    instant = datetime(2027, 3, 15, 13, 0, tzinfo=UTC)
    vienna = datetime_text(instant, zoneinfo.ZoneInfo("Europe/Vienna"))
    new_york = datetime_text(instant, zoneinfo.ZoneInfo("America/New_York"))
    assert vienna == "March 15, 2027, 2 p.m. (Europe/Vienna)"
    assert new_york == "March 15, 2027, 9 a.m. (America/New_York)"
    with translation.override("fr"):
        assert "mars" in datetime_text(instant, zoneinfo.ZoneInfo("Europe/Vienna"))
        assert date_text(instant.date()) == "15 mars 2027"
    assert "March" in date_text(instant.date())
    plus_one = datetime_text(instant, dt_timezone(timedelta(hours=1)))
    assert plus_one.startswith("March 15, 2027, 2 p.m.")
