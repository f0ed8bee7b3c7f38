"""Meetings in the global search (common.registry.search_sources; common.search merges).

What a meeting's page shows, found by its words: the meeting (title, description), its agenda
items (title, notes), its minutes, its decisions and its documents (by title). Each is found only
where its page would show it to the person (meetings.permissions): a draft meeting only by its
organisers (and by the incoming chairs, their own term's drafts); an agenda, and the documents
attached to its items, once published; minutes once circulated. The rules are asked as query
filters (meetings.permissions.Reading, beside the predicates the pages ask), one per kind, so
that the search costs the same whatever the number of meetings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, TypeVar

from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.registry import SearchResult
from common.search import rank_of, snippet, text_search
from meetings import permissions
from meetings.models import AgendaItem, Decision, Document, Meeting, Minutes

if TYPE_CHECKING:
    from coordination.models import Person

M = TypeVar("M", bound=Model)


def _within(queryset: QuerySet[M], rule: Q | None) -> QuerySet[M]:
    return queryset if rule is None else queryset.filter(rule)


class _Hit(NamedTuple):
    rank: float
    result: SearchResult


def _meetings(person: Person, scope: permissions.Reading, query: str, limit: int) -> list[_Hit]:
    found = text_search(
        _within(Meeting.objects.all(), scope.meetings()),
        ["title", "description"],
        query,
        then=["-starts_at"],
    ).only("title", "description", "kind", "status", "starts_at", "venue")[:limit]
    return [
        _Hit(
            rank_of(meeting),
            SearchResult(
                title=meeting.title,
                url=meeting.get_absolute_url(),
                snippet=snippet(
                    meeting.description
                    or " · ".join(p for p in (str(meeting.get_kind_display()), meeting.venue) if p),
                    query,
                ),
                kind=_("Meeting"),
                when=meeting.starts_at,
            ),
        )
        for meeting in found
    ]


def _agenda_items(person: Person, scope: permissions.Reading, query: str, limit: int) -> list[_Hit]:
    found = (
        text_search(
            _within(AgendaItem.objects.all(), scope.agenda("meeting__")),
            ["title", "notes"],
            query,
            then=["-meeting__starts_at", "meeting_id", "position"],
        )
        .select_related("meeting")
        .only("title", "notes", "meeting__title", "meeting__starts_at")[:limit]
    )
    return [
        _Hit(
            rank_of(item),
            SearchResult(
                title=item.title,
                url=reverse("meetings:meeting_detail", args=[item.meeting_id])
                + f"#agenda-{item.pk}",
                snippet=snippet(item.notes or item.meeting.title, query),
                kind=_("Agenda item"),
                when=item.meeting.starts_at,
            ),
        )
        for item in found
    ]


def _minutes(person: Person, scope: permissions.Reading, query: str, limit: int) -> list[_Hit]:
    # permissions.can_read_minutes, the meeting page's rule, as a filter.
    found = (
        text_search(
            _within(Minutes.objects.all(), scope.minutes()),
            ["text"],
            query,
            then=["-meeting__starts_at"],
        )
        .select_related("meeting")
        .only(
            "text",
            "status",
            "circulated_at",
            "approved_at",
            "meeting__title",
            "meeting__starts_at",
        )[:limit]
    )
    return [
        _Hit(
            rank_of(minutes),
            SearchResult(
                title=_("Minutes of %(meeting)s") % {"meeting": minutes.meeting.title},
                url=reverse("meetings:meeting_detail", args=[minutes.meeting_id]) + "#minutes",
                snippet=snippet(minutes.text, query),
                kind=_("Minutes"),
                when=minutes.approved_at or minutes.circulated_at or minutes.meeting.starts_at,
            ),
        )
        for minutes in found
    ]


def _decisions(person: Person, scope: permissions.Reading, query: str, limit: int) -> list[_Hit]:
    found = (
        text_search(
            _within(Decision.objects.all(), scope.meetings("meeting__")),
            ["text"],
            query,
            then=["-created_at"],
        )
        .select_related("meeting")
        .only("text", "created_at", "meeting__title")[:limit]
    )
    return [
        _Hit(
            rank_of(decision),
            SearchResult(
                title=_("Decision of %(meeting)s") % {"meeting": decision.meeting.title},
                url=reverse("meetings:meeting_detail", args=[decision.meeting_id])
                + f"#decision-{decision.pk}",
                snippet=snippet(decision.text, query),
                kind=_("Decision"),
                when=decision.created_at,
            ),
        )
        for decision in found
    ]


def _documents(person: Person, scope: permissions.Reading, query: str, limit: int) -> list[_Hit]:
    # can_download: a document of an agenda item waits, like the agenda, for its publication.
    meetings, agenda = scope.meetings("meeting__"), scope.agenda("meeting__")
    rule = (
        None
        if meetings is None or agenda is None
        else (meetings & Q(agenda_item__isnull=True)) | agenda
    )
    found = (
        text_search(_within(Document.objects.all(), rule), ["title"], query, then=["-uploaded_at"])
        .select_related("meeting")
        .only("title", "file", "uploaded_at", "meeting__title")[:limit]
    )
    return [
        _Hit(
            rank_of(document),
            SearchResult(
                title=document.title,
                url=reverse("meetings:document_download", args=[document.pk]),
                snippet=" · ".join((document.meeting.title, document.filename)),
                kind=_("Document"),
                when=document.uploaded_at,
            ),
        )
        for document in found
    ]


def meetings(person: Person, query: str, limit: int) -> list[SearchResult]:
    """What `person` may read of the meetings that holds the query: meetings, agenda items,
    minutes, decisions and documents, the best matches first (the newest among equals), at most
    `limit` in all. A fixed number of queries: who the person is (chair, incoming chair), then
    one per kind."""
    scope = permissions.reading_of(person)
    hits = [
        hit
        for kind in (_meetings, _agenda_items, _minutes, _decisions, _documents)
        for hit in kind(person, scope, query, limit)
    ]
    # sorted() is stable: among equal ranks and dates, meetings first, then agenda items, ...
    hits.sort(
        key=lambda h: (
            -h.rank,
            h.result.when is None,
            -h.result.when.timestamp() if h.result.when else 0.0,
        )
    )
    return [hit.result for hit in hits[:limit]]
