"""What every app's exports share: spreadsheets (CSV, XLSX) built from a tablib dataset, and PDFs
rendered from HTML by xhtml2pdf.

A spreadsheet treats a cell starting with "=", "+", "-" or "@" as a formula: someone could plant
"=HYPERLINK(...)" in a title or a reservation. Such a cell is exported as text, behind a quote.

A dataset may carry a row of HXL hashtags (https://hxlstandard.org) right under its header, the
convention humanitarian data tools (HDX, the HXL Proxy) read to know what a column holds whatever
its header says, in whatever language.

Both formats are written to open well where people open them, Excel first:

- CSV starts with a UTF-8 byte-order mark, without which Excel reads the file in the machine's
  legacy code page and breaks every accent; dates and times are ISO 8601, for the machines that
  read CSV.
- XLSX holds dates and times as real date cells (Excel sorts and filters them as dates), keeps
  the header in view (frozen), has a filter on it, and columns as wide as their content, capped
  so that a long text wraps instead of running off the screen.

Excel has no time zones: an aware datetime is written as the wall-clock time of a zone the caller
chooses (the reader's by default), and the caller names that zone in the column's header.
"""

from __future__ import annotations

import csv
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import BytesIO, StringIO
from typing import Any

import tablib
from django.http import Http404, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from xhtml2pdf import pisa

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# The formats a list exports to, with the content type each is served as.
SPREADSHEET_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# What Excel needs to read a CSV file as UTF-8.
BYTE_ORDER_MARK = "\ufeff"

# ISO 8601 as Excel writes it: the same in every language, and sorted as dates.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# Column widths, in characters: room for a short header, and no wider than a screen's third;
# a longer text wraps inside its column.
MIN_WIDTH = 8
MAX_WIDTH = 60
WIDTHS = {date: len("2026-05-01"), datetime: len("2026-05-01 10:30")}

# The characters a sheet's title may not hold (Excel refuses the file otherwise).
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def wall_clock(value: Any, zone: zoneinfo.ZoneInfo | None) -> Any:
    """An aware datetime as the naive time on the clocks of `zone` (the current one, the
    reader's, if None); any other value as it is."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.make_naive(value, zone)
    return value


# A hashtag and its attributes, with or without spaces between them: "#org+name", "#org +name".
HXL_TAG = re.compile(r"#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*")


def dataset(
    headers: Iterable[object],
    rows: Iterable[Iterable[Any]],
    title: str,
    *,
    hxl: Sequence[str] | None = None,
    zone: zoneinfo.ZoneInfo | None = None,
) -> tablib.Dataset:
    """The rows under their headers, every cell neutralised. XLSX limits a sheet's title to 31
    characters.

    Dates and datetimes stay dates (None for none): each format writes them its way. An aware
    datetime becomes the time in `zone` (by default the reader's), which a header should name.

    With `hxl`, one hashtag per column: they make the first row under the header. A tag that is
    not HXL, or a count that does not match the columns, is the caller's mistake and raises."""
    header_row = [str(header) for header in headers]
    data = tablib.Dataset(headers=header_row, title=title[:31])
    # How many rows head the sheet: the header, and the hashtags. The XLSX keeps them in view.
    data.heading_rows = 1
    if hxl is not None:
        if len(hxl) != len(header_row):
            raise ValueError(f"{len(hxl)} HXL hashtags for {len(header_row)} columns")
        if malformed := [tag for tag in hxl if not HXL_TAG.fullmatch(tag)]:
            raise ValueError(f"Not HXL hashtags: {malformed}")
        # Never neutralised: a tag starts with "#", which no spreadsheet reads as a formula.
        data.append(list(hxl))
        data.heading_rows = 2
    for row in rows:
        data.append([neutralise(wall_clock(value, zone)) for value in row])
    return data


def heading_rows(data: tablib.Dataset) -> int:
    return int(getattr(data, "heading_rows", 1))


def csv_text(value: Any) -> Any:
    """ISO 8601 for a date or a time (to the minute unless it has seconds)."""
    if isinstance(value, datetime):
        has_seconds = value.second or value.microsecond
        return value.isoformat(timespec="seconds" if has_seconds else "minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_csv(data: tablib.Dataset) -> bytes:
    """The dataset as CSV in UTF-8, behind a byte-order mark."""
    text = StringIO()
    writer = csv.writer(text)
    writer.writerow(data.headers)
    for row in data:
        writer.writerow([csv_text(value) for value in row])
    return (BYTE_ORDER_MARK + text.getvalue()).encode("utf-8")


def xlsx_value(value: Any) -> Any:
    """What a cell can hold: the characters XML refuses are dropped (a control character pasted
    into a text would otherwise make the whole file fail)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def text_width(value: Any) -> int:
    """How many characters wide a cell's content reads: a date by its format, a text by its
    longest line."""
    for kind in (datetime, date):  # a datetime is a date too: asked first
        if isinstance(value, kind):
            return WIDTHS[kind]
    if value is None:
        return 0
    return max((len(line) for line in str(value).splitlines()), default=0)


def to_xlsx(data: tablib.Dataset) -> bytes:
    """The dataset as one sheet of an Excel workbook: the header (and hashtag) rows bold and
    frozen, a filter over the columns, dates as date cells, columns as wide as their content."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = SHEET_TITLE_FORBIDDEN.sub("-", data.title or "Sheet")[:31] or "Sheet"
    headings = heading_rows(data)
    sheet.append([xlsx_value(header) for header in data.headers])
    for row in data:
        sheet.append([xlsx_value(value) for value in row])

    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    widths = [MIN_WIDTH] * len(data.headers)
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            index = cell.column - 1
            value = cell.value
            if cell.row <= headings:
                cell.font = bold
            elif isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            width = text_width(value)
            if width > MAX_WIDTH or (isinstance(value, str) and "\n" in value):
                cell.alignment = wrapped
            # Two characters of room for the filter's button and the margins.
            widths[index] = min(MAX_WIDTH, max(widths[index], width + 2))
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width

    last_column = get_column_letter(max(1, len(data.headers)))
    # Frozen under the header, and under the hashtags when there are: both stay in view.
    sheet.freeze_panes = f"A{headings + 1}"
    # The filter's buttons sit on the last heading row, so that sorting never moves the hashtag
    # row in among the data.
    sheet.auto_filter.ref = f"A{headings}:{last_column}{max(sheet.max_row, headings)}"

    out = BytesIO()
    book.save(out)
    return out.getvalue()


def spreadsheet_response(data: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """`data` as a download in `fmt` ("csv" or "xlsx"; anything else is a 404)."""
    if fmt not in SPREADSHEET_TYPES:
        raise Http404
    body = to_csv(data) if fmt == "csv" else to_xlsx(data)
    response = HttpResponse(body, content_type=SPREADSHEET_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _fetch_nothing(uri: str, rel: str) -> str:
    """A link in the document is a link, never a download made while rendering."""
    return ""


def html_to_pdf(html: str, *, css: str = "") -> bytes:
    """A page as a PDF; a failure is a bug in the template, not the reader's."""
    pdf = BytesIO()
    options: dict[str, Any] = {"link_callback": _fetch_nothing}
    if css:
        options["default_css"] = pisa.DEFAULT_CSS + css
    result = pisa.CreatePDF(html, dest=pdf, encoding="utf-8", **options)
    if result.err:
        raise RuntimeError(f"The PDF could not be made ({result.err} errors)")
    return pdf.getvalue()
