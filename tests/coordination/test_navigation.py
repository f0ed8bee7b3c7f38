"""The header's navigation leads to the announcements whoever writes them (the secretariat, the
chairs) or answers calls for inputs (focal points and alternates); not principals or observers,
who neither write nor answer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

ANNOUNCEMENTS = reverse("coordination:announcement_list")


@pytest.fixture
def chair():
    organisation = factories.OrganisationFactory(acronym="ICMPD")
    factories.ChairTermFactory(
        starts_on=timezone.localdate() - timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=5),
        organisations=[organisation],
    )
    return factories.PersonFactory(organisation=organisation, email="chair@example.org")


@pytest.fixture
def alternate(organisation):
    return factories.PersonFactory(
        organisation=organisation, role="alternate", email="alternate@example.org"
    )


def _main_nav(client, url: str = "/") -> str:
    page = client.get(url).content.decode()
    nav = re.search(r'<nav aria-label="Main".*?</nav>', page, re.S)
    assert nav is not None
    return nav.group(0)


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("secretariat", True),
        ("chair", True),
        ("focal_point", True),
        ("alternate", True),
        ("principal", False),
        ("observer", False),
    ],
)
def test_the_announcements_are_in_the_navigation_of_those_who_write_or_answer_them(
    client, request, who, shown
):
    client.force_login(request.getfixturevalue(who))

    assert (f'href="{ANNOUNCEMENTS}"' in _main_nav(client, reverse("dashboard"))) is shown


def test_a_chair_reaches_the_page_to_write_from_the_navigation(client, chair):
    client.force_login(chair)

    nav = _main_nav(client, ANNOUNCEMENTS)

    assert f'<a href="{ANNOUNCEMENTS}" aria-current="page">' in nav
    assert reverse("coordination:person_list") not in nav  # the secretariat's pages stay theirs
    assert reverse("coordination:announcement_new") in client.get(ANNOUNCEMENTS).content.decode()
