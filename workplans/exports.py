"""The item list as CSV and XLSX (tablib writes both), and the annual report as PDF."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

import tablib
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from xhtml2pdf import pisa

from workplans.models import WorkItem

# A spreadsheet treats a cell starting with one of these as a formula: someone could plant
# "=HYPERLINK(...)" in an item's title. Such a cell is exported as text, with a leading quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# The formats the item list exports to, with the content type each is served as.
EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def items_dataset(items: Iterable[WorkItem]) -> tablib.Dataset:
    headers = [
        _("ID"),
        _("Work plan"),
        _("Priority area"),
        _("Title"),
        _("Kind"),
        _("Lead organisation"),
        _("Contributing organisations"),
        _("Owner"),
        _("Starts on"),
        _("Due on"),
        _("Status"),
        _("Percent complete"),
        _("Last progress"),
        _("Address"),
    ]
    dataset = tablib.Dataset(headers=[str(h) for h in headers], title=str(_("Work items")))
    for item in items:
        row = [
            item.pk,
            item.priority_area.plan.title,
            item.priority_area.title,
            item.title,
            item.get_kind_display(),
            item.lead_organisation.acronym,
            ", ".join(o.acronym for o in item.contributing_organisations.all()),
            item.owner.full_name if item.owner else "",
            item.start_on.isoformat() if item.start_on else "",
            item.due_on.isoformat() if item.due_on else "",
            item.get_status_display(),
            item.percent_complete,
            timezone.localdate(item.last_progress_at).isoformat(),
            settings.SITE_URL + item.get_absolute_url(),
        ]
        dataset.append([neutralise(value) for value in row])
    return dataset


def html_to_pdf(html: str) -> bytes:
    """The report page as a PDF (xhtml2pdf); a failure is a bug in the template, not the user's."""
    pdf = BytesIO()
    result = pisa.CreatePDF(html, dest=pdf, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"The PDF could not be made ({result.err} errors)")
    return pdf.getvalue()
