"""Statements in the handover checklist: every statement in progress, with its stage and next
deadline, a drafter of the outgoing chairs as the suggested owner, a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import registry
from coordination import handovers
from coordination.models import HandoverTask
from statements import rounds, services
from statements.handover import statements_in_progress
from statements.models import Statement
from tests import factories
from tests.statements.conftest import TEXT

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
SOURCE = "statements.handover.statements_in_progress"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def terms(organisation, other_organisation):
    """UNICEF chairs until the end of June; ILO chairs from July."""
    outgoing = factories.ChairTermFactory(
        starts_on=date(2025, 7, 1), ends_on=date(2026, 6, 30), organisations=[organisation]
    )
    incoming = factories.ChairTermFactory(
        starts_on=date(2026, 7, 1), ends_on=date(2027, 6, 30), organisations=[other_organisation]
    )
    return incoming, outgoing


def _entries(terms) -> dict[str, object]:
    return {entry.reference: entry for entry in statements_in_progress(*terms)}


def _create(actor, title, **fields) -> Statement:
    return services.statement_create(
        actor=actor,
        title=title,
        lead_organisations=[actor.organisation],
        paragraphs=TEXT,
        **fields,
    )


def test_a_statement_open_for_comments_is_handed_over_to_its_outgoing_chair_drafter(
    terms, statement, focal_point
):
    entry = _entries(terms)[f"statements.statement:{statement.pk}"]

    assert entry.title == statement.title
    assert entry.url == reverse("statements:statement_detail", args=[statement.pk])
    assert entry.detail == (
        "Stage: open for comments · comments until 2026-06-10 09:00 (UTC) · lead UNICEF"
    )
    assert entry.owner_id == focal_point.pk
    assert entry.due_on == date(2026, 6, 10)


def test_a_statement_in_a_round_is_due_at_the_rounds_deadline(terms, statement, focal_point):
    rounds.round_open(
        statement=statement,
        version=statement.versions.get(),
        actor=focal_point,
        procedure="silence",
        deadline=NOW + timedelta(days=4),
    )

    entry = _entries(terms)[f"statements.statement:{statement.pk}"]

    assert entry.detail.startswith(
        "Stage: in endorsement · Silence procedure, answers until 2026-06-07 09:00 (UTC)"
    )
    assert entry.due_on == date(2026, 6, 7)


def test_a_round_past_its_deadline_is_due_now_to_record_the_outcome(
    terms, statement, focal_point, _frozen
):
    rounds.round_open(
        statement=statement,
        version=statement.versions.get(),
        actor=focal_point,
        procedure="explicit",
        deadline=NOW + timedelta(days=1),
    )
    _frozen.shift(timedelta(days=3))

    entry = _entries(terms)[f"statements.statement:{statement.pk}"]

    assert "deadline passed on 2026-06-04 09:00 (UTC): the outcome is to be recorded" in (
        entry.detail
    )
    assert entry.due_on == date(2026, 6, 6)


def test_a_draft_without_deadline_is_due_on_its_target_date(terms, focal_point):
    draft = _create(focal_point, "A draft", target_date=date(2026, 7, 30))

    entry = _entries(terms)[f"statements.statement:{draft.pk}"]

    assert entry.detail == (
        "Stage: drafting · no deadline running · target date 2026-07-30 · lead UNICEF"
    )
    assert entry.due_on == date(2026, 7, 30)


def test_adopted_published_and_withdrawn_statements_are_not_handed_over(terms, focal_point):
    adopted = _create(focal_point, "Adopted")
    Statement.objects.filter(pk=adopted.pk).update(adopted_at=NOW)
    published = _create(focal_point, "Published")
    Statement.objects.filter(pk=published.pk).update(published_on=date(2026, 6, 1))
    withdrawn = _create(focal_point, "Withdrawn")
    Statement.objects.filter(pk=withdrawn.pk).update(withdrawn_at=NOW)
    in_progress = _create(focal_point, "In progress")

    assert list(_entries(terms)) == [f"statements.statement:{in_progress.pk}"]


def test_no_owner_is_suggested_without_a_drafter_of_the_outgoing_chairs(
    terms, other_focal_point, focal_point
):
    theirs = _create(other_focal_point, "Led by ILO")

    assert _entries(terms)[f"statements.statement:{theirs.pk}"].owner_id is None
    # Nor without an outgoing term at all.
    ours = _create(focal_point, "Led by UNICEF")
    (entry,) = [e for e in statements_in_progress(terms[0], None) if e.title == ours.title]
    assert entry.owner_id is None


def test_a_deactivated_drafter_is_not_suggested(terms, statement, focal_point):
    focal_point.is_active = False
    focal_point.save()

    assert _entries(terms)[f"statements.statement:{statement.pk}"].owner_id is None


def test_four_queries_whatever_the_number_of_statements(terms, focal_point, other_focal_point):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            statements_in_progress(*terms)
        return len(captured)

    _create(focal_point, "First")
    small = count()
    for n in range(6):
        _create(other_focal_point if n % 2 else focal_point, f"More {n}")
    assert len(statements_in_progress(*terms)) == 7
    assert count() == small == 4


def test_the_handover_checklist_lists_the_statements_in_progress(
    terms, statement, focal_point, secretariat
):
    assert SOURCE in registry.handover_sources.paths()
    incoming, _outgoing = terms

    handover = handovers.handover_open(term=incoming, actor=secretariat)

    task = HandoverTask.objects.get(
        handover=handover, reference=f"statements.statement:{statement.pk}"
    )
    assert task.source == SOURCE
    assert task.title == statement.title
    assert task.owner == focal_point
    assert task.due_on == date(2026, 6, 10)
    assert handovers.source_label(SOURCE) == "Statements in progress"
