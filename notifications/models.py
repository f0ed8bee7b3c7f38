from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import registry


def all_kinds() -> list[str]:
    """Every reminder kind the apps declare with their digest sections (common.registry)."""
    return [section.kind for section in registry.digest_sections]


class Preference(models.Model):
    """How and when a person hears from the hub."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Once a week")
        NEVER = "never", _("Never")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        _("digest"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_("For a weekly digest."),
    )
    hour = models.PositiveSmallIntegerField(
        _("hour"),
        default=8,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        help_text=_("In your own time zone."),
    )
    # The kinds chosen, and the kinds there were when they were chosen: a kind an app adds later
    # reaches everyone whose role has it by default, except those who had it and switched it off.
    kinds = models.JSONField(_("reminders"), default=list)
    kinds_known = models.JSONField(default=all_kinds, editable=False)
    immediate = models.BooleanField(
        _("emails that cannot wait"),
        default=True,
        help_text=_(
            "What concerns you, emailed as it happens (the kinds are listed where you choose)."
        ),
    )
    # When the next digest is due, in UTC. A digest is claimed by moving this on with a
    # conditional UPDATE: only the process whose update changed the row sends it.
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The digest batch that claimed this person (see notifications.digests.record_digest_batch).
    claim = models.UUIDField(null=True, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_frequency_display()}"

    def compute_next_digest_at(self, after: datetime, zone_name: str) -> datetime | None:
        """The first digest time strictly after `after`: `hour` o'clock in the person's zone, every
        day or on `weekday`. Computed on the local calendar, so it stays at 08:00 across a change
        of daylight-saving time."""
        if self.frequency == self.Frequency.NEVER:
            return None
        try:
            zone = zoneinfo.ZoneInfo(zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        local = after.astimezone(zone)
        day = local.date()
        for _step in range(8):
            candidate = datetime.combine(day, time(self.hour), tzinfo=zone)
            if candidate > local and (
                self.frequency == self.Frequency.DAILY or day.weekday() == self.weekday
            ):
                return candidate.astimezone(zoneinfo.ZoneInfo("UTC"))
            day += timedelta(days=1)
        raise AssertionError("a weekday repeats within eight days")


class Delivery(models.Model):
    """One email to one person, recorded before it is sent.

    `key` is unique: a digest's key names the person and the period, an immediate email's names
    the event (a meeting's change carries its SEQUENCE). Two workers, a repeated beat or a
    retried task that try to record the same email meet the unique constraint, and only the
    row's claimer sends it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        RETRY = "retry", _("Failed, will be retried")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not needed any more")

    key = models.CharField(max_length=200, unique=True)
    # The event, named by the app that tells of it (common.registry.email_kinds labels it).
    kind = models.CharField(max_length=30)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )  # empty for an invitation to join: its reader has no account yet
    # What the email is about, when the app that sent it must finish it at sending (an
    # invitation's link): "app_label.model" and the id, read by that app's send hook.
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    ics = models.TextField(blank=True, help_text=_("An iCalendar file attached to the email."))
    unsubscribe_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set by the process that recorded or is sending the row: after a bulk write, the rows that
    # carry its own token are the ones it owns (healthchecks' claim, for a whole batch at once).
    claim = models.UUIDField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["subject_type", "subject_id"], name="delivery_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


class Notification(models.Model):
    """What shows in the person's list in the site, with an unread count in the header."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["person", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


DIGEST = "digest"


def kind_label(kind: str) -> str:
    """What people read for an email's kind: the label its app declared."""
    if kind == DIGEST:
        return str(_("Digest"))
    labels = {declared.code: declared.label for declared in registry.email_kinds}
    return str(labels.get(kind, kind))


class Event(models.Model):
    """The outbox: something an app asked notifications to tell people about.

    Written in the same transaction as the change it announces (so it exists exactly when the
    change does), handed to a worker after the commit, and processed there: the app's handler
    decides the recipients and renders one email per person in their language and time zone.
    A request never renders emails and never waits for the broker; the beat's relay picks up
    whatever was not handed over.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # The dotted path of the app's handler (common.registry.event_handlers) and its arguments.
    handler = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # The process working on it (the same claim as a Delivery's): see notifications.outbox.
    claim = models.UUIDField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="event_due")]

    def __str__(self) -> str:
        return f"{self.handler}({self.payload})"


class Heartbeat(models.Model):
    """When a background process last showed it is alive: the worker ("worker"), the beat
    ("beat") and the digest run ("digests"). Read by the system status page."""

    name = models.CharField(max_length=30, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
