from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from common.versioning import ConflictError
from statements import rounds, services
from statements.models import Endorsement, EndorsementRound, Statement
from tests import factories
from tests.statements.conftest import TEXT

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=7)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def principal(organisation):
    return factories.PrincipalFactory(organisation=organisation, email="unicef-boss@example.org")


def _open(statement, actor, procedure="silence", deadline=DEADLINE):
    return rounds.round_open(
        statement=statement,
        version=statement.versions.get(number=1),
        actor=actor,
        procedure=procedure,
        deadline=deadline,
    )


def _edit(statement, actor):
    return services.version_save(
        statement=statement,
        actor=actor,
        based_on=statement.versions.count(),
        paragraphs=[(None, kind, text + " Edited.") for _key, kind, text in TEXT],
    )


def test_round_open_addresses_members_and_flags_those_without_principal(
    statement, focal_point, principal, other_organisation
):
    opened = _open(statement, focal_point)
    assert set(opened.round.addressed_organisations.all()) == {
        statement.lead_organisations.get(),
        other_organisation,
    }
    assert opened.without_principal == [other_organisation]
    assert Statement.objects.get(pk=statement.pk).stage == Statement.Stage.IN_ENDORSEMENT
    assert list(Statement.objects.in_endorsement()) == [statement]
    annotated = Statement.objects.with_round_state().get(pk=statement.pk)
    assert annotated.stage == Statement.Stage.IN_ENDORSEMENT


def test_round_on_a_version_that_is_not_the_latest_is_refused(statement, focal_point):
    _edit(statement, focal_point)
    with pytest.raises(ConflictError):
        _open(statement, focal_point)
    assert not EndorsementRound.objects.exists()


def test_second_open_round_and_past_deadline_are_refused(statement, focal_point):
    with pytest.raises(ValidationError):
        _open(statement, focal_point, deadline=NOW - timedelta(minutes=1))
    _open(statement, focal_point)
    with pytest.raises(ValidationError):
        _open(statement, focal_point)
    assert EndorsementRound.objects.count() == 1


def test_a_new_version_voids_the_open_round(statement, focal_point):
    round = _open(statement, focal_point).round
    version = _edit(statement, focal_point)
    round.refresh_from_db()
    assert round.closed_at == NOW
    assert round.voided_by_version == version
    assert Statement.objects.get(pk=statement.pk).stage != Statement.Stage.IN_ENDORSEMENT


def test_deadline_is_extended_never_shortened(statement, focal_point):
    round = _open(statement, focal_point).round
    with pytest.raises(ValidationError):
        rounds.round_extend(round=round, actor=focal_point, deadline=DEADLINE - timedelta(hours=1))
    with pytest.raises(ValidationError):
        rounds.round_extend(round=round, actor=focal_point, deadline=DEADLINE)
    later = DEADLINE + timedelta(days=2)
    rounds.round_extend(round=round, actor=focal_point, deadline=later)
    round.refresh_from_db()
    assert round.deadline == later


def test_first_objection_breaks_silence(statement, focal_point, principal, other_principal):
    round = _open(statement, focal_point).round
    rounds.round_answer(
        round=round, organisation=principal.organisation, actor=principal, answer="endorse"
    )
    round.refresh_from_db()
    assert round.silence_broken_at is None
    rounds.round_answer(
        round=round,
        organisation=other_principal.organisation,
        actor=other_principal,
        answer="object",
        text="Paragraph 2 goes too far.",
    )
    round.refresh_from_db()
    assert round.silence_broken_at == NOW
    with pytest.raises(ValidationError):  # "decline" is the explicit procedure's word
        rounds.round_answer(
            round=round,
            organisation=principal.organisation,
            actor=principal,
            answer="decline",
            text="No.",
        )
    rounds.round_make_explicit(round=round, actor=focal_point)
    round.refresh_from_db()
    assert round.procedure == EndorsementRound.Procedure.EXPLICIT


def test_deemed_endorsement_is_computed_on_both_sides_of_the_deadline(
    statement, focal_point, principal, other_organisation, _frozen
):
    round = _open(statement, focal_point).round
    rounds.round_answer(
        round=round, organisation=principal.organisation, actor=principal, answer="endorse"
    )
    _frozen.move_to(DEADLINE - timedelta(seconds=1))
    before = rounds.round_outcome(round, timezone.now())
    assert [row.result for row in before.rows] == [rounds.Result.AWAITED, rounds.Result.ENDORSE]
    _frozen.move_to(DEADLINE)
    after = rounds.round_outcome(round, timezone.now())
    assert [(row.organisation, row.result) for row in after.rows] == [
        (other_organisation, rounds.Result.DEEMED_ENDORSED),
        (principal.organisation, rounds.Result.ENDORSE),
    ]
    assert after.counts == {"deemed_endorsed": 1, "endorse": 1}


def test_explicit_round_counts_silence_as_no_answer(statement, focal_point):
    round = _open(statement, focal_point, procedure="explicit").round
    outcome = rounds.round_outcome(round, DEADLINE)
    assert {row.result for row in outcome.rows} == {rounds.Result.NO_ANSWER}


def test_answer_after_the_deadline_is_refused(statement, focal_point, principal, _frozen):
    round = _open(statement, focal_point).round
    _frozen.move_to(DEADLINE)
    with pytest.raises(ValidationError):
        rounds.round_answer(
            round=round, organisation=principal.organisation, actor=principal, answer="endorse"
        )
    assert not Endorsement.objects.exists()


def test_answers_on_behalf_are_marked(statement, focal_point, principal, other_focal_point):
    round = _open(statement, focal_point).round
    secretariat = factories.SecretariatFactory(organisation=None, email="sec@example.org")
    by_focal_point = rounds.round_answer(
        round=round,
        organisation=other_focal_point.organisation,
        actor=other_focal_point,
        answer="endorse",
    )
    assert by_focal_point.on_behalf is True
    by_principal = rounds.round_answer(
        round=round, organisation=principal.organisation, actor=principal, answer="endorse"
    )
    assert by_principal.on_behalf is False
    changed = rounds.round_answer(
        round=round,
        organisation=principal.organisation,
        actor=secretariat,
        answer="endorse_with_reservation",
        text="Subject to our board.",
    )
    assert changed.pk == by_principal.pk and changed.on_behalf is True
    assert Endorsement.objects.count() == 2


def test_acting_principal_answers_on_their_dates_only(
    statement, focal_point, other_organisation, _frozen
):
    acting = factories.ActingPrincipalFactory(
        organisation=other_organisation,
        person=factories.PersonFactory(
            organisation=other_organisation, role="observer", email="deputy@example.org"
        ),
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 4),
    )
    opened = _open(statement, focal_point)
    assert other_organisation not in opened.without_principal
    endorsement = rounds.round_answer(
        round=opened.round, organisation=other_organisation, actor=acting.person, answer="endorse"
    )
    assert endorsement.on_behalf is False
    _frozen.move_to(datetime(2026, 6, 5, 9, 0, tzinfo=UTC))
    with pytest.raises(PermissionDenied):
        rounds.round_answer(
            round=opened.round,
            organisation=other_organisation,
            actor=acting.person,
            answer="object",
            text="Changed our mind.",
        )
    endorsement.refresh_from_db()
    assert endorsement.answer == "endorse"


@pytest.mark.parametrize("who", ["observer", "other_principal", "other_focal_point"])
def test_wrong_roles_cannot_answer_for_an_organisation(
    who, statement, focal_point, principal, other_principal, other_focal_point
):
    round = _open(statement, focal_point).round
    actor = {
        "observer": factories.ObserverFactory(email="observer@example.org"),
        "other_principal": other_principal,
        "other_focal_point": other_focal_point,
    }[who]
    with pytest.raises(PermissionDenied):
        rounds.round_answer(
            round=round,
            organisation=principal.organisation,
            actor=actor,
            answer="object",
            text="Not ours to say.",
        )
    round.refresh_from_db()
    assert not Endorsement.objects.exists() and round.silence_broken_at is None


def test_observer_and_other_principal_cannot_open_a_round(statement, other_principal):
    for actor in (factories.ObserverFactory(email="observer@example.org"), other_principal):
        with pytest.raises(PermissionDenied):
            _open(statement, actor)
    assert not EndorsementRound.objects.exists()


@pytest.mark.parametrize("size", [2, 12])
def test_round_outcome_in_a_fixed_number_of_queries(
    size, statement, focal_point, django_assert_max_num_queries
):
    factories.OrganisationFactory.create_batch(size)
    round = _open(statement, focal_point, procedure="silence").round
    for organisation in list(round.addressed_organisations.all())[: size // 2]:
        secretariat = factories.SecretariatFactory(organisation=None)
        rounds.round_answer(
            round=round, organisation=organisation, actor=secretariat, answer="endorse"
        )
    with django_assert_max_num_queries(2):
        outcome = rounds.round_outcome(round, DEADLINE)
        for row in outcome.rows:
            str(row.organisation), row.endorsement and str(row.endorsement.answered_by)
    assert len(outcome.rows) == size + 1
