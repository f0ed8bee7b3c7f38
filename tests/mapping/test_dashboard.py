"""The mapping resource on the dashboard: the secretariat sees the revisions waiting for review;
a focal point sees where their organisation's profile stands, with the link to edit it. A fixed
number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.models import Person
from mapping import dashboard
from mapping.models import Initiative, Revision, Term
from tests import factories
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def published(organisation, days_ago: int = 30) -> Revision:
    return factories.published_profile(organisation, reviewed_at=NOW - timedelta(days=days_ago))


def next_revision(revision: Revision, state: str, **fields) -> Revision:
    return cast(
        Revision,
        factories.RevisionFactory(
            profile=revision.profile, number=revision.number + 1, state=state, **fields
        ),
    )


def fresh(person) -> Person:
    # Read afresh, as the dashboard's request does: nothing cached on the person.
    return Person.objects.get(pk=person.pk)


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


# --- The secretariat's reviews -------------------------------------------------------------------


def test_the_secretariat_sees_the_revisions_waiting_for_review(
    client, secretariat, organisation, other_organisation, focal_point
):
    waiting = next_revision(
        published(organisation),
        Revision.State.SUBMITTED,
        submitted_at=NOW - timedelta(days=4),
        submitted_by=focal_point,
    )
    next_revision(published(other_organisation), Revision.State.RETURNED)

    block = dashboard.reviews_waiting(fresh(secretariat))

    assert block is not None
    assert [row.revision for row in block.context["waiting"]] == [waiting]
    assert block.context["waiting"][0].days == 4
    client.force_login(secretariat)
    response = client.get(reverse("dashboard"))
    html = response.content.decode()
    assert reverse("mapping:revision_detail", args=[waiting.pk]) in html
    assert "Profiles waiting for your review" in html and focal_point.full_name in html
    assert inline_problems(response) == []


def test_nobody_but_the_secretariat_sees_the_reviews(
    secretariat, organisation, focal_point, principal, observer
):
    next_revision(published(organisation), Revision.State.SUBMITTED, submitted_at=NOW)
    for person in (focal_point, principal, observer):
        assert dashboard.reviews_waiting(fresh(person)) is None
    assert dashboard.reviews_waiting(fresh(secretariat)) is not None


def test_no_review_block_when_nothing_waits(secretariat, organisation):
    published(organisation)
    assert dashboard.reviews_waiting(fresh(secretariat)) is None


def test_the_reviews_cost_one_query_whatever_their_number(secretariat):
    def add(count: int) -> None:
        for _ in range(count):
            next_revision(
                published(factories.OrganisationFactory()),
                Revision.State.SUBMITTED,
                submitted_at=NOW,
                submitted_by=factories.PersonFactory(),
            )

    add(1)
    small = queries(lambda: dashboard.reviews_waiting(secretariat))
    add(10)
    assert queries(lambda: dashboard.reviews_waiting(secretariat)) == small == 1


# --- A focal point's profile ---------------------------------------------------------------------


def test_a_focal_point_sees_when_the_profile_was_published_and_the_edit_link(
    client, focal_point, organisation
):
    published(organisation, days_ago=30)

    block = dashboard.my_organisation_profile(fresh(focal_point))

    assert block is not None and block.context["can_edit"]
    assert block.context["stale_months"] is None
    client.force_login(focal_point)
    response = client.get(reverse("dashboard"))
    html = response.content.decode()
    assert "Published on 4 May 2026" in html
    assert reverse("mapping:profile_edit", args=[organisation.slug]) in html
    assert "Update the profile" in html
    assert inline_problems(response) == []


def test_a_focal_point_is_told_the_profile_is_out_of_date(client, focal_point, organisation):
    published(organisation, days_ago=400)
    client.force_login(focal_point)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Not updated for 13 months" in html


def test_a_focal_point_sees_the_returned_revision_with_its_comment(
    client, focal_point, organisation
):
    next_revision(
        published(organisation),
        Revision.State.RETURNED,
        reviewed_at=NOW - timedelta(days=1),
        review_comment="Please add the years of the new initiative.",
    )
    client.force_login(focal_point)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Returned" in html and "Please add the years of the new initiative." in html
    assert "Continue the draft" in html


def test_a_focal_point_sees_a_draft_in_progress_and_a_profile_never_published(
    client, focal_point, organisation
):
    client.force_login(focal_point)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Your organisation has no published profile yet." in html
    assert "Write the profile" in html

    factories.RevisionFactory(profile=factories.ProfileFactory(organisation=organisation))
    html = client.get(reverse("dashboard")).content.decode()
    assert "A draft is in progress" in html and "Continue the draft" in html


def test_a_submitted_revision_is_shown_waiting_without_the_edit_link(focal_point, organisation):
    submitted = next_revision(published(organisation), Revision.State.SUBMITTED, submitted_at=NOW)

    block = dashboard.my_organisation_profile(fresh(focal_point))

    assert block is not None
    assert block.context["state"].waiting_for_review
    assert block.context["state"].open_revision_id == submitted.pk
    assert not block.context["can_edit"]


def test_an_alternate_sees_the_block_and_other_roles_do_not(
    organisation, principal, observer, secretariat
):
    alternate = factories.PersonFactory(organisation=organisation, role="alternate")
    published(organisation)
    assert dashboard.my_organisation_profile(fresh(alternate)) is not None
    for person in (principal, observer, secretariat):
        assert dashboard.my_organisation_profile(fresh(person)) is None


def test_no_profile_block_for_an_organisation_that_left(focal_point, organisation):
    organisation.left_on = NOW.date() - timedelta(days=10)
    organisation.save()
    assert dashboard.my_organisation_profile(fresh(focal_point)) is None


def test_the_profile_block_costs_one_query_whatever_the_profile_holds(focal_point, organisation):
    revision = published(organisation)
    small = queries(lambda: dashboard.my_organisation_profile(fresh(focal_point))) - 1
    terms = [cast(Term, factories.TermFactory(taxonomy="form")) for _ in range(8)]
    revision.forms.set(terms)
    for n in range(10):
        Initiative.objects.create(revision=revision, title=f"Initiative {n}")
    next_revision(revision, Revision.State.DRAFT)
    assert queries(lambda: dashboard.my_organisation_profile(fresh(focal_point))) - 1 == small == 1
