"""One rule for "an organisation's items", read the same way by the item list's filter, the
dashboard and the digest; one rule for "done means 100%"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories
from workplans import selectors
from workplans.dashboard import my_organisation_work
from workplans.digest import WORK_ITEMS
from workplans.filters import WorkItemFilter
from workplans.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def unicef_items(organisation, other_organisation):
    """UNICEF's items in each of the ways an organisation can be concerned, plus one that is
    not UNICEF's. All open and overdue, so that every reader of the rule shows all of them."""
    iom = factories.OrganisationFactory(acronym="IOM")
    area = factories.PriorityAreaFactory()
    overdue = timezone.localdate() - timedelta(days=3)

    def item(title, lead, contributors=()):
        return factories.WorkItemFactory(
            priority_area=area,
            title=title,
            lead_organisation=lead,
            contributing_organisations=list(contributors),
            due_on=overdue,
        )

    mine = {
        item("Lead only", organisation),
        item("Contributor only", other_organisation, [organisation]),
        # Services never store the lead as a contributor too, but the rule must not repeat
        # the item if a row says so.
        item("Lead and contributor", organisation, [organisation, iom]),
        item("One of two contributors", other_organisation, [iom, organisation]),
    }
    item("Not UNICEF's", other_organisation, [iom])
    return mine


def titles(items) -> list[str]:
    return sorted(item.title for item in items)


def test_the_rule_finds_lead_contributor_and_both_without_duplicates(organisation, unicef_items):
    found = list(WorkItem.objects.for_organisations([organisation.pk]))
    assert len(found) == len(set(found))
    assert titles(found) == titles(unicef_items)


def test_the_rule_counts_an_item_once_for_several_organisations(
    organisation, other_organisation, unicef_items
):
    found = list(WorkItem.objects.for_organisations({organisation.pk, other_organisation.pk}))
    assert len(found) == len(set(found)) == WorkItem.objects.count()


def test_the_rule_accepts_an_iterator(organisation, unicef_items):
    # Read twice inside (leads, then contributions): an iterator must not be spent by the first.
    found = WorkItem.objects.for_organisations(iter([organisation.pk]))
    assert titles(found) == titles(unicef_items)


def test_filter_dashboard_and_digest_agree(organisation, focal_point, unicef_items):
    expected = titles(unicef_items)
    listed = WorkItemFilter(
        {"organisation": organisation.pk, "overdue": "true"}, queryset=selectors.work_items()
    ).qs
    block = my_organisation_work(focal_point)
    assert block is not None
    digest = WORK_ITEMS.collect([focal_point], timezone.now())[focal_point.pk]
    assert titles(listed) == expected
    assert titles(block.context["work"].overdue) == expected
    assert sorted(line["title"] for line in digest) == expected


def test_digest_tells_each_organisation_of_its_own_items_in_one_batch(
    organisation, other_organisation, focal_point, unicef_items
):
    ilo_person = factories.PersonFactory(organisation=other_organisation)
    lines = WORK_ITEMS.collect([focal_point, ilo_person], timezone.now())
    assert sorted(line["title"] for line in lines[focal_point.pk]) == titles(unicef_items)
    assert sorted(line["title"] for line in lines[ilo_person.pk]) == [
        "Contributor only",
        "Not UNICEF's",
        "One of two contributors",
    ]


def test_done_means_complete_is_one_rule_for_the_model_and_the_services():
    with pytest.raises(ValidationError) as error:
        WorkItem.check_done_is_complete(WorkItem.Status.DONE, 80)
    assert error.value.message_dict == {"percent_complete": ["A done item is 100% complete."]}
    WorkItem.check_done_is_complete(WorkItem.Status.DONE, 100)
    WorkItem.check_done_is_complete(WorkItem.Status.ON_TRACK, 80)
    item = factories.WorkItemFactory.build(status=WorkItem.Status.DONE, percent_complete=80)
    with pytest.raises(ValidationError) as error:
        item.clean()
    assert "percent_complete" in error.value.message_dict
