"""notifications' own digest section: what a person was not emailed about at once.

Someone who turned off "emails that cannot wait" still hears of each event: in the site at once
(the in-app notification), and in their next digest. Everyone else had the email already.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from common.people import Recipient
from common.registry import DigestLine
from notifications.digests import preference_of
from notifications.models import Notification, Preference


class NewsSection:
    kind = "news"
    label = _("What happened, if I turned off the emails that cannot wait")
    roles = None  # every role: anyone may turn the immediate emails off
    title = _("What happened")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[DigestLine]]:
        """Each reader's unread notifications since their previous digest: a day or a week
        back, as often as they take it. One query for the whole batch."""
        since = {
            p.pk: now
            - timedelta(days=7 if preference.frequency == Preference.Frequency.WEEKLY else 1)
            for p in people
            if not (preference := preference_of(p)).immediate
            and preference.frequency != Preference.Frequency.NEVER
        }
        if not since:
            return {}
        lines: dict[int, list[DigestLine]] = defaultdict(list)
        for notification in Notification.objects.filter(
            person_id__in=since, read_at__isnull=True, created_at__gte=min(since.values())
        ).order_by("created_at"):
            if notification.created_at >= since[notification.person_id]:
                lines[notification.person_id].append(
                    {"title": notification.title, "url": notification.url, "detail": ""}
                )
        return dict(lines)


NEWS = NewsSection()
