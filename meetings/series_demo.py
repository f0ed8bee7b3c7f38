"""The demonstration's recurring meeting: the Working Group's monthly video call, on the first
Thursday at 14:00 in Vienna, from three months ago for as long as the group meets, with one call
moved and one cancelled. Written directly (as the other demonstration data), so that loading it
emails nobody; idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from coordination.models import Organisation
from meetings import series
from meetings.models import Invitation, Meeting, Series
from meetings.services import default_invitees

TITLE = "Working Group monthly video call"
VIENNA = "Europe/Vienna"


def _first_thursday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(3 - day.weekday()) % 7)


@transaction.atomic
def load_series() -> dict[str, int]:
    if Series.objects.filter(title=TITLE).exists():
        return {"series": 0}
    today = timezone.localdate()
    month = today.month - 3
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    call = Series(
        title=TITLE,
        kind=Meeting.Kind.VIDEO_CALL,
        description=(
            "The Working Group's standing call between its meetings: updates on the work plan, "
            "the joint statements in preparation and the next meeting's agenda."
        ),
        starts_at=datetime.combine(_first_thursday(year, month), time(14, 0), ZoneInfo(VIENNA)),
        duration=timedelta(minutes=90),
        time_zone=VIENNA,
        frequency=Series.Frequency.MONTHLY_BY_WEEKDAY,
        online_link="https://meet.example.org/icat-working-group",
        host_organisation=Organisation.objects.filter(is_permanent_coordinator=True).first(),
        published_at=timezone.now() - timedelta(days=100),
    )
    call.full_clean()
    call.save()
    call.organisations.set(default_invitees(call.kind))
    added = series.extend(call)
    now = timezone.now()
    meetings = list(call.occurrences.order_by("recurrence_id"))
    held = [m.pk for m in meetings if m.ends_at < now]
    Meeting.objects.filter(pk__in=held).update(status=Meeting.Status.HELD)
    # Who took part in the calls held (the minutes' loader then records their attendance).
    answered = list(
        Invitation.objects.filter(meeting_id__in=held).select_related("meeting").order_by("pk")
    )
    for n, invitation in enumerate(answered):
        invitation.response = (
            Invitation.Response.NOT_ATTENDING if n % 5 == 4 else Invitation.Response.ONLINE
        )
        invitation.answered_at = invitation.meeting.starts_at - timedelta(days=2)
    Invitation.objects.bulk_update(answered, ["response", "answered_at"])
    upcoming = [m for m in meetings if m.starts_at > now]
    if len(upcoming) >= 4:
        # The second call ahead moves to the Friday; the fourth is cancelled.
        moved = upcoming[1]
        moved.starts_at += timedelta(days=1)
        moved.ends_at += timedelta(days=1)
        moved.save(update_fields=["starts_at", "ends_at"])
        Meeting.objects.filter(pk=upcoming[3].pk).update(status=Meeting.Status.CANCELLED)
    return {"series": 1, "series meetings": added}
