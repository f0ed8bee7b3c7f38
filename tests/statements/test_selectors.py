from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from statements import selectors, services
from statements.models import Statement, Version
from statements.selectors import Anchor, Change
from tests import factories


def latest(statement: Statement) -> Version:
    version = selectors.latest_version(statement)
    assert version is not None
    return version


def keys_of(version: Version) -> list[str]:
    return list(version.paragraphs.order_by("position").values_list("key", flat=True))


def save(statement, actor, based_on, paragraphs) -> Version:
    return services.version_save(
        statement=statement, actor=actor, based_on=based_on, paragraphs=paragraphs
    )


# --- Comments follow their paragraph -------------------------------------------------------------


@pytest.mark.django_db
def test_comments_follow_their_paragraph_and_become_outdated_when_it_changes(
    statement, focal_point, other_focal_point
):
    first = latest(statement)
    heading, body, closing = keys_of(first)
    services.comment_add(
        statement=statement,
        version=first,
        actor=other_focal_point,
        paragraph_key=body,
        text="Stronger, please.",
    )
    # Another paragraph changes, and this one moves down: the comment is still current.
    save(
        statement,
        focal_point,
        1,
        [
            (heading, "heading", "A joint call to action"),
            (None, "paragraph", "A new opening."),
            (body, "paragraph", "States must act now to protect victims."),
            (closing, "paragraph", "We call on all partners to join us."),
        ],
    )
    [row] = selectors.statement_comments(statement)
    assert row.anchor is Anchor.CURRENT and not row.is_outdated
    # Its own paragraph changes: outdated.
    save(
        statement,
        focal_point,
        2,
        [
            (heading, "heading", "A joint call to action"),
            (body, "paragraph", "States must act today to protect victims."),
            (closing, "paragraph", "We call on all partners to join us."),
        ],
    )
    [row] = selectors.statement_comments(statement)
    assert row.anchor is Anchor.CHANGED and row.is_outdated
    # Its paragraph is removed: outdated, and said so.
    save(
        statement,
        focal_point,
        3,
        [
            (heading, "heading", "A joint call to action"),
            (closing, "paragraph", "We call on all partners to join us."),
        ],
    )
    [row] = selectors.statement_comments(statement)
    assert row.anchor is Anchor.REMOVED


# --- Diffs ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_diff_marks_insertions_and_deletions_in_words_and_tags(statement, focal_point):
    first = latest(statement)
    heading, body, closing = keys_of(first)
    second = save(
        statement,
        focal_point,
        1,
        [
            (heading, "heading", "A call to action"),
            (None, "paragraph", "Fish & <chips>"),
            (body, "paragraph", "Governments must act decisively now to protect victims."),
        ],
    )
    rows = selectors.diff(first, second)
    assert [(row.key, row.change) for row in rows] == [
        (heading, Change.UNCHANGED),
        (rows[1].key, Change.ADDED),
        (body, Change.CHANGED),
        (closing, Change.REMOVED),
    ]
    changed = str(rows[2].html)
    assert re.search(r'<del><span class="visually-hidden">deleted: </span>States</del>', changed)
    assert re.search(
        r'<ins><span class="visually-hidden">inserted: </span>Governments</ins>', changed
    )
    assert re.search(
        r"<ins><span class=\"visually-hidden\">inserted: </span>[^<]*decisively", changed
    )
    # Unchanged words stay outside the tags.
    assert "must act" in re.sub(r"<(ins|del)>.*?</\1>", "", changed)
    # Text is escaped, never taken as markup.
    assert "&lt;chips&gt;" in str(rows[1].html) and "<chips>" not in str(rows[1].html)
    assert str(rows[1].html).startswith("<ins>")
    assert str(rows[3].html).startswith("<del>")
    assert rows[3].old_text == "We call on all partners to join us." and rows[3].new_text == ""


@pytest.mark.django_db
def test_a_removed_paragraph_is_shown_where_it_was(statement, focal_point):
    first = latest(statement)
    heading, body, closing = keys_of(first)
    second = save(
        statement,
        focal_point,
        1,
        [(heading, "heading", "A call to action"), (closing, "paragraph", "Join us.")],
    )
    assert [(row.key, row.change) for row in selectors.diff(first, second)] == [
        (heading, Change.UNCHANGED),
        (body, Change.REMOVED),
        (closing, Change.CHANGED),
    ]


@pytest.mark.django_db
def test_a_change_of_kind_alone_is_a_change(statement, focal_point):
    first = latest(statement)
    heading, body, closing = keys_of(first)
    second = save(
        statement,
        focal_point,
        1,
        [
            (heading, "paragraph", "A call to action"),
            (body, "paragraph", "States must act now to protect victims."),
            (closing, "paragraph", "We call on all partners to join us."),
        ],
    )
    row = selectors.diff(first, second)[0]
    assert (row.change, row.old_kind, row.kind) == (Change.CHANGED, "heading", "paragraph")


# --- Who reads what ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_observers_see_only_published_statements(statement, observer, focal_point):
    published = factories.StatementFactory(
        title="Published", published_on=timezone.now().date() - timedelta(days=1)
    )
    factories.StatementFactory(
        title="Withdrawn",
        published_on=timezone.now().date() - timedelta(days=1),
        withdrawn_at=timezone.now(),
    )
    assert list(selectors.visible_statements(observer)) == [published]
    assert published.stage == Statement.Stage.PUBLISHED
    assert selectors.visible_statements(focal_point).count() == 3


# --- Query counts do not grow with the rows ------------------------------------------------------


def build(size: int, organisation, focal_point, commenter) -> Statement:
    statement = services.statement_create(
        actor=focal_point,
        title=f"Statement of {size}",
        lead_organisations=[organisation],
        comment_deadline=timezone.now() + timedelta(days=7),
        paragraphs=[(None, "paragraph", f"Paragraph {n} text.") for n in range(size)],
    )
    first = latest(statement)
    keys = keys_of(first)
    for key in keys:
        services.comment_add(
            statement=statement,
            version=first,
            actor=commenter,
            paragraph_key=key,
            text="A comment.",
        )
    save(
        statement,
        focal_point,
        1,
        [(key, "paragraph", f"Paragraph {n} text, edited.") for n, key in enumerate(keys)],
    )
    return statement


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 25])
def test_reads_take_the_same_queries_at_any_size(
    size, organisation, focal_point, other_focal_point, django_assert_max_num_queries
):
    statement = build(size, organisation, focal_point, other_focal_point)
    with django_assert_max_num_queries(5):
        text = selectors.statement_text(statement_id=statement.pk)
        assert len(text.paragraphs) == size
        assert len(list(text.statement.drafters.all())) == 1
        assert len(list(text.statement.lead_organisations.all())) == 1
    with django_assert_max_num_queries(3):
        rows = selectors.statement_comments(statement)
        assert len(rows) == size and all(row.is_outdated for row in rows)
        for row in rows:
            str(row.comment.author), str(row.comment.organisation), row.comment.version.number
    versions = list(statement.versions.prefetch_related("paragraphs"))
    with django_assert_max_num_queries(0):
        assert len(selectors.diff(versions[0], versions[1])) == size
