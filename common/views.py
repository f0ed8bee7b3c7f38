"""The kernel's page: the global search, which asks every app's source through the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.shortcuts import render

from common.search import (
    MAX_QUERY_LENGTH,
    MIN_QUERY_LENGTH,
    clean_query,
    highlight,
    search_by_kind,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from django.utils.safestring import SafeString

    from common.people import Recipient
    from common.registry import SearchResult


@dataclass(frozen=True)
class Found:
    """A result as the page shows it: its title and snippet escaped, the matches marked."""

    result: SearchResult
    title: SafeString
    snippet: SafeString


@dataclass(frozen=True)
class FoundGroup:
    kind: str
    found: list[Found]


def search(request: HttpRequest) -> HttpResponse:
    """/search/?q=…: what the person may read that matches, grouped by kind. An empty query, or
    one that is too short or nothing but control characters, gets the page with a word on what
    to type, never an error."""
    typed = request.GET.get("q", "")
    query = clean_query(typed)
    # Only logged-in people reach this (LoginRequiredMiddleware): the user is a person.
    person = cast("Recipient", request.user)
    groups = [
        FoundGroup(
            group.kind,
            [
                Found(r, highlight(r.title, query), highlight(r.snippet, query))
                for r in group.results
            ],
        )
        for group in search_by_kind(person, query)
    ]
    return render(
        request,
        "common/search.html",
        {
            "query": query,
            "typed": bool(typed.strip()),
            "groups": groups,
            "count": sum(len(g.found) for g in groups),
            "min_length": MIN_QUERY_LENGTH,
            "max_length": MAX_QUERY_LENGTH,
        },
    )
