"""Statements in the global search (common.registry.search_sources; common.search merges).

A statement is found by its title or by the text of its latest version: what it says now, not
what an earlier draft said. Like every source it asks common.search.text_search (PostgreSQL's
full-text search, accents and case left aside; a substring match on SQLite), over the title and
the latest version's paragraphs read as one text: every word of the query must be there, in
the title or in any paragraph. The database reads the stored text, light markup included: a
phrase that runs across a tag (`the <em>non-punishment</em> principle`) is found by its words.
Observers find only published statements, as they read only those
(selectors.visible_statements applies the same rule as the statement pages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import (
    Aggregate,
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from common.registry import SearchResult
from common.search import snippet, text_search
from statements import markup, selectors
from statements.models import Paragraph, Version

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

    from coordination.models import Person

# For a statement found by its title, its first paragraphs stand as the snippet.
OPENING_PARAGRAPHS = 3


class _Joined(Aggregate):
    """The texts of a group as one, space between (STRING_AGG on PostgreSQL, GROUP_CONCAT on
    SQLite): a version's paragraphs searched as one field, so that the words of a query may be
    in different paragraphs, as they are in the title and the text. The order is left to the
    database: a match does not depend on it (the snippet is cut from the paragraphs)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ' ')"

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def statements(person: Person, query: str, limit: int) -> list[SearchResult]:
    """The statements `person` may read holding every word of `query` in their title or their
    latest text (common.search.text_search: full-text on PostgreSQL, accents and case left
    aside), the best matches first (a match in the title counts more), the most recently
    changed among equals. Two queries, whatever the number of statements, versions and
    paragraphs: the statements, then the paragraphs their snippets are cut from."""
    latest = Version.objects.filter(statement=OuterRef("pk")).order_by("-number")
    latest_text = (
        Paragraph.objects.filter(version_id=OuterRef("latest_version_id"))
        .order_by()  # not grouped by the default ordering's columns: one row per version
        .values("version_id")
        .annotate(joined=_Joined("text", output_field=TextField()))
        .values("joined")
    )
    found = list(
        text_search(
            selectors.visible_statements(person)
            .prefetch_related(None)
            .annotate(
                latest_version_id=Subquery(latest.values("pk")[:1]),
                changed_at=Coalesce(Subquery(latest.values("created_at")[:1]), F("created_at")),
                latest_text=Subquery(latest_text, output_field=TextField()),
            ),
            ["title", "latest_text"],
            query,
            then=["-changed_at"],
        )[:limit]
    )
    version_ids = [s.latest_version_id for s in found if s.latest_version_id is not None]
    # The paragraphs that hold the query by themselves, as the database matched them (accents,
    # the start of a word), and the opening ones for the statements found otherwise.
    holding = Q(
        pk__in=text_search(
            Paragraph.objects.filter(version_id__in=version_ids), ["text"], query
        ).values("pk")
    )
    matching: dict[int, str] = {}
    opening: dict[int, list[str]] = {}
    for version_id, position, text, holds in (
        Paragraph.objects.filter(version_id__in=version_ids)
        .filter(holding | Q(position__lte=OPENING_PARAGRAPHS))
        .annotate(holds=ExpressionWrapper(holding, output_field=BooleanField()))
        .order_by("version_id", "position")
        .values_list("version_id", "position", "text", "holds")
    ):
        plain = markup.plain(text)
        if position <= OPENING_PARAGRAPHS:
            opening.setdefault(version_id, []).append(plain)
        if holds and version_id not in matching:
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
