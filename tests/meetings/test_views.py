from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar
from pytest_django.asserts import assertTemplateUsed

from meetings import services
from meetings.models import ActionItem, AgendaItem, Decision, Document, Invitation, Meeting, Minutes
from meetings.templatetags.meetings import meeting_when
from statements import services as statement_services
from tests import factories

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def meeting(organisation, other_organisation):
    meeting = factories.MeetingFactory(title="Working Group meeting")
    for org in (organisation, other_organisation):
        factories.MeetingInvitationFactory(meeting=meeting, organisation=org)
    return meeting


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# --- Who may do what, view by view ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["focal_point", "principal", "observer"])
def test_organiser_views_refuse_everyone_but_the_secretariat_and_the_chair(
    client, request, who, meeting, organisation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(request.getfixturevalue(who))
    agenda = AgendaItem.objects.create(meeting=meeting, title="Opening", position=1)
    decision = Decision.objects.create(meeting=meeting, text="Agreed")
    action = ActionItem.objects.create(
        meeting=meeting, text="Do it", owner_organisation=organisation
    )
    document = services.document_upload(
        meeting=meeting,
        actor=factories.SecretariatFactory(),
        upload=SimpleUploadedFile("a.pdf", b"%PDF"),
    )
    area = factories.PriorityAreaFactory()
    posts = [
        (
            reverse("meetings:meeting_create"),
            {
                "title": "X",
                "kind": "video_call",
                "online_link": "https://x.example",
                "starts_at": "2030-01-01T10:00",
                "ends_at": "2030-01-01T11:00",
                "time_zone": "UTC",
            },
        ),
        (reverse("meetings:meeting_edit", args=[meeting.pk]), {"title": "Hijacked"}),
        *[
            (reverse("meetings:meeting_status", args=[meeting.pk, action_name]), {})
            for action_name in ("publish", "cancel", "held", "publish-agenda")
        ],
        (reverse("meetings:invitees_set", args=[meeting.pk]), {"organisations": []}),
        (reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Mine"}),
        (reverse("meetings:agenda_move", args=[agenda.pk, "down"]), {}),
        (reverse("meetings:agenda_remove", args=[agenda.pk]), {}),
        (reverse("meetings:minutes_save", args=[meeting.pk]), {"text": "x"}),
        (
            reverse("meetings:minutes_circulate", args=[meeting.pk]),
            {"approval_due_on": "2030-01-01"},
        ),
        (reverse("meetings:minutes_approve", args=[meeting.pk]), {}),
        (reverse("meetings:decision_add", args=[meeting.pk]), {"text": "x"}),
        (reverse("meetings:decision_remove", args=[decision.pk]), {}),
        (
            reverse("meetings:action_add", args=[meeting.pk]),
            {"text": "x", "owner_organisation": organisation.pk},
        ),
        (reverse("meetings:action_remove", args=[action.pk]), {}),
        (reverse("meetings:action_to_work_item", args=[action.pk]), {"priority_area": area.pk}),
        (
            reverse("meetings:document_upload", args=[meeting.pk]),
            {"file": SimpleUploadedFile("b.pdf", b"%PDF")},
        ),
        (reverse("meetings:document_remove", args=[document.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status, meeting.invitations.count()) == (
        "Working Group meeting",
        "scheduled",
        2,
    )
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Opening"]
    assert Decision.objects.count() == 1 and ActionItem.objects.get().work_item is None
    assert not Minutes.objects.exists() and Document.objects.count() == 1
    assert Meeting.objects.count() == 1


def test_focal_point_answers_for_own_organisation_only(
    client, focal_point, meeting, other_organisation
):
    client.force_login(focal_point)
    url = reverse("meetings:rsvp", args=[meeting.pk])
    response = client.post(url, {"response": "online", "attendees": "Ana Diaz"})
    assert response.status_code == 302
    assert (
        Invitation.objects.get(meeting=meeting, organisation=focal_point.organisation).response
        == "online"
    )
    # Naming another organisation's invitation is refused.
    response = client.post(
        url, {"response": "not_attending", "organisation": other_organisation.pk}
    )
    assert response.status_code == 403
    assert (
        Invitation.objects.get(meeting=meeting, organisation=other_organisation).response
        == "no_answer"
    )


def test_an_invalid_answer_is_explained(client, focal_point, meeting):
    client.force_login(focal_point)
    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"response": "maybe"}, follow=True
    )
    assert "Choose whether your organisation attends" in response.content.decode()


def test_drafts_and_their_documents_are_hidden_from_members(
    client, focal_point, secretariat, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    draft = factories.MeetingFactory(status="draft")
    document = services.document_upload(
        meeting=draft, actor=secretariat, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4")
    )
    client.force_login(focal_point)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(reverse("meetings:meeting_ics", args=[draft.pk])).status_code == 404
    client.force_login(secretariat)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4"


def test_chair_schedules_a_meeting_in_the_venues_time_zone(client, organisation):
    chair_org = factories.OrganisationFactory(acronym="ICMPD", time_zone="Europe/Vienna")
    factories.ChairTermFactory(
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=30),
        organisations=[chair_org],
    )
    chair = factories.PersonFactory(organisation=chair_org, time_zone="Asia/Tokyo")
    client.force_login(chair)
    response = client.post(
        reverse("meetings:meeting_create"),
        {
            "kind": "briefing",
            "title": "Briefing",
            "starts_at": "2026-12-01T13:15",
            "ends_at": "2026-12-01T14:30",
            "time_zone": "America/New_York",
            "venue": "UN Headquarters",
        },
    )
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert meeting.starts_at == datetime(
        2026, 12, 1, 13, 15, tzinfo=NEW_YORK
    )  # 13:15 in New York, typed from Tokyo


# --- Calendars ------------------------------------------------------------------------------------


def parse_events(body: bytes):
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


def test_ics_is_valid_with_a_stable_uid_a_rising_sequence_and_the_venue_zone(
    client, secretariat, focal_point
):
    start = datetime(2026, 10, 30, 10, 0, tzinfo=NEW_YORK)
    meeting = factories.MeetingFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="America/New_York",
        online_link="https://meet.example.org/wg",
    )
    client.force_login(focal_point)
    first = parse_events(client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content)[0]
    assert (
        first["DTSTART"].dt == start and str(first["DTSTART"].params["TZID"]) == "America/New_York"
    )
    assert first["URL"] == "http://testserver" + meeting.get_absolute_url()
    assert "https://meet.example.org/wg" in first["DESCRIPTION"]
    services.meeting_update(
        meeting=meeting, actor=secretariat, version=meeting.version, venue="Room 2"
    )
    services.meeting_cancel(meeting=Meeting.objects.get(pk=meeting.pk), actor=secretariat)
    second = parse_events(client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content)[0]
    assert second["UID"] == first["UID"]
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 2
    assert second["STATUS"] == "CANCELLED"


def test_times_stay_right_across_the_daylight_saving_change(client, focal_point):
    """New York leaves daylight time on 1 November 2026: 10:00 is 14:00 UTC before, 15:00 after."""
    before = datetime(2026, 10, 30, 10, 0, tzinfo=NEW_YORK)
    after = datetime(2026, 11, 3, 10, 0, tzinfo=NEW_YORK)
    client.force_login(focal_point)
    for start, utc_hour in ((before, 14), (after, 15)):
        meeting = factories.MeetingFactory(
            starts_at=start, ends_at=start + timedelta(hours=1), time_zone="America/New_York"
        )
        event = parse_events(
            client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content
        )[0]
        assert event["DTSTART"].dt.hour == 10
        assert event["DTSTART"].dt.astimezone(zoneinfo.ZoneInfo("UTC")).hour == utc_hour
    calendar = Calendar.from_ical(
        client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content
    )
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_feed_lists_the_organisations_meetings_and_refuses_a_wrong_or_replaced_token(
    client, focal_point, meeting
):
    other = factories.MeetingFactory(title="Not ours")
    client.force_login(focal_point)
    feed_url = client.get(reverse("meetings:calendar_settings")).context["feed_url"]
    path = feed_url.removeprefix("http://testserver")
    client.logout()  # calendar apps do not log in
    events = parse_events(client.get(path).content)
    assert [str(e["SUMMARY"]) for e in events] == ["Working Group meeting"]
    assert other.title not in client.get(path).content.decode()
    assert client.get(path[:-8] + "XXXX.ics").status_code == 404
    client.force_login(focal_point)
    client.post(reverse("meetings:calendar_settings"))
    client.logout()
    assert client.get(path).status_code == 404


# --- Pages and query counts -----------------------------------------------------------------------


def test_meeting_page_shows_each_organisations_answer(client, observer, meeting, organisation):
    Invitation.objects.filter(organisation=organisation).update(
        response="in_person", attendees="Ana Diaz"
    )
    client.force_login(observer)
    content = client.get(meeting.get_absolute_url()).content.decode()
    assert "Attending in person" in content and "Ana Diaz" in content and "No answer yet" in content


def busy_meetings(n, organisations, person):
    now = timezone.now()
    for i in range(n):
        start = now + timedelta(days=i % 40 - 20, hours=i)
        meeting = Meeting.objects.create(
            title=f"Meeting {i}",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            time_zone="Europe/Vienna",
            venue="Vienna",
            status="scheduled",
        )
        Invitation.objects.bulk_create(
            Invitation(meeting=meeting, organisation=o) for o in organisations
        )


@pytest.mark.parametrize("page", ["list", "calendar", "meeting"])
def test_page_queries_do_not_grow_with_meetings_invitations_or_agenda(
    client, secretariat, focal_point, organisation, other_organisation, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    organisations = [organisation, other_organisation] + [
        factories.OrganisationFactory() for _ in range(3)
    ]
    meeting = factories.MeetingFactory(starts_at=timezone.now() + timedelta(days=1))
    services.invitations_set(meeting=meeting, actor=secretariat, organisations=organisations[:2])

    def grow(n):
        busy_meetings(n, organisations, focal_point)
        for i in range(n):
            services.agenda_item_add(
                meeting=meeting,
                actor=secretariat,
                title=f"Item {i}",
                presenter_organisation=organisation,
            )
            services.decision_add(meeting=meeting, actor=secretariat, text=f"Decision {i}")
            services.action_item_add(
                meeting=meeting,
                actor=secretariat,
                text=f"Action {i}",
                owner_organisation=organisation,
            )
            services.document_upload(
                meeting=meeting,
                actor=secretariat,
                upload=SimpleUploadedFile(f"d{i}.pdf", b"%PDF"),
                agenda_item=meeting.agenda_items.last(),
            )
        services.invitations_set(
            meeting=meeting, actor=secretariat, organisations=organisations[: 2 + min(n, 3)]
        )

    urls = {
        "list": reverse("meetings:meeting_list"),
        "calendar": reverse("meetings:month_now"),
        "meeting": meeting.get_absolute_url(),
    }
    for viewer in (focal_point, secretariat):
        client.force_login(viewer)
        grow(1)
        client.get(urls[page])
        small = count_queries(client, urls[page])
        grow(15)
        assert count_queries(client, urls[page]) == small, viewer


def test_a_venue_time_the_viewers_clocks_skip_is_accepted(client, secretariat):
    """Vienna skips 02:00–03:00 on 29 March 2026; New York does not. Someone in Vienna can still
    schedule 02:30 in New York that day."""
    secretariat.time_zone = "Europe/Vienna"
    secretariat.save()
    client.force_login(secretariat)
    response = client.post(
        reverse("meetings:meeting_create"),
        {
            "kind": "video_call",
            "title": "Early call",
            "starts_at": "2026-03-29T02:30",
            "ends_at": "2026-03-29T03:30",
            "time_zone": "America/New_York",
            "online_link": "https://meet.example.org/x",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Meeting.objects.get().starts_at == datetime(2026, 3, 29, 2, 30, tzinfo=NEW_YORK)


def test_documents_of_an_unpublished_agenda_wait_for_it(
    client, focal_point, secretariat, meeting, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = services.agenda_item_add(meeting=meeting, actor=secretariat, title="Opening")
    document = services.document_upload(
        meeting=meeting,
        actor=secretariat,
        upload=SimpleUploadedFile("a.pdf", b"%PDF"),
        agenda_item=item,
    )
    client.force_login(focal_point)
    assert client.get(document.get_absolute_url()).status_code == 404
    services.agenda_publish(meeting=meeting, actor=secretariat)
    assert client.get(document.get_absolute_url()).status_code == 200


def test_nonsense_in_the_answer_form_is_a_4xx(client, focal_point, meeting):
    client.force_login(focal_point)
    assert (
        client.post(
            reverse("meetings:rsvp", args=[meeting.pk]),
            {"response": "online", "organisation": "abc"},
        ).status_code
        == 404
    )


def test_minutes_saved_meanwhile_are_not_overwritten(client, secretariat, meeting):
    client.force_login(secretariat)
    opened = client.get(meeting.get_absolute_url()).context["minutes_form"].initial.get("version")
    services.minutes_save(meeting=meeting, actor=secretariat, text="Theirs")
    response = client.post(
        reverse("meetings:minutes_save", args=[meeting.pk]),
        {"text": "Mine", "version": opened or ""},
        follow=True,
    )
    assert "Nothing was saved" in response.content.decode() and "Mine" in response.content.decode()
    assert Minutes.objects.get().text == "Theirs"


def test_organisers_edit_an_agenda_item_and_others_are_refused(
    client, secretariat, focal_point, meeting
):
    item = services.agenda_item_add(meeting=meeting, actor=secretariat, title="Opening")
    url = reverse("meetings:agenda_edit", args=[item.pk])
    client.force_login(focal_point)
    assert client.post(url, {"title": "Hijacked"}).status_code == 403
    client.force_login(secretariat)
    assert (
        client.post(url, {"title": "Opening and welcome", "duration_minutes": 10}).status_code
        == 302
    )
    item.refresh_from_db()
    assert (item.title, item.duration_minutes) == ("Opening and welcome", 10)


def test_a_colleagues_answer_given_meanwhile_is_not_overwritten(
    client, focal_point, organisation, meeting
):
    alternate = factories.PersonFactory(
        organisation=organisation, role="alternate", full_name="Alex Alternate"
    )
    client.force_login(focal_point)
    seen = client.get(meeting.get_absolute_url()).context["rsvp_form"].initial["seen"]
    invitation = Invitation.objects.get(meeting=meeting, organisation=organisation)
    services.rsvp_answer(
        invitation=invitation, actor=alternate, response="in_person", attendees="Alex Alternate"
    )
    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"response": "not_attending", "seen": seen},
        follow=True,
    )
    assert "Alex Alternate answered for your organisation meanwhile" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).response == "in_person"


def test_a_minutes_conflict_shows_both_texts_side_by_side_and_writes_nothing(
    client, secretariat, meeting
):
    first = services.minutes_save(meeting=meeting, actor=secretariat, text="The first draft.")
    client.force_login(secretariat)
    opened = client.get(meeting.get_absolute_url()).context["minutes_form"].initial["version"]
    theirs = services.minutes_save(
        meeting=meeting,
        actor=secretariat,
        text="Theirs: the summary\nof the chair.",
        version=first.version,
    )
    audit_rows = LogEntry.objects.count()
    url = reverse("meetings:minutes_save", args=[meeting.pk])
    response = client.post(url, {"text": "Mine: my notes\nof the meeting.", "version": opened})
    assert response.status_code == 200
    assertTemplateUsed(response, "meetings/minutes_conflict.html")
    content = response.content.decode()
    assert "Mine: my notes<br>of the meeting." in content
    assert "Theirs: the summary<br>of the chair." in content
    assert "Nothing was saved" in content
    # Nothing was written...
    stored = Minutes.objects.get()
    assert (stored.text, stored.version) == (theirs.text, theirs.version)
    assert LogEntry.objects.count() == audit_rows
    # ...and the form keeps the person's text but carries the newer version: saving it again is
    # a deliberate choice, and then it is saved.
    form = response.context["form"]
    assert form["text"].value() == "Mine: my notes\nof the meeting."
    assert int(form["version"].value()) == theirs.version
    client.post(url, {"text": form["text"].value(), "version": form["version"].value()})
    assert Minutes.objects.get().text == "Mine: my notes\nof the meeting."


def test_a_missing_part_is_not_found_before_permission_is_asked(client, focal_point):
    """One order everywhere: fetch (404), then permission (403), then the input."""
    client.force_login(focal_point)
    missing = 999_999
    for name in (
        "agenda_edit",
        "agenda_remove",
        "decision_remove",
        "action_remove",
        "action_to_work_item",
        "document_remove",
        "minutes_save",
    ):
        assert client.post(reverse(f"meetings:{name}", args=[missing])).status_code == 404, name
    assert client.post(reverse("meetings:agenda_move", args=[missing, "up"])).status_code == 404


def test_an_organiser_removes_a_part_and_is_sent_back_to_where_it_was(
    client, secretariat, meeting, organisation
):
    decision = services.decision_add(meeting=meeting, actor=secretariat, text="Agreed")
    client.force_login(secretariat)
    response = client.post(
        reverse("meetings:decision_remove", args=[decision.pk]), {"confirmed": "yes"}
    )
    assert response.url == meeting.get_absolute_url() + "#decisions"
    assert not Decision.objects.exists()


def test_answers_are_offered_and_taken_only_while_the_meeting_is_scheduled(
    client, focal_point, meeting
):
    client.force_login(focal_point)
    assert client.get(meeting.get_absolute_url()).context["can_answer"]
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    assert not client.get(meeting.get_absolute_url()).context["can_answer"]
    # Posting anyway is explained (the person may answer; the meeting takes no answers).
    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"response": "online"}, follow=True
    )
    assert "Answers are taken for scheduled meetings only." in response.content.decode()
    assert Invitation.objects.get(
        meeting=meeting, organisation=focal_point.organisation
    ).response == ("no_answer")


def test_an_agenda_item_links_to_its_statement_for_members_only(
    client, secretariat, focal_point, observer, meeting, organisation
):
    statement = statement_services.statement_create(
        actor=secretariat, title="Draft call to action", lead_organisations=[organisation]
    )
    services.agenda_item_add(
        meeting=meeting, actor=secretariat, title="The call to action", statement=statement
    )
    services.agenda_publish(meeting=meeting, actor=secretariat)
    client.force_login(focal_point)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert statement.get_absolute_url() in page
    client.force_login(observer)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    # An observer may not read the draft: its title is not shown to them on the agenda.
    assert "Draft call to action" not in response.content.decode()
    statement.adopted_at = timezone.now()
    statement.published_on = timezone.localdate()
    statement.save()
    assert statement.get_absolute_url() in client.get(meeting.get_absolute_url()).content.decode()


def test_the_statement_page_names_the_meetings_whose_agenda_has_it(
    client, secretariat, focal_point, meeting, organisation
):
    statement = statement_services.statement_create(
        actor=secretariat, title="Joint statement", lead_organisations=[organisation]
    )
    item = services.agenda_item_add(
        meeting=meeting, actor=secretariat, title="The joint statement", statement=statement
    )
    client.force_login(focal_point)
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "On the agenda of" in page and item.get_absolute_url() in page
    # A draft meeting is its organisers' alone: the statement page does not name it.
    meeting.status = Meeting.Status.DRAFT
    meeting.save()
    assert "On the agenda of" not in client.get(statement.get_absolute_url()).content.decode()


# The template meeting_when replaced (meetings/templates/meetings/_when.html, rendered by an
# inclusion tag): the tag must write what it wrote.
WHEN_TEMPLATE = '{% load i18n tz %}{# Times at the venue are shown in the venue\'s zone whatever the viewer\'s; |timezone stops the date filter converting them again. #}{% with start=meeting.starts_at|timezone:meeting.time_zone end=meeting.ends_at|timezone:meeting.time_zone %}<span class="when-venue"><time datetime="{{ start.isoformat }}">{{ start|date:"D j M Y, H:i" }}</time>–<time datetime="{{ end.isoformat }}">{% if same_day %}{{ end|date:"H:i" }}{% else %}{{ end|date:"D j M Y, H:i" }}{% endif %}</time> <span class="muted">({% if meeting.venue %}{% translate "local time" %}, {% endif %}{{ meeting.time_zone }})</span></span>{% endwith %}{% if show_own %}<br><span class="small">{% blocktranslate with start=own_start|date:"D j M, H:i" %}{{ start }} your time{% endblocktranslate %}{% if own_same_day %}–{{ own_end|date:"H:i" }}{% else %}–{{ own_end|date:"D j M, H:i" }}{% endif %} ({{ viewer_zone }})</span>{% endif %}'


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("viewer_zone", ["Europe/Vienna", "America/New_York"])
@pytest.mark.parametrize("hours", [2, 30])
@pytest.mark.parametrize("venue", ["", "Vienna International Centre"])
def test_the_meeting_time_is_written_as_the_template_wrote_it(language, viewer_zone, hours, venue):
    starts = datetime(2026, 3, 26, 13, 0, tzinfo=UTC)
    meeting = Meeting(
        title="Working Group",
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        time_zone="Europe/Vienna",
        venue=venue,
    )
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(viewer_zone)):
        own_start = timezone.localtime(meeting.starts_at)
        own_end = timezone.localtime(meeting.ends_at)
        venue_start, venue_end = meeting.local_starts_at, meeting.local_ends_at
        old = Template(WHEN_TEMPLATE).render(
            Context(
                {
                    "meeting": meeting,
                    "same_day": venue_start.date() == venue_end.date(),
                    "show_own": venue_start.utcoffset() != own_start.utcoffset(),
                    "own_start": own_start,
                    "own_end": own_end,
                    "own_same_day": own_start.date() == own_end.date(),
                    "viewer_zone": viewer_zone,
                }
            )
        )
        assert str(meeting_when(meeting)) == old
