"""The mapping resource in the digest: a profile not updated for 12 months
for its organisation's focal points and alternates, the revisions waiting for review for the
secretariat; one query for a whole batch, whatever its size."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import cast

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from coordination.models import Person
from mapping import digest
from mapping.models import Profile, Revision
from notifications import digests
from notifications import services as notification_services
from notifications.models import Preference
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
THIRTEEN_MONTHS_AGO = datetime(2025, 5, 2, 9, 0, tzinfo=UTC)
ELEVEN_MONTHS_AGO = datetime(2025, 7, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def member(acronym=None, roles=("focal_point",)):
    organisation = factories.OrganisationFactory(**({"acronym": acronym} if acronym else {}))
    people = [factories.PersonFactory(organisation=organisation, role=role) for role in roles]
    return organisation, people


def published(organisation, at: datetime) -> Revision:
    return factories.published_profile(organisation, reviewed_at=at)


def in_progress(revision: Revision, state: str, **fields) -> Revision:
    return cast(
        Revision,
        factories.RevisionFactory(
            profile=revision.profile, number=revision.number + 1, state=state, **fields
        ),
    )


def details(lines) -> list[str]:
    with translation.override("en"):
        return [str(line["detail"]) for line in lines]


# --- Stale profiles ------------------------------------------------------------------------------


def test_a_profile_not_updated_for_twelve_months_reaches_its_focal_points_and_alternates():
    stale, (focal, alternate, principal, observer) = member(
        "STALE", ("focal_point", "alternate", "principal", "observer")
    )
    published(stale, THIRTEEN_MONTHS_AGO)
    fresh, (fresh_focal,) = member("FRESH")
    published(fresh, ELEVEN_MONTHS_AGO)

    lines = digest.STALE_PROFILE.collect([focal, alternate, principal, observer, fresh_focal], NOW)

    assert set(lines) == {focal.pk, alternate.pk}
    (line,) = lines[focal.pk]
    assert line["title"] == stale.name
    assert line["url"] == reverse("mapping:profile_edit", args=[stale.slug])
    assert details([line]) == ["not updated for 13 months (published on May 2, 2025)"]


def test_twelve_months_are_counted_on_the_calendar():
    organisation, (focal,) = member()
    published(organisation, datetime(2025, 6, 3, 8, 0, tzinfo=UTC))
    assert details(digest.STALE_PROFILE.collect([focal], NOW)[focal.pk]) == [
        "not updated for 12 months (published on June 3, 2025)"
    ]
    other, (other_focal,) = member()
    published(other, datetime(2025, 6, 4, 8, 0, tzinfo=UTC))
    assert digest.STALE_PROFILE.collect([other_focal], NOW) == {}


def test_a_profile_never_published_is_asked_for_on_the_dashboard_not_in_every_digest():
    _without, (first_focal,) = member("NONE")
    drafting, (second_focal,) = member("DRAFTING")
    factories.RevisionFactory(profile=factories.ProfileFactory(organisation=drafting))

    assert digest.STALE_PROFILE.collect([first_focal, second_focal], NOW) == {}


def test_a_stale_profile_returned_says_so_and_one_waiting_for_review_is_left_out():
    returned, (returned_focal,) = member("RETURNED")
    in_progress(
        published(returned, THIRTEEN_MONTHS_AGO), Revision.State.RETURNED, review_comment="Why?"
    )
    waiting, (waiting_focal,) = member("WAITING")
    in_progress(published(waiting, THIRTEEN_MONTHS_AGO), Revision.State.SUBMITTED)

    lines = digest.STALE_PROFILE.collect([returned_focal, waiting_focal], NOW)

    assert set(lines) == {returned_focal.pk}
    assert details(lines[returned_focal.pk]) == [
        "not updated for 13 months (published on May 2, 2025) · returned with a comment"
    ]


def test_an_organisation_that_left_the_group_is_not_reminded():
    gone, (focal,) = member("GONE")
    gone.left_on = date(2026, 1, 1)
    gone.save()
    published(gone, THIRTEEN_MONTHS_AGO)
    assert digest.STALE_PROFILE.collect([focal], NOW) == {}


@pytest.mark.parametrize("size", [2, 12])
def test_stale_profiles_cost_one_query_whatever_the_batch(size, django_assert_num_queries):
    people = []
    for n in range(size):
        organisation, pair = member(roles=("focal_point", "alternate"))
        stale = published(organisation, THIRTEEN_MONTHS_AGO)
        if n % 2:
            in_progress(stale, Revision.State.DRAFT)
        people.extend(pair)
    with django_assert_num_queries(1):
        lines = digest.STALE_PROFILE.collect(people, NOW)
    assert len(lines) == 2 * size


# --- Reviews -------------------------------------------------------------------------------------


def test_the_secretariat_gets_every_revision_waiting_for_review_longest_waiting_first(secretariat):
    first, (focal,) = member("FIRST")
    second, _ = member("SECOND")
    older = in_progress(
        published(first, ELEVEN_MONTHS_AGO),
        Revision.State.SUBMITTED,
        submitted_at=NOW - timedelta(days=5),
        submitted_by=focal,
    )
    newer = in_progress(
        published(second, ELEVEN_MONTHS_AGO),
        Revision.State.SUBMITTED,
        submitted_at=NOW - timedelta(days=1),
    )
    in_progress(published(member()[0], ELEVEN_MONTHS_AGO), Revision.State.RETURNED)
    observer = factories.ObserverFactory()

    lines = digest.REVIEWS.collect([secretariat, focal, observer], NOW)

    assert set(lines) == {secretariat.pk}
    assert [line["url"] for line in lines[secretariat.pk]] == [
        reverse("mapping:revision_detail", args=[older.pk]),
        reverse("mapping:revision_detail", args=[newer.pk]),
    ]
    assert [line["title"] for line in lines[secretariat.pk]] == [first.name, second.name]
    assert details(lines[secretariat.pk])[0] == (
        f"revision {older.number}, submitted on May 29, 2026 by {focal.full_name}"
    )


def test_no_review_line_when_nothing_waits(secretariat):
    published(member()[0], ELEVEN_MONTHS_AGO)
    assert digest.REVIEWS.collect([secretariat], NOW) == {}


@pytest.mark.parametrize("size", [1, 10])
def test_reviews_cost_one_query_whatever_the_batch(size, django_assert_num_queries):
    for _ in range(size):
        in_progress(
            published(member()[0], ELEVEN_MONTHS_AGO),
            Revision.State.SUBMITTED,
            submitted_at=NOW - timedelta(days=2),
            submitted_by=factories.PersonFactory(),
        )
    people = factories.SecretariatFactory.create_batch(size)
    with django_assert_num_queries(1):
        lines = digest.REVIEWS.collect(people, NOW)
    assert len(lines) == size and all(len(found) == size for found in lines.values())


# --- In the digest -------------------------------------------------------------------------------


def test_the_digest_carries_the_sections_to_the_roles_that_have_them(secretariat):
    # Its principal hears of neither section.
    organisation, _people = member("UNICEF", ("focal_point", "principal"))
    in_progress(
        published(organisation, THIRTEEN_MONTHS_AGO),
        Revision.State.SUBMITTED,
        submitted_at=NOW - timedelta(days=2),
    )
    stale, (stale_focal,) = member("ILO")
    published(stale, THIRTEEN_MONTHS_AGO)
    notification_services.ensure_preferences(NOW)
    Preference.objects.update(next_digest_at=NOW - timedelta(minutes=1))

    result = digests.send_digest_batch(list(Person.objects.values_list("pk", flat=True)))

    assert result["sent"] == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {secretariat.email, stale_focal.email}
    assert "PROFILES WAITING FOR YOUR REVIEW" in by_address[secretariat.email].body
    assert organisation.name in by_address[secretariat.email].body
    body = by_address[stale_focal.email].body
    assert "YOUR ORGANISATION'S PROFILE IN THE MAPPING RESOURCE" in body
    assert reverse("mapping:profile_edit", args=[stale.slug]) in body
    assert "not updated for 13 months" in body
    assert Profile.objects.count() == 2
