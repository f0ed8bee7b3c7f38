"""A new person starts in their organisation's time zone (the group's for someone of no
organisation) unless they chose another; whoever accepts an invitation also chooses the
language of the site and of their emails."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from coordination import services
from coordination.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_language_afterwards():
    """LocaleMiddleware activates the cookie's language for the rest of the thread (each real
    request activates its own): later tests start from the site's default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


PASSWORD = "correct-horse-battery"


@pytest.fixture
def nairobi():
    return factories.OrganisationFactory(acronym="UNEP", time_zone="Africa/Nairobi")


def test_a_person_created_for_an_organisation_takes_its_time_zone(nairobi):
    person = services.person_create(
        actor=None,
        email="new@example.org",
        full_name="New",
        role="focal_point",
        organisation=nairobi,
    )
    assert person.time_zone == "Africa/Nairobi"


def test_a_time_zone_given_when_creating_a_person_wins(nairobi):
    person = services.person_create(
        actor=None,
        email="new@example.org",
        full_name="New",
        role="focal_point",
        organisation=nairobi,
        time_zone="Asia/Tokyo",
    )
    assert person.time_zone == "Asia/Tokyo"


@override_settings(GROUP_TIME_ZONE="Europe/Vienna")
def test_someone_of_no_organisation_takes_the_groups_time_zone():
    person = services.person_create(
        actor=None, email="new@example.org", full_name="New", role="observer", organisation=None
    )
    assert person.time_zone == "Europe/Vienna"


@pytest.fixture
def token(secretariat, nairobi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=secretariat, email="invitee@example.org", role="focal_point", organisation=nairobi
        )
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/join/" in line).strip()
    return link.rstrip("/").rsplit("/", 1)[-1]


def accept(client, token, **extra):
    return client.post(
        reverse("coordination:invitation_accept", args=[token]),
        {"full_name": "New Colleague", "password1": PASSWORD, "password2": PASSWORD, **extra},
    )


def test_accepting_an_invitation_starts_in_the_organisations_time_zone(client, token):
    assert accept(client, token).status_code == 302

    person = Person.objects.get(email="invitee@example.org")
    assert (person.time_zone, person.language) == ("Africa/Nairobi", "en")


def test_the_acceptance_form_offers_the_organisations_zone_first_and_chosen(client, token):
    form = client.get(reverse("coordination:invitation_accept", args=[token])).context["form"]

    assert form.fields["time_zone"].choices[0] == ("Africa/Nairobi", "Africa/Nairobi")
    assert form["time_zone"].value() == "Africa/Nairobi"
    assert 'value="Africa/Nairobi" selected' in str(form["time_zone"])


def test_the_invitee_chooses_another_time_zone_and_a_language(client, token):
    response = accept(client, token, time_zone="America/Lima", language="es")

    assert response.status_code == 302
    person = Person.objects.get(email="invitee@example.org")
    assert (person.time_zone, person.language) == ("America/Lima", "es")
    # The site is at once in the language chosen.
    assert client.get(reverse("dashboard"))["Content-Language"] == "es"


def test_the_acceptance_form_proposes_the_language_the_visitor_chose(client, token):
    client.post(reverse("set_language"), {"language": "fr"})
    form = client.get(reverse("coordination:invitation_accept", args=[token])).context["form"]

    assert form["language"].value() == "fr"


@pytest.mark.parametrize(
    ("field", "value"), [("time_zone", "Mars/Olympus_Mons"), ("language", "xx")]
)
def test_an_unknown_time_zone_or_language_is_refused_and_nothing_is_created(
    client, token, field, value
):
    response = accept(client, token, **{field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Person.objects.filter(email="invitee@example.org").exists()


def test_the_service_refuses_an_unknown_time_zone(token):
    with pytest.raises(Exception, match="not a known time zone"):
        services.invitation_accept(
            token=token, full_name="New", password=PASSWORD, time_zone="Mars/Olympus_Mons"
        )
    assert not Person.objects.filter(email="invitee@example.org").exists()
