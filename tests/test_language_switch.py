"""Someone not logged in chooses the site's language on the login page, the password reset
pages and the public pages (Django's set_language, a cookie); a logged-in person reads the
site in their profile's language, whatever the cookie says."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_language_afterwards():
    """LocaleMiddleware activates the cookie's language for the rest of the thread (each real
    request activates its own): later tests start from the site's default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


LOGIN = "/accounts/login/"


def choose(client, language: str, next_url: str = LOGIN):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_the_login_page_offers_each_language_named_in_itself(client):
    response = client.get(LOGIN)
    html = response.content.decode()

    assert f'action="{reverse("set_language")}"' in html
    assert 'name="next" value="/accounts/login/"' in html
    assert '<strong lang="en" aria-current="true">English</strong>' in html
    assert 'name="language" value="fr" lang="fr" class="link-button">Français</button>' in html
    assert 'name="language" value="es" lang="es" class="link-button">Español</button>' in html
    # No script or inline style: the strict CSP holds, and the form works without JavaScript.
    assert inline_problems(response) == []


def test_a_visitor_who_chooses_french_reads_the_login_page_in_french(client):
    response = choose(client, "fr")

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(LOGIN)
    html = page.content.decode()
    assert '<html lang="fr">' in html
    assert "Se connecter" in html
    assert page["Content-Language"] == "fr"
    # English is now the one offered as a button.
    assert 'value="en" lang="en" class="link-button">English</button>' in html


@pytest.mark.parametrize("url", ["/accounts/password/reset/", "/accounts/password/reset/done/"])
def test_the_password_reset_pages_offer_the_switch_and_follow_it(client, url):
    choose(client, "es", url)

    html = client.get(url).content.decode()

    assert f'action="{reverse("set_language")}"' in html
    assert '<html lang="es">' in html


def test_an_unknown_language_changes_nothing(client):
    response = choose(client, "xx")

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="en">' in client.get(LOGIN).content.decode()


def test_the_switch_does_not_send_anyone_to_another_site(client):
    response = choose(client, "fr", "https://elsewhere.example/")

    assert not response["Location"].startswith("https://elsewhere.example")


def test_a_logged_in_persons_profile_language_wins_over_the_cookie(client):
    person = factories.PersonFactory(language="es")
    choose(client, "fr")
    client.force_login(person)

    response = client.get(reverse("dashboard"))

    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()


def test_a_logged_in_person_is_not_offered_the_switch(client):
    client.force_login(factories.PersonFactory())

    html = client.get(reverse("coordination:profile")).content.decode()

    assert f'action="{reverse("set_language")}"' not in html
