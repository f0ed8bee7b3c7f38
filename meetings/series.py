"""Recurring meetings: a series holds the rule, and its meetings are stored a year ahead, each
with its own answers, agenda and minutes. One meeting of a series is moved, changed or
cancelled with the ordinary meeting services (it becomes an exception to the rule); "this and
the following meetings" are changed here, by ending the series before that meeting and going on
with a new one from it, the way calendar clients do (RFC 5545 has no better way to say it).

Every function checks permission, validates, and writes with its audit rows; the people of the
invited organisations hear once per change of the series, not once per meeting.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import acting_as
from common.permissions import require
from common.versioning import ConflictError, reject_unknown
from coordination.models import Organisation, Person
from meetings import notify, permissions, recurrence
from meetings.models import Invitation, Meeting, Series
from meetings.services import default_invitees
from notifications import contract

SERIES_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "duration",
    "time_zone",
    "frequency",
    "interval",
    "until",
    "venue",
    "online_link",
    "host_organisation",
)
# What every meeting of a series copies from it.
SHARED_FIELDS = ("kind", "title", "description", "time_zone", "venue", "online_link")
# Changing "this and the following meetings": everything but the kind.
FOLLOWING_FIELDS = tuple(f for f in SERIES_FIELDS if f != "kind")
OPEN = (Meeting.Status.DRAFT, Meeting.Status.SCHEDULED)


def _require_manager(actor: Person) -> None:
    require(permissions.can_manage_series(actor))


def _touch(series: Series) -> None:
    Series.objects.filter(pk=series.pk).update(
        sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    series.refresh_from_db(fields=["sequence", "updated_at"])


@transaction.atomic
def series_create(
    *, actor: Person, invite: Iterable[Organisation] | None = None, **fields: Any
) -> Series:
    """A new series, as a draft like a new meeting: its meetings of the next year are stored
    and seen by the organisers only, until the series is published."""
    _require_manager(actor)
    reject_unknown(fields, SERIES_FIELDS)
    series = Series(**fields)
    series.full_clean()
    with acting_as(actor):
        series.save()
        series.organisations.set(default_invitees(series.kind) if invite is None else invite)
        extend(series)
    return series


@transaction.atomic
def extend(series: Series, *, now: datetime | None = None) -> int:
    """Store the series' meetings up to a year from now (those not stored yet), each inviting the
    series' organisations. Safe to run again and at once from two places: the series row is
    locked and a meeting is stored once per occurrence. Returns how many were added."""
    now = now or timezone.now()
    series = Series.objects.select_for_update().get(pk=series.pk)
    last = series.occurrences.aggregate(last=Max("recurrence_id"))["last"]
    after = series.starts_at if last is None else last + timedelta(seconds=1)
    status = Meeting.Status.SCHEDULED if series.is_published else Meeting.Status.DRAFT
    meetings = Meeting.objects.bulk_create(
        Meeting(
            series=series,
            recurrence_id=start,
            starts_at=start,
            ends_at=start + series.duration,
            host_organisation_id=series.host_organisation_id,
            status=status,
            **{field: getattr(series, field) for field in SHARED_FIELDS},
        )
        for start in recurrence.starts(series, after=after, before=now + recurrence.HORIZON)
    )
    organisations = list(series.organisations.values_list("pk", flat=True))
    Invitation.objects.bulk_create(
        Invitation(meeting=meeting, organisation_id=organisation)
        for meeting in meetings
        for organisation in organisations
    )
    return len(meetings)


def extend_all(*, now: datetime | None = None) -> int:
    """Keep every running series a year ahead (beat runs this daily)."""
    today = timezone.localdate(now)
    running = Series.objects.exclude(until__lt=today)
    return sum(extend(series, now=now) for series in running)


@transaction.atomic
def series_publish(*, series: Series, actor: Person) -> Series:
    """Publish the series: its meetings still drafts are scheduled, and the people of the
    invited organisations receive one invitation for the whole series, with its calendar."""
    _require_manager(actor)
    series = Series.objects.select_for_update().get(pk=series.pk)
    if series.is_published:
        return series
    with acting_as(actor):
        series.published_at = timezone.now()
        series.version += 1
        series.save(update_fields=["published_at", "version"])
        for meeting in series.occurrences.filter(status=Meeting.Status.DRAFT):
            meeting.status = Meeting.Status.SCHEDULED
            meeting.version += 1
            meeting.save(update_fields=["status", "version"])
        _touch(series)
    contract.record(notify.series_event, series_id=series.pk, event="invitation")
    return series


def _occurrences_from(series: Series, meeting: Meeting) -> list[Meeting]:
    # Cancelled ones too: they stay cancelled on the new rule (its EXDATEs).
    return list(
        series.occurrences.filter(recurrence_id__gte=meeting.recurrence_id)
        .select_for_update()
        .order_by("recurrence_id")
    )


@transaction.atomic
def series_change_from(*, meeting: Meeting, actor: Person, version: int, **changes: Any) -> Series:
    """Change this meeting and the following ones of its series (the title, the time, the rule,
    the venue...). From the series' first meeting the series itself changes; from a later one the
    series ends the day before, and a new series goes on from this meeting with the changes, so
    that past meetings keep what they were. The meetings that are still open move to the new
    rule (a meeting moved on its own keeps its time); those the new rule no longer has are
    cancelled. Returns the series that now holds this meeting."""
    _require_manager(actor)
    reject_unknown(changes, FOLLOWING_FIELDS)
    if meeting.series_id is None or meeting.recurrence_id is None:
        raise ValidationError(_("This meeting is not part of a series."))
    series = Series.objects.select_for_update().get(pk=meeting.series_id)
    if series.version != version:
        raise ConflictError(series)
    if meeting.status not in OPEN:
        raise ValidationError(_("A meeting that was held or cancelled cannot be changed."))
    first = not series.occurrences.filter(recurrence_id__lt=meeting.recurrence_id).exists()
    following = _occurrences_from(series, meeting)
    with acting_as(actor):
        if first:
            target = series
            for field, value in changes.items():
                setattr(target, field, value)
            target.version += 1
            target.full_clean()
            target.save()
        else:
            # The new series starts with this meeting (unless the change moves it).
            copied = {f: getattr(series, f) for f in SERIES_FIELDS} | {
                "starts_at": meeting.recurrence_id
            }
            target = Series(**copied, follows=series, published_at=series.published_at)
            for field, value in changes.items():
                setattr(target, field, value)
            target.full_clean()
            target.save()
            target.organisations.set(series.organisations.all())
            series.until = meeting.recurrence_id.astimezone(series.zone).date() - timedelta(days=1)
            series.version += 1
            series.save(update_fields=["until", "version"])
            _touch(series)
        _follow_new_rule(target, following)
        _touch(target)
        extend(target)
    if target.is_published:
        contract.record(notify.series_event, series_id=target.pk, event="changed")
    return target


def _follow_new_rule(series: Series, meetings: list[Meeting]) -> None:
    """Give the open meetings from here on to `series`, on its rule: each goes to the new
    occurrence on its (rule) date; one the rule no longer has is cancelled."""
    if not meetings:
        return
    zone = series.zone
    starts = recurrence.starts(
        series,
        after=min(series.starts_at, meetings[0].recurrence_id or series.starts_at),
        before=(meetings[-1].recurrence_id or series.starts_at) + timedelta(days=1),
    )
    by_date = {start.astimezone(zone).date(): start for start in starts}
    # Free the old RECURRENCE-IDs first: two meetings may swap places in the unique pair.
    Meeting.objects.filter(pk__in=[m.pk for m in meetings]).update(recurrence_id=None)
    for meeting in meetings:
        was = meeting.recurrence_id or meeting.starts_at
        start = by_date.pop(was.astimezone(zone).date(), None)
        if start is None:
            # Not on the new rule: it leaves the series' calendar, cancelled.
            meeting.status = Meeting.Status.CANCELLED
            meeting.save(update_fields=["status"])
            continue
        moved = meeting.is_moved
        meeting.series = series
        meeting.recurrence_id = start
        if not moved:
            meeting.starts_at = start
            meeting.ends_at = start + series.duration
        for field in SHARED_FIELDS:
            setattr(meeting, field, getattr(series, field))
        meeting.host_organisation_id = series.host_organisation_id
        meeting.version += 1
        meeting.sequence += 1
        meeting.updated_at = timezone.now()
        meeting.save()


@transaction.atomic
def series_end(*, series: Series, actor: Person, last: datetime) -> Series:
    """End the series after the meeting starting at `last`: the open meetings after it are
    cancelled (or deleted, while the series is a draft that nobody was told of)."""
    _require_manager(actor)
    series = Series.objects.select_for_update().get(pk=series.pk)
    after = series.occurrences.filter(recurrence_id__gt=last, status__in=OPEN)
    with acting_as(actor):
        series.until = last.astimezone(series.zone).date()
        series.version += 1
        series.save(update_fields=["until", "version"])
        if series.is_published:
            for meeting in after.select_for_update():
                meeting.status = Meeting.Status.CANCELLED
                meeting.version += 1
                meeting.save(update_fields=["status", "version"])
        else:
            after.delete()
        _touch(series)
    if series.is_published:
        contract.record(notify.series_event, series_id=series.pk, event="changed")
    return series
