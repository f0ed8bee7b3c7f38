from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.http import Http404

from common import exports

HEADERS = ["Organisation", "Title"]
TAGS = ["#org+name", "#activity +name"]


def csv_rows(data) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.export("csv"))))


def xlsx_rows(data) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data.export("xlsx"))).active
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
    assert data.export("xlsx")


def test_an_unknown_format_is_a_404():
    with pytest.raises(Http404):
        exports.spreadsheet_response(exports.dataset(HEADERS, [], "x"), "ods", "file")


def test_the_response_is_an_attachment_named_with_its_format():
    response = exports.spreadsheet_response(exports.dataset(HEADERS, [], "x"), "csv", "file")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="file.csv"'
