"""Meetings' section of the annual report: how many meetings each member attended
(common.registry.report_sections says how it is read; workplans renders it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext as _

from common.dates import group_time_zone
from common.registry import ReportTable
from coordination.models import Organisation
from meetings import selectors


def attendance(year: int, organisations: Sequence[Organisation]) -> ReportTable:
    """Per member, the meetings of `year` it attended, of those whose minutes recorded its
    attendance (cancelled meetings left out; the year as the group's calendar has it). One
    query, however many members and meetings."""
    zone = group_time_zone()
    counts = selectors.attendance_counts(
        datetime(year, 1, 1, tzinfo=zone),
        datetime(year + 1, 1, 1, tzinfo=zone),
        [organisation.pk for organisation in organisations],
    )
    rows: list[list[object]] = []
    if counts:
        for organisation in organisations:
            count = counts.get(organisation.pk)
            rows.append(
                [
                    f"{organisation.name} ({organisation.acronym})",
                    count.attended if count else 0,
                    count.recorded if count else 0,
                ]
            )
    return ReportTable(
        title=_("Meeting attendance"),
        note=_(
            "Per member, the meetings it attended, of the meetings whose minutes recorded its "
            "attendance (cancelled meetings are not counted)."
        ),
        headers=[_("Organisation"), _("Meetings attended"), _("Attendance recorded")],
        rows=rows,
        empty=_("No meeting's attendance was recorded in %(year)s.") % {"year": year},
    )
