from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from notifications import delivery, digests, services
from notifications.models import Delivery, Notification, Preference
from notifications.unsubscribe import make_token
from tests import factories
from workplans import services as workplan_services

pytestmark = pytest.mark.django_db


# --- Unsubscribing ----------------------------------------------------------------------------------


def test_unsubscribe_link_works_without_login_and_offers_fewer_first(client, focal_point):
    services.ensure_preferences(timezone.now())
    url = reverse("notifications:unsubscribe", args=[make_token(focal_point, "digest")])
    page = client.get(url)
    assert page.status_code == 200
    assert "One digest a week" in page.content.decode()
    client.post(url, {"choice": "weekly"})
    assert Preference.objects.get(person=focal_point).frequency == "weekly"


def test_one_click_post_from_a_mail_client_unsubscribes(client, focal_point):
    url = reverse("notifications:unsubscribe", args=[make_token(focal_point, "digest")])
    response = client.post(
        url, {"List-Unsubscribe": "One-Click"}
    )  # RFC 8058: no CSRF token, no login
    assert response.status_code == 200
    preference = Preference.objects.get(person=focal_point)
    assert preference.frequency == "never" and preference.next_digest_at is None


def test_a_tampered_unsubscribe_link_is_refused(client, focal_point, principal):
    token = make_token(focal_point, "digest")
    _value, signature = token.rsplit(":", 1)
    forged = make_token(principal, "digest").rsplit(":", 1)[0] + ":" + signature
    for bad in (token[:-3] + "abc", forged, "nonsense"):
        response = client.post(
            reverse("notifications:unsubscribe", args=[bad]), {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 400
    assert not Preference.objects.filter(frequency="never").exists()


def test_the_immediate_link_stops_only_immediate_emails(client, focal_point):
    client.post(reverse("notifications:unsubscribe", args=[make_token(focal_point, "immediate")]))
    preference = Preference.objects.get(person=focal_point)
    assert preference.immediate is False and preference.frequency == "daily"


# --- Preferences and the lists ----------------------------------------------------------------------


def test_a_person_sets_their_own_preferences(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        reverse("notifications:preferences"),
        {
            "frequency": "weekly",
            "weekday": 3,
            "hour": 7,
            "kinds": ["meetings", "rsvps"],
            "immediate": "",
        },
    )
    assert response.status_code == 302
    preference = Preference.objects.get(person=focal_point)
    assert (preference.frequency, preference.weekday, preference.hour, preference.immediate) == (
        "weekly",
        3,
        7,
        False,
    )
    assert preference.kinds == ["meetings", "rsvps"]


def test_bad_preferences_are_explained(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        reverse("notifications:preferences"), {"frequency": "hourly", "hour": 99, "weekday": 9}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"frequency", "hour", "weekday"}


@pytest.mark.parametrize("who", ["focal_point", "principal", "observer"])
def test_only_the_secretariat_reads_the_delivery_log_and_sends_again(
    client, request, who, secretariat
):
    row = Delivery.objects.create(
        key="x",
        kind="digest",
        person=secretariat,
        to="a@example.org",
        subject="S",
        text="T",
        html="H",
        status="failed",
        attempts=5,
        last_error="SMTPServerDisconnected",
    )
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("notifications:deliveries")).status_code == 403
    assert client.post(reverse("notifications:send_again", args=[row.pk])).status_code == 403
    row.refresh_from_db()
    assert row.status == "failed"
    client.force_login(secretariat)
    assert (
        "SMTPServerDisconnected" in client.get(reverse("notifications:deliveries")).content.decode()
    )
    client.post(reverse("notifications:send_again", args=[row.pk]))
    row.refresh_from_db()
    assert row.status == "sent"  # queued again, and the eager worker sent it


# --- Immediate emails -------------------------------------------------------------------------------


@pytest.fixture
def meeting(organisation, other_organisation, secretariat):
    start = timezone.now() + timedelta(days=10)
    meeting = meeting_services.meeting_create(
        actor=secretariat,
        kind="working_group",
        title="Working Group meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="Europe/Vienna",
        venue="Vienna",
        invite=[organisation, other_organisation],
    )
    return meeting


def test_publishing_a_meeting_tells_the_invited_focal_points_with_the_ics(
    client, secretariat, focal_point, principal, meeting, django_capture_on_commit_callbacks
):
    contributor = factories.PersonFactory(
        organisation=factories.OrganisationFactory(acronym="NOTINVITED")
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_publish(meeting=meeting, actor=secretariat)
    assert [m.to for m in mail.outbox] == [[focal_point.email]]
    message = mail.outbox[0]
    assert message.subject == "Invitation: Working Group meeting"
    [attachment] = message.attachments
    assert attachment.get_filename() == "meeting.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert b"BEGIN:VEVENT" in attachment.get_payload(decode=True)
    assert message.extra_headers["List-Unsubscribe"]
    assert Notification.objects.filter(person=focal_point).count() == 1
    assert not Notification.objects.filter(person__in=[principal, contributor]).exists()
    # The header shows the unread count, and opening it marks it read.
    client.force_login(focal_point)
    assert '<span class="count">1' in client.get(reverse("dashboard")).content.decode()
    notification = Notification.objects.get(person=focal_point)
    assert (
        client.get(reverse("notifications:open", args=[notification.pk])).url
        == meeting.get_absolute_url()
    )
    assert '<span class="count">' not in client.get(reverse("dashboard")).content.decode()


def test_rescheduling_and_cancelling_are_announced_once_each(
    secretariat, focal_point, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_services.meeting_publish(meeting=meeting, actor=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_services.meeting_update(
            meeting=meeting,
            actor=secretariat,
            version=meeting.version,
            starts_at=meeting.starts_at + timedelta(hours=1),
            ends_at=meeting.ends_at + timedelta(hours=1),
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(
            meeting=meeting, actor=secretariat, version=meeting.version, description="Same time"
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_cancel(meeting=meeting, actor=secretariat)
    assert [m.subject for m in mail.outbox] == [
        "Invitation: Working Group meeting",
        "Changed: Working Group meeting",
        "Cancelled: Working Group meeting",
    ]
    cancellation = mail.outbox[-1].attachments[0].get_payload(decode=True)
    assert b"METHOD:CANCEL" in cancellation and b"STATUS:CANCELLED" in cancellation


def test_no_immediate_email_for_people_who_turned_them_off(
    secretariat, focal_point, meeting, django_capture_on_commit_callbacks
):
    services.preference_update(person=focal_point, immediate=False)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_publish(meeting=meeting, actor=secretariat)
    assert mail.outbox == []
    assert Notification.objects.filter(person=focal_point).exists()  # still told in the site


def test_assigning_an_item_tells_its_new_owner(
    secretariat, focal_point, organisation, django_capture_on_commit_callbacks
):
    item = factories.WorkItemFactory(lead_organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        workplan_services.work_item_update(
            item=item, actor=secretariat, version=item.version, owner=focal_point
        )
    assert [m.to for m in mail.outbox] == [[focal_point.email]]
    assert mail.outbox[0].subject == f"Assigned to you: {item.title}"


def test_pages_work_when_the_broker_is_down_and_the_sweep_sends_later(
    client, secretariat, focal_point, meeting, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from notifications import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_deliveries, "apply_async", broker_down)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:meeting_status", args=[meeting.pk, "publish"]), {"confirmed": "yes"}
        )
    assert response.status_code == 302
    assert mail.outbox == []
    assert Delivery.objects.get().status == "pending"
    delivery.deliver()  # the beat's next sweep
    assert [m.to for m in mail.outbox] == [[focal_point.email]]


def test_subjects_are_not_html_escaped(
    secretariat, focal_point, organisation, django_capture_on_commit_callbacks
):
    item = factories.WorkItemFactory(lead_organisation=organisation, title="Q&A with O'Brien")
    with django_capture_on_commit_callbacks(execute=True):
        workplan_services.work_item_update(
            item=item, actor=secretariat, version=item.version, owner=focal_point
        )
    assert mail.outbox[0].subject == "Assigned to you: Q&A with O'Brien"


def test_nobody_opens_or_marks_someone_elses_notifications(client, focal_point, principal):
    theirs = Notification.objects.create(person=principal, kind="agenda", title="Theirs", url="/")
    client.force_login(focal_point)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:list"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_each_person_reads_their_emails_in_their_language(
    secretariat, focal_point, meeting, django_capture_on_commit_callbacks
):
    focal_point.language = "fr"
    focal_point.save()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_publish(meeting=meeting, actor=secretariat)
    message = mail.outbox[0]
    assert message.subject == "Invitation : Working Group meeting"
    assert "Votre organisation est invitée à cette réunion" in message.body
    assert 'lang="fr"' in message.alternatives[0][0]


def test_the_digest_is_in_the_persons_language(focal_point, organisation):
    focal_point.language = "es"
    focal_point.save()
    factories.WorkItemFactory(
        lead_organisation=organisation,
        title="Informe",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    services.ensure_preferences(timezone.now())
    Preference.objects.update(next_digest_at=timezone.now() - timedelta(minutes=1))
    digests.send_digest_batch([focal_point.pk])
    body = mail.outbox[0].body
    assert "LAS ACTIVIDADES DE SU ORGANIZACIÓN" in body and "En curso, vence el" in body


def test_in_app_notifications_read_in_each_persons_language(
    secretariat, focal_point, meeting, django_capture_on_commit_callbacks
):
    focal_point.language = "es"
    focal_point.save()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_publish(meeting=meeting, actor=secretariat)
    assert Notification.objects.get(person=focal_point).title == "Invitación: Working Group meeting"


def test_preferences_with_no_reminder_kind_are_explained_not_a_server_error(client, focal_point):
    client.force_login(focal_point)
    client.raise_request_exception = False
    before = Preference.objects.get(person=focal_point) if Preference.objects.exists() else None
    response = client.post(
        reverse("notifications:preferences"), {"frequency": "daily", "weekday": 0, "hour": 8}
    )
    assert response.status_code == 200
    assert "kinds" in response.context["form"].errors
    after = Preference.objects.get(person=focal_point)
    assert before is None or after.kinds == before.kinds
