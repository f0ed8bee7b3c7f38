"""A member organisation's page shows its published profile through the registry (coordination
imports nothing from mapping): the summary for every reader, and where the next revision stands,
with the links to act, for the organisation's people and the secretariat."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import registry
from mapping.models import Initiative, Revision, Term
from tests import factories
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent.parent
SECTION = "mapping.organisation.profile_section"
MANDATE = "To protect children from trafficking and exploitation, everywhere."
COMMENT = "Please give the years of the new initiative."


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def revision(organisation) -> Revision:
    """UNICEF's published profile: a form, a region, an intervention, two initiatives."""
    revision = factories.published_profile(
        organisation,
        mandate=MANDATE,
        contact_email="contact@unicef.example",
        reviewed_at=NOW - timedelta(days=40),
    )
    revision.forms.set([term("form", "Child trafficking")])
    revision.regions.set([term("region", "Africa")])
    revision.interventions.set([term("intervention", "Prevention")])
    for title in ("First initiative", "Second initiative"):
        Initiative.objects.create(revision=revision, title=title)
    return revision


def term(taxonomy: str, label: str = "") -> Term:
    fields = {"label_en": label} if label else {}
    return cast(Term, factories.TermFactory(taxonomy=taxonomy, **fields))


def page(client, person, organisation) -> str:
    client.force_login(person)
    response = client.get(reverse("coordination:organisation_detail", args=[organisation.slug]))
    assert response.status_code == 200
    assert inline_problems(response) == []
    return response.content.decode()


def returned(revision: Revision) -> Revision:
    return cast(
        Revision,
        factories.RevisionFactory(
            profile=revision.profile,
            number=revision.number + 1,
            state=Revision.State.RETURNED,
            reviewed_at=NOW - timedelta(days=2),
            review_comment=COMMENT,
        ),
    )


def test_every_reader_sees_the_published_summary(client, observer, organisation, revision):
    html = page(client, observer, organisation)

    assert "Profile in the mapping resource" in html
    assert MANDATE in html
    assert "Child trafficking" in html and "Africa" in html and "Prevention" in html
    assert "2 initiatives" in html
    assert "Published on 24 April 2026" in html
    assert reverse("mapping:profile_detail", args=[organisation.slug]) in html
    # The summary is of public fields only.
    assert "contact@unicef.example" not in html


def test_others_see_neither_the_revision_in_progress_nor_the_edit_link(
    client, observer, other_organisation, organisation, revision
):
    returned(revision)
    other_focal = factories.PersonFactory(organisation=other_organisation)
    edit = reverse("mapping:profile_edit", args=[organisation.slug])
    for person in (observer, other_focal):
        html = page(client, person, organisation)
        assert COMMENT not in html and "Returned" not in html
        assert edit not in html


def test_its_focal_point_sees_the_returned_revision_with_the_comment_and_the_edit_link(
    client, focal_point, organisation, revision
):
    returned(revision)

    html = page(client, focal_point, organisation)

    assert "Returned" in html and COMMENT in html
    assert reverse("mapping:profile_edit", args=[organisation.slug]) in html
    assert "Continue the draft" in html


def test_its_principal_sees_the_state_without_the_edit_link(
    client, principal, organisation, revision
):
    returned(revision)
    html = page(client, principal, organisation)
    assert COMMENT in html
    assert reverse("mapping:profile_edit", args=[organisation.slug]) not in html


def test_the_secretariat_is_offered_the_review_of_a_submitted_revision(
    client, secretariat, focal_point, organisation, revision
):
    submitted = factories.RevisionFactory(
        profile=revision.profile,
        number=revision.number + 1,
        state=Revision.State.SUBMITTED,
        submitted_at=NOW - timedelta(days=1),
    )
    review = reverse("mapping:revision_detail", args=[submitted.pk])

    html = page(client, secretariat, organisation)
    assert "Review the submitted revision" in html and review in html
    assert reverse("mapping:profile_edit", args=[organisation.slug]) not in html

    html = page(client, focal_point, organisation)
    assert "Read the submitted revision" in html and review in html
    assert "Review the submitted revision" not in html


def test_an_out_of_date_profile_says_so_to_its_keepers(client, focal_point, organisation):
    factories.published_profile(organisation, reviewed_at=NOW - timedelta(days=400))
    assert "Not updated for 13 months" in page(client, focal_point, organisation)


def test_an_organisation_without_a_published_profile(client, observer, focal_point, organisation):
    assert "No profile of this organisation is published" in page(client, observer, organisation)
    html = page(client, focal_point, organisation)
    assert "Write the profile" in html


def test_the_section_comes_through_the_registry(client, observer, organisation, revision):
    assert SECTION in registry.organisation_sections
    registry.organisation_sections.remove(SECTION)
    try:
        assert MANDATE not in page(client, observer, organisation)
    finally:
        registry.organisation_sections.add(SECTION)
    assert MANDATE in page(client, observer, organisation)


def test_coordination_imports_nothing_from_mapping():
    for path in (ROOT / "coordination").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "mapping" for name in names), path


def test_the_page_costs_the_same_whatever_the_profile_holds(
    client, focal_point, organisation, revision
):
    url = reverse("coordination:organisation_detail", args=[organisation.slug])
    client.force_login(focal_point)
    client.get(url)  # the session, warmed up

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = queries()
    for taxonomy, name in (
        ("form", "forms"),
        ("region", "regions"),
        ("intervention", "interventions"),
    ):
        getattr(revision, name).add(*[term(taxonomy) for _ in range(6)])
    for n in range(10):
        Initiative.objects.create(revision=revision, title=f"Initiative {n}")
    returned(revision)
    assert queries() == small
