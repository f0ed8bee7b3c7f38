"""Statements on the dashboard: a principal sees first the rounds waiting for their organisation's
answer; focal points see those rounds and the comment periods their organisation has not taken
part in; drafters see their statements' stage and next deadline. A fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.models import Person
from statements import dashboard, rounds, services
from statements.models import Statement, Version
from tests import factories
from tests.statements.conftest import TEXT
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _latest(statement: Statement) -> Version:
    return statement.versions.order_by("-number")[0]


def _open_round(statement, actor, procedure="explicit", days=5):
    return rounds.round_open(
        statement=statement,
        version=_latest(statement),
        actor=actor,
        procedure=procedure,
        deadline=NOW + timedelta(days=days),
    ).round


def _new_statement(actor, title="A second statement", days=7) -> Statement:
    return services.statement_create(
        actor=actor,
        title=title,
        lead_organisations=[actor.organisation],
        comment_deadline=NOW + timedelta(days=days),
        paragraphs=TEXT,
    )


def _asked(person):
    # Read afresh, as the dashboard's request does: nothing cached on the person.
    return dashboard.asked_of_my_organisation(Person.objects.get(pk=person.pk))


def _html(block) -> str:
    return render_to_string(block.template, block.context)


# --- Rounds awaiting an answer -------------------------------------------------------------------


def test_a_principal_sees_the_round_awaiting_their_organisation_until_it_answers(
    statement, focal_point, principal, organisation
):
    round = _open_round(statement, focal_point, procedure="silence")

    block = _asked(principal)

    assert [asked.statement for asked in block.context["rounds_asked"]] == [statement]
    assert block.context["is_principal"] is True
    html = _html(block)
    assert statement.title in html
    assert "Waiting for your answer" in html
    assert "Silence procedure" in html
    assert "deemed to endorse" in html
    assert "answer by 8 Jun 2026, 09:00 (UTC)" in html
    assert reverse("statements:statement_detail", args=[statement.pk]) in html
    answer_url = reverse("statements:round_answer", args=[round.pk])
    assert f'href="{answer_url}?organisation={organisation.pk}">Answer for UNICEF<' in html

    rounds.round_answer(round=round, organisation=organisation, actor=principal, answer="endorse")

    block = _asked(principal)
    assert block.context["rounds_asked"] == []
    assert "No endorsement round awaits your organisation" in _html(block)


def test_the_deadline_is_shown_in_the_readers_time_zone(statement, focal_point, principal):
    from django.utils import timezone

    _open_round(statement, focal_point)
    block = _asked(principal)

    with timezone.override("America/New_York"):
        html = _html(block)

    assert "answer by 8 Jun 2026, 05:00 (America/New_York)" in html


def test_another_organisations_answer_does_not_clear_the_round(
    statement, focal_point, principal, other_organisation, other_principal
):
    round = _open_round(statement, focal_point)
    rounds.round_answer(
        round=round, organisation=other_organisation, actor=other_principal, answer="endorse"
    )

    assert [a.statement for a in _asked(principal).context["rounds_asked"]] == [statement]
    assert _asked(other_principal).context["rounds_asked"] == []


def test_a_round_past_its_deadline_or_voided_is_not_shown(
    statement, focal_point, principal, _frozen
):
    _open_round(statement, focal_point, days=2)
    _frozen.shift(timedelta(days=2))
    assert _asked(principal).context["rounds_asked"] == []

    _frozen.shift(timedelta(days=-1))
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[
            (p.key, p.kind, p.text + " Edited.") for p in _latest(statement).paragraphs.all()
        ],
    )
    assert _asked(principal).context["rounds_asked"] == []


def test_rounds_come_soonest_deadline_first(focal_point, principal):
    later = _new_statement(focal_point, "Later")
    sooner = _new_statement(focal_point, "Sooner")
    _open_round(later, focal_point, days=9)
    _open_round(sooner, focal_point, days=3)

    assert [a.statement for a in _asked(principal).context["rounds_asked"]] == [sooner, later]


def test_an_acting_principal_sees_the_rounds_they_answer_for_in_their_dates(
    statement, focal_point, other_organisation, other_focal_point, _frozen
):
    factories.ActingPrincipalFactory(organisation=other_organisation, person=other_focal_point)
    _open_round(statement, focal_point, days=9)

    block = _asked(other_focal_point)
    (asked,) = block.context["rounds_asked"]
    assert asked.organisation == other_organisation
    assert asked.as_acting_principal is True
    assert block.context["is_principal"] is True
    assert "For ILO, as its acting principal" in _html(block)

    _frozen.shift(timedelta(days=5))  # 8 June: the acting period (1 to 7 June) is over

    block = _asked(other_focal_point)
    (asked,) = block.context["rounds_asked"]
    assert asked.as_acting_principal is False  # still asked, as ILO's focal point
    assert "Asked of your organisation" in _html(block)


def test_someone_acting_for_another_organisation_sees_each_organisations_round(
    statement, focal_point, organisation, other_organisation
):
    deputy = factories.PersonFactory(organisation=organisation, email="deputy@example.org")
    factories.ActingPrincipalFactory(organisation=other_organisation, person=deputy)
    _open_round(statement, focal_point)

    block = _asked(deputy)

    assert block.context["for_several"] is True
    assert {(a.organisation, a.as_acting_principal) for a in block.context["rounds_asked"]} == {
        (organisation, False),
        (other_organisation, True),
    }
    html = _html(block)
    assert "For UNICEF ·" in html
    assert "For ILO, as its acting principal" in html
    assert "Record UNICEF's answer" in html  # on the principal's behalf
    assert "Answer for ILO" in html


def test_no_block_for_those_who_answer_for_no_organisation(statement, observer, secretariat):
    assert _asked(observer) is None
    assert _asked(secretariat) is None


# --- Comment periods -----------------------------------------------------------------------------


def test_a_focal_point_sees_the_comment_periods_their_organisation_has_not_answered(
    statement, focal_point, other_focal_point
):
    other = _new_statement(focal_point, "Another call", days=3)

    block = _asked(other_focal_point)
    assert block.context["comment_periods"] == [other, statement]  # soonest deadline first
    html = _html(block)
    assert "Open for comments" in html
    assert "comments by 6 Jun 2026, 09:00 (UTC)" in html

    services.comment_add(
        statement=statement,
        version=_latest(statement),
        actor=other_focal_point,
        paragraph_key=_latest(statement).paragraphs.order_by("position")[1].key,
        text="Which States?",
    )
    services.no_comments_declare(statement=other, version=_latest(other), actor=other_focal_point)

    # Nothing asked of them any more: a focal point gets no block (a principal would).
    assert _asked(other_focal_point) is None
    _open_round(_new_statement(focal_point, "In a round"), focal_point)
    block = _asked(other_focal_point)
    assert block.context["comment_periods"] == []
    assert "answered every open comment period" in _html(block)


def test_a_comment_on_an_earlier_version_counts_as_taking_part(
    statement, focal_point, other_focal_point
):
    version = _latest(statement)
    services.comment_add(
        statement=statement,
        version=version,
        actor=other_focal_point,
        paragraph_key=version.paragraphs.order_by("position")[1].key,
        text="Which States?",
    )
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[(p.key, p.kind, p.text + " Edited.") for p in version.paragraphs.all()],
    )

    assert _asked(other_focal_point) is None


def test_the_lead_organisation_is_not_asked_for_its_comments(
    statement, colleague, other_focal_point
):
    assert _asked(colleague) is None

    theirs = _new_statement(other_focal_point, "Led by ILO")

    assert _asked(colleague).context["comment_periods"] == [theirs]


def test_a_period_past_its_deadline_or_in_endorsement_is_not_shown(
    statement, focal_point, other_focal_point, _frozen
):
    in_round = _new_statement(focal_point, "In a round")
    _open_round(in_round, focal_point)
    assert _asked(other_focal_point).context["comment_periods"] == [statement]

    _frozen.shift(timedelta(days=8))

    assert _asked(other_focal_point) is None


def test_principals_are_shown_rounds_not_comment_periods(statement, other_principal):
    block = _asked(other_principal)  # nothing awaits them: they are told so

    assert block.context["rounds_asked"] == []
    assert "No endorsement round awaits" in _html(block)
    assert block.context["shows_comment_periods"] is False
    assert block.context["comment_periods"] == []
    assert "Open for comments" not in _html(block)


def test_a_former_members_focal_point_is_not_asked_for_comments(statement, other_focal_point):
    other_focal_point.organisation.left_on = NOW.date()
    other_focal_point.organisation.save()

    assert _asked(other_focal_point) is None


# --- Drafters ------------------------------------------------------------------------------------


def test_drafters_see_their_statements_with_stage_and_next_deadline(
    statement, focal_point, other_focal_point
):
    services.comment_add(
        statement=statement,
        version=_latest(statement),
        actor=other_focal_point,
        paragraph_key=_latest(statement).paragraphs.order_by("position")[1].key,
        text="Which States?",
    )

    block = dashboard.my_statements(focal_point)

    (item,) = block.context["drafted"]
    assert item.statement == statement
    assert item.stage == Statement.Stage.OPEN_FOR_COMMENTS
    assert item.deadline == statement.comment_deadline
    html = _html(block)
    assert "Statements you draft" in html
    assert "Open for comments" in html
    assert "10 Jun 2026, 09:00" in html
    assert "1 comment to answer" in html

    round = _open_round(statement, focal_point, days=4)

    (item,) = dashboard.my_statements(focal_point).context["drafted"]
    assert item.stage == Statement.Stage.IN_ENDORSEMENT
    assert item.deadline == round.deadline
    assert "0 of 2 organisations answered" in _html(dashboard.my_statements(focal_point))


def test_a_round_past_its_deadline_tells_the_drafter_to_close_it(statement, focal_point, _frozen):
    _open_round(statement, focal_point, days=2)
    _frozen.shift(timedelta(days=3))

    (item,) = dashboard.my_statements(focal_point).context["drafted"]

    assert item.deadline_passed is True
    assert "passed: close the round" in _html(dashboard.my_statements(focal_point))


def test_others_see_no_drafting_block_and_the_secretariat_sees_every_statement_in_progress(
    statement, colleague, other_focal_point, principal, secretariat, focal_point
):
    published = _new_statement(focal_point, "Published")
    Statement.objects.filter(pk=published.pk).update(published_on=NOW.date())
    withdrawn = _new_statement(focal_point, "Withdrawn")
    Statement.objects.filter(pk=withdrawn.pk).update(withdrawn_at=NOW)

    for person in (colleague, other_focal_point, principal):
        assert dashboard.my_statements(person) is None
    block = dashboard.my_statements(secretariat)
    assert [item.statement for item in block.context["drafted"]] == [statement]
    assert "Statements in progress" in _html(block)


# --- The dashboard page and query counts ---------------------------------------------------------


def test_the_principals_block_comes_first_on_the_dashboard(
    client, statement, focal_point, principal
):
    _open_round(statement, focal_point)
    client.force_login(principal)

    response = client.get(reverse("dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert statement.title in html
    assert 0 <= html.index("Waiting for your answer") < html.index('id="chairs-block"')
    assert inline_problems(response) == []


def test_a_drafters_dashboard_lists_their_statements(client, statement, focal_point):
    client.force_login(focal_point)

    html = client.get(reverse("dashboard")).content.decode()

    assert "Statements you draft" in html
    assert statement.title in html


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        block = call()
        _html(block)
    return len(captured)


def _add_statements(author, drafter, commenter, count: int, start: int) -> None:
    """`count` statements in a round and `count` open for comments, each with a comment."""
    for n in range(start, start + count):
        in_round = _new_statement(author, f"Round {n}")
        _open_round(in_round, author)
        open_one = _new_statement(author, f"Comments {n}")
        open_one.drafters.add(drafter)
        services.comment_add(
            statement=open_one,
            version=_latest(open_one),
            actor=commenter,
            paragraph_key=_latest(open_one).paragraphs.order_by("position")[0].key,
            text="A comment.",
        )


def test_the_blocks_take_a_fixed_number_of_queries(
    focal_point, other_organisation, other_principal, secretariat
):
    # The reader: a focal point of a member that leads nothing, and acting principal of another.
    third = factories.OrganisationFactory(acronym="OSCE")
    reader = factories.PersonFactory(organisation=third, email="osce@example.org")
    factories.ActingPrincipalFactory(organisation=other_organisation, person=reader)
    commenter = factories.PersonFactory(organisation=other_organisation, email="ilo-f@example.org")

    _add_statements(focal_point, focal_point, commenter, count=1, start=0)
    asked_small = _queries(lambda: _asked(reader))
    drafted_small = _queries(lambda: dashboard.my_statements(focal_point))
    secretariat_small = _queries(lambda: dashboard.my_statements(secretariat))

    for n in range(4):
        factories.OrganisationFactory(acronym=f"EXTRA{n}")
    _add_statements(focal_point, focal_point, commenter, count=4, start=1)
    block = _asked(reader)
    assert len(block.context["rounds_asked"]) == 10  # 5 rounds, for OSCE and for ILO
    assert len(block.context["comment_periods"]) == 5
    assert len(dashboard.my_statements(focal_point).context["drafted"]) == 10

    # Reading the person, then four: the acting periods, the rounds, the organisation, the periods.
    assert _queries(lambda: _asked(reader)) == asked_small <= 5
    assert _queries(lambda: dashboard.my_statements(focal_point)) == drafted_small <= 2
    assert _queries(lambda: dashboard.my_statements(secretariat)) == secretariat_small
