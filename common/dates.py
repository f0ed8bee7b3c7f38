"""Which calendar a date is read on: the group's, for rights and deadlines; the viewer's, to show.

Two "todays" exist and each has one use:

- **The group's date** (`group_today()`), in the `GROUP_TIME_ZONE` setting: what decides rights
  and deadlines. Who chairs (the chair term covering today), who is a member (joined by today,
  not yet left), whether something is overdue or a deadline has passed. It is one calendar for
  everyone: a chair term ending on 31 March ends at midnight of 31 March in the group's zone for
  the focal point in Tokyo and the one in New York alike, and nobody's rights move when they
  change the time zone of their profile or when UTC's midnight passes.
- **The viewer's date** (`django.utils.timezone.localdate()` inside a request, where
  `PersonPreferencesMiddleware` has activated the person's own zone): only for display, such as
  "updated today" or the times of a meeting on a page or in an email. It never decides what
  someone may do.

Datetimes are stored in UTC either way (`timezone.now()`); only the calendar day read from them
differs.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone


def group_time_zone() -> zoneinfo.ZoneInfo:
    """The group's time zone (the `GROUP_TIME_ZONE` setting).

    Read on each call rather than once at import, so that a test's settings override takes
    effect; ZoneInfo keeps its own cache, so this costs nothing.
    """
    return zoneinfo.ZoneInfo(settings.GROUP_TIME_ZONE)


def group_now() -> datetime:
    """Now, as an aware datetime in the group's time zone (the same instant as timezone.now())."""
    return timezone.localtime(timezone.now(), timezone=group_time_zone())


def group_today() -> date:
    """Today in the group's calendar: the date that decides rights and deadlines."""
    return timezone.localdate(timezone=group_time_zone())
