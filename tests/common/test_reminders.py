from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.template.loader import render_to_string

from common.models import Reminder
from common.reminders import last_reminder, reminder_claim, reminder_state, reminder_subject
from coordination.models import Person
from tests import factories

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
SUBJECT = "statements.endorsementround:12"


@pytest.mark.django_db
def test_the_first_reminder_is_claimed_and_names_who_sent_it(focal_point):
    claimed = reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW)

    assert claimed is not None
    assert (claimed.times, claimed.last_sent_at, claimed.last_sent_by) == (1, NOW, focal_point)
    last = last_reminder(SUBJECT)
    assert last is not None and last.last_sent_by == focal_point


@pytest.mark.django_db
def test_a_second_reminder_within_a_day_is_refused_and_changes_nothing(focal_point, secretariat):
    reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW)

    refused = reminder_claim(
        subject=SUBJECT, actor=secretariat, now=NOW + timedelta(hours=23, minutes=59)
    )

    assert refused is None
    stored = Reminder.objects.get(subject=SUBJECT)
    assert (stored.times, stored.last_sent_at, stored.last_sent_by) == (1, NOW, focal_point)


@pytest.mark.django_db
def test_a_day_later_the_next_reminder_is_allowed(focal_point, secretariat):
    reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW)

    claimed = reminder_claim(subject=SUBJECT, actor=secretariat, now=NOW + timedelta(days=1))

    assert claimed is not None
    assert (claimed.times, claimed.last_sent_by) == (2, secretariat)
    assert Reminder.objects.count() == 1


@pytest.mark.django_db
def test_subjects_are_reminded_of_independently(focal_point):
    assert reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW) is not None
    assert reminder_claim(subject=SUBJECT + "3", actor=focal_point, now=NOW) is not None


@pytest.mark.django_db
def test_a_shorter_period_can_be_asked_for(focal_point):
    reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW)
    hour = timedelta(hours=1)

    assert reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW + hour, every=hour)


@pytest.mark.django_db
def test_a_claim_rolled_back_with_its_caller_leaves_the_button_free(focal_point):
    """A service that fails after claiming sent nothing: the next press must be allowed."""

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW)
        raise Refused

    assert reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW) is not None


@pytest.mark.django_db
def test_the_state_says_when_the_next_reminder_is_possible(focal_point):
    assert reminder_state(SUBJECT, now=NOW).possible_now
    reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW)

    soon = reminder_state(SUBJECT, now=NOW + timedelta(hours=2))
    later = reminder_state(SUBJECT, now=NOW + timedelta(days=1))

    assert not soon.possible_now
    assert soon.next_possible_at == NOW + timedelta(days=1)
    assert later.possible_now


@pytest.mark.django_db
def test_the_subject_of_an_object_names_its_model_and_id(organisation):
    assert reminder_subject(organisation) == f"coordination.organisation:{organisation.pk}"


@pytest.mark.django_db
def test_the_partial_shows_the_button_or_when_the_next_is_possible(focal_point):
    free = render_to_string(
        "common/_remind.html",
        {"remind": reminder_state(SUBJECT, now=NOW), "remind_url": "/remind/", "can_remind": True},
    )
    assert 'action="/remind/"' in free
    assert "No reminder has been sent yet." in free

    reminder_claim(subject=SUBJECT, actor=focal_point, now=NOW)
    waiting = render_to_string(
        "common/_remind.html",
        {
            "remind": reminder_state(SUBJECT, now=NOW + timedelta(hours=1)),
            "remind_url": "/remind/",
            "can_remind": True,
        },
    )
    assert 'action="/remind/"' not in waiting
    assert focal_point.full_name in waiting
    assert "the next can be sent from" in waiting


@pytest.mark.django_db(transaction=True)
def test_two_presses_at_once_send_one_reminder():
    """Two processes claim the same first reminder at the same moment, each in its own
    connection and transaction: exactly one gets it."""
    organisation = factories.OrganisationFactory(acronym="UNICEF")
    people = [factories.PersonFactory(organisation=organisation) for _ in range(2)]
    start = threading.Barrier(len(people))
    results: list[Reminder | None] = []

    def press(person: Person) -> None:
        try:
            start.wait()
            with transaction.atomic():
                results.append(reminder_claim(subject=SUBJECT, actor=person, now=NOW))
                # Hold the transaction open, so that the other press meets it uncommitted.
                time.sleep(0.2)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 2
    assert sum(result is not None for result in results) == 1
    assert Reminder.objects.get(subject=SUBJECT).times == 1
