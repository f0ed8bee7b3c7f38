"""Whom statements tell of what: the service messages that ask for an organisation's answer
reach every focal point and principal, once, in their language and time zone; what only informs
(an objection, an adoption) respects people's email preferences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from notifications.models import Delivery, Notification, Preference
from statements import notify, rounds, services
from statements.models import Endorsement, EndorsementRound, Statement
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
# 10 June 2026, 09:00 UTC: 11:00 in Vienna (summer time), 05:00 in New York.
DEADLINE = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(organisation, other_organisation, focal_point, principal, secretariat, observer):
    """UNICEF (leads; its focal point drafts) and ILO, members; GONE left last year. ILO's
    principal reads French in New York and turned off the emails that cannot wait."""
    gone = factories.OrganisationFactory(acronym="GONE", left_on=date(2025, 1, 1))
    people = {
        "focal": focal_point,
        "principal": principal,
        "alternate": factories.PersonFactory(
            organisation=organisation, role="alternate", email="alt.unicef@example.org"
        ),
        "ilo_focal": factories.PersonFactory(
            organisation=other_organisation, email="focal.ilo@example.org"
        ),
        "ilo_principal": factories.PrincipalFactory(
            organisation=other_organisation,
            email="principal.ilo@example.org",
            language="fr",
            time_zone="America/New_York",
        ),
        "secretariat": secretariat,
        "observer": observer,
        "gone": factories.PersonFactory(organisation=gone, email="focal.gone@example.org"),
        "inactive": factories.PersonFactory(
            organisation=other_organisation, email="left.ilo@example.org", is_active=False
        ),
    }
    Preference.objects.create(person=people["ilo_principal"], immediate=False)
    return people


@pytest.fixture
def statement(world, organisation):
    statement = factories.StatementFactory(
        title="World Day against Trafficking in Persons",
        lead_organisations=[organisation],
        drafters=[world["focal"]],
        comment_deadline=DEADLINE,
    )
    version = factories.StatementVersionFactory(statement=statement, number=1)
    factories.ParagraphFactory(version=version)
    return statement


def recipients(messages=None) -> list[str]:
    return sorted(message.to[0] for message in (mail.outbox if messages is None else messages))


def message_to(address: str):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


ASKED = [
    "alt.unicef@example.org",
    "focal.ilo@example.org",
    "focal@example.org",
    "principal.ilo@example.org",
    "principal@example.org",
]


# --- Comments ------------------------------------------------------------------------------------


def test_a_comment_period_asks_every_members_focal_points_and_principals_once(
    statement, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify.comment_period_opened(
            statement_id=statement.pk, deadline=DEADLINE.isoformat()
        )
        # The event retried by a second worker, or relayed again by the beat.
        again = notify.comment_period_opened(
            statement_id=statement.pk, deadline=DEADLINE.isoformat()
        )
    assert (sent, again) == (5, 0)
    # Not the secretariat, the observer, an organisation that left, nor someone inactive; the
    # ILO principal, whose immediate emails are off, is asked all the same.
    assert recipients() == ASKED
    message = message_to("focal@example.org")
    assert "version 1" in message.body and statement.get_absolute_url() in message.body
    assert "Stop these emails" not in message.body and not message.extra_headers.get(
        "List-Unsubscribe"
    )
    # In the hub too. (A handler runs once per event: the outbox marks the event done in the
    # handler's transaction. Only the emails are keyed, hence checked for a second run.)
    assert Notification.objects.filter(person=world["ilo_principal"]).exists()


def test_starting_a_statement_with_a_comment_deadline_asks_the_members_at_once(
    world, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_create(
            actor=world["focal"],
            title="A call started open for comments",
            lead_organisations=[organisation],
            comment_deadline=DEADLINE,
            paragraphs=[(None, "paragraph", "States must act now.")],
        )
    assert recipients() == ASKED


def test_the_comment_deadline_reads_in_each_persons_time_zone_and_language(
    statement, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify.comment_period_opened(statement_id=statement.pk, deadline=DEADLINE.isoformat())
    in_vienna = message_to("focal@example.org")
    assert "11:00 (Europe/Vienna)" in in_vienna.body
    assert "June" in in_vienna.subject
    in_new_york = message_to("principal.ilo@example.org")
    assert "05:00 (America/New_York)" in in_new_york.body
    # In French: the HTML says so, and the date is in French (Django's own catalogue), wherever
    # the text around it stands in the project's catalogue.
    assert 'lang="fr"' in in_new_york.alternatives[0][0]
    with translation.override("fr"):
        assert date_format(DEADLINE.date(), "j F") in in_new_york.subject  # "10 juin"
        title = gettext("Comments asked: {title}").format(title=statement.title)
    assert Notification.objects.get(person=world["ilo_principal"]).title == title


def test_an_extended_comment_deadline_asks_again_and_the_old_event_tells_nobody(
    statement, django_capture_on_commit_callbacks
):
    later = DEADLINE + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        notify.comment_period_opened(statement_id=statement.pk, deadline=DEADLINE.isoformat())
    Statement.objects.filter(pk=statement.pk).update(comment_deadline=later)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # The first deadline's event, relayed late: that deadline is no longer in force.
        assert (
            notify.comment_period_opened(statement_id=statement.pk, deadline=DEADLINE.isoformat())
            == 0
        )
        assert (
            notify.comment_period_opened(statement_id=statement.pk, deadline=later.isoformat()) == 5
        )
    assert recipients() == ASKED
    assert "13 June" in message_to("focal@example.org").subject


def test_a_comment_period_that_ended_before_the_worker_ran_asks_nobody(
    statement, _frozen, django_capture_on_commit_callbacks
):
    _frozen.move_to(DEADLINE + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            notify.comment_period_opened(statement_id=statement.pk, deadline=DEADLINE.isoformat())
            == 0
        )
    assert mail.outbox == [] and not Delivery.objects.exists()


# --- Endorsement rounds --------------------------------------------------------------------------


def open_round(statement, actor, procedure="silence"):
    """Open a round through the service (which records round_opened) without running it."""
    return rounds.round_open(
        statement=statement,
        version=statement.versions.get(number=1),
        actor=actor,
        procedure=procedure,
        deadline=DEADLINE,
    ).round


def test_opening_a_round_asks_the_addressed_organisations_people_and_acting_principals(
    statement, world, other_organisation, django_capture_on_commit_callbacks
):
    deputy = factories.PersonFactory(
        organisation=world["secretariat"].organisation, role="observer", email="deputy@example.org"
    )
    factories.ActingPrincipalFactory(
        organisation=other_organisation,
        person=deputy,
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 7),
    )
    past = factories.PersonFactory(role="observer", email="past-deputy@example.org")
    factories.ActingPrincipalFactory(
        organisation=other_organisation,
        person=past,
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 6, 2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        round = open_round(statement, world["focal"])
    # An organisation that joins after the opening day is not addressed, so not asked.
    late = factories.OrganisationFactory(acronym="LATE")
    factories.PersonFactory(organisation=late, email="focal.late@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.round_opened(round_id=round.pk) == 0
    assert recipients() == sorted([*ASKED, "deputy@example.org"])
    body = message_to("principal@example.org").body
    assert "version 1" in body and "11:00 (Europe/Vienna)" in body
    assert "deemed to endorse" in body  # the silence procedure, explained
    assert notify.round_url(round) in body
    assert "05:00 (America/New_York)" in message_to("principal.ilo@example.org").body
    assert set(Delivery.objects.values_list("kind", flat=True)) == {"endorsement_requested"}


def test_an_explicit_round_explains_that_only_an_answer_counts(
    statement, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_round(statement, world["focal"], procedure="explicit")
    body = message_to("focal.ilo@example.org").body
    assert "Explicit endorsement" in body and "deemed to endorse" not in body


def test_a_round_voided_before_the_worker_ran_asks_nobody(
    statement, world, django_capture_on_commit_callbacks
):
    round = open_round(statement, world["focal"])
    EndorsementRound.objects.filter(pk=round.pk).update(closed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.round_opened(round_id=round.pk) == 0
    assert mail.outbox == []


def answer(round, organisation, actor, value, text="", at=None):
    """An answer as the service leaves it, written directly so that the handler under test runs
    on its own."""
    endorsement, _ = Endorsement.objects.update_or_create(
        round=round,
        organisation=organisation,
        defaults={
            "answer": value,
            "text": text,
            "answered_by": actor,
            "answered_at": at or timezone.now(),
        },
    )
    return endorsement


def test_a_reminder_asks_only_the_organisations_that_have_not_answered_once_each(
    statement, world, organisation, django_capture_on_commit_callbacks
):
    round = open_round(statement, world["focal"])
    answer(round, organisation, world["principal"], "endorse")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.round_reminded(round_id=round.pk, reminder="2026-06-05") == 2
        assert notify.round_reminded(round_id=round.pk, reminder="2026-06-05") == 0
    assert recipients() == ["focal.ilo@example.org", "principal.ilo@example.org"]
    assert "has not answered yet" in message_to("focal.ilo@example.org").body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.round_reminded(round_id=round.pk, reminder="2026-06-06") == 2


def test_an_objection_tells_the_drafters_and_the_secretariat_that_silence_is_broken(
    statement, world, other_organisation, django_capture_on_commit_callbacks
):
    round = open_round(statement, world["focal"])
    with django_capture_on_commit_callbacks(execute=True):
        objection = rounds.round_answer(
            round=round,
            organisation=other_organisation,
            actor=world["ilo_principal"],
            answer="object",
            text="Paragraph 2 overstates our mandate.",
        )
    assert recipients() == ["focal@example.org", "sec@example.org"]
    message = message_to("focal@example.org")
    assert message.subject == f"ILO objects to {statement.title}"
    assert "Paragraph 2 overstates our mandate." in message.body
    assert "breaks the silence" in message.body
    # Informing, not asking: the drafters can unsubscribe.
    assert "Stop these emails" in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.round_answer_refused(endorsement_id=objection.pk) == 0
    assert mail.outbox == []


def test_a_decline_tells_again_when_the_answer_changes_and_respects_preferences(
    statement, world, other_organisation, django_capture_on_commit_callbacks
):
    Preference.objects.create(person=world["secretariat"], immediate=False)
    round = open_round(statement, world["focal"], procedure="explicit")
    decline = answer(round, other_organisation, world["ilo_focal"], "decline", "Not our field.")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.round_answer_refused(endorsement_id=decline.pk) == 1
    assert recipients() == ["focal@example.org"]
    assert "declines to endorse" in mail.outbox[0].subject
    assert "on the principal's behalf" not in mail.outbox[0].body
    assert Notification.objects.filter(person=world["secretariat"]).count() == 1
    # Endorsed, then declined again: a new refusal, told again.
    answer(round, other_organisation, world["ilo_focal"], "endorse", at=NOW + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.round_answer_refused(endorsement_id=decline.pk) == 0
    answer(
        round, other_organisation, world["ilo_focal"], "decline", "No.", NOW + timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.round_answer_refused(endorsement_id=decline.pk) == 1
    assert len(mail.outbox) == 2


# --- Adoption ------------------------------------------------------------------------------------


def adopt(statement, organisations, published_on=None):
    Statement.objects.filter(pk=statement.pk).update(
        adopted_at=NOW, adopted_version=statement.versions.get(), published_on=published_on
    )
    statement.endorsing_organisations.set(organisations)


def test_adoption_tells_every_member_and_the_secretariat_but_not_observers(
    statement, world, organisation, other_organisation, django_capture_on_commit_callbacks
):
    adopt(statement, [organisation, other_organisation])
    with django_capture_on_commit_callbacks(execute=True):
        told = notify.statement_adopted(statement_id=statement.pk)
        notify.statement_adopted(statement_id=statement.pk)
    # The ILO principal turned immediate emails off: told in the hub only.
    assert told == 5
    assert recipients() == [
        "alt.unicef@example.org",
        "focal.ilo@example.org",
        "focal@example.org",
        "principal@example.org",
        "sec@example.org",
    ]
    assert "Endorsed by 2 organisations: ILO, UNICEF." in message_to("focal@example.org").body
    assert Notification.objects.filter(person=world["ilo_principal"]).exists()
    assert not Notification.objects.filter(person=world["observer"]).exists()


def test_adoption_of_a_published_statement_tells_observers_too(
    statement, world, organisation, django_capture_on_commit_callbacks
):
    adopt(statement, [organisation], published_on=date(2026, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        notify.statement_adopted(statement_id=statement.pk)
    assert "observer@example.org" in recipients()
    assert "Endorsed by 1 organisation: UNICEF." in message_to("observer@example.org").body


def test_a_statement_not_adopted_tells_nobody(statement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.statement_adopted(statement_id=statement.pk) == 0
    assert mail.outbox == []
