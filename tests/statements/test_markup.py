"""The light markup of a paragraph: emphasis, strong emphasis and links are kept, everything
else is text or gone; the diff compares words, never tags."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from statements import markup, selectors, services
from statements.models import Comment, Statement, Version
from statements.text_forms import editable
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db


def latest(statement: Statement) -> Version:
    return Version.objects.filter(statement=statement).latest("number")


def save_text(statement: Statement, actor, texts: list[str]) -> Version:
    """The latest version with its paragraphs' texts replaced, in order (keys kept)."""
    version = latest(statement)
    return services.version_save(
        statement=statement,
        actor=actor,
        based_on=version.number,
        paragraphs=[
            (p.key, p.kind, text)
            for p, text in zip(version.paragraphs.order_by("position"), texts, strict=True)
        ],
    )


HEADING = "A call to action"
CLOSING = "We call on all partners to join us."


def stored_body(statement: Statement, actor, typed: str) -> str:
    version = save_text(statement, actor, [HEADING, typed, CLOSING])
    return version.paragraphs.order_by("position")[1].text


def test_a_script_is_never_stored_as_markup(statement, focal_point):
    stored = stored_body(statement, focal_point, "Act <script>alert(1)</script>now.")

    assert "<script" not in stored
    assert "<script" not in markup.as_html(stored)
    # What was typed is not lost: it reads as text.
    assert markup.plain(stored) == "Act <script>alert(1)</script>now."
    # Text that reached the database some other way is shown as text too, never run.
    assert markup.as_html("<script>alert(1)</script>Act") == (
        "&lt;script&gt;alert(1)&lt;/script&gt;Act"
    )


def test_a_javascript_link_loses_its_address(statement, focal_point):
    stored = stored_body(statement, focal_point, 'See <a href="javascript:alert(1)">this</a>.')

    assert "javascript" not in stored
    assert markup.plain(stored) == "See this."
    assert "javascript" not in markup.as_html('<a href="javascript:alert(1)">x</a>')


def test_emphasis_and_links_are_kept_and_shown(client, statement, focal_point):
    typed = (
        'States <em>must</em> act <strong>now</strong>: <a href="https://example.org/x">read</a>.'
    )
    stored = stored_body(statement, focal_point, typed)
    client.force_login(focal_point)

    response = client.get(reverse("statements:statement_detail", args=[statement.pk]))

    assert "<em>must</em>" in stored and "<strong>now</strong>" in stored
    assert 'href="https://example.org/x"' in stored
    html = response.content.decode()
    assert "<em>must</em>" in html and "<strong>now</strong>" in html
    assert '<a href="https://example.org/x" rel="noopener noreferrer">read</a>' in html
    assert inline_problems(response) == []


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("a < b & c", "a < b & c"),
        ("children<18 & R&D", "children<18 & R&D"),
        ("Fish & <chips>", "Fish & <chips>"),
        ("&lt;em&gt; is a tag", "<em> is a tag"),
    ],
)
def test_plain_text_with_angle_brackets_and_ampersands_survives_as_text(
    client, statement, focal_point, typed, words
):
    stored = stored_body(statement, focal_point, typed)
    client.force_login(focal_point)

    page = client.get(reverse("statements:statement_detail", args=[statement.pk]))
    editor = client.get(reverse("statements:version_edit", args=[statement.pk]))

    assert markup.plain(stored) == words
    html = page.content.decode()
    assert markup.as_html(stored) in html
    assert "<em> is" not in html  # never turned into markup
    # The editor shows it as typed (escaped in the page), not as entities.
    assert escape(editable(stored)) in editor.content.decode()
    assert "&amp;" not in editable(stored)


@pytest.mark.parametrize(
    "typed",
    [
        "a < b & c",
        "AT&T and R&amp;D",
        "&amp;lt; stays",
        "x > y",
        "<em>em</em> <strong>strong</strong> <a href='https://e.org/?a=1&b=2'>l</a>",
        "&lt;em&gt; typed as text",
        "&lt;/strong&gt;",
        "1 &lt;2 &lt;a",
        "&nbsp;and &#233;",
        "<abbr>UN</abbr> <today>",
    ],
)
def test_the_text_the_editor_shows_saves_back_unchanged(statement, focal_point, typed):
    stored = stored_body(statement, focal_point, typed)

    with pytest.raises(ValidationError, match="unchanged"):
        save_text(statement, focal_point, [HEADING, editable(stored), CLOSING])
    assert latest(statement).number == 2


def test_the_diff_marks_words_never_tags(statement, focal_point):
    first = latest(statement)
    second = save_text(
        statement,
        focal_point,
        [
            HEADING,
            "States must act <em>today</em> to protect victims.",
            f"<strong>{CLOSING}</strong>",
        ],
    )

    rows = selectors.diff(first, second)

    body, closing = rows[1], rows[2]
    assert body.change == "changed" and not body.markup_only
    html = str(body.html)
    assert "<em>" not in html and "&lt;em&gt;" not in html
    assert re.search(r"<del><span class=\"visually-hidden\">deleted: </span>now</del>", html)
    assert re.search(r"<ins><span class=\"visually-hidden\">inserted: </span>today</ins>", html)
    # Only the emphasis changed: a change, with no word marked.
    assert closing.change == "changed" and closing.markup_only
    assert "<ins>" not in str(closing.html) and "<del>" not in str(closing.html)
    assert str(closing.html) == CLOSING


def test_the_comparison_page_says_when_only_emphasis_changed(client, statement, focal_point):
    save_text(
        statement,
        focal_point,
        [HEADING, "States must act <em>now</em> to protect victims.", CLOSING],
    )
    client.force_login(focal_point)

    response = client.get(reverse("statements:version_diff", args=[statement.pk, 1, 2]))

    html = response.content.decode()
    assert "emphasis or links only" in html
    assert "<em>now</em>" not in html


def test_a_quoted_passage_is_found_in_the_words_of_a_marked_up_paragraph(
    statement, focal_point, other_focal_point
):
    version = save_text(
        statement, focal_point, [HEADING, "States <em>must</em> act &amp; protect.", CLOSING]
    )
    key = version.paragraphs.order_by("position")[1].key

    comment = services.comment_add(
        statement=statement,
        version=version,
        actor=other_focal_point,
        paragraph_key=key,
        text="Why?",
        quoted_passage="must  act & protect",
    )

    assert comment.quoted_passage == "must act & protect"


def test_a_proposed_text_is_cleaned_and_shown_with_its_markup(
    client, statement, focal_point, other_focal_point
):
    version = latest(statement)
    key = version.paragraphs.order_by("position")[1].key

    proposal = services.change_proposal_add(
        statement=statement,
        version=version,
        actor=other_focal_point,
        paragraph_key=key,
        proposed_text="States <em>shall</em> act.<script>alert(1)</script>",
    )

    assert (
        proposal.proposed_text == "States <em>shall</em> act.&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    client.force_login(focal_point)
    html = client.get(reverse("statements:statement_detail", args=[statement.pk])).content.decode()
    assert "States <em>shall</em> act." in html
    assert "<script>alert" not in html
    assert Comment.objects.get().proposed_text == proposal.proposed_text
