"""Members and people in the global search (common.registry.search_sources; common.search
merges).

Organisations are found by name or acronym by everyone logged in, as the member directory shows
them. People are found by name or email by the members of the group only (the secretariat, focal
points, alternates and principals): an observer is a guest, and the group's directory of people
is not theirs to search. Deactivated people are not found: they left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.registry import SearchResult
from common.search import rank_of, snippet, text_search
from coordination.models import Organisation, Person

if TYPE_CHECKING:
    from common.people import Recipient


def may_search_people(person: Recipient) -> bool:
    """A member of the group, in any role but observer."""
    return person.is_active and person.role != Person.Role.OBSERVER


def members(person: Recipient, query: str, limit: int) -> list[SearchResult]:
    """Organisations whose name or acronym holds the query, and (for a member of the group)
    active people whose name or email does, best match first (organisations first among
    equals), at most `limit` in all. One query for the organisations, one for the people."""
    results: list[tuple[float, SearchResult]] = []
    organisations = text_search(
        Organisation.objects.all(), ["acronym", "name"], query, then=["name"]
    ).only("name", "acronym", "slug", "kind", "headquarters_city", "left_on")[:limit]
    for organisation in organisations:
        details = [
            str(organisation.get_kind_display()),
            organisation.headquarters_city,
            str(_("former member")) if organisation.left_on else "",
        ]
        results.append(
            (
                rank_of(organisation),
                SearchResult(
                    title=f"{organisation.name} ({organisation.acronym})",
                    url=reverse("coordination:organisation_detail", args=[organisation.slug]),
                    snippet=" · ".join(d for d in details if d),
                    kind=_("Member organisation"),
                ),
            )
        )
    if may_search_people(person):
        results.extend(_people(query, limit))
    # sorted() is stable: among equal ranks, organisations first, in their order.
    return [result for _rank, result in sorted(results, key=lambda r: -r[0])[:limit]]


def _people(query: str, limit: int) -> list[tuple[float, SearchResult]]:
    results = []
    people = (
        text_search(
            Person.objects.filter(is_active=True), ["full_name", "email"], query, then=["full_name"]
        )
        .select_related("organisation")
        .only("full_name", "email", "role", "job_title", "organisation__acronym")[:limit]
    )
    for found in people:
        details = [
            str(found.get_role_display()),
            found.organisation.acronym if found.organisation else "",
            found.job_title,
            found.email,
        ]
        results.append(
            (
                rank_of(found),
                SearchResult(
                    title=found.full_name or found.email,
                    url=reverse("coordination:person_detail", args=[found.pk]),
                    snippet=snippet(" · ".join(d for d in details if d), query),
                    kind=_("Person"),
                ),
            )
        )
    return results
