from __future__ import annotations

import io
import zoneinfo
from datetime import UTC, date, datetime

import openpyxl
import pytest
from django.http import Http404
from django.utils import timezone

from common import exports
from tests.common import spreadsheets

HEADERS = ["Organisation", "Title"]
TAGS = ["#org+name", "#activity +name"]
VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")


def csv_rows(data) -> list[list[str]]:
    return spreadsheets.csv_rows(exports.spreadsheet_response(data, "csv", "file"))


def xlsx_response(data):
    return exports.spreadsheet_response(data, "xlsx", "file")


def xlsx_rows(data) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response(data).content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_hxl_hashtags_make_the_row_under_the_header_in_csv_and_xlsx():
    data = exports.dataset(HEADERS, [["IOM", "Safe migration"]], "Initiatives", hxl=TAGS)

    expected = [HEADERS, TAGS, ["IOM", "Safe migration"]]
    assert csv_rows(data) == expected
    assert xlsx_rows(data) == expected


def test_without_hashtags_the_rows_follow_the_header_as_before():
    data = exports.dataset(HEADERS, [["IOM", "Safe migration"]], "Initiatives")

    assert csv_rows(data) == [HEADERS, ["IOM", "Safe migration"]]


def test_cells_that_look_like_formulas_are_neutralised_but_the_hashtags_are_not():
    rows = [['=HYPERLINK("http://evil")', "@SUM(A1)"], ["+1", "-2"]]

    data = exports.dataset(HEADERS, rows, "Initiatives", hxl=TAGS)

    assert csv_rows(data)[1:] == [
        TAGS,
        ['\'=HYPERLINK("http://evil")', "'@SUM(A1)"],
        ["'+1", "'-2"],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response(data).content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_hashtag_per_column_is_required():
    with pytest.raises(ValueError, match="1 HXL hashtags for 2 columns"):
        exports.dataset(HEADERS, [], "Initiatives", hxl=["#org+name"])


@pytest.mark.parametrize("tag", ["org+name", "#Org", "#org+", "#org name", "=#org", ""])
def test_what_is_not_a_hashtag_is_refused(tag):
    with pytest.raises(ValueError, match="Not HXL hashtags"):
        exports.dataset(HEADERS, [], "Initiatives", hxl=["#org+name", tag])


def test_a_long_title_is_cut_to_what_xlsx_allows():
    data = exports.dataset(HEADERS, [], "A title much longer than thirty-one characters")

    assert len(data.title) == 31
    book = openpyxl.load_workbook(io.BytesIO(xlsx_response(data).content))
    assert book.active.title == "A title much longer than thirty"


def test_a_title_with_characters_excel_refuses_still_makes_a_sheet():
    data = exports.dataset(HEADERS, [], "Inputs: 2026/27 [draft]?")

    book = openpyxl.load_workbook(io.BytesIO(xlsx_response(data).content))
    assert book.active.title == "Inputs- 2026-27 -draft--"


def test_an_unknown_format_is_a_404():
    with pytest.raises(Http404):
        exports.spreadsheet_response(exports.dataset(HEADERS, [], "x"), "ods", "file")


def test_the_response_is_an_attachment_named_with_its_format():
    response = exports.spreadsheet_response(exports.dataset(HEADERS, [], "x"), "csv", "file")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="file.csv"'


# --- Opening well in Excel ------------------------------------------------------------------------

DATED = ["Organisation", "Due on", "Answered at"]


def dated(zone=None):
    rows = [
        ["Organisation internationale pour les migrations", date(2026, 7, 30), None],
        ["UNICEF", None, datetime(2026, 6, 3, 9, 0, tzinfo=UTC)],
        ["ILO", date(2026, 1, 2), datetime(2026, 6, 3, 9, 0, 27, tzinfo=UTC)],
    ]
    return exports.dataset(DATED, rows, "Dated", zone=zone)


def test_a_csv_starts_with_a_byte_order_mark_so_that_excel_reads_its_accents():
    data = exports.dataset(["Organización", "Título"], [["OIM", "Protección des victimes"]], "x")

    response = exports.spreadsheet_response(data, "csv", "file")

    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").splitlines() == [
        "Organización,Título",
        "OIM,Protección des victimes",
    ]


def test_a_csv_writes_dates_and_times_in_iso_8601_and_nothing_for_none():
    assert csv_rows(dated(UTC))[1:] == [
        ["Organisation internationale pour les migrations", "2026-07-30", ""],
        ["UNICEF", "", "2026-06-03T09:00"],
        ["ILO", "2026-01-02", "2026-06-03T09:00:27"],
    ]


def test_an_xlsx_holds_real_dates_with_a_date_format():
    sheet = spreadsheets.xlsx_sheet(
        xlsx_response(dated(UTC)), date_columns=["Due on", "Answered at"]
    )

    assert sheet["B2"].value.isoformat() == "2026-07-30T00:00:00"  # Excel has no bare dates
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C3"].value.isoformat() == "2026-06-03T09:00:00"  # naive: no zones in Excel
    assert sheet["C3"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["B3"].value is None  # an empty cell, not an empty text


def test_times_are_written_on_the_clocks_of_the_zone_asked_for():
    assert csv_rows(dated(VIENNA))[2][2] == "2026-06-03T11:00"
    sheet = spreadsheets.xlsx_sheet(xlsx_response(dated(VIENNA)), date_columns=["Answered at"])
    assert sheet["C3"].value.isoformat() == "2026-06-03T11:00:00"


def test_times_are_the_readers_by_default():
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        data = dated()

    assert csv_rows(data)[2][2] == "2026-06-03T05:00"


def test_an_xlsx_freezes_and_filters_its_header_and_sizes_its_columns():
    long_text = "A mandate that goes on and on. " * 10
    rows = [["IOM", long_text], ["UNICEF", "Two lines\nof text"]]
    data = exports.dataset(HEADERS, rows, "Initiatives")

    sheet = spreadsheets.xlsx_sheet(xlsx_response(data))

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet["A1"].font.bold
    # The short column is as wide as its header; the long one stops at the cap and wraps.
    assert sheet.column_dimensions["A"].width == len("Organisation") + 2
    assert sheet.column_dimensions["B"].width == exports.MAX_WIDTH
    assert sheet["B2"].alignment.wrap_text
    assert sheet["B3"].alignment.wrap_text
    assert not sheet["A2"].alignment.wrap_text


def test_an_xlsx_with_hashtags_keeps_both_heading_rows_in_view_and_filters_under_them():
    data = exports.dataset(HEADERS, [["IOM", "Safe migration"]], "Initiatives", hxl=TAGS)

    sheet = spreadsheets.xlsx_sheet(xlsx_response(data), heading_rows=2)

    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:B3"
    assert sheet["A2"].font.bold


def test_an_empty_xlsx_still_has_its_header_filtered():
    sheet = spreadsheets.xlsx_sheet(xlsx_response(exports.dataset(HEADERS, [], "Empty")))

    assert sheet.auto_filter.ref == "A1:B1"


def test_a_control_character_pasted_into_a_text_does_not_break_the_xlsx():
    data = exports.dataset(HEADERS, [["IOM", "Bell\x07 and\x1b escape"]], "x")

    assert xlsx_rows(data)[1] == ["IOM", "Bell and escape"]
    assert csv_rows(data)[1] == ["IOM", "Bell\x07 and\x1b escape"]
