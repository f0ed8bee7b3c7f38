"""What every app's exports share: spreadsheets written by tablib (CSV, XLSX) and PDFs rendered
from HTML by xhtml2pdf.

A spreadsheet treats a cell starting with "=", "+", "-" or "@" as a formula: someone could plant
"=HYPERLINK(...)" in a title or a reservation. Such a cell is exported as text, behind a quote.

A dataset may carry a row of HXL hashtags (https://hxlstandard.org) right under its header, the
convention humanitarian data tools (HDX, the HXL Proxy) read to know what a column holds whatever
its header says, in whatever language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

import tablib
from django.http import Http404, HttpResponse
from xhtml2pdf import pisa

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# The formats a list exports to, with the content type each is served as.
SPREADSHEET_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# A hashtag and its attributes, with or without spaces between them: "#org+name", "#org +name".
HXL_TAG = re.compile(r"#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*")


def dataset(
    headers: Iterable[object],
    rows: Iterable[Iterable[Any]],
    title: str,
    *,
    hxl: Sequence[str] | None = None,
) -> tablib.Dataset:
    """The rows under their headers, every cell neutralised. XLSX limits a sheet's title to 31
    characters.

    With `hxl`, one hashtag per column: they make the first row under the header. A tag that is
    not HXL, or a count that does not match the columns, is the caller's mistake and raises."""
    header_row = [str(header) for header in headers]
    data = tablib.Dataset(headers=header_row, title=title[:31])
    if hxl is not None:
        if len(hxl) != len(header_row):
            raise ValueError(f"{len(hxl)} HXL hashtags for {len(header_row)} columns")
        if malformed := [tag for tag in hxl if not HXL_TAG.fullmatch(tag)]:
            raise ValueError(f"Not HXL hashtags: {malformed}")
        # Never neutralised: a tag starts with "#", which no spreadsheet reads as a formula.
        data.append(list(hxl))
    for row in rows:
        data.append([neutralise(value) for value in row])
    return data


def spreadsheet_response(data: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """`data` as a download in `fmt` ("csv" or "xlsx"; anything else is a 404)."""
    if fmt not in SPREADSHEET_TYPES:
        raise Http404
    response = HttpResponse(data.export(fmt), content_type=SPREADSHEET_TYPES[fmt])
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
