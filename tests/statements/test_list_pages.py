"""The statement list comes a page at a time (the newest first), in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_list_shows_fifty_statements_a_page_in_queries_that_do_not_grow(
    client, focal_point, organisation
):
    for n in range(60):
        statement = factories.StatementFactory(title=f"Statement number {n:02d}")
        statement.lead_organisations.add(organisation)
    client.force_login(focal_point)
    url = reverse("statements:statement_list")
    with CaptureQueriesContext(connection) as first:
        page = client.get(url).content.decode()
    assert page.count("Statement number") == 50
    assert "Page 1 of 2" in page
    with CaptureQueriesContext(connection) as second:
        rest = client.get(url + "?page=2").content.decode()
    assert rest.count("Statement number") == 10
    assert len(second.captured_queries) == len(first.captured_queries)
    assert client.get(url + "?page=99").status_code == 200  # the last page, not an error
