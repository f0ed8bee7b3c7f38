from __future__ import annotations

import secrets
import uuid
import zoneinfo
from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from pathlib import PurePath

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.links import url_with_id
from coordination.models import TIME_ZONE_CHOICES, Organisation, Person, validate_time_zone


def check_place(kind: str, venue: str, online_link: str) -> None:
    """Where a meeting (or every meeting of a series) takes place: a venue or a link, and a
    video call always has its link."""
    if kind != Meeting.Kind.VIDEO_CALL and not (venue or online_link):
        raise ValidationError({"venue": _("Give a venue or an online link.")})
    if kind == Meeting.Kind.VIDEO_CALL and not online_link:
        raise ValidationError({"online_link": _("A video call needs its link.")})


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible(self) -> MeetingQuerySet:
        """What everyone may see: every meeting but drafts."""
        return self.exclude(status=Meeting.Status.DRAFT)

    def upcoming(self, now: datetime) -> MeetingQuerySet:
        return self.filter(ends_at__gte=now).order_by("starts_at", "pk")

    def past(self, now: datetime) -> MeetingQuerySet:
        return self.filter(ends_at__lt=now).order_by("-starts_at", "-pk")


class Meeting(models.Model):
    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", _("Working Group meeting")
        PRINCIPALS = "principals", _("Principals' meeting")
        BRIEFING = "briefing", _("Briefing to Member States")
        SIDE_EVENT = "side_event", _("Side event")
        VIDEO_CALL = "video_call", _("Video call")
        AD_HOC = "ad_hoc", _("Ad hoc group")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.WORKING_GROUP
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), db_index=True)
    # The venue's zone: the meeting's times are entered and shown in it beside the viewer's.
    time_zone = models.CharField(
        _("time zone of the venue"),
        max_length=64,
        default="UTC",
        choices=TIME_ZONE_CHOICES,
        validators=[validate_time_zone],
    )
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    host_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host organisation"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    rsvp_deadline = models.DateTimeField(_("answer by"), null=True, blank=True)
    agenda_published_at = models.DateTimeField(_("agenda published"), null=True, blank=True)
    # iCalendar SEQUENCE: raised on every change, so calendars replace their copy.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # An occurrence of a series, and where the series' rule put it (its iCalendar RECURRENCE-ID):
    # a moved occurrence keeps it, so calendars know which occurrence moved.
    series = models.ForeignKey(
        "Series",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("series"),
    )
    recurrence_id = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["series", "recurrence_id"],
                condition=models.Q(series__isnull=False),
                name="one_meeting_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_with_id("meetings:meeting_detail", self.pk)

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A meeting ends after it starts.")})
        if self.rsvp_deadline and self.starts_at and self.rsvp_deadline > self.starts_at:
            raise ValidationError(
                {"rsvp_deadline": _("Answers are due before the meeting starts.")}
            )
        check_place(self.kind, self.venue, self.online_link)

    @property
    def zone(self) -> tzinfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_starts_at(self) -> datetime:
        return timezone.localtime(self.starts_at, self.zone)

    @property
    def local_ends_at(self) -> datetime:
        return timezone.localtime(self.ends_at, self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def agenda_is_published(self) -> bool:
        return self.agenda_published_at is not None

    @property
    def is_moved(self) -> bool:
        """An occurrence of a series that no longer starts where the rule put it."""
        return self.recurrence_id is not None and self.starts_at != self.recurrence_id


class Series(models.Model):
    """A meeting that repeats (the monthly Working Group video call): the rule and what every
    occurrence shares. Its occurrences are stored meetings, generated a year ahead, each with its
    own answers, agenda and minutes; one can be moved or cancelled on its own."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY_BY_WEEKDAY = "monthly_weekday", _("Monthly, on the same weekday")
        MONTHLY_BY_DATE = "monthly_date", _("Monthly, on the same date")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Meeting.Kind.choices, default=Meeting.Kind.VIDEO_CALL
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The first occurrence (the rule's DTSTART) and how long each lasts; the rule keeps the
    # venue's wall-clock time across changes of daylight-saving time.
    starts_at = models.DateTimeField(_("first meeting starts"))
    duration = models.DurationField(_("duration"))
    time_zone = models.CharField(
        _("time zone of the venue"),
        max_length=64,
        default="UTC",
        choices=TIME_ZONE_CHOICES,
        validators=[validate_time_zone],
    )
    frequency = models.CharField(
        _("repeats"), max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY_BY_WEEKDAY
    )
    interval = models.PositiveSmallIntegerField(
        _("every"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 for every week or month, 2 for every other one, and so on."),
    )
    until = models.DateField(
        _("last date"), null=True, blank=True, help_text=_("Leave empty to repeat until ended.")
    )
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    host_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_series",
        verbose_name=_("host organisation"),
    )
    # Who every new occurrence invites.
    organisations = models.ManyToManyField(
        Organisation, related_name="meeting_series", verbose_name=_("invited organisations")
    )
    # The series that this one continues: editing "this and the following meetings" ends the
    # series before that meeting and starts a new one from it.
    follows = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="continued_by"
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration__gt=timedelta(0)), name="series_lasts_some_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_with_id("meetings:series_detail", self.pk)

    def clean(self) -> None:
        check_place(self.kind, self.venue, self.online_link)
        if self.until and self.starts_at and self.until < self.local_starts_at.date():
            raise ValidationError({"until": _("The last date is on or after the first meeting.")})

    @property
    def zone(self) -> tzinfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_starts_at(self) -> datetime:
        return timezone.localtime(self.starts_at, self.zone)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Invitation(models.Model):
    """An organisation invited to a meeting, with its answer."""

    class Response(models.TextChoices):
        NO_ANSWER = "no_answer", _("No answer yet")
        IN_PERSON = "in_person", _("Attending in person")
        ONLINE = "online", _("Attending online")
        NOT_ATTENDING = "not_attending", _("Not attending")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="meeting_invitations"
    )
    response = models.CharField(
        _("answer"), max_length=15, choices=Response.choices, default=Response.NO_ANSWER
    )
    attendees = models.TextField(
        _("who will attend"), blank=True, help_text=_("Names and titles, one a line.")
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__acronym"]
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_invitation_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.meeting}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#rsvp-{self.organisation_id}"

    @property
    def attendee_names(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=250)
    presenter_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presented by"),
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    notes = models.TextField(_("notes"), blank=True)
    work_item = models.ForeignKey(
        "workplans.WorkItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("work item"),
    )
    # Meetings link to statements, never the other way (the statement discussed or adopted).
    statement = models.ForeignKey(
        "statements.Statement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("statement"),
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#agenda-{self.pk}"


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CIRCULATED = "circulated", _("Circulated for approval")
        APPROVED = "approved", _("Approved")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    circulated_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Comments close, and approval is due, on this date once the minutes are circulated.
    approval_due_on = models.DateField(_("approval due"), null=True, blank=True)
    # How many times the minutes went out for approval: answers belong to one circulation, so a
    # text circulated again after changes is answered again.
    circulation = models.PositiveSmallIntegerField(default=0, editable=False)
    circulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{_('Minutes')}: {self.meeting}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#minutes"

    def answers_url(self) -> str:
        return reverse("meetings:minutes_answers", kwargs={"pk": self.meeting_id})


class MinutesAnswer(models.Model):
    """An organisation's answer to circulated minutes: one per organisation, changed in place
    until the deadline (the audit log keeps every earlier answer, with who and when)."""

    class Answer(models.TextChoices):
        APPROVE = "approve", _("Approves the minutes")
        CHANGES = "changes", _("Requests changes")

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="minutes_answers"
    )
    # The circulation answered: an answer to an earlier circulation is no answer to this one.
    circulation = models.PositiveSmallIntegerField()
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    passage = models.TextField(
        _("passage"), blank=True, help_text=_("Copy the words of the minutes you comment on.")
    )
    reason = models.TextField(_("comment or reason"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)
    # The secretariat recorded the answer on the organisation's behalf.
    on_behalf = models.BooleanField(_("recorded on the organisation's behalf"), default=False)
    chair_reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["minutes", "organisation__acronym"]
        verbose_name = _("answer to minutes")
        verbose_name_plural = _("answers to minutes")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "organisation"], name="one_minutes_answer_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.minutes}"

    def get_absolute_url(self) -> str:
        return f"{self.minutes.answers_url()}#answer-{self.organisation_id}"


class Attendance(models.Model):
    """Whether an organisation took part in a meeting, as the minutes record it (the RSVPs say
    who meant to come; this says who came, and the annual report counts it)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="meeting_attendance"
    )
    attended = models.BooleanField(_("attended"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "organisation__acronym"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_attendance_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.meeting}"

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url() + "#attendance"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    # The chair term the principals endorsed by this decision (the decision refers to the term:
    # meetings depend on coordination, not the other way).
    endorses_term = models.ForeignKey(
        "coordination.ChairTerm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="endorsements",
        verbose_name=_("endorses the chair term"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#decision-{self.pk}"


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("action"), max_length=300)
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="meeting_actions",
        verbose_name=_("organisation"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name=_("person"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    # Set when the action became a work item of the plan.
    work_item = models.OneToOneField(
        "workplans.WorkItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_action",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["meeting", "due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#action-{self.pk}"


def document_path(document: Document, filename: str) -> str:
    # A random folder per file: names cannot collide or be guessed, and the original name stays.
    return f"meetings/{document.meeting.uid}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class Document(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    size = models.PositiveBigIntegerField(editable=False)
    content_type = models.CharField(max_length=120, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["meeting", "agenda_item__position", "uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:document_download", kwargs={"pk": self.pk})

    @property
    def filename(self) -> str:
        return PurePath(self.file.name or "").name


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def alarms(self, people: Iterable[Person]) -> dict[int, int | None]:
        """Person id → the reminder they chose, in minutes before a meeting (absent: none)."""
        return dict(
            self.filter(person__in=[p.pk for p in people], alarm_minutes__isnull=False).values_list(
                "person_id", "alarm_minutes"
            )
        )


class CalendarFeed(models.Model):
    """A person's private subscription address for their organisation's meetings, and the
    reminder their calendars get (in the feed and in the invitations they are emailed)."""

    class Alarm(models.IntegerChoices):
        __empty__ = _("No reminder")
        QUARTER_HOUR = 15, _("15 minutes before")
        HALF_HOUR = 30, _("30 minutes before")
        HOUR = 60, _("1 hour before")
        DAY = 1440, _("1 day before")

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    # The address itself is the secret (calendar apps cannot log in), so it is kept to be shown
    # again; regenerating replaces it and the old address stops working.
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    alarm_minutes = models.PositiveIntegerField(
        _("reminder"), choices=Alarm.choices, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the settings changed: the feed's Last-Modified takes it into account.
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.person}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:feed", kwargs={"token": self.token})


auditlog.register(Series, exclude_fields=["version", "sequence", "updated_at", "uid"])
auditlog.register(Meeting, exclude_fields=["version", "sequence", "updated_at", "uid"])
auditlog.register(Invitation)
auditlog.register(AgendaItem)
auditlog.register(Minutes, exclude_fields=["version"])
auditlog.register(MinutesAnswer)
auditlog.register(Attendance)
auditlog.register(Decision)
auditlog.register(ActionItem)
auditlog.register(Document, exclude_fields=["file"])
