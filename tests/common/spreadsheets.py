"""What every export must be, checked the same way for each: a CSV that Excel reads in UTF-8 (it
starts with a byte-order mark), an XLSX with date cells, a frozen header, a filter and column
widths (common/exports.py)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

BOM = b"\xef\xbb\xbf"


def csv_rows(response) -> list[list[str]]:
    """The CSV's rows, after checking that it starts with the byte-order mark (once)."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM)
    assert not response.content[len(BOM) :].startswith(BOM)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def csv_dicts(response) -> list[dict[str, str]]:
    """The CSV's data rows by header (no hashtag row)."""
    header, *rows = csv_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def xlsx_sheet(response, *, date_columns=(), heading_rows: int = 1) -> Worksheet:
    """The XLSX's sheet, after checking that it opens well: the heading rows frozen, a filter
    from the last heading row over every column and row, every column given a width, and the
    cells of `date_columns` (headers), where not empty, real dates with a date format."""
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.freeze_panes == f"A{heading_rows + 1}"
    last = openpyxl.utils.get_column_letter(sheet.max_column)
    assert sheet.auto_filter.ref == f"A{heading_rows}:{last}{max(sheet.max_row, heading_rows)}"
    for number in range(1, sheet.max_column + 1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(number)].width
        assert 8 <= width <= 60, (number, width)
    headers = [cell.value for cell in sheet[1]]
    for header in date_columns:
        column = headers.index(header) + 1
        cells = [
            sheet.cell(row=row, column=column) for row in range(heading_rows + 1, sheet.max_row + 1)
        ]
        filled = [cell for cell in cells if cell.value is not None]
        assert filled, f"no dates in {header!r} to check"
        for cell in filled:
            assert cell.is_date, (header, cell.value)
            assert isinstance(cell.value, datetime | date)
            assert cell.number_format.startswith("yyyy-mm-dd"), cell.number_format
    return sheet


def xlsx_dicts(sheet: Worksheet, *, heading_rows: int = 1) -> list[dict[str, object]]:
    headers = [cell.value for cell in sheet[1]]
    return [
        dict(zip(headers, row, strict=True))
        for row in sheet.iter_rows(min_row=heading_rows + 1, values_only=True)
    ]
