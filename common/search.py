"""The global search: every app's search source asked, the answers merged.

The search page (a later issue) calls `search`; each app answers through the sources it adds to
`common.registry.search_sources`, applying its own reading rules, so that this module knows no
app and adding an app's results never edits it.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING

from common import registry
from common.registry import SearchResult

if TYPE_CHECKING:
    from common.people import Recipient

# Shorter queries match nearly everything and say nothing; longer ones are pasted text, not a
# search, and each source would send all of it to the database.
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def clean_query(query: object) -> str:
    """The query as the sources receive it, or "" when there is nothing to search for.

    Control characters are dropped (a NUL is refused by PostgreSQL, whatever it is compared
    with), runs of white space become one space, and the query is cut to MAX_QUERY_LENGTH."""
    if not isinstance(query, str):
        return ""
    printable = "".join(
        character if unicodedata.category(character)[0] != "C" else " " for character in query
    )
    cleaned = " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()
    return cleaned if len(cleaned) >= MIN_QUERY_LENGTH else ""


def _newest_first(result: SearchResult) -> tuple[bool, float]:
    when: datetime | None = result.when
    return (when is None, -when.timestamp() if when is not None else 0.0)


def search(person: Recipient, query: object, *, limit: int = DEFAULT_LIMIT) -> list[SearchResult]:
    """What `person` may read that matches `query`, newest first, at most `limit` results.

    Each source is asked for `limit` results (any of them may hold the newest), and the merge
    keeps each source's own order among results of the same date. An empty or unusable query
    finds nothing, without asking any source."""
    cleaned = clean_query(query)
    if not cleaned:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    found: list[SearchResult] = []
    for source in registry.search_sources:
        found.extend(source(person, cleaned, limit))
    # sorted() is stable: results of the same date keep the order their source gave them.
    return sorted(found, key=_newest_first)[:limit]


# A result's snippet: about this many characters, starting this many before the match.
SNIPPET_LENGTH = 180
SNIPPET_LEAD = 60


def snippet(text: str, query: str) -> str:
    """About SNIPPET_LENGTH characters of `text` around the first match of `query`, cut at word
    boundaries, with an ellipsis where text was left out; the start of the text when the query
    is not in it (the object was found by another field, or by a link's address)."""
    text = " ".join(text.split())
    found = text.casefold().find(query.casefold())
    start = max(0, found - SNIPPET_LEAD) if found >= 0 else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < found else start
    end = start + SNIPPET_LENGTH
    if end < len(text):
        space = text.rfind(" ", max(start, found + len(query)), end)
        end = space if space > 0 else end
    else:
        end = len(text)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
