"""Dates and times as a person reads them: in their language and time zone, the zone named.

A text about a date is often built before the language it is read in is known: a digest's
sections are collected once for a batch of readers and each reader's email is rendered later,
under that reader's language and time zone (notifications.emails.build_delivery); an in-app
notification's title is rendered once per person. A date formatted while the text is built
would come out in the builder's language (and an ISO date reads as a code, not a date), so
`local_date` and `local_datetime` return lazy texts, formatted when they are read.

`date_text` and `datetime_text` format at once: for a message shown in the request that makes
it (a form's error, a confirmation page), where the reader's language and zone are active.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import get_language

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


@lru_cache(maxsize=16_384)
def _formatted(wall: date, zone: str, format_name: str, language: str | None) -> str:
    """Django's date_format of a day, or of a wall-clock time in `zone`, in `language` (the
    active one, which the caller passes so that it is part of the key).

    Kept: a batch of digests writes the same few hundred dates (a meeting's start, an item's
    due day) for thousands of readers in a handful of languages and zones, and date_format
    parses its format anew at each call."""
    if isinstance(wall, datetime):
        wall = wall.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return date_format(wall, format_name)


def date_text(value: date) -> str:
    """A day in the active language ("15 March 2027", "15 mars 2027", "15 de marzo de 2027").

    A datetime is read on the active time zone's calendar: the day it is where the reader is.
    """
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return _formatted(value, "", "DATE_FORMAT", get_language())


def datetime_text(value: datetime, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """A moment in the active language, on the clock of `zone` (the active time zone by
    default), the zone named: "15 mars 2027 14:00 (Europe/Vienna)"."""
    local = timezone.localtime(value, zone)
    name = zone_name(local)
    if not isinstance(local.tzinfo, zoneinfo.ZoneInfo):  # a fixed offset: not kept
        return f"{date_format(local, 'DATETIME_FORMAT')} ({name})"
    # The wall-clock time and the zone's name are the key: two zones' local times of the
    # same instant are equal datetimes, and would share an entry.
    text = _formatted(local.replace(tzinfo=None), name, "DATETIME_FORMAT", get_language())
    return f"{text} ({name})"


def zone_name(moment: datetime) -> str:
    """The IANA name of an aware datetime's zone ("Europe/Vienna"), which every reader can
    look up, rather than an abbreviation ("CET") that several zones share."""
    tzinfo = moment.tzinfo
    if isinstance(tzinfo, zoneinfo.ZoneInfo):
        return tzinfo.key
    return moment.tzname() or "UTC"


def _local_date(value: date) -> str:
    return date_text(value)


def _local_datetime(value: datetime, zone: zoneinfo.ZoneInfo | None = None) -> str:
    return datetime_text(value, zone)


_lazy_date = lazy(_local_date, str)
_lazy_datetime = lazy(_local_datetime, str)


def local_date(value: date) -> StrOrPromise:
    """`date_text`, formatted when read (in the reader's language and, for a datetime, on the
    reader's calendar)."""
    return _lazy_date(value)


def local_datetime(value: datetime, zone: zoneinfo.ZoneInfo | None = None) -> StrOrPromise:
    """`datetime_text`, formatted when read: in the reader's language and on the clock of
    `zone`, or of the reader's time zone when `zone` is None."""
    return _lazy_datetime(value, zone)
