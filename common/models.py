"""The kernel's tables: the forms already submitted (common.editing.once) and the reminders
sent (common.reminders)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A creating form, rendered once with its own token, that was submitted.

    The unique token is the check: a double click, or going back and submitting again, tries to
    insert the same token, and only the first insert wins (the second waits for the first's
    transaction, then meets the constraint).
    """

    token = models.UUIDField(unique=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Where the first submission led: the second goes there too.
    url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return str(self.token)


class Reminder(models.Model):
    """The last time someone reminded those who have not answered something (an endorsement
    round, an RSVP): one row per thing reminded about, named by `subject`.

    The row is the claim (common.reminders.reminder_claim): the unique subject and a conditional
    UPDATE on `last_sent_at` let one click, of two at once, send the reminder.
    """

    # "<app_label>.<model>:<id>", e.g. "statements.endorsementround:12".
    subject = models.CharField(_("subject"), max_length=200, unique=True)
    last_sent_at = models.DateTimeField(_("last sent at"))
    last_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last sent by"),
    )
    # How many reminders were sent in all: with the subject it names each sending.
    times = models.PositiveIntegerField(_("times sent"), default=1)
    # Whom the last reminder went to, as people read it (organisations' acronyms), for the page
    # that offers the next one.
    last_sent_to = models.JSONField(_("last sent to"), default=list, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.subject} #{self.times}"
