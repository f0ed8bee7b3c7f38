"""The export of a call's answers opens well: CSV that Excel reads in UTF-8, XLSX with the times
of the answers as date cells, on the reader's clocks, which the header names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from coordination import announcements
from coordination.models import Announcement
from tests.common import spreadsheets

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)  # 05:00 in New York
ANSWERED_AT = "Answered at (America/New_York)"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def call(secretariat, organisation, other_organisation, focal_point) -> Announcement:
    """Sent to UNICEF and ILO; UNICEF's focal point answers."""
    sent = announcements.announcement_send(
        actor=secretariat,
        title="Contributions au rapport annuel",
        body="Trois faits marquants, s'il vous plaît.",
        kind=Announcement.Kind.CALL_FOR_INPUTS,
        deadline=NOW + timedelta(days=7),
        organisations=[organisation, other_organisation],
        roles=list(announcements.DEFAULT_ROLES),
    )
    announcements.input_save(
        announcement=sent,
        organisation=organisation,
        actor=focal_point,
        text="Coopération régionale",
    )
    return sent


@pytest.fixture
def reader(client, secretariat):
    secretariat.time_zone = "America/New_York"
    secretariat.save(update_fields=["time_zone"])
    client.force_login(secretariat)
    return secretariat


def export(client, call, fmt: str):
    response = client.get(reverse("coordination:announcement_export", args=[call.pk, fmt]))
    assert response.status_code == 200
    return response


def test_the_csv_reads_in_utf_8_with_iso_times_on_the_readers_clocks(client, call, reader):
    rows = {row["Acronym"]: row for row in spreadsheets.csv_dicts(export(client, call, "csv"))}

    assert rows["UNICEF"]["Answer"] == "Coopération régionale"
    assert rows["UNICEF"][ANSWERED_AT] == "2026-06-03T05:00"
    assert rows["ILO"][ANSWERED_AT] == ""


def test_the_xlsx_has_time_cells_a_frozen_filtered_header_and_widths(client, call, reader):
    sheet = spreadsheets.xlsx_sheet(export(client, call, "xlsx"), date_columns=[ANSWERED_AT])

    rows = {row["Acronym"]: row for row in spreadsheets.xlsx_dicts(sheet)}
    assert rows["UNICEF"][ANSWERED_AT].isoformat() == "2026-06-03T05:00:00"
    assert rows["UNICEF"]["Answer"] == "Coopération régionale"
    assert rows["ILO"][ANSWERED_AT] is None
    assert sheet.title == "Contributions au rapport annuel"
