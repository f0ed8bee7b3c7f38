"""The global search: every registered source asked, the answers merged newest first; a query
that is empty or unusable asks nobody."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from common import registry
from common.registry import SearchResult
from common.search import MAX_QUERY_LENGTH, search
from tests import factories

pytestmark = pytest.mark.django_db

ASKED: list[tuple[str, int]] = []


def _result(title: str, day: int | None) -> SearchResult:
    when = datetime(2026, 3, day, tzinfo=UTC) if day is not None else None
    return SearchResult(title=title, url=f"/{title}/", snippet="…", kind="Test", when=when)


def older_source(person: object, query: str, limit: int) -> list[SearchResult]:
    ASKED.append((query, limit))
    return [_result("undated", None), _result("first of the 10th", 10), _result("day 2", 2)]


def newer_source(person: object, query: str, limit: int) -> list[SearchResult]:
    ASKED.append((query, limit))
    return [_result("day 20", 20), _result("second of the 10th", 10)]


SOURCES = ["tests.common.test_search.older_source", "tests.common.test_search.newer_source"]


@pytest.fixture
def fake_sources():
    ASKED.clear()
    for path in SOURCES:
        registry.search_sources.add(path)
    yield
    for path in SOURCES:
        registry.search_sources.remove(path)
    ASKED.clear()


@pytest.fixture
def person():
    # An observer with nothing published: the apps' own sources find nothing for them.
    return factories.ObserverFactory()


def test_results_of_every_source_are_merged_newest_first(fake_sources, person):
    results = search(person, "trafficking")

    assert [r.title for r in results] == [
        "day 20",
        "first of the 10th",  # same date: the order the sources were asked in
        "second of the 10th",
        "day 2",
        "undated",  # without a date: last
    ]
    assert ASKED == [("trafficking", 20), ("trafficking", 20)]


def test_the_limit_is_passed_to_each_source_and_applied_to_the_merge(fake_sources, person):
    results = search(person, "trafficking", limit=2)

    assert [r.title for r in results] == ["day 20", "first of the 10th"]
    assert ASKED == [("trafficking", 2), ("trafficking", 2)]


@pytest.mark.parametrize("limit", [0, -5])
def test_a_limit_below_one_still_asks_for_one(fake_sources, person, limit):
    assert len(search(person, "trafficking", limit=limit)) == 1


@pytest.mark.parametrize("query", ["", "   ", "a", " b ", "\x00\x00", "\n\t", None, 42])
def test_an_empty_or_unusable_query_finds_nothing_and_asks_no_source(fake_sources, person, query):
    assert search(person, query) == []
    assert ASKED == []


def test_the_sources_receive_the_query_cleaned(fake_sources, person):
    search(person, "  world\x00 day\n\n 30\tJuly  ")
    search(person, "x" * (MAX_QUERY_LENGTH + 50))

    assert ASKED[0][0] == "world day 30 July"
    assert ASKED[2][0] == "x" * MAX_QUERY_LENGTH


def test_statements_are_registered_as_a_source():
    assert "statements.search.statements" in registry.search_sources.paths()


def test_the_fake_sources_are_gone_after_their_test(person):
    assert not set(SOURCES) & set(registry.search_sources.paths())
    assert search(person, "trafficking") == []
