"""Removing a milestone asks first: the first post shows what will be removed and changes
nothing; the post from that page removes it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories
from workplans.models import Milestone

pytestmark = pytest.mark.django_db

CONFIRM_PAGE = "common/confirm.html"


@pytest.fixture
def milestone(organisation):
    item = factories.WorkItemFactory(
        title="Issue brief on procurement", lead_organisation=organisation
    )
    return Milestone.objects.create(item=item, title="First draft shared")


def test_removing_a_milestone_asks_first_then_removes_it(
    client, focal_point, milestone, django_capture_on_commit_callbacks
):
    client.force_login(focal_point)
    url = reverse("workplans:milestone_remove", args=[milestone.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 200
    assert CONFIRM_PAGE in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Issue brief on procurement" in page and "Nobody is emailed." in page
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert mail.outbox == []

    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


@pytest.mark.parametrize("who", ["observer", "principal", "outsider"])
def test_who_may_not_edit_the_item_is_refused_before_the_confirmation(
    client, request, who, milestone
):
    if who == "outsider":
        person = factories.PersonFactory(
            organisation=factories.OrganisationFactory(acronym="IOM"), email="iom@example.org"
        )
    else:
        person = request.getfixturevalue(who)
    client.force_login(person)
    url = reverse("workplans:milestone_remove", args=[milestone.pk])
    for data in ({}, {"confirmed": "yes"}):
        response = client.post(url, data)
        assert response.status_code == 403, who
        assert CONFIRM_PAGE not in [t.name for t in response.templates]
    assert Milestone.objects.filter(pk=milestone.pk).exists()
