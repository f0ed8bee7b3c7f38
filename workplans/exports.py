"""The item list as CSV and XLSX (common.exports writes both), and the annual report as PDF."""

from __future__ import annotations

from collections.abc import Iterable

import tablib
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exports import dataset
from workplans.models import WorkItem


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
    rows = (
        [
            item.pk,
            item.priority_area.plan.title,
            item.priority_area.title,
            item.title,
            item.get_kind_display(),
            item.lead_organisation.acronym,
            ", ".join(o.acronym for o in item.contributing_organisations.all()),
            item.owner.full_name if item.owner else "",
            item.start_on,
            item.due_on,
            item.get_status_display(),
            item.percent_complete,
            # The reader's date, as the item list shows it.
            timezone.localdate(item.last_progress_at),
            settings.SITE_URL + item.get_absolute_url(),
        ]
        for item in items
    )
    return dataset(headers, rows, title=str(_("Work items")))
