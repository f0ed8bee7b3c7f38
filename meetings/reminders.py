"""Reminding the organisations that have not answered a meeting's invitation (common.reminders:
at most once a day per meeting, however many organisers press at once)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import reminders
from common.models import Reminder
from common.permissions import require
from coordination.models import Person
from meetings import notify, permissions
from meetings.models import Invitation, Meeting
from notifications import contract


@transaction.atomic
def rsvp_remind(*, meeting: Meeting, actor: Person) -> Reminder:
    """Remind the invited organisations that have not answered, once a day at most: their focal
    points and alternates (and principals, for a principals' meeting) get a service message."""
    require(permissions.can_manage_meeting(actor, meeting))
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting's invitees are reminded."))
    if meeting.starts_at <= timezone.now():
        raise ValidationError(_("The meeting has started: nobody is reminded."))
    silent = list(
        meeting.invitations.filter(response=Invitation.Response.NO_ANSWER)
        .order_by("organisation__acronym")
        .values_list("organisation__acronym", flat=True)
    )
    reminder = reminders.remind(subject=reminders.reminder_subject(meeting), actor=actor, to=silent)
    # The moment of the claim names this reminder: a retried event sends nothing twice.
    contract.record(
        notify.rsvp_reminded, meeting_id=meeting.pk, reminder=reminder.last_sent_at.isoformat()
    )
    return reminder
