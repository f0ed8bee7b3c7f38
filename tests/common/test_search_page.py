"""The search page and the machinery every source shares: text_search (PostgreSQL's full-text
search, or a substring match on SQLite), highlight, and the grouping by kind."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from typing import cast

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common.search import highlight, rank_of, search_by_kind, snippet, text_search
from coordination.models import Organisation
from meetings.models import AgendaItem, Decision, Meeting, Minutes
from tests import factories
from workplans.models import WorkItem

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
POSTGRESQL_ONLY = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="accents are ignored by PostgreSQL's unaccent; SQLite's fallback compares them "
    "as typed (CI runs this on PostgreSQL)",
)
URL = reverse("common:search")
VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")
FULL_TEXT_ONLY = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="PostgreSQL's full-text search (prefix matches, tsquery syntax); SQLite's fallback "
    "is a substring match (CI runs this on PostgreSQL)",
)


def _page(client, query: str) -> str:
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


# --- The page --------------------------------------------------------------------------------


def test_anyone_not_logged_in_is_sent_to_the_login_page(client):
    response = client.get(URL, {"q": "trafficking"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_header_has_a_labelled_search_box_for_people_logged_in_only(client, focal_point):
    anonymous = client.get(reverse("account_login")).content.decode()
    assert 'id="header-search-query"' not in anonymous

    client.force_login(focal_point)
    page = client.get(reverse("dashboard")).content.decode()

    assert f'action="{URL}"' in page
    assert '<label for="header-search-query"' in page
    assert 'name="q"' in page


@pytest.mark.parametrize("query", ["", "   ", "a", "\x00\x00", "\t\n", "é"])
def test_an_empty_or_unusable_query_gets_a_friendly_page(client, focal_point, query):
    client.force_login(focal_point)

    page = _page(client, query)

    assert "Search the work plan" in page  # the form, to try again
    assert "results for" not in page
    if query.strip() and query not in {"\x00\x00"}:
        assert "nothing to search for" in page


def test_a_very_long_query_is_cut_not_refused(client, focal_point):
    factories.WorkItemFactory(title="x" * 120)
    client.force_login(focal_point)

    page = _page(client, "x" * 5000)

    assert "Nothing you may read matches" in page


def test_a_query_repeated_in_the_address_is_read_once(client, focal_point):
    factories.WorkItemFactory(title="Toolkit on data")
    client.force_login(focal_point)

    response = client.get(URL + "?q=toolkit&q=nothing-like-it")

    assert response.status_code == 200


def test_results_are_grouped_by_kind_with_a_link_a_date_and_a_marked_snippet(
    client, focal_point, organisation
):
    item = factories.WorkItemFactory(
        title="Toolkit on survivors' data",
        description="A practical toolkit for the collection of data with survivors.",
    )
    meeting = factories.MeetingFactory(title="Briefing on the toolkit")
    client.force_login(focal_point)

    page = _page(client, "toolkit")

    assert page.index('<h2 id="kind-1">Work item') < page.index('<h2 id="kind-2">Meeting')
    assert f'href="{item.get_absolute_url()}"' in page
    assert f'href="{meeting.get_absolute_url()}"' in page
    assert "<mark>Toolkit</mark> on survivors&#x27; data" in page
    assert "A practical <mark>toolkit</mark> for the collection" in page
    # In the reader's time zone (the focal point's is Vienna's).
    assert f'datetime="{meeting.starts_at.astimezone(VIENNA).isoformat()}"' in page
    assert "2 results for" in page


def test_markup_in_the_query_and_in_the_text_is_shown_as_text(client, focal_point):
    factories.WorkItemFactory(
        title="Guidance <script>alert(1)</script>", description="About <b>bold</b> claims."
    )
    client.force_login(focal_point)

    page = _page(client, "<script>")

    assert "<script>alert" not in page
    assert "Guidance <mark>&lt;script&gt;</mark>alert(1)&lt;/<mark>script</mark>&gt;" in page
    assert "&lt;script&gt;" in page.split("<h1>")[0]  # the title of the page, escaped
    assert 'value="&lt;script&gt;"' in page


def test_nothing_found_says_so(client, focal_point):
    client.force_login(focal_point)

    assert "Nothing you may read matches “zebra”" in _page(client, "zebra")


def test_the_page_costs_the_same_whatever_the_number_of_matches(
    client, focal_point, organisation, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for n in range(count):
            item = cast(
                WorkItem,
                factories.WorkItemFactory(
                    title=f"Toolkit part {n}", lead_organisation=organisation
                ),
            )
            meeting = cast(
                Meeting,
                factories.MeetingFactory(
                    title=f"Toolkit meeting {n}", agenda_published_at=timezone.now()
                ),
            )
            AgendaItem.objects.create(meeting=meeting, title="Toolkit", position=1, work_item=item)
            Minutes.objects.create(meeting=meeting, text="On the toolkit.", status="circulated")
            Decision.objects.create(meeting=meeting, text="The toolkit is adopted.")
            factories.PersonFactory(full_name=f"Toolkit Person {n}", organisation=organisation)
            factories.OrganisationFactory(acronym=f"TK{n}", name=f"Toolkit network {n}")

    client.force_login(focal_point)
    add(2)
    _page(client, "toolkit")  # sessions, caches: the first request only
    with django_assert_max_num_queries(30) as small:
        _page(client, "toolkit")
    limit = len(small.captured_queries)
    add(8)
    _page(client, "toolkit")  # what was cached of the organisations (the chair terms) is read anew
    with django_assert_max_num_queries(limit):
        _page(client, "toolkit")


# --- The pieces ------------------------------------------------------------------------------


def test_highlight_escapes_the_text_and_marks_each_word_whatever_case_and_accents():
    marked = highlight("La Côte d'Ivoire & <Partners>: cote, COTE.", "cote partners")

    assert marked == (
        "La <mark>Côte</mark> d&#x27;Ivoire &amp; &lt;<mark>Partners</mark>&gt;: "
        "<mark>cote</mark>, <mark>COTE</mark>."
    )


def test_highlight_of_text_without_a_match_is_the_text_escaped():
    assert highlight("<i>nothing</i>", "zebra") == "&lt;i&gt;nothing&lt;/i&gt;"


def test_highlight_prefers_the_whole_query_to_its_words():
    assert highlight("the non-punishment principle", "non-punishment") == (
        "the <mark>non-punishment</mark> principle"
    )


def test_a_snippet_is_cut_around_a_word_of_the_query_when_the_whole_is_not_there():
    text = " ".join(f"word{n}" for n in range(60)) + " the Señora's needle " + "tail " * 60

    cut = snippet(text, "zebra senora")

    assert cut.startswith("…") and "the Señora's needle" in cut


def test_text_search_needs_every_word_in_one_field_or_another():
    factories.WorkItemFactory(title="Toolkit", description="On survivors' data")
    factories.WorkItemFactory(title="Toolkit", description="On something else")

    found = text_search(WorkItem.objects.all(), ["title", "description"], "toolkit survivors")

    assert [i.description for i in found] == ["On survivors' data"]


def test_text_search_ranks_a_match_in_the_first_field_above_one_in_another():
    in_text = factories.WorkItemFactory(title="Annual report", description="The toolkit.")
    in_title = factories.WorkItemFactory(title="Toolkit", description="Nothing more.")

    found = list(text_search(WorkItem.objects.all(), ["title", "description"], "toolkit"))

    assert found == [in_title, in_text]
    assert rank_of(found[0]) > rank_of(found[1])


def test_text_search_of_nothing_finds_nothing():
    factories.WorkItemFactory(title="Toolkit")

    assert list(text_search(WorkItem.objects.all(), ["title"], "  ")) == []


@POSTGRESQL_ONLY
def test_on_postgresql_accents_and_case_are_ignored_both_ways():
    factories.OrganisationFactory(
        acronym="OIM", name="Organización Internacional para las Migraciones"
    )
    factories.OrganisationFactory(acronym="CDE", name="Comité des droits de l'enfant")

    def names(query: str) -> list[str]:
        found = text_search(Organisation.objects.all(), ["acronym", "name"], query)
        return [o.acronym for o in found]

    assert names("organizacion migraciones") == ["OIM"]
    assert names("COMITÉ") == names("comite") == ["CDE"]
    assert names("Organizaciôn") == ["OIM"]


@FULL_TEXT_ONLY
def test_on_postgresql_a_word_is_found_by_its_start_and_the_ranking_is_full_text():
    factories.WorkItemFactory(title="Trafficking in persons", description="x")
    factories.WorkItemFactory(title="Other", description="About trafficking, trafficking.")

    found = list(text_search(WorkItem.objects.all(), ["title", "description"], "traffick"))

    assert [i.title for i in found] == ["Trafficking in persons", "Other"]


@FULL_TEXT_ONLY
def test_on_postgresql_operators_and_quotes_in_the_query_are_plain_words():
    factories.WorkItemFactory(title="Don't stop: a & b | c")

    for query in ["don't", "a & b", "!(c", "'':*", "stop: |"]:
        list(text_search(WorkItem.objects.all(), ["title"], query))  # no syntax error


def test_groups_keep_the_order_the_source_ranked_them(focal_point):
    factories.WorkItemFactory(title="Other", description="toolkit")
    factories.WorkItemFactory(title="Toolkit", description="")

    (group,) = search_by_kind(focal_point, "toolkit")

    assert group.kind == "Work item"
    assert [r.title for r in group.results] == ["Toolkit", "Other"]


def test_a_meeting_long_ago_still_has_its_date_on_the_page(client, focal_point):
    factories.MeetingFactory(title="Toolkit launch", starts_at=timezone.now() - timedelta(days=800))
    client.force_login(focal_point)

    assert "Toolkit <mark>launch</mark>" in _page(client, "launch")


def test_an_observer_finds_only_what_observers_read(client, observer, organisation):
    factories.PersonFactory(full_name="Campaign Lead", organisation=organisation)
    factories.MeetingFactory(title="Campaign retreat", status="draft")
    factories.StatementFactory(title="Campaign statement in drafting")
    factories.OrganisationFactory(acronym="CAMP", name="Campaign Alliance")
    meeting = factories.MeetingFactory(title="Campaign briefing")
    Minutes.objects.create(meeting=meeting, text="Campaign minutes, a draft.")
    client.force_login(observer)

    page = _page(client, "campaign")

    assert "<mark>Campaign</mark> Alliance" in page
    assert "<mark>Campaign</mark> briefing" in page
    for hidden in ("Lead", "retreat", "in drafting", "a draft"):
        assert hidden not in page
    assert "2 results for" in page
