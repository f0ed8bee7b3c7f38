"""A series' rule (RFC 5545 RRULE), read with python-dateutil: when its meetings start, the same
rule for iCalendar, and in words.

The rule runs on the venue's wall clock: a call at 14:00 in Vienna stays at 14:00 there when
daylight-saving time begins, so its time in UTC moves by an hour.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from dateutil import rrule
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from meetings.models import Series

# How far ahead a series' meetings are stored (the rest exist only in the rule).
HORIZON = timedelta(days=365)
WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


def _weekday_position(day: datetime) -> int:
    """Which of its weekday in the month a date is: 1 to 4, or -1 for the last (a fifth one
    would be missing from most months)."""
    position = (day.day - 1) // 7 + 1
    return -1 if position == 5 else position


def _parts(series: Series) -> dict[str, Any]:
    """The rule's parts beyond DTSTART, as dateutil takes them."""
    first = series.local_starts_at
    parts: dict[str, Any] = {"interval": series.interval}
    if series.frequency == Series.Frequency.WEEKLY:
        parts |= {"freq": rrule.WEEKLY}
    elif series.frequency == Series.Frequency.MONTHLY_BY_WEEKDAY:
        parts |= {
            "freq": rrule.MONTHLY,
            "byweekday": WEEKDAYS[first.weekday()](_weekday_position(first)),
        }
    else:
        parts |= {"freq": rrule.MONTHLY, "bymonthday": first.day}
    return parts


def until_utc(series: Series) -> datetime | None:
    """The end of the series' last date in the venue's zone, in UTC (RFC 5545 asks UNTIL in UTC
    when DTSTART has a zone)."""
    if series.until is None:
        return None
    end = datetime.combine(series.until, time.max).replace(tzinfo=series.zone)
    return end.astimezone(UTC)


def _rule(series: Series) -> rrule.rrule:
    # dateutil steps a naive wall clock; each start is then placed in the venue's zone.
    first = series.local_starts_at.replace(tzinfo=None)
    until = (
        None
        if series.until is None
        else datetime.combine(series.until, time.max).replace(microsecond=0)
    )
    return rrule.rrule(dtstart=first, until=until, cache=False, **_parts(series))


def _aware(series: Series, wall_clock: datetime) -> datetime:
    # A wall-clock time that does not exist (inside the spring gap) is read as the time before
    # the gap plus the gap: zoneinfo's fold=0, then normalised through UTC.
    return wall_clock.replace(tzinfo=series.zone).astimezone(UTC)


def starts(series: Series, *, after: datetime, before: datetime) -> Iterator[datetime]:
    """When the rule's meetings start (in UTC) from `after` (inclusive) to `before` (exclusive)."""
    zone = series.zone
    low = timezone.localtime(after, zone).replace(tzinfo=None) - timedelta(days=1)
    high = timezone.localtime(before, zone).replace(tzinfo=None) + timedelta(days=1)
    for wall_clock in _rule(series).between(low, high, inc=True):
        start = _aware(series, wall_clock)
        if after <= start < before:
            yield start


def ical_rule(series: Series) -> dict[str, Any]:
    """The rule as an iCalendar RRULE value (for icalendar's vRecur)."""
    first = series.local_starts_at
    rule: dict[str, Any] = {"FREQ": "WEEKLY" if series.frequency == "weekly" else "MONTHLY"}
    if series.interval > 1:
        rule["INTERVAL"] = series.interval
    if series.frequency == Series.Frequency.MONTHLY_BY_WEEKDAY:
        code = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
        rule["BYDAY"] = f"{_weekday_position(first)}{code}"
    elif series.frequency == Series.Frequency.MONTHLY_BY_DATE:
        rule["BYMONTHDAY"] = first.day
    until = until_utc(series)
    if until is not None:
        rule["UNTIL"] = until.replace(microsecond=0)
    return rule


def describe(series: Series) -> str:
    """The rule in words, in the reader's language: "Every month on the second Tuesday"."""
    first = series.local_starts_at
    n = series.interval
    weekday = _weekday_name(first.weekday())
    if series.frequency == Series.Frequency.WEEKLY:
        text = (
            _("Every week on %(weekday)s") % {"weekday": weekday}
            if n == 1
            else _("Every %(n)s weeks on %(weekday)s") % {"n": n, "weekday": weekday}
        )
    elif series.frequency == Series.Frequency.MONTHLY_BY_WEEKDAY:
        ordinal = _ordinal(_weekday_position(first))
        text = (
            _("Every month on the %(ordinal)s %(weekday)s")
            % {"ordinal": ordinal, "weekday": weekday}
            if n == 1
            else _("Every %(n)s months on the %(ordinal)s %(weekday)s")
            % {"n": n, "ordinal": ordinal, "weekday": weekday}
        )
    else:
        text = (
            _("Every month on day %(day)s") % {"day": first.day}
            if n == 1
            else _("Every %(n)s months on day %(day)s") % {"n": n, "day": first.day}
        )
    if series.until:
        text = _("%(rule)s, until %(date)s") % {
            "rule": text,
            "date": date_format(series.until, "DATE_FORMAT"),
        }
    return text


def _weekday_name(index: int) -> str:
    return (
        pgettext("in a rule", "Monday"),
        pgettext("in a rule", "Tuesday"),
        pgettext("in a rule", "Wednesday"),
        pgettext("in a rule", "Thursday"),
        pgettext("in a rule", "Friday"),
        pgettext("in a rule", "Saturday"),
        pgettext("in a rule", "Sunday"),
    )[index]


def _ordinal(position: int) -> str:
    return {
        1: pgettext("weekday of the month", "first"),
        2: pgettext("weekday of the month", "second"),
        3: pgettext("weekday of the month", "third"),
        4: pgettext("weekday of the month", "fourth"),
        -1: pgettext("weekday of the month", "last"),
    }[position]
