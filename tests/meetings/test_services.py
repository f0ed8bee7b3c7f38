from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings import selectors, services
from meetings.models import ActionItem, AgendaItem, Document, Invitation, Meeting, Minutes
from tests import factories

pytestmark = pytest.mark.django_db

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")


@pytest.fixture
def chair(organisation):
    chair_org = factories.OrganisationFactory(acronym="ICMPD")
    factories.ChairTermFactory(
        starts_on=timezone.localdate() - timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=5),
        organisations=[chair_org],
    )
    return factories.PersonFactory(organisation=chair_org, email="chair@example.org")


def schedule(actor, **fields):
    start = timezone.now() + timedelta(days=20)
    defaults = {
        "kind": Meeting.Kind.WORKING_GROUP,
        "title": "Working Group meeting",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "time_zone": "Europe/Vienna",
        "venue": "Vienna",
    }
    return services.meeting_create(actor=actor, **(defaults | fields))


class TestScheduling:
    def test_chair_schedules_a_working_group_meeting_and_the_working_group_is_invited(
        self, chair, organisation, other_organisation
    ):
        factories.OrganisationFactory(acronym="NOTWG", is_working_group_member=False)
        meeting = schedule(chair)
        invited = set(meeting.invitations.values_list("organisation__acronym", flat=True))
        assert invited == {"UNICEF", "ILO", "ICMPD"}
        assert meeting.status == Meeting.Status.DRAFT

    def test_every_member_is_invited_to_a_principals_meeting(self, secretariat):
        factories.OrganisationFactory(acronym="NOTWG", is_working_group_member=False)
        meeting = schedule(secretariat, kind=Meeting.Kind.PRINCIPALS)
        assert "NOTWG" in set(meeting.invitations.values_list("organisation__acronym", flat=True))

    def test_every_member_is_invited_to_a_briefing_to_member_states(self, secretariat):
        factories.OrganisationFactory(acronym="NOTWG", is_working_group_member=False)
        factories.OrganisationFactory(
            acronym="GONE", left_on=timezone.localdate() - timedelta(days=1)
        )
        meeting = schedule(secretariat, kind=Meeting.Kind.BRIEFING)
        invited = set(meeting.invitations.values_list("organisation__acronym", flat=True))
        assert "NOTWG" in invited and "GONE" not in invited

    @pytest.mark.parametrize("who", ["focal_point", "principal", "observer"])
    def test_others_cannot_schedule(self, request, who):
        with pytest.raises(PermissionDenied):
            schedule(request.getfixturevalue(who))
        assert not Meeting.objects.exists()

    def test_bad_times_are_refused(self, secretariat):
        start = timezone.now()
        with pytest.raises(ValidationError):
            schedule(secretariat, starts_at=start, ends_at=start - timedelta(hours=1))
        with pytest.raises(ValidationError):
            schedule(secretariat, kind=Meeting.Kind.VIDEO_CALL, venue="", online_link="")

    def test_every_change_raises_the_sequence(self, secretariat):
        meeting = schedule(secretariat)
        before = meeting.sequence
        meeting = services.meeting_update(
            meeting=meeting, actor=secretariat, version=meeting.version, venue="Geneva"
        )
        meeting = services.meeting_publish(meeting=meeting, actor=secretariat)
        meeting = services.meeting_cancel(meeting=meeting, actor=secretariat)
        assert meeting.sequence == before + 3
        assert meeting.status == Meeting.Status.CANCELLED
        with pytest.raises(ValidationError):
            services.meeting_update(
                meeting=meeting, actor=secretariat, version=meeting.version, venue="Paris"
            )

    def test_a_future_meeting_cannot_be_marked_held(self, secretariat):
        meeting = services.meeting_publish(meeting=schedule(secretariat), actor=secretariat)
        with pytest.raises(ValidationError):
            services.meeting_mark_held(meeting=meeting, actor=secretariat)

    def test_invitees_can_be_changed(self, secretariat, organisation, other_organisation):
        meeting = schedule(secretariat)
        services.invitations_set(
            meeting=meeting, actor=secretariat, organisations=[other_organisation]
        )
        assert list(meeting.invitations.values_list("organisation__acronym", flat=True)) == ["ILO"]


class TestAnswers:
    @pytest.fixture
    def invitation(self, organisation):
        return factories.MeetingInvitationFactory(organisation=organisation)

    def test_focal_point_answers_for_their_organisation(self, invitation, focal_point):
        services.rsvp_answer(
            invitation=invitation,
            actor=focal_point,
            response="in_person",
            attendees="Ana Diaz\nJo Lee",
        )
        invitation.refresh_from_db()
        assert invitation.response == "in_person"
        assert invitation.attendee_names == ["Ana Diaz", "Jo Lee"]
        assert invitation.answered_by == focal_point

    def test_focal_point_cannot_answer_for_another_organisation(
        self, other_organisation, focal_point
    ):
        other = factories.MeetingInvitationFactory(organisation=other_organisation)
        with pytest.raises(PermissionDenied):
            services.rsvp_answer(invitation=other, actor=focal_point, response="not_attending")
        assert Invitation.objects.get(pk=other.pk).response == "no_answer"

    def test_principal_and_observer_cannot_answer(self, invitation, principal, observer):
        for person in (principal, observer):
            with pytest.raises(PermissionDenied):
                services.rsvp_answer(invitation=invitation, actor=person, response="online")

    def test_no_answer_is_not_an_answer_and_drafts_take_none(self, invitation, focal_point):
        with pytest.raises(ValidationError):
            services.rsvp_answer(invitation=invitation, actor=focal_point, response="no_answer")
        Meeting.objects.filter(pk=invitation.meeting_id).update(status="draft")
        invitation.refresh_from_db()
        with pytest.raises(ValidationError):
            services.rsvp_answer(invitation=invitation, actor=focal_point, response="online")


class TestRecord:
    def test_agenda_items_are_ordered_and_can_move(self, secretariat):
        meeting = schedule(secretariat)
        first = services.agenda_item_add(meeting=meeting, actor=secretariat, title="Opening")
        second = services.agenda_item_add(meeting=meeting, actor=secretariat, title="Work plan")
        services.agenda_item_move(item=second, actor=secretariat, up=True)
        assert list(meeting.agenda_items.values_list("title", flat=True)) == [
            "Work plan",
            "Opening",
        ]
        assert first.position == 1

    def test_publishing_an_empty_agenda_is_refused(self, secretariat):
        with pytest.raises(ValidationError):
            services.agenda_publish(meeting=schedule(secretariat), actor=secretariat)

    def test_minutes_go_from_draft_to_circulated_to_approved_and_then_stay(
        self, secretariat, organisation
    ):
        meeting = schedule(secretariat)
        minutes = services.minutes_save(meeting=meeting, actor=secretariat, text="We met.")
        services.minutes_save(
            meeting=meeting, actor=secretariat, text="We met and agreed.", version=minutes.version
        )
        # Minutes go round once the meeting has ended; they are approved after the deadline.
        with time_machine.travel(meeting.ends_at + timedelta(minutes=1)):
            services.minutes_circulate(
                meeting=meeting,
                actor=secretariat,
                approval_due_on=timezone.localdate() + timedelta(days=7),
            )
            assert list(selectors.minutes_awaiting_approval({organisation.pk})) == [
                Minutes.objects.get()
            ]
        with time_machine.travel(meeting.ends_at + timedelta(days=9)):
            services.minutes_approve(meeting=meeting, actor=secretariat)
        with pytest.raises(ValidationError):
            services.minutes_save(
                meeting=meeting,
                actor=secretariat,
                text="Rewritten",
                version=Minutes.objects.get().version,
            )
        assert Minutes.objects.get().text == "We met and agreed."

    def test_an_action_item_becomes_a_work_item_linked_back(
        self, secretariat, organisation, focal_point
    ):
        meeting = schedule(secretariat, title="Working Group video call")
        action = services.action_item_add(
            meeting=meeting,
            actor=secretariat,
            text="Draft the procurement brief",
            owner_organisation=organisation,
            owner=focal_point,
            due_on=timezone.localdate() + timedelta(days=30),
        )
        area = factories.PriorityAreaFactory()
        item = services.action_item_to_work_item(
            action=action, actor=secretariat, priority_area=area
        )
        action.refresh_from_db()
        assert action.work_item == item
        assert (item.lead_organisation, item.owner, item.due_on, item.priority_area) == (
            organisation,
            focal_point,
            action.due_on,
            area,
        )
        assert "Working Group video call" in item.description
        assert item.from_action == action
        with pytest.raises(ValidationError):
            services.action_item_to_work_item(action=action, actor=secretariat, priority_area=area)

    def test_action_owner_must_belong_to_the_organisation(
        self, secretariat, organisation, other_organisation, focal_point
    ):
        with pytest.raises(ValidationError):
            services.action_item_add(
                meeting=schedule(secretariat),
                actor=secretariat,
                text="x",
                owner_organisation=other_organisation,
                owner=focal_point,
            )

    @pytest.mark.parametrize("who", ["focal_point", "principal", "observer"])
    def test_others_cannot_record(self, request, who, secretariat, organisation):
        meeting = schedule(secretariat)
        item = services.agenda_item_add(meeting=meeting, actor=secretariat, title="Opening")
        person = request.getfixturevalue(who)
        for attempt in (
            lambda: services.agenda_item_add(meeting=meeting, actor=person, title="Mine"),
            lambda: services.agenda_item_remove(item=item, actor=person),
            lambda: services.agenda_publish(meeting=meeting, actor=person),
            lambda: services.minutes_save(meeting=meeting, actor=person, text="x"),
            lambda: services.decision_add(meeting=meeting, actor=person, text="x"),
            lambda: services.action_item_add(
                meeting=meeting, actor=person, text="x", owner_organisation=organisation
            ),
            lambda: services.meeting_cancel(meeting=meeting, actor=person),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
        assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Opening"]
        assert not Minutes.objects.exists() and not ActionItem.objects.exists()
        assert Meeting.objects.get().status == Meeting.Status.DRAFT


class TestDocuments:
    def test_upload_keeps_size_and_type(self, secretariat, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        meeting = schedule(secretariat)
        document = services.document_upload(
            meeting=meeting,
            actor=secretariat,
            upload=SimpleUploadedFile("Agenda v2.pdf", b"%PDF-1.4 test", "application/pdf"),
        )
        assert (document.title, document.size, document.content_type) == (
            "Agenda v2",
            13,
            "application/pdf",
        )
        assert document.filename == "Agenda_v2.pdf"  # as the storage cleans it

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("run.exe", b"MZ", "cannot be attached"),
            ("page.html", b"<script>", "cannot be attached"),
            ("empty.pdf", b"", "empty"),
        ],
    )
    def test_refused_uploads_say_why(self, secretariat, settings, tmp_path, name, content, message):
        settings.MEDIA_ROOT = tmp_path
        with pytest.raises(ValidationError, match=message):
            services.document_upload(
                meeting=schedule(secretariat),
                actor=secretariat,
                upload=SimpleUploadedFile(name, content),
            )
        assert not Document.objects.exists()

    def test_too_large_is_refused(self, secretariat, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        settings.MEETING_DOCUMENT_MAX_MB = 1
        with pytest.raises(ValidationError, match="larger"):
            services.document_upload(
                meeting=schedule(secretariat),
                actor=secretariat,
                upload=SimpleUploadedFile("big.pdf", b"x" * (1024 * 1024 + 1)),
            )


class TestDue:
    def test_what_is_due_for_an_organisation(self, secretariat, organisation, focal_point):
        now = timezone.now()
        soon = factories.MeetingFactory(starts_at=now + timedelta(days=3))
        later = factories.MeetingFactory(starts_at=now + timedelta(days=30))
        draft = factories.MeetingFactory(starts_at=now + timedelta(days=2), status="draft")
        for meeting in (soon, later, draft):
            factories.MeetingInvitationFactory(meeting=meeting, organisation=organisation)
        services.rsvp_answer(
            invitation=Invitation.objects.get(meeting=later), actor=focal_point, response="online"
        )
        assert [i.meeting for i in selectors.rsvps_missing({organisation.pk}, now)] == [soon]
        assert list(selectors.meetings_soon({organisation.pk}, now, days=14)) == [soon]
        action = ActionItem.objects.create(
            meeting=soon,
            text="Send comments",
            owner_organisation=organisation,
            due_on=timezone.localdate() + timedelta(days=5),
        )
        assert list(selectors.action_items_due({organisation.pk}, timezone.localdate())) == [action]


def test_venue_times_are_kept_across_daylight_saving(secretariat):
    """09:00 in Vienna is 07:00 UTC before the clocks change on 25 October 2026 and 08:00 after."""
    summer = datetime(2026, 10, 23, 9, 0, tzinfo=VIENNA)
    winter = datetime(2026, 10, 30, 9, 0, tzinfo=VIENNA)
    assert summer.utcoffset() != winter.utcoffset()
    for start in (summer, winter):
        meeting = schedule(secretariat, starts_at=start, ends_at=start + timedelta(hours=2))
        assert meeting.local_starts_at.hour == 9
