"""The secretariat's taxonomy terms read in the reader's language on a profile, falling back to
English where a label is blank (tests/mapping/test_taxonomies.py edits the labels)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from mapping.models import Term
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_language_afterwards():
    """LocaleMiddleware activates the cookie's language for the rest of the thread (each real
    request activates its own): later tests start from the site's default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def profile_url():
    organisation = factories.OrganisationFactory(acronym="ILO")
    revision = factories.published_profile(organisation)
    revision.forms.set(
        [
            factories.term(
                taxonomy="form",
                code="labour",
                label_en="Labour exploitation",
                label_fr="Exploitation par le travail",
                label_es="Explotación laboral",
            ),
            factories.term(taxonomy="form", code="organ-removal", label_en="Organ removal"),
        ]
    )
    return reverse("mapping:profile_detail", args=[organisation.slug])


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("fr", "Exploitation par le travail"),
        ("es", "Explotación laboral"),
        ("en", "Labour exploitation"),
    ],
)
def test_a_profile_shows_the_terms_in_the_readers_language(client, profile_url, language, label):
    client.post(reverse("set_language"), {"language": language})

    html = client.get(profile_url).content.decode()

    assert label in html
    # No label in that language: the English one, never an empty place.
    assert "Organ removal" in html


def test_a_french_reader_never_sees_the_english_label_that_has_a_translation(client, profile_url):
    client.post(reverse("set_language"), {"language": "fr"})

    assert "Labour exploitation" not in client.get(profile_url).content.decode()


def test_a_blank_label_falls_back_to_english():
    term = Term(taxonomy="form", code="x", label_en="Forced labour", label_fr="", label_es="")
    with translation.override("fr"):
        assert term.label == "Forced labour"
    term.label_fr = "Travail forcé"
    with translation.override("fr"):
        assert str(term) == "Travail forcé"
