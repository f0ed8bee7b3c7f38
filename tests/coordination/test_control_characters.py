"""Control characters in a list's query (a NUL, which PostgreSQL refuses) are no server error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

TEXT = "Ω日本\u0000\u202e<script>alert(1)</script>\u0007"


@pytest.mark.parametrize(
    ("url", "field"), [("/people/", "q"), ("/history/", "model"), ("/history/", "object")]
)
def test_control_characters_in_a_query_are_no_server_error(client, secretariat, url, field):
    client.force_login(secretariat)
    response = client.get(url, {field: TEXT})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_people_search_ignores_control_characters(client, secretariat, focal_point):
    client.force_login(secretariat)
    response = client.get("/people/", {"q": "focal\u0000"})
    assert focal_point.email in response.content.decode()
