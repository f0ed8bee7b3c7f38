"""Editing a statement's text in the browser: one block per paragraph with its key, buttons that
change the form without saving, a save that makes the next version once, and a merge page when
someone saved meanwhile. And, on the statement's page, who has commented."""

from __future__ import annotations

import uuid
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.models import Person
from statements import selectors, services
from statements.models import Statement, Version
from statements.selectors import Anchor
from tests import factories
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db


def edit_url(statement: Statement) -> str:
    return reverse("statements:version_edit", args=[statement.pk])


def detail(statement: Statement) -> str:
    return reverse("statements:statement_detail", args=[statement.pk])


def latest(statement: Statement) -> Version:
    return Version.objects.filter(statement=statement).latest("number")


def paragraphs(version: Version) -> list[tuple[str, str, str]]:
    return [(p.key, p.kind, p.text) for p in version.paragraphs.order_by("position")]


class EditorForm(HTMLParser):
    """The fields of the editor's form as a browser would send them (buttons left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and "text-editor" in a.get("class", ""):
            self._in_form = True
        elif not self._in_form:
            return
        elif tag == "input" and a.get("name"):
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a["value"]
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser drops the line break Django puts after <textarea>.
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None


def form_of(response: Any) -> dict[str, str]:
    assert response.status_code == 200, response.status_code
    reader = EditorForm()
    reader.feed(response.content.decode())
    assert reader.values, "the page has no editor form"
    return reader.values


def rows(values: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, kind, text) of each paragraph block of a form."""
    count = int(values["p-TOTAL_FORMS"])
    return [
        (values[f"p-{i}-key"], values[f"p-{i}-kind"], values[f"p-{i}-text"]) for i in range(count)
    ]


def press(client: Client, statement: Statement, values: dict[str, str], op: str) -> Any:
    return client.post(edit_url(statement), {**values, "op": op})


@pytest.fixture
def drafter_client(client: Client, focal_point: Any) -> Client:
    client.force_login(focal_point)
    return client


# --- Editing and saving --------------------------------------------------------------------------


def test_the_editor_shows_each_paragraph_with_its_key_and_the_markup_allowed(
    drafter_client, statement
):
    response = drafter_client.get(edit_url(statement))

    html = response.content.decode()
    values = form_of(response)
    assert rows(values) == paragraphs(latest(statement))
    assert values["based_on"] == "1"
    for key, _kind, _text in paragraphs(latest(statement)):
        assert f"identifier {key}" in html
    assert "&lt;em&gt;emphasis&lt;/em&gt;" in html  # the help shows the tags, escaped
    assert "Save as version 2" in html
    assert inline_problems(response) == []


def test_an_edited_paragraph_keeps_its_key(drafter_client, statement):
    before = paragraphs(latest(statement))
    values = form_of(drafter_client.get(edit_url(statement)))
    values["p-1-text"] = "States must act <em>today</em> to protect victims."
    values["note"] = "Sharper wording."

    response = press(drafter_client, statement, values, "save")

    assert response.status_code == 302
    assert response.url == detail(statement) + "#text"
    second = latest(statement)
    assert second.number == 2 and second.note == "Sharper wording."
    assert [key for key, _kind, _text in paragraphs(second)] == [key for key, *_ in before]
    assert paragraphs(second)[1][2] == "States must act <em>today</em> to protect victims."
    assert paragraphs(Version.objects.get(statement=statement, number=1)) == before


def test_the_buttons_move_add_and_remove_paragraphs_without_saving(drafter_client, statement):
    (heading, _h, _ht), (body, _b, body_text), (closing, _c, _ct) = paragraphs(latest(statement))
    values = form_of(drafter_client.get(edit_url(statement)))
    values["p-1-text"] = "Typed, not saved yet."

    moved = form_of(press(drafter_client, statement, values, "up-2"))
    assert [key for key, *_ in rows(moved)] == [heading, closing, body]
    assert rows(moved)[2][2] == "Typed, not saved yet."  # what was typed goes along

    added = form_of(press(drafter_client, statement, moved, "add-0"))
    assert [key for key, *_ in rows(added)] == [heading, "", closing, body]
    assert rows(added)[1] == ("", "paragraph", "")  # a heading is followed by a paragraph

    down = form_of(press(drafter_client, statement, added, "down-0"))
    assert [key for key, *_ in rows(down)] == ["", heading, closing, body]

    removed = form_of(press(drafter_client, statement, down, "remove-2"))
    assert [key for key, *_ in rows(removed)] == ["", heading, body]

    appended = form_of(press(drafter_client, statement, removed, "append"))
    assert [key for key, *_ in rows(appended)] == ["", heading, body, ""]

    assert statement.versions.count() == 1
    assert paragraphs(latest(statement))[1][2] == body_text


def test_a_paragraph_cannot_move_beyond_the_ends(drafter_client, statement):
    values = form_of(drafter_client.get(edit_url(statement)))

    response = press(drafter_client, statement, values, "up-0")

    assert rows(form_of(response)) == rows(values)
    assert "cannot move further" in response.content.decode()


def test_a_split_keeps_the_key_on_the_first_part_and_the_comments_follow_it(
    drafter_client, statement, other_focal_point
):
    heading, body, closing = (key for key, *_ in paragraphs(latest(statement)))
    comment = services.comment_add(
        statement=statement,
        version=latest(statement),
        actor=other_focal_point,
        paragraph_key=body,
        text="Too long?",
    )
    values = form_of(drafter_client.get(edit_url(statement)))
    values["p-1-text"] = "States must act now.\r\n\r\nThey must protect victims."

    split = form_of(press(drafter_client, statement, values, "split-1"))

    assert statement.versions.count() == 1
    assert rows(split)[1:3] == [
        (body, "paragraph", "States must act now."),
        ("", "paragraph", "They must protect victims."),
    ]
    assert press(drafter_client, statement, split, "save").status_code == 302
    saved = paragraphs(latest(statement))
    assert [text for _key, _kind, text in saved] == [
        "A call to action",
        "States must act now.",
        "They must protect victims.",
        "We call on all partners to join us.",
    ]
    assert saved[1][0] == body and saved[2][0] not in {heading, body, closing}
    [row] = selectors.statement_comments(statement)
    assert row.comment == comment and row.anchor is Anchor.CHANGED  # still on its paragraph
    assert f'id="p-{body}"' in drafter_client.get(detail(statement)).content.decode()


def test_a_split_without_a_blank_line_says_how_to_split(drafter_client, statement):
    values = form_of(drafter_client.get(edit_url(statement)))

    response = press(drafter_client, statement, values, "split-1")

    assert rows(form_of(response)) == rows(values)
    assert "Leave a blank line" in response.content.decode()


def test_a_blank_line_typed_in_a_paragraph_splits_it_when_saving(drafter_client, statement):
    heading, body, _closing = (key for key, *_ in paragraphs(latest(statement)))
    values = form_of(drafter_client.get(edit_url(statement)))
    values["p-0-text"] = "A call\n\nto action"

    assert press(drafter_client, statement, values, "save").status_code == 302

    saved = paragraphs(latest(statement))
    assert saved[0] == (heading, "heading", "A call")
    assert saved[1][1:] == ("paragraph", "to action") and saved[1][0] not in {heading, body}


def test_a_statement_without_text_starts_with_one_empty_paragraph(
    client, focal_point, organisation
):
    statement = services.statement_create(
        actor=focal_point, title="Empty so far", lead_organisations=[organisation]
    )
    client.force_login(focal_point)
    values = form_of(client.get(edit_url(statement)))
    assert rows(values) == [("", "paragraph", "")] and values["based_on"] == "0"
    values["p-0-text"] = "The first words."

    assert press(client, statement, values, "save").status_code == 302

    assert [text for *_, text in paragraphs(latest(statement))] == ["The first words."]


def test_the_form_sent_twice_saves_once(drafter_client, statement):
    values = form_of(drafter_client.get(edit_url(statement)))
    values["p-2-text"] = "Join us."

    first = press(drafter_client, statement, values, "save")
    second = press(drafter_client, statement, values, "save")

    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert statement.versions.count() == 2


def test_the_statement_page_offers_the_editor_to_drafters_only(
    client, statement, focal_point, secretariat, other_focal_point
):
    for person, offered in ((focal_point, True), (secretariat, True), (other_focal_point, False)):
        client.force_login(person)
        assert (edit_url(statement) in client.get(detail(statement)).content.decode()) is offered


def test_adopted_text_is_not_edited(client, statement, focal_point):
    Statement.objects.filter(pk=statement.pk).update(adopted_at=timezone.now())
    client.force_login(focal_point)

    page = client.get(edit_url(statement))
    posted = client.post(
        edit_url(statement),
        {
            "based_on": "1",
            "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "1",
            "p-0-kind": "paragraph",
            "p-0-text": "Changed after adoption.",
            "p-0-key": "",
            "op": "save",
        },
    )

    assert "its text no longer changes" in page.content.decode()
    assert "its text no longer changes" in posted.content.decode()
    assert statement.versions.count() == 1
    assert edit_url(statement) not in client.get(detail(statement)).content.decode()


# --- Two drafters at once ------------------------------------------------------------------------


@pytest.fixture
def second_drafter(statement, colleague):
    """A second drafter of the lead organisation."""
    statement.drafters.add(colleague)
    return colleague


def opened_by(person: Any, statement: Statement) -> tuple[Client, dict[str, str]]:
    client = Client()
    client.force_login(person)
    return client, form_of(client.get(edit_url(statement)))


def test_concurrent_saves_never_lose_text(statement, focal_point, second_drafter):
    heading, body, closing = (key for key, *_ in paragraphs(latest(statement)))
    a, mine_a = opened_by(focal_point, statement)
    b, mine_b = opened_by(second_drafter, statement)
    mine_a["p-0-text"] = "A joint call to action"
    assert press(a, statement, mine_a, "save").status_code == 302
    second = paragraphs(latest(statement))
    mine_b["p-2-text"] = "We call on every partner to join us."
    mine_b["p-3-key"], mine_b["p-3-kind"], mine_b["p-3-text"] = "", "paragraph", "Signed: B."
    mine_b["p-TOTAL_FORMS"] = "4"

    conflict = press(b, statement, mine_b, "save")

    html = conflict.content.decode()
    assert conflict.status_code == 200
    assert "statements/version_merge.html" in [t.name for t in conflict.templates]
    assert statement.versions.count() == 2  # nothing of B's was written
    assert "Version 2 was saved by" in html
    # A's change, marked, beside B's text; the form has both, based on version 2.
    assert '<ins><span class="visually-hidden">inserted: </span> joint</ins>' in html
    merged = form_of(conflict)
    assert merged["based_on"] == "2" and merged["merge_base"] == "1"
    assert rows(merged) == [
        (heading, "heading", "A joint call to action"),
        (body, "paragraph", "States must act now to protect victims."),
        (closing, "paragraph", "We call on every partner to join us."),
        ("", "paragraph", "Signed: B."),
    ]
    assert inline_problems(conflict) == []

    assert press(b, statement, merged, "save").status_code == 302

    third = latest(statement)
    assert third.number == 3
    assert [text for *_, text in paragraphs(third)] == [
        "A joint call to action",
        "States must act now to protect victims.",
        "We call on every partner to join us.",
        "Signed: B.",
    ]
    assert paragraphs(Version.objects.get(statement=statement, number=2)) == second


def test_the_merge_keeps_the_editors_text_where_both_changed_a_paragraph(
    statement, focal_point, second_drafter
):
    a, mine_a = opened_by(focal_point, statement)
    b, mine_b = opened_by(second_drafter, statement)
    mine_a["p-1-text"] = "States must act at once to protect victims."
    press(a, statement, mine_a, "save")
    mine_b["p-1-text"] = "States must act now to protect and assist victims."

    conflict = press(b, statement, mine_b, "save")

    html = conflict.content.decode()
    assert rows(form_of(conflict))[1][2] == "States must act now to protect and assist victims."
    assert "you changed it too" in html
    assert "at once" in html  # their text, beside B's
    assert statement.versions.count() == 2


def test_a_paragraph_the_other_drafter_removed_comes_back_as_a_new_one(
    statement, focal_point, second_drafter
):
    heading, body, closing = (key for key, *_ in paragraphs(latest(statement)))
    a, mine_a = opened_by(focal_point, statement)
    b, mine_b = opened_by(second_drafter, statement)
    # A removes the body paragraph; B edits it.
    press(a, statement, form_of(press(a, statement, mine_a, "remove-1")), "save")
    assert [key for key, *_ in paragraphs(latest(statement))] == [heading, closing]
    mine_b["p-1-text"] = "States must act now, B says."

    conflict = press(b, statement, mine_b, "save")

    merged = form_of(conflict)
    assert rows(merged)[1] == ("", "paragraph", "States must act now, B says.")
    assert merged["p-1-was"] == body
    assert "removed. You kept it" in conflict.content.decode()
    # The buttons still work on the merge page, which stays a merge page.
    moved = press(b, statement, merged, "down-1")
    assert "statements/version_merge.html" in [t.name for t in moved.templates]
    assert [key for key, *_ in rows(form_of(moved))] == [heading, closing, ""]
    assert press(b, statement, form_of(moved), "save").status_code == 302
    saved = paragraphs(latest(statement))
    assert [text for *_, text in saved] == [
        "A call to action",
        "We call on all partners to join us.",
        "States must act now, B says.",
    ]
    assert saved[2][0] != body


def test_a_paragraph_the_other_drafter_added_comes_in_where_it_was(
    statement, focal_point, second_drafter
):
    heading, body, closing = (key for key, *_ in paragraphs(latest(statement)))
    a, mine_a = opened_by(focal_point, statement)
    b, mine_b = opened_by(second_drafter, statement)
    added = form_of(press(a, statement, mine_a, "add-0"))
    added["p-1-text"] = "Added by A."
    press(a, statement, added, "save")
    new_key = paragraphs(latest(statement))[1][0]
    mine_b["p-2-text"] = "Closing, by B."

    merged = form_of(press(b, statement, mine_b, "save"))

    assert rows(merged) == [
        (heading, "heading", "A call to action"),
        (new_key, "paragraph", "Added by A."),
        (body, "paragraph", "States must act now to protect victims."),
        (closing, "paragraph", "Closing, by B."),
    ]


# --- Who may edit --------------------------------------------------------------------------------


def minimal_post(statement: Statement) -> dict[str, str]:
    version = latest(statement)
    data = {"based_on": str(version.number), "op": "save", "once": str(uuid.uuid4())}
    for i, (key, kind, text) in enumerate(paragraphs(version)):
        data |= {f"p-{i}-key": key, f"p-{i}-kind": kind, f"p-{i}-text": text + " Changed."}
    count = str(version.paragraphs.count())
    return data | {"p-TOTAL_FORMS": count, "p-INITIAL_FORMS": count}


@pytest.mark.parametrize("who", ["focal_point", "secretariat"])
def test_drafters_and_the_secretariat_edit(client, statement, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(edit_url(statement)).status_code == 200
    assert client.post(edit_url(statement), minimal_post(statement)).status_code == 302
    assert statement.versions.count() == 2


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_focal_point", 403),
        ("colleague", 403),  # of the lead organisation, not a drafter
        ("principal", 403),  # of the lead organisation
        ("other_principal", 403),
        ("observer", 404),  # an unpublished statement is not announced to observers
    ],
)
def test_every_other_role_is_refused_and_nothing_is_saved(client, statement, request, who, status):
    client.force_login(request.getfixturevalue(who))

    assert client.get(edit_url(statement)).status_code == status
    for op in ("save", "add-0", "split-1"):
        assert (
            client.post(edit_url(statement), {**minimal_post(statement), "op": op}).status_code
            == status
        )
    assert statement.versions.count() == 1


def test_an_observer_of_a_published_statement_is_refused(client, statement, observer):
    Statement.objects.filter(pk=statement.pk).update(
        published_on=timezone.now().date() - timedelta(days=1)
    )
    client.force_login(observer)

    assert client.post(edit_url(statement), minimal_post(statement)).status_code == 403
    assert statement.versions.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, statement):
    for response in (
        client.get(edit_url(statement)),
        client.post(edit_url(statement), minimal_post(statement)),
    ):
        assert response.status_code == 302 and "login" in response.url
    assert statement.versions.count() == 1


# --- Bad input -----------------------------------------------------------------------------------


def bad(statement: Statement, problem: str) -> tuple[dict[str, str], str]:
    """A posted form with one problem, and what the page says about it."""
    data = minimal_post(statement)
    first_key = data["p-1-key"]
    changes: dict[str, tuple[dict[str, str], str]] = {
        "unknown key": ({"p-1-key": "0123456789ab"}, "names a paragraph the version has not got"),
        "duplicated key": ({"p-2-key": first_key}, "repeats the key of an earlier paragraph"),
        "bad kind": ({"p-1-kind": "table"}, "Select a valid choice"),
        "empty paragraph": ({"p-1-text": "  "}, "Paragraph 2 is empty"),
        "empty markup": ({"p-1-text": "<em> </em>"}, "Paragraph 2 is empty"),
        "based on a version beyond the latest": ({"based_on": "7"}, "has no version 7"),
        "based on garbage": ({"based_on": "seven"}, "nothing was saved"),
        "a count beyond 64 bits": ({"p-TOTAL_FORMS": str(2**70)}, "nothing was saved"),
        "garbage count": ({"p-TOTAL_FORMS": "many"}, "nothing was saved"),
        "key too long": ({"p-1-key": "k" * 40}, "nothing was saved"),
        "unknown button": ({"op": "explode-1"}, "nothing was saved"),
        "button of a row not there": ({"op": "remove-99"}, "nothing was saved"),
        "button beyond 64 bits": ({"op": f"up-{2**70}"}, "nothing was saved"),
        "null character": ({"p-1-text": "a\x00b"}, "Null characters are not allowed"),
        "merge base after the version": ({"merge_base": "5"}, "nothing was saved"),
        "unchanged text": (
            {
                f"p-{i}-text": text
                for i, (_k, _kind, text) in enumerate(paragraphs(latest(statement)))
            },
            "The text is unchanged",
        ),
    }
    extra, said = changes[problem]
    return data | extra, said


@pytest.mark.parametrize(
    "problem",
    [
        "unknown key",
        "duplicated key",
        "bad kind",
        "empty paragraph",
        "empty markup",
        "based on a version beyond the latest",
        "based on garbage",
        "a count beyond 64 bits",
        "garbage count",
        "key too long",
        "unknown button",
        "button of a row not there",
        "button beyond 64 bits",
        "null character",
        "merge base after the version",
        "unchanged text",
    ],
)
def test_bad_input_is_told_and_saves_nothing(drafter_client, statement, problem):
    data, said = bad(statement, problem)

    response = drafter_client.post(edit_url(statement), data)

    assert response.status_code in {200, 400}
    assert said in response.content.decode()
    assert statement.versions.count() == 1
    assert inline_problems(response) == []


def test_a_refused_save_keeps_what_was_typed(drafter_client, statement):
    values = form_of(drafter_client.get(edit_url(statement)))
    values["p-0-text"] = "A new heading"
    values["p-2-text"] = "   "

    response = press(drafter_client, statement, values, "save")

    assert "Paragraph 3 is empty" in response.content.decode()
    assert rows(form_of(response))[0][2] == "A new heading"
    assert statement.versions.count() == 1


# --- Query counts --------------------------------------------------------------------------------


def statement_of(size: int, focal_point: Any, organisation: Any) -> Statement:
    return services.statement_create(
        actor=focal_point,
        title=f"Statement of {size}",
        lead_organisations=[organisation],
        paragraphs=[(None, "paragraph", f"Paragraph {n}.") for n in range(size)],
    )


def test_the_editor_queries_do_not_grow_with_the_paragraphs(
    drafter_client, focal_point, organisation, django_assert_max_num_queries
):
    small = statement_of(2, focal_point, organisation)
    with django_assert_max_num_queries(20) as few:
        assert drafter_client.get(edit_url(small)).status_code == 200
    # Read now: the next request empties the connection's query log.
    small_count = len(few.captured_queries)
    large = statement_of(40, focal_point, organisation)
    with django_assert_max_num_queries(small_count):
        assert drafter_client.get(edit_url(large)).status_code == 200
    values = form_of(drafter_client.get(edit_url(large)))
    with django_assert_max_num_queries(small_count):
        assert press(drafter_client, large, values, "split-3").status_code == 200


def test_the_merge_page_queries_do_not_grow_with_the_paragraphs(
    client, focal_point, secretariat, organisation, django_assert_max_num_queries
):
    counts = []
    for size in (2, 30):
        statement = statement_of(size, focal_point, organisation)
        a, mine_a = opened_by(secretariat, statement)
        b, mine_b = opened_by(focal_point, statement)
        mine_a["p-0-text"] = "Changed by A."
        press(a, statement, mine_a, "save")
        mine_b["p-1-text"] = "Changed by B."
        with django_assert_max_num_queries(40) as taken:
            response = press(b, statement, mine_b, "save")
        assert "statements/version_merge.html" in [t.name for t in response.templates]
        counts.append(len(taken.captured_queries))
    assert counts[1] <= counts[0]


# --- Who has commented ---------------------------------------------------------------------------


def test_drafters_see_which_organisations_have_commented(
    client, statement, focal_point, other_focal_point, organisation
):
    quiet = factories.OrganisationFactory(
        acronym="IOM", name="International Organization for Migration"
    )
    silent = cast(Person, factories.PersonFactory(organisation=quiet, email="iom@example.org"))
    third = factories.OrganisationFactory(acronym="ZZZ", name="Zed")
    version = latest(statement)
    key = paragraphs(version)[0][0]
    for text in ("One.", "Two."):
        services.comment_add(
            statement=statement,
            version=version,
            actor=other_focal_point,
            paragraph_key=key,
            text=text,
        )
    services.no_comments_declare(statement=statement, version=version, actor=silent)

    responses = selectors.comment_responses(statement)

    said = {
        row.organisation.acronym: (row.response.value, row.comments, row.no_comments_on)
        for row in responses.rows
    }
    assert said == {
        "ILO": ("commented", 2, None),
        "IOM": ("no_comments", 0, 1),
        "UNICEF": ("nothing_yet", 0, None),
        "ZZZ": ("nothing_yet", 0, None),
    }
    assert (responses.commented, responses.no_comments, responses.nothing_yet) == (1, 1, 2)
    assert [row.is_lead for row in responses.rows] == [False, False, True, False]
    assert third.is_current_member

    client.force_login(focal_point)
    html = client.get(detail(statement)).content.decode()
    assert "Who has commented" in html
    assert "2 comments and proposals" in html
    assert "said on version 1" in html
    assert "Nothing yet" in html
    assert "1 organisation has commented" in html

    client.force_login(other_focal_point)
    assert "Who has commented" not in client.get(detail(statement)).content.decode()


def test_an_organisation_that_has_left_is_not_listed(statement):
    factories.OrganisationFactory(acronym="GONE", left_on=timezone.now().date() - timedelta(days=3))

    acronyms = {row.organisation.acronym for row in selectors.comment_responses(statement).rows}

    assert "GONE" not in acronyms and "UNICEF" in acronyms


def test_who_has_commented_takes_the_same_queries_for_any_number_of_organisations(
    client, statement, focal_point, django_assert_max_num_queries
):
    def add_members(start: int, count: int) -> None:
        version = latest(statement)
        key = paragraphs(version)[0][0]
        for n in range(start, start + count):
            member = factories.OrganisationFactory(acronym=f"M{n:03}")
            person = cast(
                Person, factories.PersonFactory(organisation=member, email=f"m{n}@example.org")
            )
            if n % 2:
                services.no_comments_declare(statement=statement, version=version, actor=person)
            else:
                services.comment_add(
                    statement=statement,
                    version=version,
                    actor=person,
                    paragraph_key=key,
                    text="Hm.",
                )

    add_members(0, 2)
    read = selectors.statement_text(statement_id=statement.pk).statement  # leads prefetched
    with django_assert_max_num_queries(3):
        assert len(selectors.comment_responses(read).rows) == 3
    client.force_login(focal_point)
    with django_assert_max_num_queries(60) as few:
        client.get(detail(statement))
    add_members(2, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "M016" in client.get(detail(statement)).content.decode()


def test_what_the_editor_removed_and_the_other_changed_is_listed_beside_the_merge(
    statement, focal_point, second_drafter
):
    a, mine_a = opened_by(focal_point, statement)
    b, mine_b = opened_by(second_drafter, statement)
    mine_a["p-2-text"] = "We call on all partners, everywhere, to join us."
    press(a, statement, mine_a, "save")
    mine_b["p-0-text"] = "A call to act"

    conflict = press(b, statement, form_of(press(b, statement, mine_b, "remove-2")), "save")

    html = conflict.content.decode()
    assert "In version 2 but not in your text" in html
    assert "Changed there, as marked:" in html and "everywhere" in html
    assert len(rows(form_of(conflict))) == 2  # B's removal stands until B takes it back


def test_the_first_text_written_by_two_at_once_is_merged(client, focal_point, organisation):
    statement = services.statement_create(
        actor=focal_point, title="Empty so far", lead_organisations=[organisation]
    )
    colleague = factories.PersonFactory(organisation=organisation, email="second@example.org")
    statement.drafters.add(colleague)
    a, mine_a = opened_by(focal_point, statement)
    b, mine_b = opened_by(colleague, statement)
    mine_a["p-0-text"] = "Written by A."
    press(a, statement, mine_a, "save")
    mine_b["p-0-text"] = "Written by B."

    merged = form_of(press(b, statement, mine_b, "save"))

    first_key = paragraphs(latest(statement))[0][0]
    assert rows(merged) == [
        (first_key, "paragraph", "Written by A."),
        ("", "paragraph", "Written by B."),
    ]
    assert merged["based_on"] == "1" and merged["merge_base"] == "0"


def test_marked_up_text_sent_back_from_the_editor_as_it_was_changes_nothing(
    drafter_client, statement, focal_point
):
    version = latest(statement)
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=version.number,
        paragraphs=[
            (key, kind, 'R&D <em>now</em> & a<b <a href="https://example.org/?a=1&b=2">here</a>')
            if n == 1
            else (key, kind, text)
            for n, (key, kind, text) in enumerate(paragraphs(version))
        ],
    )
    values = form_of(drafter_client.get(edit_url(statement)))
    assert values["p-1-text"] == (
        'R&D <em>now</em> & a<b <a href="https://example.org/?a=1&b=2" '
        'rel="noopener noreferrer">here</a>'
    )

    response = press(drafter_client, statement, values, "save")

    assert "The text is unchanged" in response.content.decode()
    assert statement.versions.count() == 2
