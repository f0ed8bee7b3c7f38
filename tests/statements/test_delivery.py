"""Whether a round's request reached each addressed organisation, read from the delivery log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from notifications import contract
from notifications.models import Delivery
from statements import delivery, notify
from statements.models import EndorsementRound
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_round(organisations):
    statement = factories.StatementFactory(lead_organisations=organisations[:1])
    version = factories.StatementVersionFactory(statement=statement, number=1)
    round = EndorsementRound.objects.create(
        statement=statement,
        endorsed_version=version,
        procedure="explicit",
        deadline=NOW + timedelta(days=7),
    )
    round.addressed_organisations.set(organisations)
    return round


def log(round, person, status):
    """A delivery of the round's request as notify records it (the key is the event's, then the
    person's id)."""
    return Delivery.objects.create(
        key=f"{delivery.round_opened_key(round)}:{person.pk}",
        kind="endorsement_requested",
        person=person,
        to=person.email,
        subject="Endorsement asked",
        text="",
        html="",
        status=status,
    )


def test_each_organisation_is_as_well_reached_as_its_best_reached_person():
    sent, failed, waiting, retrying, silent, skipped = (
        factories.OrganisationFactory() for _ in range(6)
    )
    round = make_round([sent, failed, waiting, retrying, silent, skipped])
    for organisation, statuses in (
        (sent, ["failed", "sent", "pending"]),
        (failed, ["failed", "pending"]),
        (waiting, ["pending"]),
        (retrying, ["retry", "sending"]),
        (skipped, ["skipped"]),
    ):
        for status in statuses:
            log(round, factories.PersonFactory(organisation=organisation), status)
    assert delivery.round_deliveries(round) == {
        sent.pk: "delivered",
        failed.pk: "failed",
        waiting.pk: "pending",
        retrying.pk: "pending",
        silent.pk: "not_sent",
        skipped.pk: "not_sent",
    }


def test_another_rounds_or_another_events_deliveries_do_not_count():
    organisation = factories.OrganisationFactory()
    person = factories.PersonFactory(organisation=organisation)
    first, second = make_round([organisation]), make_round([organisation])
    log(second, person, "sent")
    # Another event of the same round, whose key starts with the request's.
    Delivery.objects.create(
        key=f"{delivery.round_opened_key(first)}:again:{person.pk}",
        kind="endorsement_reminder",
        person=person,
        to=person.email,
        subject="",
        text="",
        html="",
        status="sent",
    )
    assert delivery.round_deliveries(first) == {organisation.pk: "not_sent"}
    assert delivery.round_deliveries(second) == {organisation.pk: "delivered"}
    key = delivery.round_opened_key(second)
    assert contract.delivery_states(key=key, people=[person.pk]) == {person.pk: "sent"}
    assert contract.delivery_states(key=key, people=[person.pk + 1000]) == {}


def test_an_acting_principal_reached_counts_for_the_organisation_they_act_for():
    acted_for, own = factories.OrganisationFactory(), factories.OrganisationFactory()
    deputy = factories.PersonFactory(organisation=own)
    factories.ActingPrincipalFactory(
        organisation=acted_for, person=deputy, starts_on=NOW.date(), ends_on=NOW.date()
    )
    round = make_round([acted_for, own])
    log(round, deputy, "sent")
    assert delivery.round_deliveries(round) == {acted_for.pk: "delivered", own.pk: "delivered"}


@pytest.mark.parametrize("size", [2, 12])
def test_reading_the_deliveries_costs_the_same_whatever_the_number_of_organisations(
    size, django_assert_num_queries
):
    organisations = [factories.OrganisationFactory() for _ in range(size)]
    round = make_round(organisations)
    for organisation in organisations:
        for status in ("sent", "failed"):
            log(round, factories.PersonFactory(organisation=organisation), status)
    round = EndorsementRound.objects.prefetch_related("addressed_organisations").get(pk=round.pk)
    with django_assert_num_queries(3):
        states = delivery.round_deliveries(round)
    assert set(states.values()) == {"delivered"} and len(states) == size


def test_the_request_sent_by_round_opened_shows_as_delivered(
    organisation, other_organisation, focal_point, django_capture_on_commit_callbacks
):
    factories.PrincipalFactory(organisation=other_organisation, email="principal.ilo@example.org")
    nobody = factories.OrganisationFactory(acronym="EMPTY")
    round = make_round([organisation, other_organisation, nobody])
    assert set(delivery.round_deliveries(round).values()) == {"not_sent"}
    with django_capture_on_commit_callbacks(execute=True):
        notify.round_opened(round_id=round.pk)
    assert len(mail.outbox) == 2
    assert delivery.round_deliveries(round) == {
        organisation.pk: "delivered",
        other_organisation.pk: "delivered",
        nobody.pk: "not_sent",
    }
