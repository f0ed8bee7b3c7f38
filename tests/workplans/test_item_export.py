"""The work items' export opens well: CSV that Excel reads in UTF-8, XLSX with date cells."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from tests import factories
from tests.common import spreadsheets
from workplans.models import WorkItem

pytestmark = pytest.mark.django_db

DATES = ["Starts on", "Due on", "Last progress"]


@pytest.fixture
def reader():
    """Twelve hours ahead of UTC: their date is not UTC's in the evening."""
    return factories.ObserverFactory(email="reader@example.org", time_zone="Pacific/Auckland")


@pytest.fixture
def items(organisation):
    with time_machine.travel(datetime(2026, 6, 3, 20, 0, tzinfo=UTC), tick=False):
        dated = factories.WorkItemFactory(
            title="Étude régionale sur la traite",
            lead_organisation=organisation,
            start_on=date(2026, 2, 1),
            due_on=date(2026, 7, 30),
        )
    undated = factories.WorkItemFactory(title="Toolkit", lead_organisation=organisation)
    return dated, undated


def export(client, fmt: str):
    response = client.get(reverse("workplans:item_export", args=[fmt]), {"ordering": "title"})
    assert response.status_code == 200
    return response


def test_the_csv_reads_in_utf_8_with_iso_dates(client, reader, items):
    client.force_login(reader)

    rows = spreadsheets.csv_dicts(export(client, "csv"))

    assert [row["Title"] for row in rows] == ["Toolkit", "Étude régionale sur la traite"]
    dated = rows[1]
    assert (dated["Starts on"], dated["Due on"]) == ("2026-02-01", "2026-07-30")
    # 20:00 UTC on 3 June is already 4 June in Auckland.
    assert dated["Last progress"] == "2026-06-04"
    assert (rows[0]["Starts on"], rows[0]["Due on"]) == ("", "")


def test_the_xlsx_has_date_cells_a_frozen_filtered_header_and_widths(client, reader, items):
    client.force_login(reader)

    sheet = spreadsheets.xlsx_sheet(export(client, "xlsx"), date_columns=DATES)

    rows = spreadsheets.xlsx_dicts(sheet)
    dated = rows[1]
    assert dated["Title"] == "Étude régionale sur la traite"
    assert dated["Due on"] == datetime(2026, 7, 30)  # noqa: DTZ001 -- Excel's dates are naive
    assert dated["Last progress"] == datetime(2026, 6, 4)  # noqa: DTZ001
    assert rows[0]["Due on"] is None
    assert len(rows) == WorkItem.objects.count()
