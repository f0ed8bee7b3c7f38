"""The admin's chair-term pages save through the services: same rules, version and audit."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from coordination.models import ChairTerm, Person
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, secretariat):
    """The secretariat, let into the Django admin."""
    Person.objects.filter(pk=secretariat.pk).update(is_staff=True, is_superuser=True)
    client.force_login(secretariat)
    return client


def term_form(*organisations, **values):
    return {
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "organisations": [o.pk for o in organisations],
        "note": "",
        "version": "",
        **values,
    }


def test_adding_a_term_in_the_admin_goes_through_the_service(
    admin_client, secretariat, organisation, other_organisation
):
    assert admin_client.get(reverse("admin:coordination_chairterm_add")).status_code == 200
    response = admin_client.post(
        reverse("admin:coordination_chairterm_add"), term_form(organisation, other_organisation)
    )
    assert response.status_code == 302
    term = ChairTerm.objects.get()
    assert (term.starts_on, term.ends_on, term.version) == (date(2027, 1, 1), date(2027, 12, 31), 1)
    assert set(term.organisations.all()) == {organisation, other_organisation}
    assert LogEntry.objects.get_for_object(term).filter(actor=secretariat).exists()


def test_a_refused_term_shows_the_reason_on_the_form_and_writes_nothing(
    admin_client, organisation, other_organisation
):
    third = factories.OrganisationFactory(acronym="IOM")
    response = admin_client.post(
        reverse("admin:coordination_chairterm_add"),
        term_form(organisation, other_organisation, third, ends_on="2026-12-31"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A chair term cannot end before it starts." in page
    assert "A chair term has one chair or two co-chairs, not 3 organisations." in page
    assert not ChairTerm.objects.exists()


def test_an_overlapping_term_is_refused_on_the_form(admin_client, organisation, other_organisation):
    factories.ChairTermFactory(
        starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), organisations=[organisation]
    )
    response = admin_client.post(
        reverse("admin:coordination_chairterm_add"),
        term_form(other_organisation, starts_on="2027-07-01", ends_on="2028-06-30"),
    )
    assert response.status_code == 200
    assert "These dates overlap the chair term 2027" in response.content.decode()
    assert ChairTerm.objects.count() == 1


def test_changing_a_term_in_the_admin_checks_the_version(
    admin_client, secretariat, organisation, other_organisation
):
    term = factories.ChairTermFactory(
        starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), organisations=[organisation]
    )
    url = reverse("admin:coordination_chairterm_change", args=[term.pk])
    page = admin_client.get(url).content.decode()
    assert '<input type="hidden" name="version" value="1"' in page  # the version it was opened at
    response = admin_client.post(url, term_form(other_organisation, note="Ours.", version="1"))
    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.note, term.version) == ("Ours.", 2)
    assert list(term.organisations.all()) == [other_organisation]
    # A second form opened at version 1 is stale now: it is told so and changes nothing.
    response = admin_client.post(url, term_form(organisation, note="Theirs.", version="1"))
    assert response.status_code == 200
    assert "Someone else changed this chair term since you opened it." in response.content.decode()
    term.refresh_from_db()
    assert (term.note, term.version) == ("Ours.", 2)


def test_staff_outside_the_secretariat_cannot_add_a_term(client, focal_point, organisation):
    Person.objects.filter(pk=focal_point.pk).update(is_staff=True, is_superuser=True)
    client.force_login(focal_point)
    response = client.post(reverse("admin:coordination_chairterm_add"), term_form(organisation))
    assert response.status_code == 403
    assert not ChairTerm.objects.exists()


def test_a_secretariat_with_admin_access_but_no_model_permissions_records_a_term(
    client, secretariat, organisation
):
    Person.objects.filter(pk=secretariat.pk).update(is_staff=True, is_superuser=False)
    client.force_login(secretariat)
    assert client.get(reverse("admin:coordination_chairterm_add")).status_code == 200
    assert client.get(reverse("admin:coordination_organisation_changelist")).status_code == 403
