"""The mapping resource in the global search (common.registry.search_sources; common.search
merges).

Only published profiles are searched, and only in fields anyone may read without logging in (the
organisation's name, the mandate, the expertise, the initiatives' titles): what a search finds
and the snippet it shows are the same for every reader, and never come from a member-only field
(the contact for cooperation) or from a revision in progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.registry import SearchResult
from common.search import snippet, text_search
from mapping.models import Initiative, Profile, Revision

if TYPE_CHECKING:
    from common.people import Recipient


def _years(initiative: Initiative) -> str:
    if (
        initiative.start_year
        and initiative.end_year
        and initiative.start_year != initiative.end_year
    ):
        return f"{initiative.start_year}–{initiative.end_year}"
    return str(initiative.start_year or initiative.end_year or "")


def profiles(person: Recipient, query: str, limit: int) -> list[SearchResult]:
    """Published profiles whose organisation (name or acronym), mandate or expertise contains
    `query`, then initiatives of published profiles whose title does; the most recently
    published first in each. Two queries, whatever the number of profiles and initiatives."""
    found = list(
        text_search(
            Profile.objects.filter(published__isnull=False),
            [
                "organisation__name",
                "organisation__acronym",
                "published__mandate",
                "published__expertise",
            ],
            query,
            then=["-published_at"],
        )
        .select_related("organisation", "published")
        # The public fields only: a member-only field is not even read.
        .only(
            "published_at",
            "organisation__name",
            "organisation__acronym",
            "organisation__slug",
            "published__mandate",
            "published__expertise",
            "published__reviewed_at",
        )[:limit]
    )
    results = []
    folded = query.casefold()
    for profile in found:
        revision = profile.published
        if revision is None:  # excluded by the query
            continue
        text = next(
            (t for t in (revision.mandate, revision.expertise) if folded in t.casefold()),
            revision.mandate or revision.expertise,
        )
        results.append(
            SearchResult(
                title=f"{profile.organisation.name} ({profile.organisation.acronym})",
                url=reverse("mapping:profile_detail", args=[profile.organisation.slug]),
                snippet=snippet(text, query),
                kind=_("Profile in the mapping resource"),
                when=revision.reviewed_at or profile.published_at,
            )
        )
    initiatives = (
        text_search(
            Initiative.objects.filter(revision__state=Revision.State.PUBLISHED),
            ["title"],
            query,
            then=["-revision__reviewed_at", "revision_id", "position"],
        )
        .select_related("revision__profile__organisation")
        .only(
            "title",
            "start_year",
            "end_year",
            "status",
            "revision__reviewed_at",
            "revision__profile__published_at",
            "revision__profile__organisation__name",
            "revision__profile__organisation__acronym",
            "revision__profile__organisation__slug",
        )[:limit]
    )
    for initiative in initiatives:
        organisation = initiative.revision.profile.organisation
        details = [organisation.acronym, _years(initiative), initiative.get_status_display()]
        results.append(
            SearchResult(
                title=initiative.title,
                url=reverse("mapping:profile_detail", args=[organisation.slug])
                + "#initiatives-title",
                snippet=" · ".join(str(d) for d in details if d),
                kind=_("Initiative in the mapping resource"),
                when=initiative.revision.reviewed_at or initiative.revision.profile.published_at,
            )
        )
    return results[:limit]
