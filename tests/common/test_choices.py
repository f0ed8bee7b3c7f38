"""Cached choices (common.choices): read once, forgotten when what they list changes, in every
language, and never kept from before a change's commit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from common.choices import Cached, CachedChoices
from coordination.models import ChairTerm, Organisation
from tests import factories

pytestmark = pytest.mark.django_db

ITEMS = "/workplans/items/"


def acronyms() -> list[tuple[str, str]]:
    return [(str(pk), label) for pk, label in Organisation.objects.values_list("pk", "acronym")]


def test_the_choices_are_read_once_then_from_the_cache(organisation):
    choices = CachedChoices("test.once", build=acronyms, models=[Organisation])
    assert choices() == [(str(organisation.pk), "UNICEF")]
    with CaptureQueriesContext(connection) as queries:
        assert choices() == [(str(organisation.pk), "UNICEF")]
    assert len(queries) == 0


def test_a_change_is_seen_by_its_transaction_and_again_once_it_commits(
    organisation, django_capture_on_commit_callbacks
):
    choices = CachedChoices("test.commit", build=acronyms, models=[Organisation])
    choices()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        other = factories.OrganisationFactory(acronym="ILO")
        # The transaction that made the change reads it at once.
        assert sorted(label for _, label in choices()) == ["ILO", "UNICEF"]
        # Another process, reading before the commit, rebuilds from the data as it was and
        # keeps it under the new generation...
        stale_key = "cached:test.commit:en"
        generation = cache.get(choices.generation_key)
        cache.set(stale_key, (generation, [(str(organisation.pk), "UNICEF")]))
        assert [label for _, label in choices()] == ["UNICEF"]
    # ...which the commit retires.
    for callback in callbacks:
        callback()
    assert sorted(label for _, label in choices()) == ["ILO", "UNICEF"]

    with django_capture_on_commit_callbacks(execute=True):
        other.acronym = "IOM"
        other.save()
    assert sorted(label for _, label in choices()) == ["IOM", "UNICEF"]
    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    assert [label for _, label in choices()] == ["UNICEF"]


def test_a_many_to_many_change_is_a_change(organisation, other_organisation):
    term = factories.ChairTermFactory(organisations=[organisation])

    def chairs() -> list[str]:
        return sorted(o.acronym for t in ChairTerm.objects.all() for o in t.organisations.all())

    kept = Cached("test.links", build=chairs, models=[], links=[ChairTerm.organisations.through])
    assert kept() == ["UNICEF"]
    term.organisations.add(other_organisation)
    assert kept() == sorted(["UNICEF", other_organisation.acronym])


def test_each_language_has_its_own_list(organisation, django_capture_on_commit_callbacks):
    def labelled():
        return [("x", translation.gettext("Done"))]

    choices = CachedChoices("test.language", build=labelled, models=[Organisation])
    assert choices() == [("x", "Done")]
    with translation.override("fr"):
        assert choices() == [("x", "Terminé")]
    assert choices() == [("x", "Done")]


def test_the_item_lists_filter_offers_what_changed(
    client, observer, organisation, focal_point, django_capture_on_commit_callbacks
):
    client.force_login(observer)
    area = factories.PriorityAreaFactory()
    item = factories.WorkItemFactory(priority_area=area, lead_organisation=organisation)
    form = client.get(ITEMS).context["filter"].form
    assert focal_point.full_name not in dict(form.fields["owner"].choices).values()

    with django_capture_on_commit_callbacks(execute=True):
        item.owner = focal_point
        item.save()
        factories.OrganisationFactory(acronym="NEWORG")
        area.title = "Renamed area"
        area.save()
    form = client.get(ITEMS).context["filter"].form
    assert dict(form.fields["owner"].choices)[str(focal_point.pk)] == focal_point.full_name
    assert "NEWORG" in dict(form.fields["lead_organisation"].choices).values()
    assert "NEWORG" in dict(form.fields["organisation"].choices).values()
    assert dict(form.fields["priority_area"].choices)[str(area.pk)] == "Renamed area"

    # And filtering by the new choice works.
    page = client.get(ITEMS, {"owner": focal_point.pk}).context["page"]
    assert [i.pk for i in page] == [item.pk]


def test_the_item_list_reads_no_choice_once_they_are_cached(client, observer, organisation):
    client.force_login(observer)
    factories.WorkItemFactory(lead_organisation=organisation)
    client.get(ITEMS)
    cache.clear()  # the session is in the database: logging in survives this
    with CaptureQueriesContext(connection) as cold:
        client.get(ITEMS)
    with CaptureQueriesContext(connection) as warm:
        client.get(ITEMS)
    # Plans, priority areas, organisations (one list for both fields) and owners.
    assert len(cold) - len(warm) == 4
