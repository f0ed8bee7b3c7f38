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
