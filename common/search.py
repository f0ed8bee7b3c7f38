"""The global search: every app's search source asked, the answers merged.

The search page (common.views.search) calls `search_by_kind`; each app answers through the
sources it adds to `common.registry.search_sources`, applying its own reading rules, so that this
module knows no app and adding an app's results never edits it. The sources share `text_search`
(PostgreSQL's full-text search in production, a substring match on SQLite) and `snippet`; the
page marks the matching words with `highlight`.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import add, and_, or_
from typing import TYPE_CHECKING, TypeVar

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, F, FloatField, Func, Model, Q, QuerySet, TextField, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common import registry
from common.registry import SearchResult

if TYPE_CHECKING:
    from django.db.models import Expression

    from common.people import Recipient

M = TypeVar("M", bound=Model)

# Shorter queries match nearly everything and say nothing; longer ones are pasted text, not a
# search, and each source would send all of it to the database.
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def printable(text: str) -> str:
    """The text with its control characters (a NUL among them, which PostgreSQL refuses whatever
    it is compared with) replaced by spaces."""
    return "".join(
        character if unicodedata.category(character)[0] != "C" else " " for character in text
    )


def clean_query(query: object) -> str:
    """The query as the sources receive it, or "" when there is nothing to search for.

    Control characters are dropped (a NUL is refused by PostgreSQL, whatever it is compared
    with), runs of white space become one space, and the query is cut to MAX_QUERY_LENGTH."""
    if not isinstance(query, str):
        return ""
    cleaned = " ".join(printable(query).split())[:MAX_QUERY_LENGTH].strip()
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
    """About SNIPPET_LENGTH characters of `text` around the first match of `query` (the whole
    query, else its first word found; case and accents left aside), cut at word boundaries, with
    an ellipsis where text was left out; the start of the text when the query is not in it (the
    object was found by another field, or by a link's address)."""
    text = " ".join(text.split())
    match = _first_match(text, query)
    found, found_end = match if match is not None else (-1, 0)
    start = max(0, found - SNIPPET_LEAD) if found >= 0 else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < found else start
    end = start + SNIPPET_LENGTH
    if end < len(text):
        space = text.rfind(" ", max(start, found_end), end)
        end = space if space > 0 else end
    else:
        end = len(text)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


# --- Matching as a reader does: case and accents left aside -----------------------------------


def fold(text: str) -> str:
    """`text` without case or accents ("Côte" → "cote"), as the searches compare it."""
    return _folded(text)[0]


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the position of the character it came from
    (folding may change the length: "ß" becomes "ss"), so a match maps back onto the text."""
    pieces: list[str] = []
    origin: list[int] = []
    for position, character in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", character)
        piece = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        pieces.append(piece)
        origin.extend([position] * len(piece))
    return "".join(pieces), origin


def query_terms(query: str) -> list[str]:
    """What a match is looked for: the whole query, then each of its words of two characters
    or more (quotes and punctuation around a word dropped), folded, longest first."""
    words = {fold(w).strip(string.punctuation) for w in query.split()}
    terms = {fold(query), *(w for w in words if len(w) >= MIN_QUERY_LENGTH)}
    return sorted((t for t in terms if t), key=lambda t: (-len(t), t))


def _spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where `text` holds the query or one of its words: (start, end) in `text`, in order, merged
    where they overlap."""
    folded, origin = _folded(text)
    found: list[tuple[int, int]] = []
    for term in query_terms(query):
        at = folded.find(term)
        while at >= 0:
            found.append((origin[at], origin[at + len(term) - 1] + 1))
            at = folded.find(term, at + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _first_match(text: str, query: str) -> tuple[int, int] | None:
    """The first place `text` holds the whole query, else the first of its words."""
    folded, origin = _folded(text)
    for term in (fold(query), *query_terms(query)):
        at = folded.find(term) if term else -1
        if at >= 0:
            return origin[at], origin[at + len(term) - 1] + 1
    return None


def highlight(text: str, query: str) -> SafeString:
    """`text` escaped, with each passage matching the query or one of its words in <mark>."""
    out: list[str] = []
    done = 0
    for start, end in _spans(text, query):
        out += [escape(text[done:start]), "<mark>", escape(text[start:end]), "</mark>"]
        done = end
    out.append(escape(text[done:]))
    # Every piece of the text went through escape(): only the <mark> tags are markup.
    return mark_safe("".join(out))


# --- The query every source runs --------------------------------------------------------------

WORD = re.compile(r"\w+")


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _unaccent(expression: Expression | F | Value) -> Func:
    return Func(expression, function="unaccent", output_field=TextField())


# The annotation text_search adds (rank_of reads it).
RANK = "search_rank"


def rank_of(row: Model) -> float:
    """How well a row of text_search matched (higher is better)."""
    return float(getattr(row, RANK))


def text_search(
    queryset: QuerySet[M], fields: Sequence[str], query: str, *, then: Sequence[str] = ()
) -> QuerySet[M]:
    """The rows of `queryset` that hold every word of `query` in one of `fields` (a word may be
    in one field and the next in another), annotated with RANK (rank_of reads it), best first:
    a match in the first field (the title) counts more; among equals, in the order `then`
    gives, then by id.

    On PostgreSQL, its full-text search: one "simple" configuration for English, French and
    Spanish alike (no language's stemming or stop words is right for the others), over
    unaccented text (the unaccent extension, common's migration 0004), each word of the query
    also matching as the start of a word ("traffick" finds "trafficking"), ranked by ts_rank. A
    substring match on the unaccented text stands beside it, for what the full-text parser cuts
    otherwise than a reader would (an email address, a word inside a longer one). On SQLite a
    substring match alone, ranked by how many of the fields match.

    The vectors are computed per query, not stored: the group's data is counted in thousands of
    rows, which PostgreSQL reads whole in milliseconds; a stored, indexed vector per model is
    for when it is not."""
    words = query.split()
    found: QuerySet[M]
    if not words or not fields:
        found = queryset.none().annotate(**{RANK: Value(0.0, output_field=FloatField())})
    elif connections[queryset.db].vendor == "postgresql":
        found = _postgres_search(queryset, fields, words)
    else:
        found = _substring_search(queryset, fields, words)
    return found.order_by(f"-{RANK}", *then, "pk")


def _postgres_search(queryset: QuerySet[M], fields: Sequence[str], words: list[str]) -> QuerySet[M]:
    plain = [_without_accents(w) for w in words]
    substring = reduce(
        and_,
        (reduce(or_, (Q(**{f"{f}__unaccent__icontains": w}) for f in fields)) for w in plain),
    )
    tokens = WORD.findall(" ".join(plain))
    found: QuerySet[M]
    if not tokens:
        found = queryset.filter(substring).annotate(**{RANK: Value(0.0, output_field=FloatField())})
        return found
    vector = reduce(
        add,
        (
            SearchVector(_unaccent(F(f)), config="simple", weight="A" if i == 0 else "B")
            for i, f in enumerate(fields)
        ),
    )
    # Each token quoted as a lexeme, with :* for a prefix match: \w+ holds no quote or
    # operator, so the raw tsquery cannot be malformed, whatever the person typed.
    raw = " & ".join(f"'{t}':*" for t in tokens)
    tsquery = SearchQuery(_unaccent(Value(raw)), config="simple", search_type="raw")
    vector_name = f"_{RANK}_vector"
    found = (
        queryset.annotate(**{vector_name: vector})
        .filter(Q(**{vector_name: tsquery}) | substring)
        .annotate(**{RANK: SearchRank(F(vector_name), tsquery)})
    )
    return found


def _substring_search(
    queryset: QuerySet[M], fields: Sequence[str], words: list[str]
) -> QuerySet[M]:
    weights = [2.0] + [1.0] * (len(fields) - 1)
    matches = reduce(
        and_, (reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words)
    )
    score = reduce(
        add,
        (
            Case(
                When(Q(**{f"{f}__icontains": w}), then=Value(weight)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for w in words
            for f, weight in zip(fields, weights, strict=True)
        ),
    )
    found: QuerySet[M] = queryset.filter(matches).annotate(**{RANK: score})
    return found


# --- The search page: each kind of thing apart, in the order its source ranked it -------------


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    results: list[SearchResult]


def search_by_kind(
    person: Recipient, query: object, *, limit: int = DEFAULT_LIMIT
) -> list[SearchGroup]:
    """What `person` may read that matches `query`, grouped by kind (in the order the sources are
    registered, then the order each source gave its kinds), each group in its source's order:
    best first. An empty or unusable query finds nothing, without asking any source."""
    cleaned = clean_query(query)
    if not cleaned:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    groups: dict[str, list[SearchResult]] = {}
    for source in registry.search_sources:
        for result in source(person, cleaned, limit):
            groups.setdefault(str(result.kind), []).append(result)
    return [SearchGroup(kind, results) for kind, results in groups.items()]
