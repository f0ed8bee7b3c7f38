"""Work items in the global search (common.registry.search_sources; common.search merges).

An item is found by its title or description. Everyone logged in reads every work item (the item
pages ask no more: the work plan is the group's shared plan, observers included), so what a
search finds is the same for every reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from common.registry import SearchResult
from common.search import snippet, text_search
from workplans.models import WorkItem

if TYPE_CHECKING:
    from common.people import Recipient


def work_items(person: Recipient, query: str, limit: int) -> list[SearchResult]:
    """The work items whose title or description holds the query, best match first, then the
    most recently updated. One query, whatever the number of items."""
    found = (
        text_search(
            WorkItem.objects.all(), ["title", "description"], query, then=["-last_progress_at"]
        )
        .select_related("lead_organisation")
        .only(
            "title",
            "description",
            "status",
            "due_on",
            "last_progress_at",
            "lead_organisation__acronym",
        )[:limit]
    )
    results = []
    for item in found:
        # Found by its title alone (or with no description): what it is, who leads, its state.
        text = item.description or " · ".join(
            str(part)
            for part in (
                item.lead_organisation.acronym,
                item.get_status_display(),
                _("due %(date)s") % {"date": date_format(item.due_on)} if item.due_on else "",
            )
            if part
        )
        results.append(
            SearchResult(
                title=item.title,
                url=reverse("workplans:item_detail", args=[item.pk]),
                snippet=snippet(text, query),
                kind=_("Work item"),
                when=item.last_progress_at,
            )
        )
    return results
