from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import group_today
from common.links import url_with_id
from coordination.models import ChairTerm, Organisation

# Days without a progress update after which an open item counts as stale.
STALE_AFTER_DAYS = 90
# Why an item needs attention (WorkItem.attention).
OVERDUE, DUE_SOON, STALE = "overdue", "due_soon", "stale"
# How far ahead "due soon" looks on the overview and the dashboard.
DUE_SOON_DAYS = 30


class WorkPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-first_year", "title"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")),
                name="work_plan_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_with_id("workplans:plan_detail", self.pk)

    def clean(self) -> None:
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("The last year cannot come before the first.")})
        if self.status == self.Status.ADOPTED and not self.adopted_on:
            raise ValidationError({"adopted_on": _("Give the date the plan was adopted.")})

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def report_year(self, today: date) -> int:
        """The year whose annual report the plan's page offers: this one, or the plan's nearest
        year when the plan has not started or has ended."""
        return min(max(today.year, self.first_year), self.last_year)


class PriorityArea(models.Model):
    plan = models.ForeignKey(
        WorkPlan,
        on_delete=models.CASCADE,
        related_name="priority_areas",
        verbose_name=_("work plan"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#area-{self.pk}"


class WorkItemQuerySet(models.QuerySet["WorkItem"]):
    def open(self) -> WorkItemQuerySet:
        return self.exclude(status__in=WorkItem.CLOSED_STATUSES)

    def overdue(self, today: date) -> WorkItemQuerySet:
        return self.open().filter(due_on__lt=today)

    def due_between(self, start: date, end: date) -> WorkItemQuerySet:
        return self.open().filter(due_on__gte=start, due_on__lte=end)

    def stale(self, now: datetime) -> WorkItemQuerySet:
        return self.open().filter(last_progress_at__lt=now - timedelta(days=STALE_AFTER_DAYS))

    def needing_attention(
        self, today: date, now: datetime, *, due_within_days: int
    ) -> WorkItemQuerySet:
        """The one rule of what needs an organisation's attention, read by the dashboard and the
        digest: open items overdue or due within the window, or without an update for
        STALE_AFTER_DAYS. `WorkItem.attention` says which of the three an item is."""
        return self.open().filter(
            models.Q(due_on__lte=today + timedelta(days=due_within_days))
            | models.Q(last_progress_at__lt=now - timedelta(days=STALE_AFTER_DAYS))
        )

    def for_organisations(self, organisation_ids: Iterable[int]) -> WorkItemQuerySet:
        """Items any of the organisations leads or contributes to, each once.

        The one definition of "an organisation's items": the item list's filter, the dashboard
        and the digest all read it. Contributions are matched with `pk IN (SELECT workitem_id
        FROM the through table ...)` rather than a join: a join repeats an item once per
        matching contributor, and the DISTINCT that would remove the repeats compares whole
        rows (descriptions included) and must sort or hash every one of them, where the
        subquery only reads the through table's organisation index.
        """
        ids = set(organisation_ids)  # an iterator would be spent by the first of the two uses
        contributed = WorkItem.contributing_organisations.through.objects.filter(
            organisation_id__in=ids
        ).values("workitem_id")
        return self.filter(models.Q(lead_organisation_id__in=ids) | models.Q(pk__in=contributed))


class WorkItem(models.Model):
    """An activity or deliverable of a priority area, led by one organisation."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity")
        DELIVERABLE = "deliverable", _("Deliverable")

    priority_area = models.ForeignKey(
        PriorityArea,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("priority area"),
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.DELIVERABLE
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_work_items",
        verbose_name=_("lead organisation"),
    )
    contributing_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="contributed_work_items",
        verbose_name=_("contributing organisations"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_work_items",
        verbose_name=_("owner"),
    )
    start_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        db_index=True,
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the latest progress update was posted (the creation time until there is one): an
    # open item whose last progress is older than STALE_AFTER_DAYS is stale.
    last_progress_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100), name="work_item_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True)
                | models.Q(start_on__isnull=True)
                | models.Q(due_on__gte=models.F("start_on")),
                name="work_item_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_with_id("workplans:item_detail", self.pk)

    def clean(self) -> None:
        if self.start_on and self.due_on and self.due_on < self.start_on:
            raise ValidationError({"due_on": _("The due date cannot come before the start date.")})
        self.check_done_is_complete(self.status, self.percent_complete)

    @classmethod
    def check_done_is_complete(cls, status: str, percent_complete: int) -> None:
        """Done means 100%: the one statement of it, for the model's validation and for the
        services that set a status without a full clean first (a progress update)."""
        if status == cls.Status.DONE and percent_complete != 100:
            raise ValidationError({"percent_complete": _("A done item is 100% complete.")})

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or group_today()
        return self.is_open and self.due_on is not None and self.due_on < today

    def attention(self, today: date, now: datetime, *, due_within_days: int) -> str | None:
        """Why the item needs attention (WorkItemQuerySet.needing_attention), the most urgent
        reason first: OVERDUE, DUE_SOON, STALE, or None."""
        if not self.is_open:
            return None
        if self.due_on is not None and self.due_on < today:
            return OVERDUE
        if self.due_on is not None and self.due_on <= today + timedelta(days=due_within_days):
            return DUE_SOON
        return STALE if self.is_stale(now) else None

    def is_stale(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_open and self.last_progress_at < now - timedelta(days=STALE_AFTER_DAYS)


class Milestone(models.Model):
    item = models.ForeignKey(
        WorkItem, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("work item")
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.item.get_absolute_url()}#milestone-{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class ProgressUpdate(models.Model):
    """A dated narrative of progress, posted for an organisation; it sets the item's status."""

    item = models.ForeignKey(
        WorkItem,
        on_delete=models.CASCADE,
        related_name="progress_updates",
        verbose_name=_("work item"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    reported_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    narrative = models.TextField(_("progress"))
    status = models.CharField(_("status"), max_length=12, choices=WorkItem.Status.choices)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-reported_on", "-created_at"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [models.Index(fields=["item", "-reported_on"], name="progress_item_date")]

    def __str__(self) -> str:
        return f"{self.item} — {self.reported_on}"

    def get_absolute_url(self) -> str:
        return f"{self.item.get_absolute_url()}#update-{self.pk}"


# --- Chairs' pledges -----------------------------------------------------------------------------


class Pledge(models.Model):
    """What a chair organisation pledges to advance during its term, on priority areas and work
    items of the plan. Dated progress updates (PledgeUpdate) set its status and percent, as
    progress updates do for a work item. Written only through workplans.services."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    CLOSED_STATUSES = (Status.DONE, Status.DROPPED)

    term = models.ForeignKey(
        ChairTerm, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("chair term")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pledges",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=250)
    text = models.TextField(_("what is pledged"), blank=True)
    priority_areas = models.ManyToManyField(
        PriorityArea, blank=True, related_name="pledges", verbose_name=_("priority areas")
    )
    work_items = models.ManyToManyField(
        WorkItem, blank=True, related_name="pledges", verbose_name=_("work items")
    )
    target = models.CharField(
        _("target"),
        max_length=250,
        blank=True,
        help_text=_(
            "What will show the pledge is kept, and by when (e.g. by the end of the term)."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the latest progress update was posted; None until there is one.
    last_progress_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["term", "organisation__acronym", "pk"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100), name="pledge_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_with_id("workplans:pledge_detail", self.pk)

    def clean(self) -> None:
        self.check_done_is_complete(self.status, self.percent_complete)

    @classmethod
    def check_done_is_complete(cls, status: str, percent_complete: int) -> None:
        if status == cls.Status.DONE and percent_complete != 100:
            raise ValidationError({"percent_complete": _("A done pledge is 100% complete.")})

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES


class PledgeUpdate(models.Model):
    """A dated narrative of progress on a pledge; the pledge takes its status and percent."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="updates", verbose_name=_("pledge")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    reported_on = models.DateField(_("date"), default=timezone.localdate)
    narrative = models.TextField(_("progress"))
    status = models.CharField(_("status"), max_length=12, choices=Pledge.Status.choices)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-reported_on", "-created_at"]
        verbose_name = _("pledge update")
        verbose_name_plural = _("pledge updates")
        indexes = [models.Index(fields=["pledge", "-reported_on"], name="pledge_update_date")]

    def __str__(self) -> str:
        return f"{self.pledge} — {self.reported_on}"

    def get_absolute_url(self) -> str:
        return f"{self.pledge.get_absolute_url()}#update-{self.pk}"


class PledgeReport(models.Model):
    """What a chair organisation says, at the end of its term, of what it pledged and what was
    done; the annual reports of the years the term overlaps include it."""

    term = models.ForeignKey(
        ChairTerm,
        on_delete=models.PROTECT,
        related_name="pledge_reports",
        verbose_name=_("chair term"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    text = models.TextField(_("report"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["term", "organisation__acronym"]
        verbose_name = _("pledge report")
        verbose_name_plural = _("pledge reports")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "organisation"], name="one_pledge_report_per_chair_and_term"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Pledge report of %(organisation)s, %(term)s")
            % {"organisation": self.organisation.acronym, "term": self.term}
        )

    def get_absolute_url(self) -> str:
        return f"{self.term.get_absolute_url()}#pledges-{self.organisation_id}"


auditlog.register(WorkPlan, exclude_fields=["version"])
auditlog.register(PriorityArea, exclude_fields=["version"])
auditlog.register(
    WorkItem,
    exclude_fields=["version", "last_progress_at", "created_at"],
    m2m_fields={"contributing_organisations"},
)
auditlog.register(Milestone)
auditlog.register(
    Pledge,
    exclude_fields=["version", "last_progress_at", "created_at"],
    m2m_fields={"priority_areas", "work_items"},
)
auditlog.register(PledgeReport, exclude_fields=["version", "updated_at"])
