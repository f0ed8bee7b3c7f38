"""Announcements and calls for inputs: who may send and answer, the confirmation before any
email, who is emailed, answers until the deadline, reminders once a day, the export, and the
answers board's queries."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from common.dates import group_time_zone
from common.models import Reminder
from coordination import announcements
from coordination.announcement_dashboard import calls_awaiting
from coordination.models import Announcement, Input, Person
from notifications.models import Preference
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=7)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def chair(organisation):
    factories.ChairTermFactory(
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), organisations=[organisation]
    )
    return factories.PersonFactory(organisation=organisation, email="chair@example.org")


@pytest.fixture
def ilo_focal(other_organisation):
    return factories.PersonFactory(organisation=other_organisation, email="focal.ilo@example.org")


def send(actor, organisations, *, kind=Announcement.Kind.CALL_FOR_INPUTS, deadline=DEADLINE):
    return announcements.announcement_send(
        actor=actor,
        title="Highlights for the annual report",
        body="Three highlights, please.",
        kind=kind,
        deadline=deadline if kind == Announcement.Kind.CALL_FOR_INPUTS else None,
        organisations=organisations,
        roles=list(announcements.DEFAULT_ROLES),
    )


def form_data(chosen, **overrides):
    data = {
        # The form's one-time token ({% once_token %}), as the rendered form carries it.
        "once": str(uuid.uuid4()),
        "kind": Announcement.Kind.CALL_FOR_INPUTS,
        "title": "Highlights for the annual report",
        "body": "Three highlights, please.",
        "deadline": "2026-06-10T12:00",
        "organisations": [str(o.pk) for o in chosen],
        "roles": [Person.Role.FOCAL_POINT, Person.Role.ALTERNATE],
    }
    data.update(overrides)
    return data


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- Sending -------------------------------------------------------------------------------------


def test_a_focal_point_of_a_non_chair_organisation_a_principal_and_an_observer_cannot_send(
    client, ilo_focal, principal, observer, organisation
):
    for person in (ilo_focal, principal, observer):
        client.force_login(person)
        assert client.get(reverse("coordination:announcement_new")).status_code == 403
        refused = client.post(reverse("coordination:announcement_new"), form_data([organisation]))
        assert refused.status_code == 403
        refused = client.post(
            reverse("coordination:announcement_new"),
            {**form_data([organisation]), "confirmed": "yes"},
        )
        assert refused.status_code == 403
    assert not Announcement.objects.exists()
    assert mail.outbox == []


def test_the_confirmation_says_who_is_emailed_and_nothing_is_sent_until_confirmed(
    client,
    chair,
    focal_point,
    ilo_focal,
    principal,
    organisation,
    other_organisation,
    django_capture_on_commit_callbacks,
):
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            reverse("coordination:announcement_new"),
            form_data([organisation, other_organisation]),
        )
    page = asked.content.decode()
    assert asked.status_code == 200
    # The chair, UNICEF's focal point and ILO's: the principal is not in the chosen roles.
    assert (
        "3 people (Focal point, Alternate focal point) of 2 organisations will be emailed" in page
    )
    assert not Announcement.objects.exists() and mail.outbox == []

    carried = {**asked.context["fields"], "confirmed": "yes"}
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("coordination:announcement_new"), carried, follow=True)
    announcement = Announcement.objects.get()
    assert sent.redirect_chain[-1][0] == announcement.get_absolute_url()
    # Typed on the group's clock.
    assert announcement.deadline == datetime(2026, 6, 10, 12, 0, tzinfo=group_time_zone())
    assert set(announcement.organisations.all()) == {organisation, other_organisation}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chair@example.org",
        "focal.ilo@example.org",
        "focal@example.org",
    ]
    # A call asks for an answer: a service message, with no unsubscribe link.
    assert all("List-Unsubscribe" not in m.extra_headers for m in mail.outbox)

    # The same confirmation posted again sends nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("coordination:announcement_new"), carried)
    assert Announcement.objects.count() == 1 and len(mail.outbox) == 3


def test_an_announcement_respects_the_immediate_preference_and_a_call_reaches_everyone(
    secretariat,
    focal_point,
    ilo_focal,
    observer,
    organisation,
    other_organisation,
    django_capture_on_commit_callbacks,
):
    Preference.objects.create(person=ilo_focal, immediate=False)
    with django_capture_on_commit_callbacks(execute=True):
        send(secretariat, [organisation, other_organisation], kind=Announcement.Kind.ANNOUNCEMENT)
    assert [m.to for m in mail.outbox] == [["focal@example.org"]]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send(secretariat, [organisation, other_organisation])
    assert sorted(m.to[0] for m in mail.outbox) == ["focal.ilo@example.org", "focal@example.org"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"deadline": ""}, "A call for inputs needs a deadline."),
        ({"deadline": "2026-06-01T12:00"}, "The deadline must be in the future."),
        ({"deadline": "not a date"}, "Enter a valid date/time."),
        ({"roles": ["secretariat"]}, "Select a valid choice."),
        ({"organisations": ["999999"]}, "Select a valid choice."),
        ({"kind": "gossip"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_told_on_the_form_and_sends_nothing(
    client, secretariat, organisation, overrides, error
):
    client.force_login(secretariat)
    response = client.post(
        reverse("coordination:announcement_new"), form_data([organisation], **overrides)
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Announcement.objects.exists()


# --- Answers -------------------------------------------------------------------------------------


def answer_url(announcement, organisation):
    return reverse("coordination:announcement_answer", args=[announcement.pk, organisation.slug])


def test_nobody_answers_for_another_organisation_and_observers_see_nothing(
    client,
    secretariat,
    focal_point,
    ilo_focal,
    principal,
    observer,
    organisation,
    other_organisation,
):
    call = send(secretariat, [organisation, other_organisation])
    client.force_login(ilo_focal)
    assert client.post(answer_url(call, organisation), {"text": "Not ours"}).status_code == 403
    client.force_login(principal)
    assert client.post(answer_url(call, organisation), {"text": "Principal"}).status_code == 403
    client.force_login(observer)
    assert client.get(call.get_absolute_url()).status_code == 404
    assert client.post(answer_url(call, organisation), {"text": "Observer"}).status_code == 404
    # A focal point of an organisation that was not asked does not even see the call.
    outsider = factories.PersonFactory(organisation=factories.OrganisationFactory(acronym="OUT"))
    client.force_login(outsider)
    assert client.get(call.get_absolute_url()).status_code == 404
    # Only the secretariat and the chairs follow the answers, remind and export.
    client.force_login(focal_point)
    assert "Answers by organisation" not in client.get(call.get_absolute_url()).content.decode()
    remind = reverse("coordination:announcement_remind", args=[call.pk])
    assert client.post(remind).status_code == 403
    export = reverse("coordination:announcement_export", args=[call.pk, "csv"])
    assert client.get(export).status_code == 403
    assert not Input.objects.exists() and not Reminder.objects.exists()


def test_an_organisation_answers_once_and_may_change_it_until_the_deadline(
    client, secretariat, focal_point, organisation, other_organisation
):
    call = send(secretariat, [organisation, other_organisation])
    client.force_login(focal_point)
    client.post(answer_url(call, organisation), {"text": "First draft"})
    client.post(answer_url(call, organisation), {"text": "Final text"})
    answer = Input.objects.get()
    assert (answer.organisation, answer.text, answer.answered_by) == (
        organisation,
        "Final text",
        focal_point,
    )
    # The secretariat answers on behalf of an organisation.
    client.force_login(secretariat)
    client.post(answer_url(call, other_organisation), {"text": "Recorded for ILO"})
    assert Input.objects.get(organisation=other_organisation).answered_by == secretariat

    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        client.force_login(focal_point)
        late = client.post(answer_url(call, organisation), {"text": "Too late"})
    assert late.status_code == 400
    assert "The deadline has passed" in late.content.decode()
    assert Input.objects.get(organisation=organisation).text == "Final text"


def test_an_empty_answer_is_told_and_saves_nothing(client, secretariat, focal_point, organisation):
    call = send(secretariat, [organisation])
    client.force_login(focal_point)
    response = client.post(answer_url(call, organisation), {"text": "   "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not Input.objects.exists()


def test_the_board_lists_every_organisation_with_its_answer_or_no_answer_yet(
    client, secretariat, focal_point, organisation, other_organisation
):
    call = send(secretariat, [organisation, other_organisation])
    announcements.input_save(
        announcement=call, organisation=organisation, actor=focal_point, text="Our highlights"
    )
    client.force_login(secretariat)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "1 of 2 organisations answered." in page
    assert "Our highlights" in page and "No answer yet" in page


def board_queries(client, person, call, django_assert_max_num_queries) -> int:
    client.force_login(person)
    client.get(call.get_absolute_url())  # the session and caches, once
    with django_assert_max_num_queries(20) as queries:
        assert client.get(call.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_board_queries_do_not_grow_with_the_organisations(
    client, secretariat, organisation, django_assert_max_num_queries
):
    small = send(secretariat, [organisation])
    many = [factories.OrganisationFactory() for _ in range(12)]
    large = send(secretariat, [organisation, *many])
    for member in many[:6]:
        answerer = factories.PersonFactory(organisation=member)
        announcements.input_save(
            announcement=large, organisation=member, actor=answerer, text=f"From {member}"
        )
    assert board_queries(client, secretariat, small, django_assert_max_num_queries) == (
        board_queries(client, secretariat, large, django_assert_max_num_queries)
    )


# --- Reminders and the export ---------------------------------------------------------------------


def test_the_silent_organisations_are_reminded_once_a_day(
    client,
    secretariat,
    focal_point,
    ilo_focal,
    organisation,
    other_organisation,
    django_capture_on_commit_callbacks,
):
    Preference.objects.create(person=ilo_focal, immediate=False)
    call = send(secretariat, [organisation, other_organisation])
    announcements.input_save(
        announcement=call, organisation=organisation, actor=focal_point, text="Done"
    )
    remind = reverse("coordination:announcement_remind", args=[call.pk])
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(remind, follow=True)
    assert "being reminded" in messages_of(first)
    # The one who has not answered, even with immediate emails off: an answer is asked.
    assert [m.to for m in mail.outbox] == [["focal.ilo@example.org"]]
    assert "It went to ILO." in first.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(remind, follow=True)
    assert "less than a day ago" in messages_of(second)
    assert len(mail.outbox) == 1 and Reminder.objects.get().times == 1

    with time_machine.travel(NOW + timedelta(days=1, minutes=1), tick=False):
        client.force_login(secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(remind)
    assert len(mail.outbox) == 2


def test_the_export_lists_every_answer_in_csv_and_excel(
    client, secretariat, focal_point, organisation, other_organisation
):
    call = send(secretariat, [organisation, other_organisation])
    announcements.input_save(
        announcement=call, organisation=organisation, actor=focal_point, text="=SUM(A1)"
    )
    client.force_login(secretariat)
    response = client.get(reverse("coordination:announcement_export", args=[call.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Organisation", "Acronym", "Answer"]
    by_acronym = {row[1]: row for row in rows[1:]}
    # A formula is neutralised: a spreadsheet shows it as text.
    assert by_acronym["UNICEF"][2] == "'=SUM(A1)"
    assert by_acronym["ILO"][2] == "No answer yet"

    response = client.get(reverse("coordination:announcement_export", args=[call.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3
    assert (
        client.get(reverse("coordination:announcement_export", args=[call.pk, "pdf"])).status_code
        == 404
    )


# --- The dashboard --------------------------------------------------------------------------------


def test_a_focal_point_sees_the_calls_awaiting_their_organisation(
    client, secretariat, focal_point, organisation, observer
):
    call = send(secretariat, [organisation])
    block = calls_awaiting(focal_point)
    assert block is not None and block.context["calls"] == [call]
    assert calls_awaiting(observer) is None
    announcements.input_save(
        announcement=call, organisation=organisation, actor=focal_point, text="Done"
    )
    assert calls_awaiting(focal_point) is None
    client.force_login(focal_point)
    assert client.get(reverse("coordination:announcement_list")).status_code == 200
