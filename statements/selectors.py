"""Reads of statements, with the joins their pages need: a page's number of queries does not grow
with its paragraphs or comments."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Count, Max, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.diff import deleted, inserted
from common.diff import word_diff as plain_word_diff
from coordination.models import Organisation, Person
from statements import markup
from statements.models import Comment, NoComments, Paragraph, Statement, Version

if TYPE_CHECKING:
    from coordination.permissions import AnyUser


def visible_statements(user: AnyUser) -> QuerySet[Statement]:
    """The statements `user` may read (permissions.can_read_statement, for a list)."""
    # The round state is annotated: the list shows each statement's stage without a query a row.
    statements = Statement.objects.with_round_state().prefetch_related("lead_organisations")
    if not user.is_authenticated:
        return statements.none()
    if user.role == Person.Role.OBSERVER:
        return statements.published()
    return statements


def latest_version(statement: Statement) -> Version | None:
    """The newest version of the text (None before the first save), with its paragraphs."""
    return (
        Version.objects.filter(statement=statement)
        .select_related("created_by")
        .prefetch_related("paragraphs")
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class StatementText:
    """A statement with one version of its text (the latest unless another was asked for)."""

    statement: Statement
    version: Version | None
    paragraphs: list[Paragraph]


def statement_text(*, statement_id: int, version_number: int | None = None) -> StatementText:
    """The statement, its lead organisations and drafters, and the paragraphs of one version, in
    five queries whatever their number. Raises Statement.DoesNotExist (a view's 404)."""
    statement = (
        Statement.objects.select_related("created_by")
        .prefetch_related("lead_organisations", "drafters")
        .get(pk=statement_id)
    )
    if version_number is None:
        version = latest_version(statement)
    else:
        version = (
            Version.objects.filter(statement=statement, number=version_number)
            .select_related("created_by")
            .prefetch_related("paragraphs")
            .first()
        )
    paragraphs = list(version.paragraphs.all()) if version is not None else []
    return StatementText(statement=statement, version=version, paragraphs=paragraphs)


# --- Comments and where they stand in the latest text -------------------------------------------


class Anchor(StrEnum):
    """Where a comment's paragraph stands in the latest version."""

    CURRENT = "current"  # the text it was made on is still the text
    CHANGED = "changed"  # the paragraph's text changed since
    REMOVED = "removed"  # the paragraph is gone


@dataclass(frozen=True)
class CommentRow:
    comment: Comment
    anchor: Anchor

    @property
    def is_outdated(self) -> bool:
        """The comment was made on text that is no longer the text: whoever reads it must know
        it may already be dealt with, or no longer apply."""
        return self.anchor is not Anchor.CURRENT


def statement_comments(statement: Statement) -> list[CommentRow]:
    """Every comment and change proposal on the statement, oldest first, each with where its
    paragraph stands in the latest version. Three queries, whatever the number of comments:
    the comments (with their people and versions), the latest version, and the texts of the
    commented paragraphs in the versions commented on and in the latest."""
    comments = list(
        Comment.objects.filter(statement=statement).select_related(
            "author", "organisation", "version", "answered_by", "applied_in"
        )
    )
    if not comments:
        return []
    latest = (
        Version.objects.filter(statement=statement).order_by("-number").only("pk", "number").first()
    )
    # A comment is always on some version, so there is a latest one; 0 would match no paragraph.
    latest_id: int = latest.pk if latest is not None else 0
    texts = {
        (version_id, key): text
        for version_id, key, text in Paragraph.objects.filter(
            version_id__in={c.version_id for c in comments} | {latest_id},
            key__in={c.paragraph_key for c in comments},
        ).values_list("version_id", "key", "text")
    }
    rows = []
    for comment in comments:
        now = texts.get((latest_id, comment.paragraph_key))
        if now is None:
            anchor = Anchor.REMOVED
        elif now != texts.get((comment.version_id, comment.paragraph_key)):
            anchor = Anchor.CHANGED
        else:
            anchor = Anchor.CURRENT
        rows.append(CommentRow(comment=comment, anchor=anchor))
    return rows


# --- Diffs, paragraph by paragraph --------------------------------------------------------------


class Change(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class DiffRow:
    """One paragraph of a diff. `html` is safe to show: the text is escaped, insertions are in
    <ins> and deletions in <del>, each led by a visually hidden word for screen readers, so the
    change is told in text and not by colour alone."""

    key: str
    change: Change
    kind: str
    old_kind: str
    # The stored texts (with their markup); `html` compares their words (markup.plain).
    old_text: str
    new_text: str
    html: SafeString
    # The words are the same; only emphasis or a link changed (nothing in `html` is marked).
    markup_only: bool = False


def _inserted(text: str) -> str:
    return inserted(text)


def _deleted(text: str) -> str:
    return deleted(text)


def word_diff(old: str, new: str) -> SafeString:
    """`new`, with the words taken out of `old` in <del> and those put in in <ins>.

    Both are stored paragraph texts: their words are compared (markup.plain), never their tags,
    so an added emphasis is not a changed word and a tag never reaches the page unescaped."""
    return plain_word_diff(markup.plain(old), markup.plain(new))


def _in_order(
    old: list[Paragraph], new: list[Paragraph]
) -> list[tuple[Paragraph | None, Paragraph | None]]:
    """Pairs (old, new) by key, in the new version's order; a removed paragraph comes right after
    the paragraph that preceded it in the old version (or first, if none did)."""
    new_keys = {p.key for p in new}
    old_by_key = {p.key: p for p in old}
    # The removed paragraphs that follow each surviving one ("" for those before any).
    removed_after: dict[str, list[Paragraph]] = {}
    anchor = ""
    for paragraph in old:
        if paragraph.key in new_keys:
            anchor = paragraph.key
        else:
            removed_after.setdefault(anchor, []).append(paragraph)
    pairs: list[tuple[Paragraph | None, Paragraph | None]] = [
        (p, None) for p in removed_after.get("", [])
    ]
    for paragraph in new:
        pairs.append((old_by_key.get(paragraph.key), paragraph))
        pairs.extend((p, None) for p in removed_after.get(paragraph.key, []))
    return pairs


def diff(version_a: Version, version_b: Version) -> list[DiffRow]:
    """What changed from `version_a` to `version_b`, paragraph by paragraph (matched by key, so
    an edited paragraph is "changed", not "removed" and "added"). Uses the versions' prefetched
    paragraphs when there are some: two queries at most."""
    if version_a.statement_id != version_b.statement_id:
        raise ValueError("Only versions of the same statement can be compared.")
    return _diff_paragraphs(list(version_a.paragraphs.all()), list(version_b.paragraphs.all()))


def _diff_paragraphs(
    old_paragraphs: list[Paragraph], new_paragraphs: list[Paragraph]
) -> list[DiffRow]:
    rows = []
    for old, new in _in_order(old_paragraphs, new_paragraphs):
        if old is not None and new is not None:
            if old.text == new.text and old.kind == new.kind:
                html = escape(markup.plain(new.text))
                rows.append(_row(new.key, Change.UNCHANGED, old, new, html))
            else:
                rows.append(
                    _row(
                        new.key,
                        Change.CHANGED,
                        old,
                        new,
                        word_diff(old.text, new.text),
                        markup_only=old.kind == new.kind
                        and markup.plain(old.text) == markup.plain(new.text),
                    )
                )
        elif new is not None:
            # _inserted and _deleted escape the text they mark.
            html = mark_safe(_inserted(markup.plain(new.text)))
            rows.append(_row(new.key, Change.ADDED, new, new, html))
        elif old is not None:
            html = mark_safe(_deleted(markup.plain(old.text)))
            rows.append(_row(old.key, Change.REMOVED, old, old, html))
    return rows


def _row(
    key: str,
    change: Change,
    old: Paragraph,
    new: Paragraph,
    html: SafeString,
    *,
    markup_only: bool = False,
) -> DiffRow:
    return DiffRow(
        key=key,
        change=change,
        kind=new.kind,
        old_kind=old.kind,
        old_text=old.text if change is not Change.ADDED else "",
        new_text=new.text if change is not Change.REMOVED else "",
        html=html,
        markup_only=markup_only,
    )


def versions_of(statement: Statement) -> QuerySet[Version]:
    """The versions, oldest first, with who saved them (for a version list)."""
    return Version.objects.filter(statement=statement).select_related("created_by")


# --- Who has commented ---------------------------------------------------------------------------


class Response(StrEnum):
    """What an organisation has said in the consultation so far."""

    COMMENTED = "commented"
    NO_COMMENTS = "no_comments"
    NOTHING_YET = "nothing_yet"


@dataclass(frozen=True)
class OrganisationResponse:
    organisation: Organisation
    is_lead: bool
    # Comments and change proposals on any version: they follow their paragraph into later ones.
    comments: int
    # The latest version on which the organisation said "no comments", if it did.
    no_comments_on: int | None

    @property
    def response(self) -> Response:
        if self.comments:
            return Response.COMMENTED
        if self.no_comments_on is not None:
            return Response.NO_COMMENTS
        return Response.NOTHING_YET


@dataclass(frozen=True)
class CommentResponses:
    """Every current member organisation's response, and how many gave each."""

    rows: list[OrganisationResponse]

    def _count(self, response: Response) -> int:
        return sum(row.response is response for row in self.rows)

    @property
    def commented(self) -> int:
        return self._count(Response.COMMENTED)

    @property
    def no_comments(self) -> int:
        return self._count(Response.NO_COMMENTS)

    @property
    def nothing_yet(self) -> int:
        return self._count(Response.NOTHING_YET)


def comment_responses(statement: Statement) -> CommentResponses:
    """Each current member organisation, by acronym, with what it has said on the statement: its
    number of comments and proposals, and the latest version it had "no comments" on. Three
    queries whatever the number of organisations (the statement's lead organisations use the
    prefetch when there is one)."""
    comments = dict(
        Comment.objects.filter(statement=statement)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    declared = dict(
        NoComments.objects.filter(statement=statement)
        .values("organisation_id")
        .annotate(latest=Max("version__number"))
        .values_list("organisation_id", "latest")
    )
    leads = {organisation.pk for organisation in statement.lead_organisations.all()}
    return CommentResponses(
        rows=[
            OrganisationResponse(
                organisation=organisation,
                is_lead=organisation.pk in leads,
                comments=comments.get(organisation.pk, 0),
                no_comments_on=declared.get(organisation.pk),
            )
            for organisation in Organisation.objects.current().order_by("acronym", "name")
        ]
    )


# --- Editing the text ----------------------------------------------------------------------------


def version_numbered(statement: Statement, number: int) -> Version | None:
    """One version with its paragraphs (None if the statement has no such number)."""
    return (
        Version.objects.filter(statement=statement, number=number)
        .select_related("created_by")
        .prefetch_related("paragraphs")
        .first()
    )


def changes_since(base: Version | None, latest: Version) -> list[DiffRow]:
    """What changed in `latest` since `base`, as `diff` tells it; every paragraph is added when
    there was no text to start from (`base` None). Two queries at most."""
    old = list(base.paragraphs.all()) if base is not None else []
    return _diff_paragraphs(old, list(latest.paragraphs.all()))
