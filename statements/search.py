"""Statements in the global search (common.registry.search_sources; common.search merges).

A statement is found by its title or by the text of its latest version: what it says now, not
what an earlier draft said. The database compares the stored text, light markup included: a
phrase that runs across a tag (`the <em>non-punishment</em> principle`) is found by its words,
not whole. Observers find only published statements, as they read only those
(selectors.visible_statements applies the same rule as the statement pages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from common.registry import SearchResult
from common.search import snippet
from statements import markup, selectors
from statements.models import Paragraph, Version

if TYPE_CHECKING:
    from coordination.models import Person

# For a statement found by its title, its first paragraphs stand as the snippet.
OPENING_PARAGRAPHS = 3


def statements(person: Person, query: str, limit: int) -> list[SearchResult]:
    """The statements `person` may read whose title or latest text contains `query` (case
    left aside), most recently changed first. Two queries, whatever the number of statements,
    versions and paragraphs: the statements, then the paragraphs their snippets are cut from."""
    latest = Version.objects.filter(statement=OuterRef("pk")).order_by("-number")
    found = list(
        selectors.visible_statements(person)
        .prefetch_related(None)
        .annotate(
            latest_version_id=Subquery(latest.values("pk")[:1]),
            changed_at=Coalesce(Subquery(latest.values("created_at")[:1]), F("created_at")),
        )
        .filter(
            Q(title__icontains=query)
            | Exists(
                Paragraph.objects.filter(
                    version_id=OuterRef("latest_version_id"), text__icontains=query
                )
            )
        )
        .order_by("-changed_at", "-pk")[:limit]
    )
    version_ids = [s.latest_version_id for s in found if s.latest_version_id is not None]
    matching: dict[int, str] = {}
    opening: dict[int, list[str]] = {}
    for version_id, position, text in (
        Paragraph.objects.filter(version_id__in=version_ids)
        .filter(Q(text__icontains=query) | Q(position__lte=OPENING_PARAGRAPHS))
        .order_by("version_id", "position")
        .values_list("version_id", "position", "text")
    ):
        plain = markup.plain(text)
        if position <= OPENING_PARAGRAPHS:
            opening.setdefault(version_id, []).append(plain)
        if version_id not in matching and query.casefold() in plain.casefold():
            matching[version_id] = plain
    results = []
    for statement in found:
        version_id = statement.latest_version_id
        text = matching.get(version_id) or " ".join(opening.get(version_id, []))
        results.append(
            SearchResult(
                title=statement.title,
                url=reverse("statements:statement_detail", args=[statement.pk]),
                snippet=snippet(text, query),
                kind=statement.get_kind_display(),
                when=statement.changed_at,
            )
        )
    return results
