"""The time zones people choose from are the canonical ones of the time-zone database, grouped by
region, with their organisation's first; a zone stored before (an alias) stays valid."""

from __future__ import annotations

import zoneinfo

import pytest
from django.urls import reverse

from coordination.forms import OrganisationForm, PersonForm, ProfileForm
from coordination.models import (
    TIME_ZONE_REGIONS,
    canonical_time_zones,
    time_zone_choices,
    validate_time_zone,
)
from tests import factories

pytestmark = pytest.mark.django_db

ALIASES = ("Factory", "localtime", "W-SU", "US/Eastern", "Asia/Calcutta", "Etc/GMT+5", "GMT")


def offered(choices) -> list[str]:
    """Every value of a grouped list of choices."""
    values = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            values += [v for v, _label in label]
        else:
            values.append(value)
    return values


def test_only_canonical_zones_are_offered():
    values = offered(time_zone_choices())

    assert len(values) == len(set(values))
    assert len(values) < len(zoneinfo.available_timezones()) - 150
    assert {"UTC", "Europe/Vienna", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"} <= set(
        values
    )
    assert not set(ALIASES) & set(values)
    assert set(values) == canonical_time_zones()


def test_the_zones_are_grouped_by_region_after_utc():
    choices = time_zone_choices()

    assert choices[0] == ("UTC", "UTC")
    groups = [(str(name), zones) for name, zones in choices[1:]]
    assert [name for name, _zones in groups] == [str(n) for n in TIME_ZONE_REGIONS.values()]
    europe = dict(groups)["Europe"]
    assert ("Europe/Vienna", "Vienna") in europe
    assert all(value.startswith("Europe/") for value, _label in europe)
    americas = dict(dict(groups)["Americas"])
    assert americas["America/Argentina/Buenos_Aires"] == "Argentina/Buenos Aires"
    assert [label for _value, label in europe] == sorted(label for _value, label in europe)


def test_the_organisations_zone_comes_first_and_only_once():
    choices = time_zone_choices(first="Africa/Nairobi")

    assert choices[0] == ("Africa/Nairobi", "Africa/Nairobi")
    assert offered(choices).count("Africa/Nairobi") == 1


def test_a_stored_alias_stays_valid_and_selectable():
    validate_time_zone("W-SU")
    choices = time_zone_choices(first="Europe/Moscow", keep="W-SU")

    assert offered(choices)[:3] == ["Europe/Moscow", "W-SU", "UTC"]


def test_the_profile_offers_the_organisations_zone_first(client):
    organisation = factories.OrganisationFactory(acronym="UNEP", time_zone="Africa/Nairobi")
    person = factories.PersonFactory(organisation=organisation, time_zone="Asia/Tokyo")
    client.force_login(person)

    page = client.get(reverse("coordination:profile"))
    field = page.context["form"].fields["time_zone"]
    html = page.content.decode()

    assert field.choices[0] == ("Africa/Nairobi", "Africa/Nairobi")
    assert "W-SU" not in html and "Factory" not in html
    assert '<optgroup label="Europe">' in html
    assert '<option value="Asia/Tokyo" selected>Tokyo</option>' in html


def test_a_person_whose_stored_zone_is_an_alias_can_still_save_their_profile(client):
    person = factories.PersonFactory(time_zone="W-SU")
    client.force_login(person)

    response = client.post(
        reverse("coordination:profile"),
        {
            "full_name": "Renamed",
            "job_title": "",
            "time_zone": "W-SU",
            "language": "en",
            "version": person.version,
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.time_zone) == ("Renamed", "W-SU")


def test_an_alias_nobody_stored_cannot_be_chosen(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        reverse("coordination:profile"),
        {
            "full_name": "Renamed",
            "job_title": "",
            "time_zone": "Factory",
            "language": "en",
            "version": focal_point.version,
        },
    )

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    focal_point.refresh_from_db()
    assert focal_point.time_zone == "Europe/Vienna"


def test_the_secretariats_forms_offer_the_canonical_zones(focal_point):
    person_form = PersonForm(instance=focal_point)
    organisation_form = OrganisationForm(instance=focal_point.organisation)

    assert person_form.fields["time_zone"].choices[0][0] == focal_point.organisation.time_zone
    for form in (person_form, organisation_form, ProfileForm(instance=focal_point)):
        values = offered(form.fields["time_zone"].choices)
        assert "Factory" not in values and "UTC" in values
