"""Chair terms on the site: the pages and who may use them, the rules of a term, the rights that
move at the group's midnight, the emails the terms call for, the dashboard block, the meeting
decision that endorses a term, and the incoming chairs' drafts of their term's meetings."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.dates import group_today
from coordination import permissions, selectors, services, tasks
from coordination.models import ChairTerm, Handover, HandoverSignature, HandoverTask, Person
from meetings import permissions as meeting_permissions
from meetings import services as meeting_services
from meetings.models import Decision, Meeting
from notifications.models import Delivery, Event, Notification
from tests import factories
from tests.notifications.smtp import received, subject
from tests.test_headers import header_problems, inline_problems

pytestmark = pytest.mark.django_db


def login(client, person):
    client.force_login(person)
    return client


def term(year: int, *organisations, note: str = "") -> ChairTerm:
    return services.chair_term_create(
        actor=None,
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        organisations=list(organisations),
        note=note,
    )


def fresh(person: Person) -> Person:
    """The person as a new request reads them (the chair predicate is cached per object)."""
    return Person.objects.get(pk=person.pk)


@pytest.fixture
def world(organisation, other_organisation):
    """Today (the group's date) in 2026: UNICEF chairs 2026, ILO is the incoming chair of 2027."""
    with time_machine.travel(datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False):
        current = term(2026, organisation)
        upcoming = term(2027, other_organisation)
        yield {"current": current, "upcoming": upcoming}


# --- The pages --------------------------------------------------------------------------------------


def test_the_list_shows_every_term_newest_first_with_state_seats_and_handover(
    client, world, secretariat, observer
):
    past = term(2019, factories.OrganisationFactory(acronym="OSCE"))
    Handover.objects.create(term=world["current"])
    login(client, observer)
    response = client.get(reverse("coordination:term_list"))
    assert response.status_code == 200
    assert list(response.context["terms"]) == [world["upcoming"], world["current"], past]
    body = response.content.decode()
    assert "Upcoming" in body and "Current" in body and "Past" in body
    assert "In progress" in body and "1 seat" in body
    assert reverse("coordination:term_create") not in body  # only the secretariat records terms
    login(client, secretariat)
    assert (
        reverse("coordination:term_create")
        in client.get(reverse("coordination:term_list")).content.decode()
    )


def test_the_navigation_links_the_chairs_for_everyone(client, observer):
    login(client, observer)
    body = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("coordination:term_list")}"' in body


def test_the_term_page_shows_dates_chairs_endorsement_and_a_handover_link(
    client, world, secretariat, focal_point, observer, other_organisation
):
    upcoming = world["upcoming"]
    meeting = meeting_with_decision(upcoming)
    login(client, observer)
    body = client.get(upcoming.get_absolute_url()).content.decode()
    assert "1 January 2027" in body and other_organisation.name in body
    assert "No handover" in body
    assert Decision.objects.get().get_absolute_url() in body and meeting.title in body
    Handover.objects.create(term=upcoming)
    handover_url = reverse("coordination:handover_detail", kwargs={"pk": upcoming.pk})
    # Observers never see handovers: the page says one exists, without the link.
    assert handover_url not in client.get(upcoming.get_absolute_url()).content.decode()
    login(client, secretariat)
    body = client.get(upcoming.get_absolute_url()).content.decode()
    assert handover_url in body and reverse("coordination:term_edit", args=[upcoming.pk]) in body


@time_machine.travel(datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False)
def test_the_next_terms_page_offers_to_open_its_handover_to_those_who_may(
    client, world, secretariat, observer, focal_point
):
    opening = reverse("coordination:handover_open", args=[world["upcoming"].pk])
    login(client, secretariat)
    assert opening in client.get(world["upcoming"].get_absolute_url()).content.decode()
    # The current chair's focal point hands over: they may open it too.
    login(client, focal_point)
    assert opening in client.get(world["upcoming"].get_absolute_url()).content.decode()
    login(client, observer)
    assert opening not in client.get(world["upcoming"].get_absolute_url()).content.decode()


def test_term_pages_have_the_headers_and_nothing_inline(client, world, secretariat):
    login(client, secretariat)
    for url in [
        reverse("coordination:term_list"),
        reverse("coordination:term_create"),
        world["upcoming"].get_absolute_url(),
        reverse("coordination:term_edit", args=[world["upcoming"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert header_problems(response) == [] and inline_problems(response) == [], url


def term_form(starts_on: str, ends_on: str, organisations, note: str = "", **extra) -> dict:
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "organisations": [o.pk for o in organisations],
        "note": note,
        **extra,
    }


def test_the_secretariat_records_a_term_and_the_history_has_it(
    client, secretariat, organisation, other_organisation
):
    login(client, secretariat)
    response = client.post(
        reverse("coordination:term_create"),
        term_form("2031-01-01", "2031-12-31", [organisation, other_organisation], "Co-chairs"),
    )
    recorded = ChairTerm.objects.get()
    assert response.status_code == 302 and response.url == recorded.get_absolute_url()
    assert {o.acronym for o in recorded.organisations.all()} == {"UNICEF", "ILO"}
    entries = LogEntry.objects.get_for_object(recorded)
    assert entries.exists() and {entry.actor for entry in entries} == {secretariat}


def test_a_term_form_posted_twice_records_once(client, secretariat, organisation):
    login(client, secretariat)
    data = term_form(
        "2031-01-01", "2031-12-31", [organisation], once="3b8c8c0e-0000-4000-8000-000000000001"
    )
    client.post(reverse("coordination:term_create"), data)
    second = client.post(reverse("coordination:term_create"), data)
    assert second.status_code == 302
    assert ChairTerm.objects.count() == 1


def test_the_secretariat_edits_a_term_with_the_version_check(client, world, secretariat):
    upcoming = world["upcoming"]
    login(client, secretariat)
    url = reverse("coordination:term_edit", args=[upcoming.pk])
    data = term_form(
        "2027-01-01", "2027-06-30", upcoming.organisations.all(), version=upcoming.version
    )
    assert client.post(url, data).status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.ends_on == date(2027, 6, 30)
    # The same form again, opened before that save: a conflict, nothing written.
    response = client.post(url, {**data, "ends_on": "2027-03-31"})
    assert response.status_code == 200 and response.context["conflict"]
    upcoming.refresh_from_db()
    assert upcoming.ends_on == date(2027, 6, 30)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            lambda o: term_form("2031-12-31", "2031-01-01", o[:1]),
            "ends_on",
            "cannot end before it starts",
        ),
        (lambda o: term_form("2031-01-01", "2031-12-31", []), "organisations", "Choose the chair"),
        (
            lambda o: term_form("2031-01-01", "2031-12-31", o),
            "organisations",
            "not 3 organisations",
        ),
        (
            lambda o: term_form("2026-06-01", "2027-05-31", o[:1]),
            "__all__",
            "overlap the chair term 2026",
        ),
        (
            lambda o: term_form("2031-01-01", "2031-12-31", o[2:]),
            "organisations",
            "NEW is not a member on all of these dates (it joined on March 1, 2031)",
        ),
        (
            lambda o: {**term_form("2031-01-01", "2031-12-31", []), "organisations": ["x"]},
            "organisations",
            "is not a valid value",
        ),
    ],
)
def test_the_form_says_what_is_wrong_and_records_nothing(
    client, world, secretariat, organisation, other_organisation, data, field, message
):
    newcomer = factories.OrganisationFactory(acronym="NEW", joined_on=date(2031, 3, 1))
    login(client, secretariat)
    before = ChairTerm.objects.count()
    posted = data([organisation, other_organisation, newcomer])
    response = client.post(reverse("coordination:term_create"), posted)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert ChairTerm.objects.count() == before


def test_an_organisation_must_be_a_member_on_every_day_of_the_term(organisation):
    leaving = factories.OrganisationFactory(acronym="GONE", left_on=date(2031, 12, 31))
    joining = factories.OrganisationFactory(acronym="LATE", joined_on=date(2031, 1, 2))
    for chair, words in [(leaving, "left on Dec. 31, 2031"), (joining, "joined on Jan. 2, 2031")]:
        with pytest.raises(ValidationError) as refused:
            services.chair_term_validate(
                starts_on=date(2031, 1, 1), ends_on=date(2031, 12, 31), organisations=[chair]
            )
        assert words in refused.value.message_dict["organisations"][0]
    # A member from the first day to the last (it leaves the day after) may chair.
    services.chair_term_validate(
        starts_on=date(2031, 1, 1),
        ends_on=date(2031, 12, 30),
        organisations=[leaving, factories.OrganisationFactory(joined_on=date(2031, 1, 1))],
    )


@pytest.mark.parametrize("role_fixture", ["focal_point", "principal", "observer"])
def test_only_the_secretariat_records_or_edits_terms(client, request, world, role_fixture):
    upcoming = world["upcoming"]
    login(client, request.getfixturevalue(role_fixture))
    history = LogEntry.objects.count()
    create = reverse("coordination:term_create")
    edit = reverse("coordination:term_edit", args=[upcoming.pk])
    assert client.get(create).status_code == 403
    assert client.get(edit).status_code == 403
    data = term_form("2040-01-01", "2040-12-31", upcoming.organisations.all())
    assert client.post(create, data).status_code == 403
    assert client.post(edit, {**data, "version": upcoming.version}).status_code == 403
    assert ChairTerm.objects.count() == 2
    upcoming.refresh_from_db()
    assert upcoming.starts_on == date(2027, 1, 1) and upcoming.version == 1
    assert LogEntry.objects.count() == history


# --- Pages stay fast ------------------------------------------------------------------------------


def many_terms(count: int, first_year: int) -> None:
    for n in range(count):
        chair = factories.OrganisationFactory()
        created = term(first_year + n, chair)
        handover = Handover.objects.create(term=created) if n % 2 else None
        if handover:
            HandoverTask.objects.create(handover=handover, title=f"Task {n}")


def test_the_list_reads_a_fixed_number_of_queries(client, observer, django_assert_max_num_queries):
    login(client, observer)
    many_terms(2, 2100)
    client.get(reverse("coordination:term_list"))
    with django_assert_max_num_queries(8) as small:
        assert client.get(reverse("coordination:term_list")).status_code == 200
    many_terms(12, 2200)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("coordination:term_list")).status_code == 200


def test_the_term_page_reads_a_fixed_number_of_queries(
    client, world, secretariat, django_assert_max_num_queries
):
    login(client, secretariat)
    upcoming = world["upcoming"]
    handover = Handover.objects.create(term=upcoming)
    meeting_with_decision(upcoming)
    HandoverTask.objects.create(handover=handover, title="One")
    url = upcoming.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for n in range(8):
        meeting_with_decision(upcoming, title=f"Principals {n}")
        HandoverTask.objects.create(handover=handover, title=f"Task {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


# --- Rights move at the group's midnight ---------------------------------------------------------


@pytest.mark.parametrize(
    ("group_zone", "server_zone"),
    [("Pacific/Auckland", "America/Los_Angeles"), ("America/Los_Angeles", "Asia/Tokyo")],
)
def test_chair_rights_move_at_the_groups_midnight(settings, monkeypatch, group_zone, server_zone):
    settings.GROUP_TIME_ZONE = group_zone
    settings.TIME_ZONE = server_zone
    monkeypatch.setenv("TZ", server_zone)
    time.tzset()
    try:
        old, new = (
            factories.OrganisationFactory(acronym="OLD"),
            factories.OrganisationFactory(acronym="NEW"),
        )
        old_focal = factories.PersonFactory(organisation=old, time_zone=server_zone)
        new_focal = factories.PersonFactory(organisation=new, time_zone=server_zone)
        term(2026, old)
        term(2027, new)
        midnight = datetime(2027, 1, 1, tzinfo=ZoneInfo(group_zone))

        def rights(person: Person) -> tuple[bool, bool, bool]:
            person = fresh(person)
            return (
                permissions.is_chair(person),
                permissions.is_incoming_chair(person),
                permissions.is_outgoing_chair(person),
            )

        with time_machine.travel(midnight - timedelta(seconds=1), tick=False):
            assert group_today() == date(2026, 12, 31)
            assert rights(old_focal) == (True, False, False)
            assert rights(new_focal) == (False, True, False)
        with time_machine.travel(midnight, tick=False):
            assert rights(old_focal) == (False, False, True)
            assert rights(new_focal) == (True, False, False)
        last_outgoing_day = date(2026, 12, 31) + timedelta(days=settings.OUTGOING_CHAIR_DAYS)
        end = datetime.combine(last_outgoing_day + timedelta(days=1), datetime.min.time())
        end = end.replace(tzinfo=ZoneInfo(group_zone))
        with time_machine.travel(end - timedelta(seconds=1), tick=False):
            assert rights(old_focal) == (False, False, True)
        with time_machine.travel(end, tick=False):
            assert rights(old_focal) == (False, False, False)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


# --- The meeting decision that endorses a term ----------------------------------------------------


def meeting_with_decision(endorsed: ChairTerm, title: str = "Principals") -> Meeting:
    meeting = Meeting.objects.create(
        title=title,
        kind=Meeting.Kind.PRINCIPALS,
        starts_at=datetime(2026, 5, 2, 9, tzinfo=UTC),
        ends_at=datetime(2026, 5, 2, 12, tzinfo=UTC),
        venue="Vienna",
        status=Meeting.Status.HELD,
    )
    Decision.objects.create(
        meeting=meeting, text=f"{title} endorse the chairs", endorses_term=endorsed
    )
    return meeting


def test_a_decision_endorses_a_term_and_the_meeting_page_says_so(client, world, secretariat):
    meeting = Meeting.objects.create(
        title="Principals",
        kind=Meeting.Kind.PRINCIPALS,
        starts_at=datetime(2026, 5, 2, 9, tzinfo=UTC),
        ends_at=datetime(2026, 5, 2, 12, tzinfo=UTC),
        venue="Vienna",
    )
    login(client, secretariat)
    form = client.get(meeting.get_absolute_url()).context["decision_form"]
    choices = [label for _value, label in form.fields["endorses_term"].choices]
    assert choices[1:] == ["2027 (ILO)", "2026 (UNICEF)"]  # newest first, after "none"
    client.post(
        reverse("meetings:decision_add", args=[meeting.pk]),
        {"text": "The principals endorse ILO.", "endorses_term": world["upcoming"].pk},
    )
    assert Decision.objects.get().endorses_term == world["upcoming"]
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "endorses the 2027 chairs" in body
    assert world["upcoming"].get_absolute_url() in body
    # A term that does not exist: a message, nothing recorded.
    response = client.post(
        reverse("meetings:decision_add", args=[meeting.pk]),
        {"text": "Another", "endorses_term": 999999},
        follow=True,
    )
    assert "not recorded" in response.content.decode()
    assert Decision.objects.count() == 1


# --- Incoming chairs draft their term's meetings ----------------------------------------------------


def meeting_fields(starts_at: datetime) -> dict:
    return {
        "title": "First meeting of the new chairs",
        "kind": Meeting.Kind.WORKING_GROUP,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "time_zone": "UTC",
        "venue": "Geneva",
    }


@time_machine.travel(datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False)
def test_incoming_chairs_draft_their_terms_meetings_which_stay_invisible(
    client, world, other_organisation, organisation, observer
):
    incoming = factories.PersonFactory(organisation=other_organisation)
    current_chair = factories.PersonFactory(organisation=organisation)
    bystander = factories.PersonFactory()
    assert meeting_permissions.can_create_meetings(incoming)
    # Before the term's first day: not theirs to draft.
    with pytest.raises(ValidationError) as refused:
        meeting_services.meeting_create(
            actor=incoming, **meeting_fields(datetime(2026, 12, 31, 9, tzinfo=UTC))
        )
    assert "on or after Jan. 1, 2027" in str(refused.value)
    draft = meeting_services.meeting_create(
        actor=incoming, **meeting_fields(datetime(2027, 1, 1, 0, tzinfo=UTC))
    )
    meeting_services.agenda_item_add(meeting=draft, actor=fresh(incoming), title="Pledges")
    login(client, incoming)
    assert client.get(draft.get_absolute_url()).status_code == 200
    # Publishing stays with the chairs of today and the secretariat.
    assert (
        client.post(reverse("meetings:meeting_status", args=[draft.pk, "publish"])).status_code
        == 403
    )
    for other in (bystander, observer):
        login(client, other)
        assert client.get(draft.get_absolute_url()).status_code == 404
    # Their own term's drafts only: not the current chair's draft of this year.
    this_year = meeting_services.meeting_create(
        actor=current_chair, **meeting_fields(datetime(2026, 12, 10, 9, tzinfo=UTC))
    )
    login(client, incoming)
    assert client.get(this_year.get_absolute_url()).status_code == 404
    assert client.get(reverse("meetings:meeting_edit", args=[this_year.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_publish(meeting=draft, actor=fresh(incoming))
    meeting_services.meeting_publish(meeting=draft, actor=fresh(current_chair))
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.SCHEDULED


@time_machine.travel(datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False)
def test_an_incoming_chair_cannot_move_a_draft_before_the_term(client, world, other_organisation):
    incoming = factories.PersonFactory(organisation=other_organisation)
    draft = meeting_services.meeting_create(
        actor=incoming, **meeting_fields(datetime(2027, 2, 1, 9, tzinfo=UTC))
    )
    with pytest.raises(ValidationError):
        meeting_services.meeting_update(
            meeting=draft,
            actor=fresh(incoming),
            version=draft.version,
            starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
            ends_at=datetime(2026, 12, 1, 11, tzinfo=UTC),
        )
    assert Meeting.objects.get(pk=draft.pk).starts_at == datetime(2027, 2, 1, 9, tzinfo=UTC)


def test_principals_and_observers_of_incoming_organisations_draft_nothing(
    world, other_organisation, observer
):
    principal = factories.PrincipalFactory(organisation=other_organisation)
    with time_machine.travel(datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False):
        assert not meeting_permissions.can_create_meetings(principal)
        assert not meeting_permissions.can_create_meetings(observer)


# --- The dashboard -----------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False)
def test_the_dashboard_shows_who_chairs_and_the_chairs_their_handover(
    client, world, other_organisation, observer
):
    handover = Handover.objects.create(term=world["upcoming"])
    HandoverTask.objects.create(handover=handover, title="Done", status=HandoverTask.Status.DONE)
    HandoverTask.objects.create(handover=handover, title="Late", due_on=date(2026, 11, 1))
    HandoverTask.objects.create(handover=handover, title="Soon", due_on=date(2026, 12, 20))
    incoming = factories.PersonFactory(organisation=other_organisation)
    HandoverSignature.objects.create(
        handover=handover, side="incoming", organisation=other_organisation, person=incoming
    )
    login(client, incoming)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Chairing now" in body and "Chairing next" in body
    assert "You are an incoming chair" in body
    assert "2 tasks to do" in body and "1 overdue" in body and "1 signature given" in body
    assert handover.get_absolute_url() in body
    login(client, observer)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Chairing next" in body and "ILO" in body
    assert handover.get_absolute_url() not in body


# --- Emails, each once -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_term_emails_reach_a_real_smtp_server_once_each(smtp_server):
    unicef = factories.OrganisationFactory(acronym="UNICEF")
    ilo = factories.OrganisationFactory(acronym="ILO")
    departed = factories.OrganisationFactory(acronym="GONE", left_on=date(2026, 6, 1))
    coordinator = factories.OrganisationFactory(acronym="UNODC", is_permanent_coordinator=True)
    factories.SecretariatFactory(organisation=coordinator, email="sec@example.org")
    factories.PersonFactory(organisation=unicef, email="focal.unicef@example.org")
    factories.PersonFactory(organisation=ilo, email="focal.ilo@example.org")
    factories.PersonFactory(organisation=ilo, email="alt.ilo@example.org", role="alternate")
    factories.PrincipalFactory(organisation=ilo, email="principal.ilo@example.org")
    factories.PrincipalFactory(organisation=unicef, email="principal.unicef@example.org")
    factories.PersonFactory(organisation=departed, email="focal.gone@example.org")
    factories.ObserverFactory(email="observer@example.org")

    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        term(2026, unicef)
        # Recorded ahead: the incoming organisation's people hear what comes next.
        upcoming = term(2027, ilo)
    assert received(smtp_server, "will chair") == [
        "alt.ilo@example.org",
        "focal.ilo@example.org",
        "principal.ilo@example.org",
    ]
    # Fourteen days before, with no handover opened: both sides and the secretariat, once.
    with time_machine.travel(datetime(2026, 12, 18, 12, tzinfo=UTC), tick=False):
        assert tasks.chair_term_notices() == {"reminders": 1, "announcements": 0}
        assert tasks.chair_term_notices() == {"reminders": 0, "announcements": 0}
    assert received(smtp_server, "handover is not signed off") == [
        "alt.ilo@example.org",
        "focal.ilo@example.org",
        "focal.unicef@example.org",
        "sec@example.org",
    ]
    # The first day: every member's people and the secretariat, once; not the observer, nor
    # an organisation that left.
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=UTC), tick=False):
        assert tasks.chair_term_notices() == {"reminders": 0, "announcements": 1}
        assert tasks.chair_term_notices() == {"reminders": 0, "announcements": 0}
    with time_machine.travel(datetime(2027, 1, 2, 12, tzinfo=UTC), tick=False):
        assert tasks.chair_term_notices() == {"reminders": 0, "announcements": 0}
    assert received(smtp_server, "now chair") == [
        "alt.ilo@example.org",
        "focal.ilo@example.org",
        "focal.unicef@example.org",
        "principal.ilo@example.org",
        "principal.unicef@example.org",
        "sec@example.org",
    ]
    announcement = next(m for m in smtp_server.messages if "now chair" in subject(m))
    assert announcement["List-Unsubscribe"]
    # The reminder asks for a sign-off: a service message, which nobody unsubscribes from, and
    # which says nothing of stopping emails.
    reminder = next(m for m in smtp_server.messages if "handover is not signed off" in subject(m))
    assert not reminder["List-Unsubscribe"]
    assert "Stop these emails" not in reminder.as_string()
    # In the site too, once per person and notice.
    assert Notification.objects.filter(kind="new_chairs").count() == 6
    assert Notification.objects.filter(kind="handover_reminder").count() == 4
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert upcoming.pk


@time_machine.travel(datetime(2026, 12, 18, 12, tzinfo=UTC), tick=False)
def test_no_reminder_once_the_handover_is_signed_off(world):
    Handover.objects.create(term=world["upcoming"], signed_off_at=datetime(2026, 12, 1, tzinfo=UTC))
    assert services.chair_term_notices_send() == {"reminders": 0, "announcements": 0}


def test_a_term_recorded_after_it_started_tells_nobody(organisation):
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        term(2019, organisation)
        term(2026, factories.OrganisationFactory())
    assert not Event.objects.filter(handler__endswith="term_recorded").exists()


def test_the_incoming_chairs_see_their_own_drafts_in_the_list_and_cannot_publish(
    client, organisation, other_organisation
):
    """An incoming chair's draft is in their meetings list; the Publish button is the chairs'."""
    from datetime import timedelta as _timedelta

    from django.utils import timezone as _timezone

    from meetings.models import Meeting
    from tests import factories as _factories

    today = _timezone.localdate()
    _factories.ChairTermFactory(
        starts_on=today - _timedelta(days=10),
        ends_on=today + _timedelta(days=10),
        organisations=[other_organisation],
    )
    _factories.ChairTermFactory(
        starts_on=today + _timedelta(days=11),
        ends_on=today + _timedelta(days=400),
        organisations=[organisation],
    )
    incoming = _factories.PersonFactory(
        organisation=organisation, email="incoming.chair@example.org"
    )
    draft = _factories.MeetingFactory(
        status=Meeting.Status.DRAFT,
        title="First Working Group of the next term",
        starts_at=_timezone.now() + _timedelta(days=60),
        ends_at=_timezone.now() + _timedelta(days=60, hours=2),
    )
    client.force_login(incoming)
    assert draft.title in client.get("/meetings/").content.decode()
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "/status/publish/" not in page


def test_the_terms_are_read_once_and_forgotten_when_a_term_or_its_chairs_change(
    organisation, other_organisation, django_capture_on_commit_callbacks
):
    today = group_today()
    term = factories.ChairTermFactory(
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=10),
        organisations=[organisation],
    )
    assert selectors.current_chair_term() == term
    with CaptureQueriesContext(connection) as queries:
        assert selectors.current_chair_term() == term
        assert selectors.next_chair_term() is None
    assert len(queries) == 0
    with django_capture_on_commit_callbacks(execute=True):
        term.organisations.add(other_organisation)
    chairs = {o.pk for o in selectors.current_chair_term().organisations.all()}
    assert chairs == {organisation.pk, other_organisation.pk}
    with django_capture_on_commit_callbacks(execute=True):
        upcoming = factories.ChairTermFactory(
            starts_on=today + timedelta(days=11),
            ends_on=today + timedelta(days=300),
            organisations=[other_organisation],
        )
    assert selectors.next_chair_term() == upcoming
    assert selectors.term_before(upcoming) == term
    with django_capture_on_commit_callbacks(execute=True):
        other_organisation.acronym = "RENAMED"
        other_organisation.save()
    assert [o.acronym for o in selectors.next_chair_term().organisations.all()] == ["RENAMED"]
