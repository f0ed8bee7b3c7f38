"""The mapping resource: each member organisation's profile, kept in revisions, against taxonomies
the secretariat keeps as data.

A profile is a sequence of revisions. A focal point works on one draft at a time (a copy of the
published revision, its initiatives and partnerships included), submits it; the secretariat
publishes it (the revision published before it is then superseded, and kept) or returns it with
a comment. The published revision is what everyone reads while the next draft is worked on.

Which fields anyone may read, without logging in, and which only members may read, is declared
here once (`PUBLIC_FIELDS`, `MEMBER_ONLY_FIELDS`): every page and export asks these lists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from coordination.models import Organisation


class TermQuerySet(models.QuerySet["Term"]):
    def active(self) -> TermQuerySet:
        """The terms offered for new choices: retired ones stay on what already uses them."""
        return self.filter(retired_at__isnull=True)


class Term(models.Model):
    """A value of one of the group's taxonomies, with its labels in the site's languages.

    A term in use is never deleted (the revisions that chose it keep it): it is retired, and
    no longer offered."""

    class Taxonomy(models.TextChoices):
        REGION = "region", _("Region")
        FORM = "form", _("Form of exploitation")
        INTERVENTION = "intervention", _("Type of intervention")
        PRIORITY_AREA = "priority_area", _("Priority area")

    taxonomy = models.CharField(_("taxonomy"), max_length=20, choices=Taxonomy.choices)
    code = models.SlugField(_("code"), max_length=60)
    label_en = models.CharField(_("label in English"), max_length=150)
    label_fr = models.CharField(_("label in French"), max_length=150, blank=True)
    label_es = models.CharField(_("label in Spanish"), max_length=150, blank=True)
    # Regions only: the UN M49 code of the region or sub-region it matches, if any ("002" for
    # Africa, "419" for Latin America and the Caribbean).
    m49_code = models.CharField(_("UN M49 code"), max_length=3, blank=True)
    # Regions only: the countries it covers, by ISO 3166-1 code (whose numeric form is M49's).
    countries = CountryField(_("countries"), multiple=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["taxonomy", "position", "label_en"]
        # "term" is also a chair term (coordination): a context tells the translators apart.
        verbose_name = pgettext_lazy("taxonomy", "term")
        verbose_name_plural = pgettext_lazy("taxonomy", "terms")
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="term_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the reader's language, falling back to English."""
        language = (translation.get_language() or "en")[:2]
        return getattr(self, f"label_{language}", "") or self.label_en

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Level(models.TextChoices):
    GLOBAL = "global", _("Global")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")


class Profile(models.Model):
    """An organisation's place in the mapping resource: its revisions, and which one is read."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mapping_profile",
        verbose_name=_("organisation"),
    )
    # Set when a revision is published: what everyone reads (None until the first).
    published = models.OneToOneField(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published revision"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.organisation)


class Revision(models.Model):
    """One state of a profile. Drafts and returned revisions are edited in place (with the
    version check); submitted ones wait for the secretariat; published and superseded ones never
    change again."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("profile")
    )
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)

    mandate = models.TextField(_("mandate"), blank=True)
    expertise = models.TextField(_("expertise"), blank=True)
    regions = models.ManyToManyField(
        Term, related_name="+", blank=True, verbose_name=_("regions of focus")
    )
    forms = models.ManyToManyField(
        Term, related_name="+", blank=True, verbose_name=_("forms of exploitation addressed")
    )
    interventions = models.ManyToManyField(
        Term, related_name="+", blank=True, verbose_name=_("types of intervention")
    )
    priority_areas = models.ManyToManyField(
        Term, related_name="+", blank=True, verbose_name=_("priority areas")
    )
    # Several at once (an organisation may work globally and nationally): a list of Level values.
    levels = models.JSONField(_("levels"), default=list, blank=True)
    contact_name = models.CharField(_("contact for cooperation"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("comment of the review"), blank=True)
    # Raised on every save through the services (common.versioning): two people editing the
    # same draft cannot overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["profile", "number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "number"], name="mapping_revision_number_unique"
            ),
            # One revision being worked on (draft, submitted or returned) per profile.
            models.UniqueConstraint(
                fields=["profile"],
                condition=models.Q(state__in=["draft", "submitted", "returned"]),
                name="mapping_one_open_revision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} #{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.state in {self.State.DRAFT, self.State.RETURNED}


class Initiative(models.Model):
    class Status(models.TextChoices):
        ONGOING = "ongoing", _("Ongoing")
        PAST = "past", _("Past")

    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("revision")
    )
    title = models.CharField(_("title"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ONGOING
    )
    regions = models.ManyToManyField(Term, related_name="+", blank=True, verbose_name=_("regions"))
    countries = CountryField(_("countries"), multiple=True, blank=True)
    partners = models.TextField(_("partners"), blank=True)
    forms = models.ManyToManyField(
        Term, related_name="+", blank=True, verbose_name=_("forms of exploitation")
    )
    interventions = models.ManyToManyField(
        Term, related_name="+", blank=True, verbose_name=_("types of intervention")
    )
    link = models.URLField(_("link"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["revision", "position", "pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(start_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="mapping_initiative_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Partnership(models.Model):
    revision = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("revision"),
    )
    name = models.CharField(_("name"), max_length=300)
    partners = models.TextField(_("partners"), blank=True)
    role = models.CharField(_("role of the organisation"), max_length=300, blank=True)
    link = models.URLField(_("link"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["revision", "position", "pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return self.name


# Who may read what of a published revision. Anyone, without logging in: PUBLIC_FIELDS (and the
# initiatives and partnerships); members of the group, also MEMBER_ONLY_FIELDS. Drafts, submitted
# and returned revisions, and review comments, are members' only, and only those of the
# organisation and the secretariat (mapping.permissions).
PUBLIC_FIELDS = (
    "mandate",
    "expertise",
    "regions",
    "forms",
    "interventions",
    "priority_areas",
    "levels",
)
MEMBER_ONLY_FIELDS = ("contact_name", "contact_email")
