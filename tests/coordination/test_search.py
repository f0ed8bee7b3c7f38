"""Members and people in the global search: organisations for everyone logged in, people for
the group's members only (never for an observer), deactivated people never."""

from __future__ import annotations

from typing import cast

import pytest

from common import registry
from coordination import search
from coordination.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def test_members_are_registered_as_a_search_source():
    assert "coordination.search.members" in registry.search_sources.paths()


def test_an_organisation_is_found_by_its_name_or_its_acronym(observer, organisation):
    (by_name,) = search.members(observer, "children's fund", 20)
    (by_acronym,) = search.members(observer, "unicef", 20)

    assert by_name == by_acronym
    assert by_name.title == "United Nations Children's Fund (UNICEF)"
    assert by_name.url == organisation.get_absolute_url()
    assert str(by_name.kind) == "Member organisation"


@pytest.mark.parametrize("who", ["secretariat", "focal_point", "principal"])
def test_members_of_the_group_find_people_by_name_or_email(request, who, organisation):
    person = factories.PersonFactory(
        full_name="Amina Diallo", email="a.diallo@unicef.example", organisation=organisation
    )
    reader = request.getfixturevalue(who)

    (by_name,) = search.members(reader, "amina", 20)
    (by_email,) = search.members(reader, "diallo@unicef", 20)

    assert by_name == by_email
    assert by_name.url == person.get_absolute_url()
    assert str(by_name.kind) == "Person"
    assert by_name.snippet == "Focal point · UNICEF · a.diallo@unicef.example"


def test_an_observer_finds_organisations_but_never_people(observer, organisation):
    factories.PersonFactory(full_name="Unicef Liaison", organisation=organisation)

    found = search.members(observer, "unicef", 20)

    assert [str(r.kind) for r in found] == ["Member organisation"]
    assert search.members(observer, "liaison", 20) == []


def test_a_deactivated_person_is_not_found(focal_point):
    factories.PersonFactory(full_name="Former Colleague", is_active=False)

    assert search.members(focal_point, "former colleague", 20) == []


def test_no_more_than_the_limit_in_all(focal_point):
    for n in range(4):
        factories.OrganisationFactory(acronym=f"NET{n}", name=f"Network {n}")
        factories.PersonFactory(full_name=f"Network person {n}")

    assert len(search.members(focal_point, "network", 5)) == 5


def test_two_queries_whatever_the_number_of_members(focal_point, django_assert_num_queries):
    def add(count: int) -> None:
        for _n in range(count):
            organisation = cast(Organisation, factories.OrganisationFactory())
            organisation.name = f"Network {organisation.acronym}"
            organisation.save()
            factories.PersonFactory(full_name="Network person", organisation=organisation)

    add(2)
    with django_assert_num_queries(2):
        search.members(focal_point, "network", 50)
    add(10)
    with django_assert_num_queries(2):
        assert len(search.members(focal_point, "network", 50)) == 24
