"""The endorsement board's export opens well: CSV that Excel reads in UTF-8, XLSX with the
answers' times as date cells, on the group's clocks whoever downloads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from statements import rounds
from statements.models import EndorsementRound
from tests.common import spreadsheets

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)  # 11:00 in Vienna, 05:00 in New York
ANSWERED_AT = "Answered at (Europe/Vienna)"


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.GROUP_TIME_ZONE = "Europe/Vienna"
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def round(statement, focal_point, other_organisation, secretariat) -> EndorsementRound:
    """ILO, UNICEF and UNODC are asked; UNICEF's principal answers with a reservation."""
    return rounds.round_open(
        statement=statement,
        version=statement.versions.get(number=1),
        actor=focal_point,
        procedure="silence",
        deadline=NOW + timedelta(days=7),
    ).round


@pytest.fixture
def answered(round, principal):
    rounds.round_answer(
        round=round,
        organisation=principal.organisation,
        actor=principal,
        answer="endorse_with_reservation",
        text="Réserve sur le paragraphe 2 : la protección",
    )
    return round


def export(client, round, fmt: str):
    response = client.get(reverse("statements:round_export", args=[round.pk, fmt]))
    assert response.status_code == 200
    return response


@pytest.fixture
def reader(client, secretariat):
    """Someone in New York: the times are still Vienna's, which the header names."""
    secretariat.time_zone = "America/New_York"
    secretariat.save(update_fields=["time_zone"])
    client.force_login(secretariat)
    return secretariat


def test_the_csv_reads_in_utf_8_with_iso_times_on_the_groups_clocks(client, answered, reader):
    rows = {
        row["Organisation"]: row for row in spreadsheets.csv_dicts(export(client, answered, "csv"))
    }

    assert list(rows) == ["ILO", "UNICEF", "UNODC"]
    assert rows["UNICEF"]["Reservation or reason"] == "Réserve sur le paragraphe 2 : la protección"
    assert rows["UNICEF"][ANSWERED_AT] == "2026-06-03T11:00"
    assert rows["ILO"][ANSWERED_AT] == ""


def test_the_xlsx_has_time_cells_a_frozen_filtered_header_and_widths(client, answered, reader):
    sheet = spreadsheets.xlsx_sheet(export(client, answered, "xlsx"), date_columns=[ANSWERED_AT])

    rows = {row["Organisation"]: row for row in spreadsheets.xlsx_dicts(sheet)}
    assert rows["UNICEF"][ANSWERED_AT].isoformat() == "2026-06-03T11:00:00"
    assert rows["UNICEF"]["Reservation or reason"] == "Réserve sur le paragraphe 2 : la protección"
    assert rows["ILO"][ANSWERED_AT] is None
