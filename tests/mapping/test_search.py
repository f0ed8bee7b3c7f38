"""The mapping resource in the global search: published profiles by their organisation's name,
mandate and expertise, and their initiatives by title; never a revision in progress, never a
member-only field; two queries whatever the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import search as global_search
from common.search import SNIPPET_LENGTH, snippet
from mapping import search
from mapping.models import Initiative, Revision, Term
from tests import factories

pytestmark = pytest.mark.django_db

PUBLISHED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CONTACT_NAME = "Ms Cooperation Contact"
CONTACT_EMAIL = "cooperation-desk@unicef.example"


def publish(organisation, **fields) -> Revision:
    fields = {
        "mandate": "To protect children from trafficking and exploitation.",
        "expertise": "Child protection systems; birth registration.",
        "contact_name": CONTACT_NAME,
        "contact_email": CONTACT_EMAIL,
        "reviewed_at": PUBLISHED_AT,
        **fields,
    }
    return factories.published_profile(organisation, **fields)


def test_a_profile_is_found_by_its_organisation_mandate_or_expertise(observer, organisation):
    publish(organisation)
    url = reverse("mapping:profile_detail", args=[organisation.slug])

    for query in ("children's fund", "unicef", "PROTECT CHILDREN", "birth registration"):
        (result,) = search.profiles(observer, query, 10)
        assert result.url == url
        assert result.title == "United Nations Children's Fund (UNICEF)"
        assert result.kind == "Profile in the mapping resource"
        assert result.when == PUBLISHED_AT
    assert search.profiles(observer, "birth", 10)[0].snippet == (
        "Child protection systems; birth registration."
    )
    # Found by its name: the mandate stands as the snippet.
    assert search.profiles(observer, "unicef", 10)[0].snippet.startswith("To protect children")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="accents are ignored by PostgreSQL's unaccent; SQLite's fallback compares them "
    "as typed (CI runs this on PostgreSQL)",
)
def test_accents_are_ignored_and_words_may_be_apart(observer, organisation):
    publish(organisation, mandate="Protección de la infancia frente a la trata.")
    for query in ("proteccion", "PROTECCIÓN trata", "infancia protección"):
        assert [r.title for r in search.profiles(observer, query, 10)] == [
            "United Nations Children's Fund (UNICEF)"
        ], query


def test_an_initiative_is_found_by_its_title(focal_point, organisation):
    revision = publish(organisation)
    Initiative.objects.create(
        revision=revision,
        title="Safe pathways for children on the move",
        start_year=2021,
        end_year=2024,
        status=Initiative.Status.PAST,
    )

    (result,) = search.profiles(focal_point, "safe pathways", 10)

    assert result.title == "Safe pathways for children on the move"
    assert result.url == (
        reverse("mapping:profile_detail", args=[organisation.slug]) + "#initiatives-title"
    )
    assert result.snippet == "UNICEF · 2021–2024 · Past"
    assert result.when == PUBLISHED_AT


def test_the_contact_for_cooperation_is_never_searched_nor_shown(
    observer, focal_point, organisation
):
    publish(organisation)
    for person in (observer, focal_point):
        assert search.profiles(person, CONTACT_EMAIL, 10) == []
        assert search.profiles(person, "Cooperation Contact", 10) == []
        for result in search.profiles(person, "unicef", 10):
            assert CONTACT_EMAIL not in result.snippet and CONTACT_NAME not in result.snippet


def test_revisions_in_progress_and_superseded_are_not_searched(focal_point, organisation):
    revision = publish(organisation)
    factories.RevisionFactory(
        profile=revision.profile,
        number=revision.number + 1,
        state=Revision.State.SUBMITTED,
        mandate="A new mandate about forced marriage.",
    )
    old = factories.RevisionFactory(
        profile=revision.profile,
        number=revision.number + 2,
        state=Revision.State.SUPERSEDED,
        mandate="An old mandate about organ removal.",
    )
    Initiative.objects.create(revision=old, title="An old initiative on organ removal")
    other = factories.OrganisationFactory(acronym="DRAFTONLY", name="Drafting Organisation")
    factories.RevisionFactory(profile=factories.ProfileFactory(organisation=other))

    assert search.profiles(focal_point, "forced marriage", 10) == []
    assert search.profiles(focal_point, "organ removal", 10) == []
    assert search.profiles(focal_point, "drafting organisation", 10) == []


def test_the_global_search_asks_the_mapping_resource(observer, organisation):
    publish(organisation)
    results = global_search.search(observer, "birth registration")
    assert [r.url for r in results] == [reverse("mapping:profile_detail", args=[organisation.slug])]


def test_results_are_limited_and_the_most_recently_published_come_first(observer):
    for n in range(4):
        publish(
            factories.OrganisationFactory(),
            mandate=f"Mandate {n} against trafficking.",
            reviewed_at=PUBLISHED_AT + timedelta(days=n),
        )
    results = search.profiles(observer, "against trafficking", 3)
    assert [r.snippet for r in results] == [
        "Mandate 3 against trafficking.",
        "Mandate 2 against trafficking.",
        "Mandate 1 against trafficking.",
    ]


def test_a_long_text_is_cut_around_the_match():
    text = " ".join(f"word{n}" for n in range(60)) + " the needle " + "tail " * 60
    cut = snippet(text, "needle")
    assert cut.startswith("…") and cut.endswith("…") and "the needle" in cut
    assert len(cut) <= SNIPPET_LENGTH + 2


def test_the_search_costs_two_queries_whatever_the_data(observer):
    def add(count: int) -> None:
        for n in range(count):
            revision = publish(factories.OrganisationFactory(), mandate=f"Trafficking {n}")
            revision.forms.set([cast(Term, factories.TermFactory()) for _ in range(3)])
            for i in range(3):
                Initiative.objects.create(revision=revision, title=f"Trafficking initiative {i}")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            search.profiles(observer, "trafficking", 50)
        return len(captured)

    add(2)
    small = queries()
    add(10)
    assert queries() == small == 2
