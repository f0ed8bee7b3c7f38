"""Minutes approved by the members: circulated after the meeting (with a confirmation naming who
is emailed), answered once per organisation and circulation (approve, or changes with a reason,
on a quoted passage), replied to by the chair, approved after the deadline or once everyone
answered; attendance recorded with them; what awaits an organisation's answer in its digest and
on its dashboard; every wrong role refused, with nothing changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from meetings import dashboard, digest, selectors, services
from meetings.models import Attendance, Meeting, Minutes, MinutesAnswer
from notifications.models import Delivery, Event, Notification
from tests import factories
from tests.notifications.smtp import received

pytestmark = pytest.mark.django_db

# The meeting ended on 2 March; the minutes go out on the 5th, due on the 19th.
ENDED = datetime(2026, 3, 2, 17, tzinfo=UTC)
CIRCULATED = datetime(2026, 3, 5, 9, tzinfo=UTC)
DUE = date(2026, 3, 19)
# The minutes page, whatever the number of organisations answering.
PAGE_QUERIES = 20
TEXT = "The Working Group met in Vienna. Members reviewed the work plan and agreed the next steps."


@pytest.fixture
def meeting(organisation, other_organisation):
    meeting = factories.MeetingFactory(
        title="Working Group meeting",
        starts_at=ENDED - timedelta(hours=3),
        ends_at=ENDED,
        status="held",
    )
    for org in (organisation, other_organisation):
        factories.MeetingInvitationFactory(meeting=meeting, organisation=org, response="in_person")
    return meeting


@pytest.fixture
def minutes(meeting, secretariat):
    return Minutes.objects.create(meeting=meeting, text=TEXT)


@pytest.fixture
def other_focal(other_organisation):
    return factories.PersonFactory(organisation=other_organisation, email="focal.ilo@example.org")


def after_commit():
    """Run what a commit sets off (the outbox's events, the emails) as the block ends."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def circulate(meeting, actor, due=DUE):
    with time_machine.travel(CIRCULATED, tick=False), after_commit():
        return services.minutes_circulate(meeting=meeting, actor=actor, approval_due_on=due)


def answer(meeting, actor, organisation, value="approve", **fields):
    return services.minutes_answer(
        meeting=meeting, actor=actor, organisation=organisation, answer=value, **fields
    )


def stored(minutes) -> tuple:
    """What a refused request must leave as it was."""
    minutes.refresh_from_db()
    return (
        minutes.status,
        minutes.circulation,
        minutes.approved_at,
        list(
            MinutesAnswer.objects.values_list("organisation_id", "answer", "reason", "chair_reply")
        ),
        list(Attendance.objects.values_list("organisation_id", "attended")),
        Event.objects.count(),
    )


# --- Circulation ---------------------------------------------------------------------------------


def test_minutes_are_not_circulated_before_the_meeting_has_ended(meeting, minutes, secretariat):
    with (
        time_machine.travel(ENDED - timedelta(minutes=5), tick=False),
        pytest.raises(ValidationError, match="once the meeting has ended"),
    ):
        services.minutes_circulate(meeting=meeting, actor=secretariat, approval_due_on=DUE)
    minutes.refresh_from_db()
    assert minutes.status == "draft" and minutes.circulation == 0
    assert not Event.objects.exists()


def test_circulating_before_the_end_is_explained_on_the_page_and_changes_nothing(
    client, meeting, minutes, secretariat
):
    client.force_login(secretariat)
    before = stored(minutes)
    with time_machine.travel(ENDED - timedelta(minutes=5), tick=False):
        response = client.post(
            reverse("meetings:minutes_circulate", args=[meeting.pk]),
            {"approval_due_on": "2026-03-19", "confirmed": "yes"},
            follow=True,
        )
    assert "Minutes are circulated once the meeting has ended." in response.content.decode()
    assert stored(minutes) == before


def test_circulating_asks_first_naming_who_is_emailed_and_then_asks_each_of_them(
    client, meeting, minutes, secretariat, focal_point, other_focal, other_organisation, principal
):
    alternate = factories.PersonFactory(
        organisation=other_organisation, role="alternate", email="alt.ilo@example.org"
    )
    client.force_login(secretariat)
    url = reverse("meetings:minutes_circulate", args=[meeting.pk])
    with time_machine.travel(CIRCULATED, tick=False):
        page = client.post(url, {"approval_due_on": "2026-03-19", "once": "x"})
        body = page.content.decode()
        assert page.status_code == 200
        assert "3 focal points and alternates of 2 organisations" in body
        assert "ILO, UNICEF" in body and "asked to answer by March 19, 2026" in body
        assert Minutes.objects.get().status == "draft" and not Event.objects.exists()

        with after_commit():
            client.post(url, {"approval_due_on": "2026-03-19", "confirmed": "yes"})
    minutes.refresh_from_db()
    assert minutes.status == "circulated" and minutes.circulation == 1
    assert minutes.circulated_by == secretariat and minutes.approval_due_on == DUE
    # Focal points and alternates of the invited organisations; not their principals.
    asked = Notification.objects.filter(kind="minutes_circulated")
    assert sorted(asked.values_list("person__email", flat=True)) == sorted(
        [focal_point.email, other_focal.email, alternate.email]
    )
    # An answer is asked: a service message, with no unsubscribe link, carrying the draft.
    email = Delivery.objects.filter(kind="minutes_circulated").first()
    assert email is not None and not email.unsubscribe_url
    assert "agreed the next steps" in email.text and "19 March 2026" in email.text


def test_circulating_again_after_changes_asks_every_organisation_again(
    meeting, minutes, secretariat, focal_point, organisation
):
    circulate(meeting, secretariat)
    with time_machine.travel(CIRCULATED + timedelta(days=1), tick=False):
        answer(meeting, focal_point, organisation)
        assert selectors.minutes_awaiting_answer({organisation.pk}, date(2026, 3, 6)) == []
    circulate(meeting, secretariat, due=date(2026, 3, 26))
    minutes.refresh_from_db()
    assert minutes.circulation == 2
    # The earlier answer no longer counts, and the people are asked again.
    assert selectors.minutes_awaiting_answer({organisation.pk}, date(2026, 3, 6)) == [
        (minutes, organisation.pk)
    ]
    assert Notification.objects.filter(kind="minutes_circulated", person=focal_point).count() == 2


# --- Answers -------------------------------------------------------------------------------------


def test_an_organisation_answers_then_changes_its_answer_until_the_deadline_every_answer_kept(
    client, meeting, minutes, secretariat, focal_point, organisation
):
    circulate(meeting, secretariat)
    url = reverse("meetings:minutes_answer", args=[meeting.pk])
    with time_machine.travel(CIRCULATED + timedelta(days=1), tick=False):
        client.force_login(focal_point)
        client.post(url, {"answer": "approve"})
    # The last evening of the deadline, in the group's time zone.
    with time_machine.travel(datetime(2026, 3, 19, 22, tzinfo=UTC), tick=False):
        client.force_login(focal_point)
        client.post(
            url,
            {
                "answer": "changes",
                "passage": "Members reviewed the work plan",
                "reason": "Say which items were reviewed.",
            },
        )
    row = MinutesAnswer.objects.get()
    assert (row.organisation, row.answer, row.answered_by, row.on_behalf) == (
        organisation,
        "changes",
        focal_point,
        False,
    )
    assert row.passage == "Members reviewed the work plan"
    # The first answer stays in the history, with who gave it.
    history = LogEntry.objects.get_for_object(row).order_by("timestamp")
    assert [e.changes_dict.get("answer", [None, None])[1] for e in history] == [
        "approve",
        "changes",
    ]
    assert {e.actor_id for e in history} == {focal_point.pk}


@pytest.mark.parametrize(
    ("when", "data", "message"),
    [
        ("before circulation", {"answer": "approve"}, "have not been circulated"),
        ("in time", {"answer": "changes", "reason": "  "}, "Say what should change, and why."),
        ("in time", {"answer": "maybe"}, "Select a valid choice"),
        (
            "in time",
            {"answer": "approve", "passage": "Words nobody wrote", "reason": "Why?"},
            "The quoted passage is not in the minutes",
        ),
        ("after the deadline", {"answer": "approve"}, "The deadline for answers has passed."),
    ],
)
def test_a_refused_answer_is_explained_and_changes_nothing(
    client, meeting, minutes, secretariat, focal_point, when, data, message
):
    if when != "before circulation":
        circulate(meeting, secretariat)
    moment = (
        datetime(2026, 3, 20, 0, 30, tzinfo=UTC) if when == "after the deadline" else CIRCULATED
    )
    before = stored(minutes)
    with time_machine.travel(moment, tick=False):
        client.force_login(focal_point)
        response = client.post(
            reverse("meetings:minutes_answer", args=[meeting.pk]), data, follow=True
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert stored(minutes) == before


def test_nobody_answers_for_another_organisation(
    client, meeting, minutes, secretariat, focal_point, other_organisation
):
    circulate(meeting, secretariat)
    before = stored(minutes)
    with time_machine.travel(CIRCULATED, tick=False):
        client.force_login(focal_point)
        response = client.post(
            reverse("meetings:minutes_answer", args=[meeting.pk]),
            {"organisation": other_organisation.pk, "answer": "approve"},
        )
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            answer(meeting, focal_point, other_organisation)
    assert stored(minutes) == before


@pytest.mark.parametrize("who", ["principal", "observer"])
def test_principals_and_observers_do_not_answer_the_minutes(
    client, request, meeting, minutes, secretariat, organisation, who
):
    circulate(meeting, secretariat)
    before = stored(minutes)
    with time_machine.travel(CIRCULATED, tick=False):
        client.force_login(request.getfixturevalue(who))
        response = client.post(
            reverse("meetings:minutes_answer", args=[meeting.pk]),
            {"organisation": organisation.pk, "answer": "approve"},
        )
    assert response.status_code in {403, 404}
    assert stored(minutes) == before


def test_an_organisation_not_invited_has_no_answer_to_give(client, meeting, minutes, secretariat):
    outsider = factories.PersonFactory(organisation=factories.OrganisationFactory(acronym="OUT"))
    circulate(meeting, secretariat)
    before = stored(minutes)
    with time_machine.travel(CIRCULATED, tick=False):
        client.force_login(outsider)
        response = client.post(
            reverse("meetings:minutes_answer", args=[meeting.pk]), {"answer": "approve"}
        )
        assert response.status_code == 404
        page = client.get(reverse("meetings:minutes_answers", args=[meeting.pk]))
        assert page.status_code == 403
    assert stored(minutes) == before


def test_the_secretariat_answers_on_an_organisations_behalf_and_the_answer_says_so(
    client, meeting, minutes, secretariat, other_organisation
):
    circulate(meeting, secretariat)
    with time_machine.travel(CIRCULATED, tick=False):
        client.force_login(secretariat)
        client.post(
            reverse("meetings:minutes_answer", args=[meeting.pk]),
            {"organisation": other_organisation.pk, "answer": "approve"},
        )
        page = client.get(reverse("meetings:minutes_answers", args=[meeting.pk])).content.decode()
    row = MinutesAnswer.objects.get()
    assert row.organisation == other_organisation and row.on_behalf
    assert "recorded on the organisation's behalf by the secretariat" in page


# --- The chair: replies and approval ---------------------------------------------------------------


def test_the_chair_sees_every_organisation_and_replies_to_a_change_request(
    client, meeting, minutes, secretariat, focal_point, organisation
):
    circulate(meeting, secretariat)
    with time_machine.travel(CIRCULATED, tick=False):
        request = answer(
            meeting, focal_point, organisation, "changes", reason="Name the presenters."
        )
        client.force_login(secretariat)
        page = client.get(reverse("meetings:minutes_answers", args=[meeting.pk])).content.decode()
        assert "Requests changes" in page and "Name the presenters." in page
        assert "No answer yet" in page  # ILO, in words
        with after_commit():
            client.post(
                reverse("meetings:minutes_reply", args=[request.pk]),
                {"reply": "Done in the text."},
            )
    request.refresh_from_db()
    assert request.chair_reply == "Done in the text." and request.replied_by == secretariat
    told = Notification.objects.filter(kind="minutes_reply")
    assert list(told.values_list("person", flat=True)) == [focal_point.pk]


def test_an_empty_reply_or_a_reply_to_an_approval_is_refused(
    client, meeting, minutes, secretariat, focal_point, organisation
):
    circulate(meeting, secretariat)
    with time_machine.travel(CIRCULATED, tick=False):
        approval = answer(meeting, focal_point, organisation)
    before = stored(minutes)
    client.force_login(secretariat)
    url = reverse("meetings:minutes_reply", args=[approval.pk])
    assert (
        "Only a request for changes"
        in client.post(url, {"reply": "Thanks"}, follow=True).content.decode()
    )
    assert "This field is required" in client.post(url, {"reply": ""}, follow=True).content.decode()
    assert stored(minutes) == before


def test_approval_waits_for_the_deadline_unless_everyone_answered(
    client,
    meeting,
    minutes,
    secretariat,
    focal_point,
    other_focal,
    organisation,
    other_organisation,
):
    circulate(meeting, secretariat)
    approve_url = reverse("meetings:minutes_approve", args=[meeting.pk])
    with time_machine.travel(CIRCULATED, tick=False):
        client.force_login(secretariat)
        answer(meeting, focal_point, organisation)
        before = stored(minutes)
        with pytest.raises(ValidationError, match="every organisation has answered"):
            services.minutes_approve(meeting=meeting, actor=secretariat)
        page = client.get(approve_url).content.decode()
        assert "cannot be approved yet" in page and "ILO" in page
        client.post(approve_url, {"confirmed": "yes"})
        assert stored(minutes) == before
        # The last organisation answers: approval opens before the deadline.
        answer(meeting, other_focal, other_organisation, "changes", reason="A typo.")
        assert "Approve the minutes" in client.get(approve_url).content.decode()
        client.post(
            approve_url, {"confirmed": "yes", "once": "3f1c9d1e-0000-4000-8000-000000000001"}
        )
    minutes.refresh_from_db()
    assert minutes.status == "approved" and minutes.approved_by == secretariat
    assert minutes.approved_at == CIRCULATED


def test_after_the_deadline_the_chair_approves_whoever_answered(meeting, minutes, secretariat):
    circulate(meeting, secretariat)
    with time_machine.travel(datetime(2026, 3, 20, 9, tzinfo=UTC), tick=False):
        services.minutes_approve(meeting=meeting, actor=secretariat)
    assert Minutes.objects.get().status == "approved"


@pytest.mark.parametrize("who", ["focal_point", "principal", "observer"])
def test_only_the_organisers_circulate_reply_approve_and_record_attendance(
    client, request, who, meeting, minutes, secretariat, organisation, focal_point
):
    circulate(meeting, secretariat)
    with time_machine.travel(CIRCULATED, tick=False):
        request_ = answer(meeting, focal_point, organisation, "changes", reason="Fix it.")
    before = stored(minutes)
    posts = [
        (
            reverse("meetings:minutes_circulate", args=[meeting.pk]),
            {"approval_due_on": "2026-04-01", "confirmed": "yes"},
        ),
        (reverse("meetings:minutes_approve", args=[meeting.pk]), {"confirmed": "yes"}),
        (reverse("meetings:minutes_reply", args=[request_.pk]), {"reply": "Mine"}),
        (reverse("meetings:attendance_record", args=[meeting.pk]), {"attended": [organisation.pk]}),
    ]
    with time_machine.travel(datetime(2026, 3, 25, tzinfo=UTC), tick=False):
        client.force_login(request.getfixturevalue(who))
        for url, data in posts:
            assert client.post(url, data).status_code == 403, url
        assert client.get(reverse("meetings:minutes_approve", args=[meeting.pk])).status_code == 403
    assert stored(minutes) == before


def test_draft_minutes_and_their_page_are_the_organisers(client, meeting, minutes, focal_point):
    client.force_login(focal_point)
    assert client.get(reverse("meetings:minutes_answers", args=[meeting.pk])).status_code == 404


# --- Attendance ----------------------------------------------------------------------------------


def test_the_organisers_record_who_attended_and_the_report_counts_it(
    client, meeting, minutes, secretariat, organisation, other_organisation
):
    client.force_login(secretariat)
    page = client.get(reverse("meetings:minutes_answers", args=[meeting.pk])).content.decode()
    assert "Record who attended" in page
    client.post(
        reverse("meetings:attendance_record", args=[meeting.pk]), {"attended": [organisation.pk]}
    )
    assert dict(Attendance.objects.values_list("organisation__acronym", "attended")) == {
        "UNICEF": True,
        "ILO": False,
    }
    row = Attendance.objects.get(organisation=organisation)
    assert row.recorded_by == secretariat
    assert LogEntry.objects.get_for_object(row).get().actor == secretariat
    later = factories.MeetingFactory(starts_at=datetime(2026, 6, 1, 9, tzinfo=UTC), status="held")
    factories.MeetingInvitationFactory(meeting=later, organisation=organisation)
    services.attendance_record(meeting=later, actor=secretariat, attended=[organisation])
    year = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert selectors.attendance_counts(*year) == {
        organisation.pk: selectors.AttendanceCount(attended=2, recorded=2),
        other_organisation.pk: selectors.AttendanceCount(attended=0, recorded=1),
    }
    assert selectors.attendance_counts(*year, organisation_ids=[other_organisation.pk]) == {
        other_organisation.pk: selectors.AttendanceCount(attended=0, recorded=1)
    }


def test_attendance_is_refused_before_the_meeting_for_strangers_and_once_approved(
    meeting, minutes, secretariat, organisation
):
    upcoming = factories.MeetingFactory()
    factories.MeetingInvitationFactory(meeting=upcoming, organisation=organisation)
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.attendance_record(meeting=upcoming, actor=secretariat, attended=[organisation])
    stranger = factories.OrganisationFactory(acronym="NOPE")
    with pytest.raises(ValidationError, match="Choose among the organisations"):
        services.attendance_record(meeting=meeting, actor=secretariat, attended=[stranger])
    Minutes.objects.filter(pk=minutes.pk).update(status="approved")
    with pytest.raises(ValidationError, match="attendance is final"):
        services.attendance_record(meeting=meeting, actor=secretariat, attended=[organisation])
    assert not Attendance.objects.exists()


# --- What awaits an organisation's answer: digest and dashboard ---------------------------------


def test_minutes_awaiting_my_answer_are_in_the_digest_and_on_the_dashboard_until_answered(
    meeting, minutes, secretariat, focal_point, organisation, other_focal
):
    circulate(meeting, secretariat)
    now = CIRCULATED + timedelta(days=1)
    with time_machine.travel(now, tick=False):
        lines = digest.MINUTES.collect([focal_point, other_focal], now)
        assert [str(line["detail"]) for line in lines[focal_point.pk]] == [
            "answer by March 19, 2026"
        ]
        assert lines[focal_point.pk][0]["url"] == minutes.answers_url()
        block = dashboard.minutes_to_answer(focal_point)
        assert block is not None and block.context["awaiting"] == [minutes]
        answer(meeting, focal_point, organisation)
        assert focal_point.pk not in digest.MINUTES.collect([focal_point, other_focal], now)
        assert other_focal.pk in digest.MINUTES.collect([focal_point, other_focal], now)
        assert dashboard.minutes_to_answer(focal_point) is None
    # Past the deadline nothing is awaited any more: the chair approves.
    late = datetime(2026, 3, 20, 9, tzinfo=UTC)
    with time_machine.travel(late, tick=False):
        assert digest.MINUTES.collect([other_focal], late) == {}


@pytest.mark.parametrize("size", [2, 8])
def test_the_digest_and_dashboard_lines_read_in_a_fixed_number_of_queries(
    size, secretariat, django_assert_max_num_queries
):
    people = []
    for n in range(size):
        organisation = factories.OrganisationFactory(acronym=f"M{n}")
        people.append(factories.PersonFactory(organisation=organisation))
        held = factories.MeetingFactory(
            starts_at=ENDED - timedelta(hours=2), ends_at=ENDED, status="held"
        )
        factories.MeetingInvitationFactory(meeting=held, organisation=organisation)
        Minutes.objects.create(meeting=held, text=TEXT)
        circulate(held, secretariat)
    now = CIRCULATED + timedelta(days=1)
    with time_machine.travel(now, tick=False):
        with django_assert_max_num_queries(3):
            lines = digest.MINUTES.collect(people, now)
        assert len(lines) == size
        with django_assert_max_num_queries(3):
            dashboard.minutes_to_answer(people[0])


@pytest.mark.parametrize("size", [2, 10])
def test_the_minutes_page_reads_in_a_fixed_number_of_queries(
    client, size, secretariat, django_assert_max_num_queries
):
    meeting = factories.MeetingFactory(
        starts_at=ENDED - timedelta(hours=2), ends_at=ENDED, status="held"
    )
    Minutes.objects.create(meeting=meeting, text=TEXT)
    circulate(meeting, secretariat)
    for n in range(size):
        organisation = factories.OrganisationFactory(acronym=f"P{n}")
        factories.MeetingInvitationFactory(meeting=meeting, organisation=organisation)
        person = factories.PersonFactory(organisation=organisation)
        with time_machine.travel(CIRCULATED, tick=False):
            answer(meeting, person, organisation, "changes", reason="Fix it.")
    services.attendance_record(meeting=meeting, actor=secretariat, attended=[])
    with time_machine.travel(CIRCULATED, tick=False):
        client.force_login(secretariat)
        with django_assert_max_num_queries(PAGE_QUERIES):
            assert (
                client.get(reverse("meetings:minutes_answers", args=[meeting.pk])).status_code
                == 200
            )


# --- End to end, with a real mail server -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_circulation_answers_reply_and_approval_reach_a_real_smtp_server_once_each(
    client, smtp_server
):
    unicef = factories.OrganisationFactory(acronym="UNICEF")
    ilo = factories.OrganisationFactory(acronym="ILO")
    coordinator = factories.OrganisationFactory(acronym="UNODC", is_permanent_coordinator=True)
    chair = factories.SecretariatFactory(organisation=coordinator, email="sec@example.org")
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=chair, type=Authenticator.Type.TOTP, data={"secret": "x"})
    unicef_focal = factories.PersonFactory(organisation=unicef, email="focal.unicef@example.org")
    ilo_focal = factories.PersonFactory(organisation=ilo, email="focal.ilo@example.org")
    factories.PersonFactory(organisation=ilo, email="alt.ilo@example.org", role="alternate")
    factories.PrincipalFactory(organisation=ilo, email="principal.ilo@example.org")
    meeting = factories.MeetingFactory(
        title="Working Group meeting",
        starts_at=ENDED - timedelta(hours=3),
        ends_at=ENDED,
        status=Meeting.Status.HELD,
    )
    for org in (unicef, ilo):
        factories.MeetingInvitationFactory(meeting=meeting, organisation=org)
    services.minutes_save(meeting=meeting, actor=chair, text=TEXT)

    with time_machine.travel(CIRCULATED, tick=False):
        client.force_login(chair)
        circulate_url = reverse("meetings:minutes_circulate", args=[meeting.pk])
        form = {"approval_due_on": "2026-03-19", "once": "7b4e1f0a-0000-4000-8000-000000000001"}
        client.post(circulate_url, form)  # the confirmation page: nothing sent
        assert received(smtp_server, "Minutes for your approval") == []
        client.post(circulate_url, {**form, "confirmed": "yes"})
        client.post(circulate_url, {**form, "confirmed": "yes"})  # sent twice: circulated once
    assert received(smtp_server, "Minutes for your approval") == [
        "alt.ilo@example.org",
        "focal.ilo@example.org",
        "focal.unicef@example.org",
    ]

    answer_url = reverse("meetings:minutes_answer", args=[meeting.pk])
    with time_machine.travel(CIRCULATED + timedelta(days=2), tick=False):
        client.force_login(unicef_focal)
        client.post(answer_url, {"answer": "approve"})
        client.force_login(ilo_focal)
        client.post(
            answer_url,
            {
                "answer": "changes",
                "passage": "The Working Group met in Vienna.",
                "reason": "It met online too.",
            },
        )
        request = MinutesAnswer.objects.get(organisation=ilo)
        client.force_login(chair)
        client.post(
            reverse("meetings:minutes_reply", args=[request.pk]),
            {"reply": "Added.", "once": "7b4e1f0a-0000-4000-8000-000000000002"},
        )
        approve_url = reverse("meetings:minutes_approve", args=[meeting.pk])
        asked = client.get(approve_url).content.decode()
        assert "Approved: 1; changes requested: 1; no answer: 0." in asked
        client.post(
            approve_url, {"confirmed": "yes", "once": "7b4e1f0a-0000-4000-8000-000000000003"}
        )
    minutes = Minutes.objects.get()
    assert minutes.status == "approved" and minutes.approved_by == chair
    assert received(smtp_server, "Reply to your request on the minutes") == [
        "alt.ilo@example.org",
        "focal.ilo@example.org",
    ]
    # Each email once, and all of them sent.
    with smtp_server.lock:
        recipients = [(m["To"], str(m["Subject"])) for m in smtp_server.messages]
    assert len(recipients) == len(set(recipients)) == 5
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
