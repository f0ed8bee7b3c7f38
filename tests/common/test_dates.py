"""One "today" for rights and deadlines: the group's date, in GROUP_TIME_ZONE.

The chair's rights must change at the group's midnight: not at UTC's, and not at the midnight of
whoever is looking (PersonPreferencesMiddleware activates the viewer's zone, which the tests
stand in for with timezone.override).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from common.dates import group_now, group_time_zone, group_today
from coordination.models import Organisation, Person
from coordination.permissions import is_chair
from tests import factories

pytestmark = pytest.mark.django_db

LAST_DAY = date(2026, 3, 31)  # the outgoing chair's last day
FIRST_DAY = date(2026, 4, 1)  # the incoming chair's first day
AHEAD = "Pacific/Kiritimati"  # UTC+14: a viewer already in tomorrow
BEHIND = "Pacific/Honolulu"  # UTC-10: a viewer still in yesterday


def at(
    zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """The instant when the clocks of `zone` show that wall-clock time, in UTC (so time_machine
    does not also change the process's own time zone)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def chairs(organisation, other_organisation):
    """A focal point of the outgoing chair (until 31 March) and one of the incoming (from 1 April)."""
    factories.ChairTermFactory(
        starts_on=date(2025, 4, 1), ends_on=LAST_DAY, organisations=[organisation]
    )
    factories.ChairTermFactory(
        starts_on=FIRST_DAY, ends_on=date(2027, 3, 31), organisations=[other_organisation]
    )
    outgoing = factories.PersonFactory(organisation=organisation, email="outgoing@example.org")
    incoming = factories.PersonFactory(
        organisation=other_organisation, email="incoming@example.org"
    )
    return outgoing, incoming


def who_chairs(*people: Person) -> list[bool]:
    # A fresh object each time: is_chair keeps its answer on the person for one request.
    return [is_chair(Person.objects.get(pk=person.pk)) for person in people]


# Each moment: the group's zone and its wall clock, the group's date then, UTC's date then (it
# differs from the group's on one side of midnight for each zone), and a viewer whose own date
# differs from the group's.
MOMENTS = [
    pytest.param("Asia/Tokyo", (2026, 3, 31, 23, 30), LAST_DAY, date(2026, 3, 31), AHEAD, id="tokyo-23:30"),
    pytest.param("Asia/Tokyo", (2026, 4, 1, 0, 30), FIRST_DAY, date(2026, 3, 31), BEHIND, id="tokyo-00:30"),
    pytest.param("America/New_York", (2026, 3, 31, 23, 30), LAST_DAY, date(2026, 4, 1), AHEAD, id="new-york-23:30"),
    pytest.param("America/New_York", (2026, 4, 1, 0, 30), FIRST_DAY, date(2026, 4, 1), BEHIND, id="new-york-00:30"),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "wall_clock", "group_date", "utc_date", "viewer"), MOMENTS)
def test_chair_rights_change_at_the_groups_midnight_not_utcs_nor_the_viewers(
    settings, chairs, zone, wall_clock, group_date, utc_date, viewer
):
    settings.GROUP_TIME_ZONE = zone
    outgoing, incoming = chairs
    with time_machine.travel(at(zone, *wall_clock), tick=False), timezone.override(viewer):
        assert group_today() == group_date
        assert timezone.localdate(timezone=UTC) == utc_date
        assert timezone.localdate() != group_date  # the viewer's own calendar disagrees
        assert who_chairs(outgoing, incoming) == [group_date == LAST_DAY, group_date == FIRST_DAY]


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_the_chair_changes_on_the_stroke_of_the_groups_midnight(settings, chairs, zone):
    settings.GROUP_TIME_ZONE = zone
    outgoing, incoming = chairs
    with time_machine.travel(at(zone, 2026, 3, 31, 23, 59, 59), tick=False):
        assert who_chairs(outgoing, incoming) == [True, False]
    with time_machine.travel(at(zone, 2026, 4, 1, 0, 0, 0), tick=False):
        assert who_chairs(outgoing, incoming) == [False, True]


def test_membership_ends_at_the_groups_midnight(settings, other_organisation):
    settings.GROUP_TIME_ZONE = "Asia/Tokyo"
    Organisation.objects.filter(pk=other_organisation.pk).update(left_on=FIRST_DAY)
    leaving = Organisation.objects.get(pk=other_organisation.pk)
    with time_machine.travel(at("Asia/Tokyo", 2026, 3, 31, 23, 30), tick=False):
        assert leaving.is_current_member
        assert Organisation.objects.current().filter(pk=leaving.pk).exists()
    # UTC and the viewer below are still on 31 March; the group is not.
    with (
        time_machine.travel(at("Asia/Tokyo", 2026, 4, 1, 0, 30), tick=False),
        timezone.override(BEHIND),
    ):
        assert not leaving.is_current_member
        assert not Organisation.objects.current().filter(pk=leaving.pk).exists()


def test_group_now_is_the_same_instant_on_the_groups_clock(settings):
    settings.GROUP_TIME_ZONE = "America/New_York"
    with time_machine.travel(datetime(2026, 4, 1, 3, 30, tzinfo=UTC), tick=False):
        now = group_now()
        assert now == timezone.now()
        assert now.tzinfo == group_time_zone() == ZoneInfo("America/New_York")
        assert (now.date(), now.hour, now.minute) == (LAST_DAY, 23, 30)


@pytest.mark.parametrize(
    ("wall_clock", "overdue"),
    [((2026, 3, 31, 23, 30), False), ((2026, 4, 1, 0, 30), True)],
    ids=["before the group's midnight", "after the group's midnight"],
)
def test_deadlines_pass_at_the_group_midnight_whoever_looks(
    settings, client, secretariat, organisation, wall_clock, overdue
):
    """An item due on 31 March is overdue from the group's 1 April, for a viewer in any zone:
    in the item list's filter, on the plan page and on the dashboard alike."""
    from django.urls import reverse

    from workplans.models import WorkItem

    settings.GROUP_TIME_ZONE = "Asia/Tokyo"
    item = factories.WorkItemFactory(lead_organisation=organisation, due_on=LAST_DAY)
    plan = item.priority_area.plan
    for viewer in (AHEAD, BEHIND):
        Person.objects.filter(pk=secretariat.pk).update(time_zone=viewer)
        client.force_login(secretariat)
        with time_machine.travel(at("Asia/Tokyo", *wall_clock), tick=False):
            assert WorkItem.objects.get(pk=item.pk).is_overdue() is overdue
            listed = client.get(reverse("workplans:item_list"), {"overdue": "on"})
            assert (item.title in listed.content.decode()) is overdue, viewer
            page = client.get(reverse("workplans:plan_detail", args=[plan.pk]))
            assert (item in page.context["overdue"]) is overdue, viewer
