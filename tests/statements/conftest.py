from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from statements import services
from statements.models import Statement
from tests import factories

TEXT = [
    (None, "heading", "A call to action"),
    (None, "paragraph", "States must act now to protect victims."),
    (None, "paragraph", "We call on all partners to join us."),
]


@pytest.fixture
def statement(organisation, focal_point) -> Statement:
    """UNICEF leads; its focal point drafts; comments open for a week on version 1."""
    return services.statement_create(
        actor=focal_point,
        title="World Day against Trafficking in Persons",
        lead_organisations=[organisation],
        comment_deadline=timezone.now() + timedelta(days=7),
        paragraphs=TEXT,
    )


@pytest.fixture
def other_focal_point(other_organisation):
    """A focal point of a member that does not lead the statement."""
    return factories.PersonFactory(organisation=other_organisation, email="ilo@example.org")


@pytest.fixture
def other_principal(other_organisation):
    return factories.PrincipalFactory(
        organisation=other_organisation, email="ilo-principal@example.org"
    )


@pytest.fixture
def colleague(organisation):
    """A focal point of the lead organisation who is not among the drafters."""
    return factories.PersonFactory(organisation=organisation, email="colleague@example.org")


# --- The final text (adopted statements, language versions) -------------------------------------

# Markup, a list, accents: what the documents and the public page must carry through.
FINAL_TEXT = [
    (None, "heading", "Protección de las víctimas"),
    (None, "paragraph", "States must act <em>now</em> to protect victims, as the Comité asked."),
    (None, "list_item", "Identify victims early."),
    (
        None,
        "list_item",
        'Give them <strong>protection</strong>: see <a href="https://example.org/">the guide</a>.',
    ),
    (None, "paragraph", "We call on all partners to join us."),
]
RESERVATION = (
    "Nous émettons une réserve sur le paragraphe 2 : la protección must include señal services."
)


def adopt(statement: Statement, *, drafter, principals: list, reservation_by=None) -> Statement:
    """Put `statement`'s latest version to an explicit round, have each principal endorse (the
    one `reservation_by` with RESERVATION), close the round and record the adoption on the model
    (the adoption service is not needed to test what follows it)."""
    from statements import rounds
    from statements.models import EndorsementRound
    from statements.selectors import latest_version

    version = latest_version(statement)
    assert version is not None, "a statement is adopted on some text"
    opened = rounds.round_open(
        statement=statement,
        version=version,
        actor=drafter,
        procedure=EndorsementRound.Procedure.EXPLICIT,
        deadline=timezone.now() + timedelta(days=7),
    )
    for person in principals:
        reserved = person is reservation_by
        rounds.round_answer(
            round=opened.round,
            organisation=person.organisation,
            actor=person,
            answer="endorse_with_reservation" if reserved else "endorse",
            text=RESERVATION if reserved else "",
        )
    now = timezone.now()
    EndorsementRound.objects.filter(pk=opened.round.pk).update(closed_at=now, closed_by=drafter)
    Statement.objects.filter(pk=statement.pk).update(
        adopted_at=now, adopted_by=drafter, adopted_version=version, adopted_round=opened.round
    )
    statement.endorsing_organisations.set([person.organisation for person in principals])
    return Statement.objects.prefetch_related("drafters").get(pk=statement.pk)


def adopted_keys(statement: Statement) -> list[str]:
    """The keys of the adopted text, in order."""
    from statements.models import Paragraph

    version_id = statement.adopted_version_id
    assert version_id is not None, "the statement is adopted"
    return list(
        Paragraph.objects.filter(version_id=version_id)
        .order_by("position")
        .values_list("key", flat=True)
    )


@pytest.fixture
def final_statement(organisation, focal_point, principal, other_principal) -> Statement:
    """Adopted, not published: UNICEF and ILO endorsed, ILO with a reservation."""
    statement = services.statement_create(
        actor=focal_point,
        title="Joint statement on the protección of victims",
        lead_organisations=[organisation],
        paragraphs=FINAL_TEXT,
    )
    return adopt(
        statement,
        drafter=focal_point,
        principals=[principal, other_principal],
        reservation_by=other_principal,
    )


@pytest.fixture
def published_statement(final_statement) -> Statement:
    from common.dates import group_today

    Statement.objects.filter(pk=final_statement.pk).update(published_on=group_today())
    final_statement.refresh_from_db()
    return final_statement
