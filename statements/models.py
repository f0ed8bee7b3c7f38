"""Joint statements: the statement, its versions of text, paragraph by paragraph, and the comments
and change proposals anchored to those paragraphs.

A version is never edited once saved: the next save makes the next version. A paragraph keeps its
`key` from version to version while it is edited, so that what was said about it (a comment, a
change proposal) follows it, and a diff can pair old and new text by key rather than by position.

Text carries light markup only (emphasis, strong emphasis, links), cleaned with nh3 before it is
stored and again when shown (statements.markup); diffs and quoted passages compare its words.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import group_time_zone, group_today
from common.links import url_with_id
from coordination.models import Organisation

# A paragraph key: 12 hex characters, stable across versions.
KEY_LENGTH = 12


def new_paragraph_key() -> str:
    return secrets.token_hex(KEY_LENGTH // 2)


class StatementQuerySet(models.QuerySet["Statement"]):
    def with_round_state(self) -> StatementQuerySet:
        """Annotate whether an endorsement round is open, so that `stage` on a list of
        statements costs no query per row."""
        return self.annotate(
            open_round_exists=models.Exists(
                EndorsementRound.objects.filter(
                    statement=models.OuterRef("pk"), closed_at__isnull=True
                )
            )
        )

    def in_endorsement(self) -> StatementQuerySet:
        """The database form of `Statement.stage == Stage.IN_ENDORSEMENT`: a round is open and
        nothing later (adoption, publication, withdrawal) has happened."""
        return self.filter(
            withdrawn_at__isnull=True,
            adopted_at__isnull=True,
            endorsement_rounds__closed_at__isnull=True,
            endorsement_rounds__isnull=False,
        ).exclude(published_on__lte=group_today())

    def published(self) -> StatementQuerySet:
        """What observers may read: published by today (the group's date) and not withdrawn.

        The database form of `Statement.stage == Stage.PUBLISHED`; keep the two in step."""
        return self.filter(
            published_on__isnull=False,
            published_on__lte=group_today(),
            withdrawn_at__isnull=True,
        )


class Statement(models.Model):
    """A joint product of the group: drafted by its lead organisations, commented on by the
    members, endorsed by their principals, then published."""

    class Kind(models.TextChoices):
        JOINT_STATEMENT = "joint_statement", _("Joint statement")
        CALL_TO_ACTION = "call_to_action", _("Call to action")
        ISSUE_BRIEF = "issue_brief", _("Issue brief")
        POLICY_PAPER = "policy_paper", _("Policy paper")
        EXPERT_SUBMISSION = "expert_submission", _("Expert submission")
        OTHER = "other", _("Other")

    class Stage(models.TextChoices):
        """Where the statement stands. Derived (see `stage`), never stored.

        IN_ENDORSEMENT (an endorsement round is open, deadline passed or not, until it is
        closed or voided by a new version) comes between OPEN_FOR_COMMENTS and ADOPTED, in
        `stage` and in `StatementQuerySet.in_endorsement`."""

        DRAFTING = "drafting", _("Drafting")
        OPEN_FOR_COMMENTS = "open_for_comments", _("Open for comments")
        IN_ENDORSEMENT = "in_endorsement", _("In endorsement")
        ADOPTED = "adopted", _("Adopted")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.JOINT_STATEMENT
    )
    title = models.CharField(_("title"), max_length=300)
    lead_organisations = models.ManyToManyField(
        Organisation, related_name="led_statements", verbose_name=_("lead organisations")
    )
    # People of the lead organisations (and the secretariat): they edit the text and answer the
    # comments. services.statement_create checks who may be one.
    drafters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="drafted_statements",
        blank=True,
        verbose_name=_("drafters"),
    )
    # The language the drafters write in; the other languages are kept beside it as
    # LanguageVersions, paragraph by paragraph under the same keys.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    comment_deadline = models.DateTimeField(_("comment deadline"), null=True, blank=True)
    # The comment deadline the last reminder (24 hours before it) was sent for: claimed by a
    # conditional update, so two workers cannot both send it, and an extended deadline gets its
    # own last reminder.
    comment_last_call_for = models.DateTimeField(null=True, blank=True, editable=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    public_url = models.URLField(_("public address"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adoption recorded by"),
    )
    # The version adopted, and the round whose answers (reservations included) are published
    # with it; the endorsing organisations are recorded by the drafter at adoption, from that
    # round's outcome (deemed endorsements included), and do not change afterwards.
    adopted_version = models.ForeignKey(
        "Version",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version adopted"),
    )
    adopted_round = models.ForeignKey(
        "EndorsementRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endorsement round of the adoption"),
    )
    endorsing_organisations = models.ManyToManyField(
        Organisation,
        related_name="endorsed_statements",
        blank=True,
        verbose_name=_("endorsing organisations"),
    )
    # Raised on every save of the statement's own fields through the services, so that two people
    # editing it cannot overwrite each other (common.versioning). The text has its own check:
    # the unique version number (services.version_save).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_with_id("statements:statement_detail", self.pk)

    def stage_at(self, now: datetime) -> Statement.Stage:
        """The stage at `now`, from the dates recorded: withdrawal ends everything; then
        publication, adoption, a comment period still running; otherwise the text is a draft."""
        if self.withdrawn_at is not None:
            return self.Stage.WITHDRAWN
        today = timezone.localdate(now, timezone=group_time_zone())
        if self.published_on is not None and self.published_on <= today:
            return self.Stage.PUBLISHED
        if self.adopted_at is not None:
            return self.Stage.ADOPTED
        if self.has_open_round:
            return self.Stage.IN_ENDORSEMENT
        if self.comment_deadline is not None and now < self.comment_deadline:
            return self.Stage.OPEN_FOR_COMMENTS
        return self.Stage.DRAFTING

    @property
    def is_published(self) -> bool:
        """Published by today and not withdrawn, read from the statement's own fields (no
        query): what an observer may read."""
        return (
            self.withdrawn_at is None
            and self.published_on is not None
            and self.published_on <= group_today()
        )

    @property
    def stage(self) -> Statement.Stage:
        return self.stage_at(timezone.now())

    @property
    def has_open_round(self) -> bool:
        """An endorsement round is open (the `with_round_state` annotation when there is one)."""
        annotated = self.__dict__.get("open_round_exists")
        if annotated is not None:
            return bool(annotated)
        return self.endorsement_rounds.filter(closed_at__isnull=True).exists()

    @property
    def text_is_open(self) -> bool:
        """The text may still change: adopted, published or withdrawn text stays as it was.
        During an endorsement round it may too: the new version voids the round."""
        return self.stage in {
            self.Stage.DRAFTING,
            self.Stage.OPEN_FOR_COMMENTS,
            self.Stage.IN_ENDORSEMENT,
        }


class Version(models.Model):
    """One saved state of the text. Numbered 1, 2, ... per statement; the unique number is what
    stops two concurrent saves from both becoming "the next version"."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="versions", verbose_name=_("statement")
    )
    number = models.PositiveIntegerField(_("number"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["statement", "number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "number"], name="statement_version_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(_("version %(number)s") % {"number": self.number})


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        HEADING = "heading", _("Heading")
        PARAGRAPH = "paragraph", _("Paragraph")
        LIST_ITEM = "list_item", _("List item")

    version = models.ForeignKey(
        Version, on_delete=models.CASCADE, related_name="paragraphs", verbose_name=_("version")
    )
    # Stable across versions: an edited paragraph keeps it, so comments follow the paragraph.
    key = models.CharField(_("key"), max_length=KEY_LENGTH)
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PARAGRAPH)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="paragraph_key_unique"),
            models.UniqueConstraint(
                fields=["version", "position"], name="paragraph_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Comment(models.Model):
    """A comment or a change proposal of a member organisation, on one paragraph of the version
    its author read, and the drafters' answer to it."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        CHANGE_PROPOSAL = "change_proposal", _("Change proposal")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        ACCEPTED_WITH_CHANGES = "accepted_with_changes", _("Accepted with changes")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="comments", verbose_name=_("statement")
    )
    version = models.ForeignKey(
        Version, on_delete=models.PROTECT, related_name="comments", verbose_name=_("version")
    )
    # The anchor: a paragraph key, never a position, so the comment follows its paragraph.
    paragraph_key = models.CharField(_("paragraph"), max_length=KEY_LENGTH)
    quoted_passage = models.TextField(_("quoted passage"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    # A change proposal may come without a word of explanation; a comment may not
    # (services.comment_add checks it).
    text = models.TextField(_("comment"), blank=True)
    proposed_text = models.TextField(_("proposed text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="statement_comments",
        verbose_name=_("author"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="statement_comments",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    status = models.CharField(
        _("status"), max_length=25, choices=Status.choices, default=Status.OPEN
    )
    reply = models.TextField(_("reply"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The version an accepted change proposal made (services.comment_answer).
    applied_in = models.ForeignKey(
        Version,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applied_proposals",
        verbose_name=_("applied in version"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


class NoComments(models.Model):
    """An organisation's explicit "no comments" on one version.

    A row of its own rather than a flag on Comment: it says who declared it and when, it has no
    paragraph or text, and the unique constraint makes a second declaration impossible. Silence
    and "no comments" differ: only this row says the organisation looked and agreed."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="no_comments", verbose_name=_("statement")
    )
    version = models.ForeignKey(
        Version, on_delete=models.PROTECT, related_name="no_comments", verbose_name=_("version")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("declared by"),
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["declared_at"]
        verbose_name = _("no comments")
        verbose_name_plural = _("no comments")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="no_comments_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return str(_("No comments"))


# --- Endorsement rounds --------------------------------------------------------------------------


class EndorsementRound(models.Model):
    """The principals of the member organisations are asked to endorse one version of the text
    by a deadline.

    Under the explicit procedure only an answer counts; under silence an organisation that says
    nothing by the deadline is deemed to endorse, until one objection breaks the silence. The
    outcome is computed when read (rounds.round_outcome), never stored by a timer: the deadline
    passing changes nothing in the database."""

    class Procedure(models.TextChoices):
        EXPLICIT = "explicit", _("Explicit endorsement")
        SILENCE = "silence", _("Silence procedure")

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="endorsement_rounds",
        verbose_name=_("statement"),
    )
    # Named endorsed_version, not version: `version` is the concurrency counter of every
    # versioned model (common.versioning).
    endorsed_version = models.ForeignKey(
        Version,
        on_delete=models.PROTECT,
        related_name="endorsement_rounds",
        verbose_name=_("version endorsed"),
    )
    procedure = models.CharField(_("procedure"), max_length=10, choices=Procedure.choices)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    # Stored in UTC; pages show it in the group's time zone (common.dates.group_time_zone).
    deadline = models.DateTimeField(_("deadline"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    # Set with closed_at when a new version of the text replaced the one being endorsed.
    voided_by_version = models.ForeignKey(
        Version,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voided_rounds",
        verbose_name=_("voided by version"),
    )
    silence_broken_at = models.DateTimeField(_("silence broken at"), null=True, blank=True)
    # The deadline the last reminder (24 hours before it) was sent for (see
    # Statement.comment_last_call_for).
    last_call_for = models.DateTimeField(null=True, blank=True, editable=False)
    # The members on the day the round opened, frozen then: an organisation joining later is
    # not asked, one leaving later is still counted.
    addressed_organisations = models.ManyToManyField(
        Organisation,
        related_name="endorsement_rounds",
        blank=True,
        verbose_name=_("addressed organisations"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["statement", "opened_at"]
        verbose_name = _("endorsement round")
        verbose_name_plural = _("endorsement rounds")
        constraints = [
            # One open round per statement, checked by the INSERT itself: two people opening a
            # round at once cannot both succeed.
            models.UniqueConstraint(
                fields=["statement"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_endorsement_round",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Endorsement round of %(statement)s, opened %(opened)s")
            % {"statement": self.statement, "opened": self.opened_at.date()}
        )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Endorsement(models.Model):
    """An organisation's answer in a round. One per organisation; changing it updates the row,
    and the audit history keeps every earlier answer."""

    class Answer(models.TextChoices):
        ENDORSE = "endorse", _("Endorse")
        ENDORSE_WITH_RESERVATION = "endorse_with_reservation", _("Endorse with a reservation")
        DECLINE = "decline", _("Decline to endorse")
        OBJECT = "object", _("Object")

    round = models.ForeignKey(
        EndorsementRound,
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("endorsement round"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    answer = models.CharField(_("answer"), max_length=30, choices=Answer.choices)
    # Required for everything but a plain endorsement (rounds.round_answer checks it).
    text = models.TextField(_("text"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    # Recorded by a focal point or the secretariat for the principal, not by the principal.
    on_behalf = models.BooleanField(_("on behalf of the principal"), default=False)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        ordering = ["answered_at", "pk"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="one_endorsement_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return str(self.Answer(self.answer).label)


class ActingPrincipal(models.Model):
    """A person who answers for the organisation as its principal, on the given dates (the
    group's dates, both included), named by the principal."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="acting_principals",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="acting_principal_periods",
        verbose_name=_("acting principal"),
    )
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named by"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["organisation", "starts_on"]
        verbose_name = _("acting principal")
        verbose_name_plural = _("acting principals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="acting_principal_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


# --- Language versions ---------------------------------------------------------------------------


class LanguageVersion(models.Model):
    """The statement in another language, paragraph by paragraph under the keys of the version
    it renders (usually the adopted one), with its own downloads and public page."""

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="language_versions",
        verbose_name=_("statement"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    renders = models.ForeignKey(
        Version,
        on_delete=models.PROTECT,
        related_name="language_versions",
        verbose_name=_("version rendered"),
    )
    title = models.CharField(_("title"), max_length=300)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["statement", "language"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "language"], name="one_language_version_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement} ({self.language})"


class TranslatedParagraph(models.Model):
    language_version = models.ForeignKey(
        LanguageVersion,
        on_delete=models.CASCADE,
        related_name="paragraphs",
        verbose_name=_("language version"),
    )
    # The key of the paragraph it translates in `language_version.renders`.
    key = models.CharField(_("key"), max_length=KEY_LENGTH)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["language_version", "pk"]
        verbose_name = _("translated paragraph")
        verbose_name_plural = _("translated paragraphs")
        constraints = [
            models.UniqueConstraint(
                fields=["language_version", "key"], name="translated_paragraph_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


# Registered here rather than in apps.py, next to the models they record.
auditlog.register(
    EndorsementRound,
    exclude_fields=["version", "last_call_for"],
    m2m_fields={"addressed_organisations"},
)
auditlog.register(Endorsement)
auditlog.register(ActingPrincipal)
auditlog.register(LanguageVersion, exclude_fields=["version"])
auditlog.register(TranslatedParagraph)
