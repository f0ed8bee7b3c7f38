"""The public downloads of the mapping resource: anyone may fetch them without logging in, and
every reader gets the same public fields (mapping/exports.py says why).

The spreadsheets take the overview's filters from the address, as the overview does, so that the
overview's links download what it shows; the PDF is always the whole resource."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse

from common import exports as common_exports
from mapping import exports, selectors


@login_not_required
def organisations_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """One row per organisation the overview shows."""
    if fmt not in common_exports.SPREADSHEET_TYPES:
        raise Http404  # before the query: an unknown format reads nothing
    revisions = selectors.published_revisions(exports.filter_values(request.GET))
    return common_exports.spreadsheet_response(
        exports.organisations_dataset(revisions), fmt, exports.filename("organisations")
    )


@login_not_required
def initiatives_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """One row per initiative the overview shows."""
    if fmt not in common_exports.SPREADSHEET_TYPES:
        raise Http404
    initiatives = selectors.published_initiatives(exports.filter_values(request.GET))
    return common_exports.spreadsheet_response(
        exports.initiatives_dataset(initiatives), fmt, exports.filename("initiatives")
    )


@login_not_required
def mapping_pdf(request: HttpRequest) -> HttpResponse:
    """The whole published mapping resource, whatever the address's filters."""
    body = exports.mapping_pdf(list(selectors.published_revisions()))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("resource")}.pdf"'
    return response
