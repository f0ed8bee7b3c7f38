"""The public page of a published statement offers the site's language to visitors: the words
around the text change, the text keeps the language version chosen."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_language_afterwards():
    """LocaleMiddleware activates the cookie's language for the rest of the thread (each real
    request activates its own): later tests start from the site's default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_a_visitor_switches_the_public_page_to_spanish(client, published_statement):
    url = reverse("statements:public_statement", args=[published_statement.pk])
    html = client.get(url).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert f'name="next" value="{url}"' in html

    response = client.post(reverse("set_language"), {"language": "es", "next": url})

    assert response["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    assert '<html lang="es">' in page.content.decode()
