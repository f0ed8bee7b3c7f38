"""Statements in the global search: the title and the latest version's text, what the person may
read only, a snippet of plain text around the match, a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common import search as global_search
from common.dates import group_today
from common.search import SNIPPET_LENGTH, snippet
from statements import search, services
from statements.models import Statement
from tests import factories

pytestmark = pytest.mark.django_db

FULL_TEXT_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's full-text search (accents, the start of a word); SQLite's fallback is a "
    "substring match (CI runs this on PostgreSQL)",
)


def _statement(focal_point, title: str, paragraphs: list[tuple[str, str]]) -> Statement:
    return services.statement_create(
        actor=focal_point,
        title=title,
        lead_organisations=[focal_point.organisation],
        paragraphs=[(None, kind, text) for kind, text in paragraphs],
    )


def test_a_statement_is_found_by_its_title_whatever_the_case(statement, focal_point):
    (result,) = search.statements(focal_point, "wORLD dAY", 10)

    assert result.title == "World Day against Trafficking in Persons"
    assert result.url == reverse("statements:statement_detail", args=[statement.pk])
    assert result.kind == "Joint statement"
    assert result.when == statement.versions.get().created_at
    # Found by its title: the start of its text stands as the snippet.
    assert result.snippet.startswith("A call to action States must act now")


def test_a_statement_is_found_by_the_text_of_its_latest_version_only(statement, focal_point):
    version = statement.versions.get()
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[
            (p.key, p.kind, p.text.replace("protect victims", "assist survivors"))
            for p in version.paragraphs.all()
        ],
    )

    assert search.statements(focal_point, "protect victims", 10) == []
    (result,) = search.statements(focal_point, "ASSIST survivors", 10)
    assert result.snippet == "States must act now to assist survivors."
    assert result.when == statement.versions.get(number=2).created_at


def test_the_snippet_is_plain_text_around_the_match(focal_point):
    before = " ".join(f"word{n}" for n in range(60))
    after = " ".join(f"more{n}" for n in range(60))
    _statement(
        focal_point,
        "A long brief",
        [("paragraph", f"{before} the <em>non-punishment</em> principle {after}")],
    )

    (result,) = search.statements(focal_point, "NON-PUNISHMENT", 10)

    assert "<" not in result.snippet
    assert result.snippet.startswith("…") and result.snippet.endswith("…")
    assert "the non-punishment principle" in result.snippet
    assert len(result.snippet) <= SNIPPET_LENGTH + 2
    # Cut between words, never inside one.
    assert result.snippet[1:].split()[0].startswith("word")


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("Short text.", "text", "Short text."),
        ("Short text.", "absent", "Short text."),
        ("", "anything", ""),
    ],
)
def test_snippets_of_short_texts_are_the_whole_text(text, query, expected):
    assert snippet(text, query) == expected


def test_an_observer_finds_only_published_statements(statement, focal_point, observer):
    assert search.statements(observer, "World Day", 10) == []

    Statement.objects.filter(pk=statement.pk).update(published_on=group_today())

    assert [r.title for r in search.statements(observer, "World Day", 10)] == [statement.title]


def test_a_member_finds_drafts_too(statement, other_focal_point):
    assert [r.title for r in search.statements(other_focal_point, "partners", 10)] == [
        statement.title
    ]


def test_the_words_may_be_in_the_title_and_in_different_paragraphs(statement, focal_point):
    (result,) = search.statements(focal_point, "world victims partners", 10)

    assert result.title == statement.title
    # No paragraph holds every word: the snippet is cut from the opening paragraphs.
    assert "We call on all partners" in result.snippet
    assert search.statements(focal_point, "world survivors", 10) == []


def test_a_match_in_the_title_comes_before_one_in_the_text(focal_point):
    in_text = _statement(focal_point, "Issue brief", [("paragraph", "On labour exploitation.")])
    in_title = _statement(focal_point, "Labour exploitation", [("paragraph", "A brief.")])
    # The one found in its text changed last: the rank decides before the date.
    in_text.versions.update(created_at=timezone.now() + timedelta(days=1))

    results = search.statements(focal_point, "labour exploitation", 10)

    assert [r.title for r in results] == [in_title.title, in_text.title]


def test_the_snippet_comes_from_the_paragraph_holding_every_word(focal_point):
    _statement(
        focal_point,
        "Brief on forced labour",
        [
            ("heading", "Forced labour"),
            ("paragraph", "An introduction."),
            ("paragraph", "Another paragraph."),
            ("paragraph", "Later: forced labour in supply chains must end."),
        ],
    )

    (result,) = search.statements(focal_point, "supply chains", 10)

    assert result.snippet == "Later: forced labour in supply chains must end."


def test_an_observer_finds_no_draft_by_its_text(statement, observer):
    assert search.statements(observer, "protect victims", 10) == []


@pytest.mark.parametrize("query", ["don't", "a & b", "!(zz", "'':*", "100%", "x_y", '"quoted"'])
def test_operators_and_quotes_in_the_query_are_plain_words(statement, focal_point, query):
    assert search.statements(focal_point, query, 10) == []  # no syntax error, nothing found


@FULL_TEXT_ONLY
def test_on_postgresql_accents_case_and_the_start_of_a_word_are_enough(focal_point):
    made = _statement(
        focal_point,
        "Protección de las víctimas",
        [("paragraph", "Los Estados deben <em>actuar</em> contra la trata de personas.")],
    )

    for query in ("proteccion VICTIMAS", "PROTECCIÓN", "trata personas", "victim", "actuar"):
        assert [r.title for r in search.statements(focal_point, query, 10)] == [made.title], query
    (result,) = search.statements(focal_point, "estados trata", 10)
    assert result.snippet == "Los Estados deben actuar contra la trata de personas."


def test_among_equal_matches_the_newest_first_and_no_more_than_the_limit(focal_point):
    for n in range(4):
        made = _statement(focal_point, f"Trafficking brief {n}", [("paragraph", "Text.")])
        Statement.objects.filter(pk=made.pk).update(created_at=timezone.now())
        made.versions.update(created_at=timezone.now() + timedelta(minutes=n))

    results = search.statements(focal_point, "trafficking brief", 3)

    assert [r.title for r in results] == [
        "Trafficking brief 3",
        "Trafficking brief 2",
        "Trafficking brief 1",
    ]


def test_the_global_search_reaches_statements(statement, focal_point):
    assert [r.title for r in global_search.search(focal_point, "call to action")] == [
        statement.title
    ]


@pytest.mark.parametrize("size", [1, 12])
def test_two_queries_whatever_the_number_of_statements_and_paragraphs(
    focal_point, django_assert_num_queries, size
):
    for n in range(size):
        _statement(
            focal_point,
            f"Statement {n} on trafficking",
            [("heading", f"Heading {n}")]
            + [("paragraph", f"Paragraph {m} on forced labour.") for m in range(size)],
        )
    factories.ObserverFactory()

    with django_assert_num_queries(2):
        results = search.statements(focal_point, "forced labour", 50)

    assert len(results) == size
    assert all("forced labour" in r.snippet for r in results)
