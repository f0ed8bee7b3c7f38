"""The last reminder, 24 hours before a comment or endorsement deadline: claimed once per
deadline, to the organisations that have not answered, caught up after a missed run, sent again
for an extended deadline, never after the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from config.celery import app
from notifications import outbox
from notifications.models import Event, Preference
from statements import reminders, tasks
from statements.models import Comment, Endorsement, EndorsementRound, NoComments, Statement
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
NOTHING = {"comments": 0, "rounds": 0}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def members(clock, organisation, other_organisation):
    """UNICEF, ILO and WHO, each with a focal point (WHO's turned immediate emails off)."""
    who = factories.OrganisationFactory(acronym="WHO")
    people = {
        "unicef": factories.PersonFactory(organisation=organisation, email="focal.unicef@x.org"),
        "ilo": factories.PersonFactory(organisation=other_organisation, email="focal.ilo@x.org"),
        "who": factories.PersonFactory(organisation=who, email="focal.who@x.org"),
    }
    Preference.objects.create(person=people["who"], immediate=False)
    return {"unicef": organisation, "ilo": other_organisation, "who": who}, people


@pytest.fixture
def statement(members):
    organisations, _ = members
    statement = factories.StatementFactory(
        lead_organisations=[organisations["unicef"]], comment_deadline=DEADLINE
    )
    version = factories.StatementVersionFactory(statement=statement, number=1)
    factories.ParagraphFactory(version=version)
    return statement


def run(django_capture_on_commit_callbacks):
    """The beat's task, with the events it records processed after its commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return tasks.last_calls()


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_the_beat_runs_the_last_calls_task():
    entry = settings.CELERY_BEAT_SCHEDULE["statement-last-calls"]
    assert entry["task"] == "statements.tasks.last_calls" and entry["task"] in app.tasks


# --- Comment deadlines ---------------------------------------------------------------------------


def test_the_comment_last_call_goes_once_to_the_organisations_that_have_not_answered(
    statement, members, clock, django_capture_on_commit_callbacks
):
    organisations, people = members
    version = statement.versions.get()
    Comment.objects.create(
        statement=statement,
        version=version,
        paragraph_key="a",
        text="Fine.",
        author=people["unicef"],
        organisation=organisations["unicef"],
    )
    clock.move_to(DEADLINE - timedelta(hours=25))
    assert run(django_capture_on_commit_callbacks) == NOTHING
    clock.move_to(DEADLINE - timedelta(hours=23, minutes=45))
    assert run(django_capture_on_commit_callbacks) == {"comments": 1, "rounds": 0}
    # A second tick, or a second beat: claimed already.
    assert run(django_capture_on_commit_callbacks) == NOTHING
    # WHO's focal point is asked whatever their preference; UNICEF commented.
    assert recipients() == ["focal.ilo@x.org", "focal.who@x.org"]
    message = mail.outbox[0]
    assert message.subject.startswith("Last day to comment on")
    assert "11:00 (Europe/Vienna)" in message.body
    assert Statement.objects.get(pk=statement.pk).comment_last_call_for == DEADLINE


def test_no_comments_counts_as_an_answer(
    statement, members, clock, django_capture_on_commit_callbacks
):
    organisations, people = members
    for name in ("ilo", "who"):
        NoComments.objects.create(
            statement=statement,
            version=statement.versions.get(),
            organisation=organisations[name],
            declared_by=people[name],
        )
    clock.move_to(DEADLINE - timedelta(hours=2))
    run(django_capture_on_commit_callbacks)
    assert recipients() == ["focal.unicef@x.org"]


def test_a_missed_run_is_caught_up_and_an_extended_deadline_gets_its_own_last_call(
    statement, clock, django_capture_on_commit_callbacks
):
    # The beat was down for most of the last day: the next run, two hours before, still sends.
    clock.move_to(DEADLINE - timedelta(hours=2))
    assert run(django_capture_on_commit_callbacks)["comments"] == 1
    later = DEADLINE + timedelta(days=2)
    Statement.objects.filter(pk=statement.pk).update(comment_deadline=later)
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks) == NOTHING
    clock.move_to(later - timedelta(hours=20))
    assert run(django_capture_on_commit_callbacks)["comments"] == 1
    assert run(django_capture_on_commit_callbacks) == NOTHING
    assert len(mail.outbox) == 3 and "12 June" in mail.outbox[0].subject + mail.outbox[0].body


def test_nothing_is_sent_after_the_deadline(statement, clock, django_capture_on_commit_callbacks):
    clock.move_to(DEADLINE + timedelta(seconds=1))
    assert run(django_capture_on_commit_callbacks) == NOTHING
    assert mail.outbox == [] and not Event.objects.exists()


def test_an_event_relayed_after_the_deadline_tells_nobody(
    statement, clock, django_capture_on_commit_callbacks
):
    """The broker was down: the claim was made and the event recorded before the deadline, but
    the beat relays it after."""
    clock.move_to(DEADLINE - timedelta(hours=1))
    assert reminders.last_calls_send()["comments"] == 1  # on_commit never runs: no worker
    clock.move_to(DEADLINE + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.process_due() == (1, 0)
    assert mail.outbox == []


# --- Endorsement rounds --------------------------------------------------------------------------


@pytest.fixture
def round(statement, members):
    organisations, _ = members
    Statement.objects.filter(pk=statement.pk).update(comment_deadline=None)
    round = EndorsementRound.objects.create(
        statement=statement,
        endorsed_version=statement.versions.get(),
        procedure="silence",
        deadline=DEADLINE,
    )
    round.addressed_organisations.set(organisations.values())
    return round


def test_the_round_last_call_goes_once_to_the_organisations_that_have_not_answered(
    round, members, clock, django_capture_on_commit_callbacks
):
    organisations, _people = members
    principal = factories.PrincipalFactory(organisation=organisations["ilo"], email="p.ilo@x.org")
    Endorsement.objects.create(
        round=round, organisation=organisations["unicef"], answer="endorse", answered_by=principal
    )
    clock.move_to(DEADLINE - timedelta(hours=23))
    assert run(django_capture_on_commit_callbacks) == {"comments": 0, "rounds": 1}
    assert run(django_capture_on_commit_callbacks) == NOTHING
    assert recipients() == ["focal.ilo@x.org", "focal.who@x.org", "p.ilo@x.org"]
    message = mail.outbox[0]
    assert message.subject.startswith("Reminder: endorse")
    assert "deemed to endorse" in message.body and "has not answered yet" in message.body
    assert EndorsementRound.objects.get(pk=round.pk).last_call_for == DEADLINE


def test_an_extended_round_gets_its_own_last_call_and_a_closed_one_none(
    round, clock, django_capture_on_commit_callbacks
):
    clock.move_to(DEADLINE - timedelta(hours=3))
    assert run(django_capture_on_commit_callbacks)["rounds"] == 1
    later = DEADLINE + timedelta(days=3)
    EndorsementRound.objects.filter(pk=round.pk).update(deadline=later)
    clock.move_to(later - timedelta(hours=10))
    assert run(django_capture_on_commit_callbacks)["rounds"] == 1
    assert len(mail.outbox) == 6
    # Extended once more, then closed before its last day: no last call for a closed round.
    EndorsementRound.objects.filter(pk=round.pk).update(
        deadline=later + timedelta(days=1), closed_at=later - timedelta(hours=9)
    )
    clock.move_to(later + timedelta(hours=2))
    assert run(django_capture_on_commit_callbacks) == NOTHING
    assert len(mail.outbox) == 6


def test_two_processes_claiming_at_once_record_one_last_call(round, clock, monkeypatch):
    """Both read the round as due; only the one whose conditional update changed it records."""
    clock.move_to(DEADLINE - timedelta(hours=5))
    due = reminders.round_last_calls_due(DEADLINE - timedelta(hours=5))
    assert [round_id for round_id, _deadline in due] == [round.pk]
    assert reminders.last_calls_send()["rounds"] == 1
    # The second process read the same candidates before the first committed its claim.
    monkeypatch.setattr(reminders, "round_last_calls_due", lambda now: due)
    assert reminders.last_calls_send()["rounds"] == 0
    assert Event.objects.filter(handler="statements.notify.round_last_call").count() == 1
