"""Work items in the global search: found by title or description, by everyone logged in (the
item pages are every reader's), best match first."""

from __future__ import annotations

from datetime import date

import pytest

from common import registry
from tests import factories
from workplans import search

pytestmark = pytest.mark.django_db


def test_work_items_are_registered_as_a_search_source():
    assert "workplans.search.work_items" in registry.search_sources.paths()


def test_an_item_is_found_by_its_title_or_its_description(focal_point):
    item = factories.WorkItemFactory(
        title="Issue brief on online recruitment",
        description="A brief on how traffickers recruit through social media.",
    )

    (by_title,) = search.work_items(focal_point, "ONLINE recruitment", 20)
    (by_description,) = search.work_items(focal_point, "social media", 20)

    assert by_title == by_description
    assert by_title.url == item.get_absolute_url()
    assert str(by_title.kind) == "Work item"
    assert by_title.when == item.last_progress_at
    assert by_title.snippet == "A brief on how traffickers recruit through social media."


def test_an_item_without_a_description_says_who_leads_it_and_when_it_is_due(focal_point):
    lead = factories.OrganisationFactory(acronym="UNHCR")
    factories.WorkItemFactory(title="Toolkit", lead_organisation=lead, due_on=date(2026, 6, 30))

    (found,) = search.work_items(focal_point, "toolkit", 20)

    assert found.snippet.startswith("UNHCR · On track · due ")


@pytest.mark.parametrize("who", ["observer", "principal", "focal_point"])
def test_every_reader_finds_the_items_the_item_pages_show_them(request, who):
    factories.WorkItemFactory(title="Toolkit", lead_organisation=factories.OrganisationFactory())

    assert [r.title for r in search.work_items(request.getfixturevalue(who), "toolkit", 20)] == [
        "Toolkit"
    ]


def test_a_match_in_the_title_comes_before_one_in_the_description(focal_point):
    factories.WorkItemFactory(title="Annual report", description="Includes the toolkit.")
    factories.WorkItemFactory(title="Toolkit", description="")

    assert [r.title for r in search.work_items(focal_point, "toolkit", 20)] == [
        "Toolkit",
        "Annual report",
    ]


def test_no_more_than_the_limit(focal_point):
    for n in range(5):
        factories.WorkItemFactory(title=f"Toolkit {n}")

    assert len(search.work_items(focal_point, "toolkit", 3)) == 3


def test_one_query_whatever_the_number_of_items(focal_point, django_assert_num_queries):
    def add(count: int) -> None:
        for n in range(count):
            factories.WorkItemFactory(
                title=f"Toolkit {n}",
                contributing_organisations=[factories.OrganisationFactory()],
            )

    add(2)
    with django_assert_num_queries(1):
        search.work_items(focal_point, "toolkit", 50)
    add(10)
    with django_assert_num_queries(1):
        assert len(search.work_items(focal_point, "toolkit", 50)) == 12
