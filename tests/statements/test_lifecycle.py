"""The statement's life around its text (statements.lifecycle) and the events the rounds record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from common.models import Reminder
from notifications.models import Event
from statements import lifecycle, rounds, services
from statements.models import ActingPrincipal, EndorsementRound, Statement
from tests import factories
from tests.statements.conftest import TEXT

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=7)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def events(handler: str) -> list[dict]:
    return list(
        Event.objects.filter(handler=f"statements.notify.{handler}")
        .order_by("pk")
        .values_list("payload", flat=True)
    )


def _open(statement, actor, procedure="silence", deadline=DEADLINE):
    return rounds.round_open(
        statement=statement,
        version=statement.versions.order_by("-number").first(),
        actor=actor,
        procedure=procedure,
        deadline=deadline,
    ).round


def _fresh(statement: Statement) -> Statement:
    return Statement.objects.prefetch_related("drafters").get(pk=statement.pk)


def _edit(statement, actor):
    return services.version_save(
        statement=statement,
        actor=actor,
        based_on=statement.versions.count(),
        paragraphs=[(None, kind, text + " Edited.") for _key, kind, text in TEXT],
    )


# --- Events the rounds record ---------------------------------------------------------------------


def test_opening_a_round_records_its_request(
    statement, focal_point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round = _open(statement, focal_point)

    assert events("round_opened") == [{"round_id": round.pk}]


def test_each_decline_or_objection_is_told_and_an_endorsement_is_not(
    statement, focal_point, principal, other_principal, django_capture_on_commit_callbacks
):
    round = _open(statement, focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        objection = rounds.round_answer(
            round=round,
            organisation=other_principal.organisation,
            actor=other_principal,
            answer="object",
            text="Paragraph 2 goes too far.",
        )
        rounds.round_answer(
            round=round, organisation=principal.organisation, actor=principal, answer="endorse"
        )
        rounds.round_answer(
            round=round,
            organisation=other_principal.organisation,
            actor=other_principal,
            answer="endorse",
        )
        rounds.round_answer(
            round=round,
            organisation=other_principal.organisation,
            actor=other_principal,
            answer="object",
            text="On second thoughts, no.",
        )

    assert events("round_answer_refused") == [{"endorsement_id": objection.pk}] * 2


# --- The comment period ---------------------------------------------------------------------------


def test_a_drafter_opens_a_comment_period_and_the_members_are_told(
    statement, focal_point, django_capture_on_commit_callbacks
):
    Statement.objects.filter(pk=statement.pk).update(comment_deadline=None)
    deadline = NOW + timedelta(days=10)
    before = events("comment_period_opened")  # the fixture's statement started with a period

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.comment_period_open(
            statement=_fresh(statement), actor=focal_point, deadline=deadline
        )

    assert _fresh(statement).comment_deadline == deadline
    assert _fresh(statement).stage == Statement.Stage.OPEN_FOR_COMMENTS
    assert events("comment_period_opened") == [
        *before,
        {"statement_id": statement.pk, "deadline": deadline.isoformat()},
    ]


def test_a_running_comment_period_is_extended_never_shortened(statement, secretariat):
    running = statement.comment_deadline
    told = events("comment_period_opened")
    for earlier in (running - timedelta(hours=1), running):
        with pytest.raises(ValidationError):
            lifecycle.comment_period_open(
                statement=_fresh(statement), actor=secretariat, deadline=earlier
            )
    assert _fresh(statement).comment_deadline == running
    assert events("comment_period_opened") == told

    later = running + timedelta(days=3)
    lifecycle.comment_period_open(statement=_fresh(statement), actor=secretariat, deadline=later)
    assert _fresh(statement).comment_deadline == later


def test_after_a_period_ended_a_new_one_may_end_at_any_future_time(statement, focal_point, _frozen):
    _frozen.move_to(statement.comment_deadline + timedelta(days=1))
    deadline = statement.comment_deadline + timedelta(days=2)

    lifecycle.comment_period_open(statement=_fresh(statement), actor=focal_point, deadline=deadline)

    assert _fresh(statement).comment_deadline == deadline


def test_a_comment_period_in_the_past_or_during_a_round_is_refused(statement, focal_point):
    with pytest.raises(ValidationError):
        lifecycle.comment_period_open(
            statement=_fresh(statement), actor=focal_point, deadline=NOW - timedelta(minutes=1)
        )
    _open(statement, focal_point)
    with pytest.raises(ValidationError):
        lifecycle.comment_period_open(
            statement=_fresh(statement), actor=focal_point, deadline=DEADLINE + timedelta(days=9)
        )
    assert _fresh(statement).comment_deadline == NOW + timedelta(days=7)


def test_only_drafters_and_the_secretariat_open_a_comment_period(
    statement, colleague, other_focal_point, principal, observer
):
    told = events("comment_period_opened")
    for person in (colleague, other_focal_point, principal, observer):
        with pytest.raises(PermissionDenied):
            lifecycle.comment_period_open(
                statement=_fresh(statement), actor=person, deadline=DEADLINE + timedelta(days=30)
            )
    assert _fresh(statement).comment_deadline == NOW + timedelta(days=7)
    assert events("comment_period_opened") == told


# --- Reminders ------------------------------------------------------------------------------------


def test_a_round_is_reminded_at_most_once_a_day(
    statement, focal_point, secretariat, _frozen, django_capture_on_commit_callbacks
):
    round = _open(statement, focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        first = lifecycle.round_remind(round=round, actor=focal_point)
    with pytest.raises(ValidationError):
        lifecycle.round_remind(round=round, actor=secretariat)
    _frozen.move_to(NOW + timedelta(days=1))
    second = lifecycle.round_remind(round=round, actor=secretariat)

    assert (first.times, second.times, second.last_sent_by) == (1, 2, secretariat)
    assert events("round_reminded") == [
        {"round_id": round.pk, "reminder": NOW.isoformat()},
        {"round_id": round.pk, "reminder": (NOW + timedelta(days=1)).isoformat()},
    ]


def test_only_those_who_run_rounds_remind(
    statement, focal_point, principal, other_focal_point, colleague, observer
):
    round = _open(statement, focal_point)
    for person in (principal, other_focal_point, colleague, observer):
        with pytest.raises(PermissionDenied):
            lifecycle.round_remind(round=round, actor=person)
    assert not Reminder.objects.exists()
    assert not events("round_reminded")


def test_a_chair_reminds_a_round(statement, focal_point, other_focal_point):
    factories.ChairTermFactory(organisations=[other_focal_point.organisation])
    round = _open(statement, focal_point)

    assert lifecycle.round_remind(round=round, actor=other_focal_point).times == 1


def test_no_reminder_after_the_deadline_or_when_everyone_answered(
    statement, focal_point, principal, other_principal, secretariat, _frozen
):
    round = _open(statement, focal_point)
    for person, organisation in (
        (principal, principal.organisation),
        (other_principal, other_principal.organisation),
        (secretariat, secretariat.organisation),
    ):
        rounds.round_answer(round=round, organisation=organisation, actor=person, answer="endorse")
    with pytest.raises(ValidationError):
        lifecycle.round_remind(round=round, actor=focal_point)

    other = _open(
        services.statement_create(
            actor=focal_point,
            title="Another",
            lead_organisations=[focal_point.organisation],
            paragraphs=TEXT,
        ),
        focal_point,
    )
    _frozen.move_to(DEADLINE)
    with pytest.raises(ValidationError):
        lifecycle.round_remind(round=other, actor=focal_point)
    assert not Reminder.objects.exists()


# --- Adoption -------------------------------------------------------------------------------------


def test_adoption_after_the_deadline_closes_the_round_and_records_the_endorsements(
    statement,
    focal_point,
    principal,
    other_organisation,
    secretariat,
    _frozen,
    django_capture_on_commit_callbacks,
):
    round = _open(statement, focal_point)
    rounds.round_answer(
        round=round,
        organisation=principal.organisation,
        actor=principal,
        answer="endorse_with_reservation",
        text="Subject to our board.",
    )
    _frozen.move_to(DEADLINE + timedelta(hours=1))
    endorsing = [principal.organisation, other_organisation, secretariat.organisation]

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.statement_adopt(
            statement=_fresh(statement), actor=focal_point, round=round, endorsing=endorsing
        )

    adopted = _fresh(statement)
    round.refresh_from_db()
    assert adopted.stage == Statement.Stage.ADOPTED
    assert (adopted.adopted_by, adopted.adopted_round, adopted.adopted_version) == (
        focal_point,
        round,
        round.endorsed_version,
    )
    assert set(adopted.endorsing_organisations.all()) == set(endorsing)
    assert (round.closed_at, round.closed_by) == (DEADLINE + timedelta(hours=1), focal_point)
    assert events("statement_adopted") == [{"statement_id": statement.pk}]


def test_adoption_with_an_organisation_that_did_not_endorse_is_refused(
    statement, focal_point, principal, other_principal, _frozen
):
    round = _open(statement, focal_point, procedure="explicit")
    rounds.round_answer(
        round=round, organisation=principal.organisation, actor=principal, answer="endorse"
    )
    rounds.round_answer(
        round=round,
        organisation=other_principal.organisation,
        actor=other_principal,
        answer="decline",
        text="Not our mandate.",
    )
    _frozen.move_to(DEADLINE)

    with pytest.raises(ValidationError) as refused:
        lifecycle.statement_adopt(
            statement=_fresh(statement),
            actor=focal_point,
            round=round,
            endorsing=[principal.organisation, other_principal.organisation],
        )

    assert "ILO" in str(refused.value)
    assert _fresh(statement).adopted_at is None
    assert EndorsementRound.objects.get(pk=round.pk).is_open
    assert not events("statement_adopted")


def test_adoption_before_the_deadline_or_without_endorsers_is_refused(
    statement, focal_point, principal, _frozen
):
    round = _open(statement, focal_point)
    rounds.round_answer(
        round=round, organisation=principal.organisation, actor=principal, answer="endorse"
    )
    with pytest.raises(ValidationError):
        lifecycle.statement_adopt(
            statement=_fresh(statement),
            actor=focal_point,
            round=round,
            endorsing=[principal.organisation],
        )
    _frozen.move_to(DEADLINE)
    with pytest.raises(ValidationError):
        lifecycle.statement_adopt(
            statement=_fresh(statement), actor=focal_point, round=round, endorsing=[]
        )
    assert _fresh(statement).adopted_at is None


def test_adoption_on_a_voided_round_or_another_statements_round_is_refused(
    statement, focal_point, principal, _frozen
):
    voided = _open(statement, focal_point)
    _edit(statement, focal_point)
    other = services.statement_create(
        actor=focal_point,
        title="Another",
        lead_organisations=[focal_point.organisation],
        paragraphs=TEXT,
    )
    foreign = _open(other, focal_point)
    _frozen.move_to(DEADLINE)
    for round in (voided, foreign):
        with pytest.raises(ValidationError):
            lifecycle.statement_adopt(
                statement=_fresh(statement),
                actor=focal_point,
                round=round,
                endorsing=[principal.organisation],
            )
    assert _fresh(statement).adopted_at is None


def test_only_drafters_and_the_secretariat_record_adoption(
    statement, focal_point, principal, colleague, other_focal_point, _frozen
):
    round = _open(statement, focal_point)
    _frozen.move_to(DEADLINE)
    for person in (principal, colleague, other_focal_point):
        with pytest.raises(PermissionDenied):
            lifecycle.statement_adopt(
                statement=_fresh(statement),
                actor=person,
                round=round,
                endorsing=[principal.organisation],
            )
    assert _fresh(statement).adopted_at is None


def test_a_statement_is_adopted_once(statement, focal_point, secretariat, principal, _frozen):
    round = _open(statement, focal_point)
    _frozen.move_to(DEADLINE)
    lifecycle.statement_adopt(
        statement=_fresh(statement),
        actor=focal_point,
        round=round,
        endorsing=[principal.organisation],
    )
    with pytest.raises(ValidationError):
        lifecycle.statement_adopt(
            statement=_fresh(statement),
            actor=secretariat,
            round=round,
            endorsing=[principal.organisation],
        )
    assert _fresh(statement).adopted_by == focal_point


# --- Withdrawal and publication -------------------------------------------------------------------


def test_withdrawal_needs_a_reason_and_closes_the_open_round(statement, focal_point):
    round = _open(statement, focal_point)
    with pytest.raises(ValidationError):
        lifecycle.statement_withdraw(statement=_fresh(statement), actor=focal_point, reason="  ")
    assert _fresh(statement).withdrawn_at is None

    lifecycle.statement_withdraw(
        statement=_fresh(statement), actor=focal_point, reason="Overtaken by events."
    )

    withdrawn = _fresh(statement)
    round.refresh_from_db()
    assert withdrawn.stage == Statement.Stage.WITHDRAWN
    assert (withdrawn.withdrawn_by, withdrawn.withdrawal_reason) == (
        focal_point,
        "Overtaken by events.",
    )
    assert (round.closed_at, round.closed_by) == (NOW, focal_point)
    with pytest.raises(ValidationError):
        lifecycle.statement_withdraw(statement=withdrawn, actor=focal_point, reason="Again.")


def test_only_drafters_and_the_secretariat_withdraw(statement, colleague, principal, observer):
    for person in (colleague, principal, observer):
        with pytest.raises(PermissionDenied):
            lifecycle.statement_withdraw(statement=_fresh(statement), actor=person, reason="No.")
    assert _fresh(statement).withdrawn_at is None


def test_only_an_adopted_statement_is_published_and_not_before_its_adoption(
    statement, focal_point, principal, _frozen
):
    with pytest.raises(ValidationError):
        lifecycle.statement_publish(
            statement=_fresh(statement),
            actor=focal_point,
            published_on=date(2026, 6, 3),
            public_url="",
        )
    round = _open(statement, focal_point)
    _frozen.move_to(DEADLINE)
    lifecycle.statement_adopt(
        statement=_fresh(statement),
        actor=focal_point,
        round=round,
        endorsing=[principal.organisation],
    )
    with pytest.raises(ValidationError):
        lifecycle.statement_publish(
            statement=_fresh(statement),
            actor=focal_point,
            published_on=date(2026, 6, 9),
            public_url="",
        )
    with pytest.raises(ValidationError):
        lifecycle.statement_publish(
            statement=_fresh(statement),
            actor=focal_point,
            published_on=date(2026, 6, 10),
            public_url="not a link",
        )
    assert _fresh(statement).published_on is None

    lifecycle.statement_publish(
        statement=_fresh(statement),
        actor=focal_point,
        published_on=date(2026, 6, 10),
        public_url=" https://example.org/statement ",
    )

    published = _fresh(statement)
    assert (published.published_on, published.public_url) == (
        date(2026, 6, 10),
        "https://example.org/statement",
    )
    assert published.stage == Statement.Stage.PUBLISHED


# --- Acting principals ----------------------------------------------------------------------------


@pytest.fixture
def deputy(organisation):
    return factories.PersonFactory(organisation=organisation, email="deputy@example.org")


def test_a_principal_names_an_acting_principal_who_then_answers(
    statement, focal_point, principal, deputy
):
    acting = lifecycle.acting_principal_name(
        principal=principal, person=deputy, starts_on=date(2026, 6, 3), ends_on=date(2026, 6, 5)
    )
    round = _open(statement, focal_point)

    endorsement = rounds.round_answer(
        round=round, organisation=principal.organisation, actor=deputy, answer="endorse"
    )

    assert (acting.organisation, acting.principal) == (principal.organisation, principal)
    assert endorsement.on_behalf is False


def test_an_acting_principal_is_an_active_person_of_the_principals_organisation(
    principal, other_focal_point, deputy
):
    deputy.is_active = False
    deputy.save(update_fields=["is_active"])
    for person in (other_focal_point, deputy, principal):
        with pytest.raises(ValidationError):
            lifecycle.acting_principal_name(
                principal=principal,
                person=person,
                starts_on=date(2026, 6, 3),
                ends_on=date(2026, 6, 5),
            )
    assert not ActingPrincipal.objects.exists()


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (date(2026, 6, 5), date(2026, 6, 4)),  # ends before it starts
        (date(2026, 6, 2), date(2026, 6, 5)),  # starts in the past
        (date(2026, 6, 3), date(2027, 6, 4)),  # more than a year
    ],
)
def test_an_acting_period_has_sane_dates(principal, deputy, starts_on, ends_on):
    with pytest.raises(ValidationError):
        lifecycle.acting_principal_name(
            principal=principal, person=deputy, starts_on=starts_on, ends_on=ends_on
        )
    assert not ActingPrincipal.objects.exists()


def test_overlapping_periods_for_the_same_person_are_refused(principal, deputy):
    lifecycle.acting_principal_name(
        principal=principal, person=deputy, starts_on=date(2026, 6, 3), ends_on=date(2026, 6, 10)
    )
    with pytest.raises(ValidationError):
        lifecycle.acting_principal_name(
            principal=principal,
            person=deputy,
            starts_on=date(2026, 6, 10),
            ends_on=date(2026, 6, 12),
        )
    assert ActingPrincipal.objects.count() == 1


def test_only_a_principal_names_an_acting_principal(focal_point, secretariat, deputy):
    for person in (focal_point, secretariat):
        with pytest.raises(PermissionDenied):
            lifecycle.acting_principal_name(
                principal=person,
                person=deputy,
                starts_on=date(2026, 6, 3),
                ends_on=date(2026, 6, 5),
            )
    assert not ActingPrincipal.objects.exists()


def test_ending_a_running_period_stops_it_today_and_a_future_one_is_removed(
    principal, deputy, _frozen
):
    running = lifecycle.acting_principal_name(
        principal=principal, person=deputy, starts_on=date(2026, 6, 3), ends_on=date(2026, 6, 10)
    )
    future = lifecycle.acting_principal_name(
        principal=principal, person=deputy, starts_on=date(2026, 6, 20), ends_on=date(2026, 6, 25)
    )
    _frozen.move_to(NOW + timedelta(days=2))

    ended = lifecycle.acting_principal_end(acting=running, actor=principal)
    removed = lifecycle.acting_principal_end(acting=future, actor=principal)

    assert ended is not None and ended.ends_on == date(2026, 6, 4)
    assert removed is None
    assert list(ActingPrincipal.objects.all()) == [running]
    with pytest.raises(ValidationError):
        lifecycle.acting_principal_end(acting=running, actor=principal)


def test_another_organisations_principal_cannot_end_a_period(principal, other_principal, deputy):
    acting = lifecycle.acting_principal_name(
        principal=principal, person=deputy, starts_on=date(2026, 6, 3), ends_on=date(2026, 6, 10)
    )
    with pytest.raises(PermissionDenied):
        lifecycle.acting_principal_end(acting=acting, actor=other_principal)
    assert ActingPrincipal.objects.get().ends_on == date(2026, 6, 10)
