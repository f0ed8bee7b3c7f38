"""What cannot be undone, or emails many people, asks first: the first post shows a page saying
what will happen and who is emailed, and changes nothing; the post from that page acts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, AgendaItem, Decision, Document, Meeting
from tests import factories

pytestmark = pytest.mark.django_db

CONFIRM_PAGE = "common/confirm.html"


@pytest.fixture
def meeting(organisation, other_organisation, focal_point):
    # On the minute, as the form gives it: a time with seconds would be moved by any edit.
    starts = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    meeting = factories.MeetingFactory(
        title="Working Group meeting", starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    for org in (organisation, other_organisation):
        factories.MeetingInvitationFactory(meeting=meeting, organisation=org)
    factories.PersonFactory(organisation=other_organisation, email="ilo@example.org")
    return meeting


def asked(client, url, data, capture):
    """The first post: the confirmation page, with nothing sent."""
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 200
    assert CONFIRM_PAGE in [t.name for t in response.templates]
    assert mail.outbox == []
    return response.content.decode()


def edit_data(meeting: Meeting, **changes: str) -> dict[str, str]:
    local = "%Y-%m-%dT%H:%M"
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "description": meeting.description,
        "starts_at": meeting.local_starts_at.strftime(local),
        "ends_at": meeting.local_ends_at.strftime(local),
        "time_zone": meeting.time_zone,
        "venue": meeting.venue,
        "online_link": meeting.online_link or "",
        "host_organisation": "",
        "rsvp_deadline": "",
        "version": str(meeting.version),
    }
    return data | changes


@pytest.mark.parametrize(
    ("action", "status", "emailed"),
    [
        ("publish", "draft", "emailed the invitation with a calendar file"),
        ("cancel", "scheduled", "emailed the cancellation"),
        ("publish-agenda", "scheduled", "emailed the agenda"),
    ],
)
def test_a_status_change_that_emails_asks_first_naming_who_is_emailed(
    client, secretariat, meeting, action, status, emailed, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    AgendaItem.objects.create(meeting=meeting, title="Opening", position=1)
    client.force_login(secretariat)
    url = reverse("meetings:meeting_status", args=[meeting.pk, action])
    page = asked(client, url, {}, django_capture_on_commit_callbacks)
    assert f"2 people of 2 organisations are {emailed}: ILO, UNICEF." in page
    # Only a cancellation is final: a published meeting or agenda can still be changed.
    assert ("This cannot be undone." in page) == (action == "cancel")
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.status, stored.agenda_published_at) == (status, None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.status == {"publish": "scheduled", "cancel": "cancelled"}.get(action, status)
    assert (stored.agenda_published_at is not None) == (action == "publish-agenda")
    assert sorted(m.to[0] for m in mail.outbox) == ["focal@example.org", "ilo@example.org"]


def test_cancelling_a_draft_says_nobody_is_emailed(
    client, secretariat, meeting, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=meeting.pk).update(status="draft")
    client.force_login(secretariat)
    url = reverse("meetings:meeting_status", args=[meeting.pk, "cancel"])
    page = asked(client, url, {}, django_capture_on_commit_callbacks)
    assert "Nobody is emailed: the meeting is still a draft." in page
    assert Meeting.objects.get(pk=meeting.pk).status == "draft"


def test_marking_a_meeting_held_needs_no_confirmation(client, secretariat, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at - timedelta(days=20))
    client.force_login(secretariat)
    response = client.post(reverse("meetings:meeting_status", args=[meeting.pk, "held"]))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == "held"


def test_rescheduling_a_published_meeting_asks_first_then_saves_the_posted_change(
    client, secretariat, meeting, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("meetings:meeting_edit", args=[meeting.pk])
    data = edit_data(meeting, venue="Palais des Nations, Geneva")
    page = asked(client, url, data, django_capture_on_commit_callbacks)
    assert "2 people of 2 organisations are emailed the change" in page
    assert 'value="Palais des Nations, Geneva"' in page  # the posted fields are carried
    assert Meeting.objects.get(pk=meeting.pk).venue == "Vienna International Centre"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data | {"confirmed": "yes"})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).venue == "Palais des Nations, Geneva"
    assert len(mail.outbox) == 2


def test_an_edit_that_does_not_reschedule_is_saved_without_asking(
    client, secretariat, meeting, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("meetings:meeting_edit", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, edit_data(meeting, title="Working Group, renamed"))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).title == "Working Group, renamed"
    assert mail.outbox == []


def test_moving_a_draft_is_saved_without_asking(client, secretariat, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status="draft")
    meeting.refresh_from_db()
    client.force_login(secretariat)
    url = reverse("meetings:meeting_edit", args=[meeting.pk])
    response = client.post(url, edit_data(meeting, venue="Geneva"))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).venue == "Geneva"


def parts(meeting: Meeting, secretariat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return [
        ("agenda_remove", AgendaItem.objects.create(meeting=meeting, title="Opening", position=1)),
        ("decision_remove", services.decision_add(meeting=meeting, actor=secretariat, text="Yes")),
        (
            "action_remove",
            ActionItem.objects.create(
                meeting=meeting, text="Draft a note", owner_organisation=secretariat.organisation
            ),
        ),
        (
            "document_remove",
            services.document_upload(
                meeting=meeting,
                actor=secretariat,
                upload=SimpleUploadedFile("notes.pdf", b"%PDF-1.4 notes"),
                title="Notes",
                agenda_item=None,
            ),
        ),
    ]


def test_removing_a_part_asks_first_then_removes_it(
    client, secretariat, meeting, settings, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    for name, part in parts(meeting, secretariat, settings, tmp_path):
        url = reverse(f"meetings:{name}", args=[part.pk])
        page = asked(client, url, {}, django_capture_on_commit_callbacks)
        assert "Nobody is emailed." in page, name
        assert type(part).objects.filter(pk=part.pk).exists(), name
        response = client.post(url, {"confirmed": "yes"})
        assert response.status_code == 302, name
        assert not type(part).objects.filter(pk=part.pk).exists(), name


def test_the_wrong_role_is_refused_before_any_confirmation(
    client, secretariat, focal_point, meeting, settings, tmp_path
):
    posts = [
        (reverse("meetings:meeting_status", args=[meeting.pk, a]), {})
        for a in ("publish", "cancel", "publish-agenda")
    ]
    posts.append(
        (reverse("meetings:meeting_edit", args=[meeting.pk]), edit_data(meeting, venue="Geneva"))
    )
    posts += [
        (reverse(f"meetings:{name}", args=[part.pk]), {})
        for name, part in parts(meeting, secretariat, settings, tmp_path)
    ]
    client.force_login(focal_point)
    for url, data in posts:
        for confirmation in ({}, {"confirmed": "yes"}):
            response = client.post(url, data | confirmation)
            assert response.status_code == 403, url
            assert CONFIRM_PAGE not in [t.name for t in response.templates], url
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.status, stored.venue) == ("scheduled", "Vienna International Centre")
    assert AgendaItem.objects.count() == Decision.objects.count() == ActionItem.objects.count()
    assert Document.objects.count() == 1 and mail.outbox == []
