from __future__ import annotations

import functools
import importlib.resources
import uuid
import zoneinfo
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import group_today
from common.links import url_with_id

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def validate_time_zone(value: str) -> None:
    """Any zone the time-zone database knows, aliases included: a name stored before the
    forms offered only canonical zones (time_zone_choices) stays valid, so saving anything else
    on that row still works."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


# What the model accepts: every name of the time-zone database (validate_time_zone), so that no
# stored row stops validating. What a form offers is time_zone_choices().
TIME_ZONE_CHOICES = sorted(
    (name, name.replace("_", " ")) for name in zoneinfo.available_timezones()
)

# The regions of the canonical zone names, in the order a list offers them, with their names.
TIME_ZONE_REGIONS: dict[str, StrOrPromise] = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


@functools.cache
def canonical_time_zones() -> frozenset[str]:
    """The zones people choose from: those the time-zone database lists for a country
    (zone.tab and zone1970.tab of the tzdata package, a requirement), and UTC.

    That leaves out the aliases kept for old software ("W-SU", "US/Eastern", "Asia/Calcutta"),
    "Factory" and "localtime", and the fixed offsets of Etc/ (which ignore summer time).
    Without the tables, the names under a region are kept, which still drops most aliases.
    """
    available = zoneinfo.available_timezones()
    names: set[str] = set()
    for table in ("zone1970.tab", "zone.tab"):
        try:
            text = importlib.resources.files("tzdata.zoneinfo").joinpath(table).read_text()
        except (ModuleNotFoundError, FileNotFoundError):
            continue
        for line in text.splitlines():
            if line and not line.startswith("#"):
                names.add(line.split("\t")[2])
    if not names:
        names = {name for name in available if name.split("/")[0] in TIME_ZONE_REGIONS}
    return frozenset((names & available) | {"UTC"})


def _zone_label(name: str) -> str:
    """A zone's name without its region ("Argentina/Buenos Aires" for
    America/Argentina/Buenos_Aires), read under the region's heading."""
    return name.partition("/")[2].replace("_", " ") or name


def time_zone_choices(
    *, first: str | None = None, keep: str | None = None
) -> list[tuple[Any, Any]]:
    """The canonical zones for a select: UTC, then one group per region, alphabetically.

    `first` (the organisation's zone) comes before everything, named in full. `keep` (the
    zone stored on the row being edited) is offered too when it is not canonical, so that a
    form saved without touching it does not fail.
    """
    canonical = canonical_time_zones()
    choices: list[tuple[Any, Any]] = []
    if first and first != "UTC" and first in zoneinfo.available_timezones():
        choices.append((first, first.replace("_", " ")))
    if keep and keep != first and keep not in canonical and keep in zoneinfo.available_timezones():
        choices.append((keep, keep.replace("_", " ")))
    choices.append(("UTC", "UTC"))
    shown = {value for value, _label in choices}
    for region, region_name in TIME_ZONE_REGIONS.items():
        zones = sorted(n for n in canonical if n.split("/")[0] == region and n not in shown)
        if zones:
            choices.append((region_name, [(n, _zone_label(n)) for n in zones]))
    return choices


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def current(self, on: date | None = None) -> OrganisationQuerySet:
        """Members on a given day (today by default): joined by then and not yet left."""
        on = on or group_today()
        return self.filter(
            models.Q(joined_on__isnull=True) | models.Q(joined_on__lte=on),
            models.Q(left_on__isnull=True) | models.Q(left_on__gt=on),
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        UN_ENTITY = "un_entity", _("UN entity")
        INTERNATIONAL = "international", _("International organisation")
        REGIONAL = "regional", _("Regional organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    slug = models.SlugField(_("address in the site"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UN_ENTITY)
    headquarters_city = models.CharField(_("headquarters city"), max_length=100, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        choices=TIME_ZONE_CHOICES,
        validators=[validate_time_zone],
    )
    website = models.URLField(_("website"), blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    is_working_group_member = models.BooleanField(_("Working Group member"), default=False)
    is_permanent_coordinator = models.BooleanField(_("permanent coordinator"), default=False)
    # Raised on every save through the services, so that two people editing the same
    # organisation cannot overwrite each other silently.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = [Lower("acronym")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower("acronym"), name="organisation_acronym_unique_ignoring_case"
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="organisation_leaves_after_joining",
            ),
            # One permanent coordinator at most: it provides the secretariat.
            models.UniqueConstraint(
                fields=["is_permanent_coordinator"],
                condition=models.Q(is_permanent_coordinator=True),
                name="one_permanent_coordinator",
            ),
        ]

    def __str__(self) -> str:
        return self.acronym

    def get_absolute_url(self) -> str:
        return reverse("coordination:organisation_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("An organisation cannot leave before it joined.")})

    @property
    def is_current_member(self) -> bool:
        today = group_today()
        return (self.joined_on is None or self.joined_on <= today) and (
            self.left_on is None or self.left_on > today
        )


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> Person:
        if not email:
            raise ValueError("A person needs an email address.")
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_user(self, email: str, password: str | None = None, **fields: object) -> Person:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> Person:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", Person.Role.SECRETARIAT)
        return self._create(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """Someone who logs in: a member of an organisation in one role."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat")
        FOCAL_POINT = "focal_point", _("Focal point")
        ALTERNATE = "alternate", _("Alternate focal point")
        PRINCIPAL = "principal", _("Principal")
        OBSERVER = "observer", _("Observer")

    # The people who keep the work moving, for their organisation or for the group: they hear
    # of everything that needs them, and daily, until they choose otherwise.
    ACTING_ROLES = frozenset({Role.SECRETARIAT, Role.FOCAL_POINT, Role.ALTERNATE})

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OBSERVER)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        choices=TIME_ZONE_CHOICES,
        validators=[validate_time_zone],
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("Lets this person into the Django admin. Only for the technical team."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        return url_with_id("coordination:person_detail", self.pk)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_secretariat(self) -> bool:
        return self.is_active and self.role == self.Role.SECRETARIAT

    @property
    def is_focal_point(self) -> bool:
        """Focal points and their alternates act for their organisation."""
        return self.is_active and self.role in {self.Role.FOCAL_POINT, self.Role.ALTERNATE}


class Invitation(models.Model):
    """The secretariat's invitation of one person into an organisation and role.

    Only a hash of the token is stored: the link in the email is the one place the token lives.
    """

    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Person.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who this invitation became."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address: inviting again replaces the earlier link.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    STATE_LABELS = {
        "accepted": _("accepted"),
        "withdrawn": _("withdrawn"),
        "expired": _("expired"),
        "open": _("open"),
    }

    @property
    def state(self) -> str:
        """A fixed code (templates compare it); state_label is what people read."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"

    @property
    def state_label(self) -> StrOrPromise:
        return self.STATE_LABELS[self.state]


class ChairTermQuerySet(models.QuerySet["ChairTerm"]):
    def covering(self, on: date) -> ChairTermQuerySet:
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class ChairTerm(models.Model):
    """The organisations that chair the group between two dates (one chair or two co-chairs).

    Who is "the chair" is derived from the term covering today in the group's calendar
    (common.dates.group_today), never stored on a person. Written only through
    coordination.services.chair_term_create and chair_term_update.
    """

    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    organisations = models.ManyToManyField(
        Organisation, related_name="chair_terms", verbose_name=_("chair organisations")
    )
    note = models.TextField(_("note"), blank=True)
    # Raised on every save through the services, so that two people editing the same term (in
    # the admin) cannot overwrite each other silently.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ChairTermQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("chair term")
        verbose_name_plural = _("chair terms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="chair_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        if self.starts_on.year == self.ends_on.year:
            return str(self.starts_on.year)
        return f"{self.starts_on.year}–{self.ends_on.year}"

    def get_absolute_url(self) -> str:
        return url_with_id("coordination:term_detail", self.pk)

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("upcoming")
        CURRENT = "current", _("current")
        PAST = "past", _("past")

    def state(self, today: date | None = None) -> ChairTerm.State:
        """Derived from the dates in the group's calendar, never stored."""
        today = today or group_today()
        if today < self.starts_on:
            return self.State.UPCOMING
        if today > self.ends_on:
            return self.State.PAST
        return self.State.CURRENT

    @property
    def state_label(self) -> StrOrPromise:
        return self.state().label


class Handover(models.Model):
    """The outgoing chairs' handover to the chairs of `term` (the incoming term).

    Its checklist is made of tasks: some generated from live data by the sources the apps
    register (common.registry.handover_sources), some added by hand. Signed off by one person of
    each outgoing and each incoming organisation and by the secretariat; the last signature
    freezes `snapshot`, which stays readable as it was while the live objects change.
    """

    term = models.OneToOneField(
        ChairTerm, on_delete=models.PROTECT, related_name="handover", verbose_name=_("term")
    )
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    # When the checklist was last brought up to date from the live data
    # (coordination.handovers.handover_refresh_if_stale).
    refreshed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return str(_("Handover to the %(term)s chairs") % {"term": self.term})

    def get_absolute_url(self) -> str:
        return reverse("coordination:handover_detail", kwargs={"pk": self.term_id})

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class HandoverTask(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        NOT_NEEDED = "not_needed", _("Not needed")

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="tasks")
    # Which source generated it ("" for a task added by hand) and what it is about: the source's
    # reference to the live object ("workplans.workitem:12"), so regenerating updates, not adds.
    source = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    title = models.CharField(_("task"), max_length=300)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    url = models.CharField(max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handover_tasks",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("note"), blank=True)
    # A generated task whose object no longer needs handing over (an item done meanwhile).
    gone = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("handover task")
        verbose_name_plural = _("handover tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "reference"],
                condition=~models.Q(reference=""),
                name="one_task_per_object_and_handover",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The task's own page, where it is worked on and commented (the checklist is paged)."""
        return url_with_id("coordination:handover_task_update", self.pk)


class HandoverComment(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="comments")
    task = models.ForeignKey(
        HandoverTask, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("handover comment")
        verbose_name_plural = _("handover comments")

    def __str__(self) -> str:
        return self.text[:80]


class HandoverSignature(models.Model):
    """One side's sign-off: an outgoing or incoming chair organisation, or the secretariat."""

    class Side(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing chair")
        INCOMING = "incoming", _("Incoming chair")
        SECRETARIAT = "secretariat", _("Secretariat")

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="signatures")
    side = models.CharField(max_length=20, choices=Side.choices)
    # Empty for the secretariat's signature.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("handover signature")
        verbose_name_plural = _("handover signatures")
        constraints = [
            # Each organisation signs once per side, and the secretariat once.
            models.UniqueConstraint(
                fields=["handover", "side", "organisation"], name="one_signature_per_side"
            ),
            models.UniqueConstraint(
                fields=["handover", "side"],
                condition=models.Q(organisation__isnull=True),
                name="one_secretariat_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.person}"


auditlog.register(Organisation, exclude_fields=["version"])
auditlog.register(Person, exclude_fields=["password", "last_login", "version"])
auditlog.register(Invitation, exclude_fields=["token_hash"])
auditlog.register(ChairTerm, m2m_fields={"organisations"}, exclude_fields=["version"])
auditlog.register(Handover, exclude_fields=["version", "snapshot"])
auditlog.register(HandoverTask, exclude_fields=["version", "position"])
auditlog.register(HandoverSignature)


# --- Announcements and calls for inputs ----------------------------------------------------------


class Announcement(models.Model):
    """What the secretariat or a chair writes to chosen organisations and roles. A call for
    inputs has a deadline and each organisation answers it once (an Input)."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Announcement")
        CALL_FOR_INPUTS = "call_for_inputs", _("Call for inputs")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    organisations = models.ManyToManyField(
        Organisation, related_name="announcements", verbose_name=_("organisations")
    )
    # Person.Role values: whom of each organisation it reaches.
    roles = models.JSONField(_("roles"), default=list)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="announcement") | models.Q(deadline__isnull=False),
                name="call_for_inputs_has_deadline",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coordination:announcement_detail", args=[self.pk])

    @property
    def is_call(self) -> bool:
        return self.kind == self.Kind.CALL_FOR_INPUTS

    @property
    def is_open(self) -> bool:
        """A call takes answers until its deadline; an announcement takes none."""
        return self.is_call and self.deadline is not None and timezone.now() < self.deadline


class Input(models.Model):
    """An organisation's answer to a call for inputs."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="inputs")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inputs")
    text = models.TextField(_("answer"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["organisation__acronym"]
        verbose_name = _("input")
        verbose_name_plural = _("inputs")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "organisation"], name="one_input_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.announcement}"


def input_file_path(input_file: InputFile, filename: str) -> str:
    # One folder per call, then a random folder per file: names cannot collide or be guessed,
    # and the stored name stays close to the person's.
    announcement_id = input_file.input.announcement_id
    return f"inputs/{announcement_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class InputFile(models.Model):
    """A file an organisation attached to its answer to a call for inputs (one answer may carry
    several). The file is served only through the download view, never from MEDIA_URL."""

    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=input_file_path, max_length=300)
    # The name the file had on the person's computer: the download offers it back.
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), editable=False)
    content_type = models.CharField(max_length=120, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("file of an input")
        verbose_name_plural = _("files of inputs")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coordination:announcement_file", args=[self.pk])


auditlog.register(Announcement, m2m_fields={"organisations"}, exclude_fields=["version"])
auditlog.register(Input)
auditlog.register(InputFile)
