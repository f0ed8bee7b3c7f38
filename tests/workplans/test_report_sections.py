"""What other apps add to the annual report through common.registry.report_sections: meetings'
attendance per member, on the page and in the PDF, after the plan's areas, at a fixed cost."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from common import registry
from common.registry import ReportTable
from meetings import services as meeting_services
from meetings.models import Attendance
from tests import factories
from workplans import selectors

pytestmark = pytest.mark.django_db

ILO_ROW = '<th scope="row">International Labour Organization (ILO)</th><td>1</td><td>2</td>'


@pytest.fixture
def plan():
    plan = factories.WorkPlanFactory(first_year=2025, last_year=2026)
    area = factories.PriorityAreaFactory(plan=plan, title="Knowledge production")
    factories.WorkItemFactory(priority_area=area, title="Toolkit", start_on=date(2025, 1, 1))
    return plan


def _meeting(starts_at, organisations, status="held"):
    meeting = factories.MeetingFactory(starts_at=starts_at, status=status)
    for organisation in organisations:
        factories.MeetingInvitationFactory(meeting=meeting, organisation=organisation)
    return meeting


@pytest.fixture
def attendance_2025(settings, secretariat, organisation, other_organisation):
    """UNICEF attended both of 2025's meetings, ILO one of two; a cancelled meeting of 2025 and
    a meeting of 2024 recorded everyone present, and count for nothing in 2025."""
    settings.GROUP_TIME_ZONE = "America/New_York"
    both = [organisation, other_organisation]
    march = _meeting(datetime(2025, 3, 10, 14, tzinfo=UTC), both)
    meeting_services.attendance_record(meeting=march, actor=secretariat, attended=[organisation])
    # 31 December, 22:00 in New York: the group's 2025, though 2026 in UTC.
    new_year = _meeting(datetime(2026, 1, 1, 3, tzinfo=UTC), both)
    meeting_services.attendance_record(meeting=new_year, actor=secretariat, attended=both)
    for other in (
        _meeting(datetime(2025, 6, 1, 14, tzinfo=UTC), both, status="cancelled"),
        _meeting(datetime(2024, 11, 5, 14, tzinfo=UTC), both),
    ):
        for organisation_ in both:
            Attendance.objects.create(meeting=other, organisation=organisation_, attended=True)
    return both


def test_meetings_add_the_attendance_section_through_the_registry():
    assert "meetings.report.attendance" in registry.report_sections.paths()


def test_each_member_attended_of_the_meetings_recorded_that_year(attendance_2025):
    factories.OrganisationFactory(acronym="IOM", name="International Organization for Migration")
    factories.OrganisationFactory(acronym="GONE", name="Left in 2024", left_on=date(2024, 12, 31))
    factories.OrganisationFactory(acronym="NEW", name="Joined in 2026", joined_on=date(2026, 2, 1))

    (section,) = selectors.report_sections(2025)

    assert section.title == "Meeting attendance"
    assert section.rows == [
        ["International Labour Organization (ILO)", 1, 2],
        ["International Organization for Migration (IOM)", 0, 0],
        ["United Nations Children's Fund (UNICEF)", 2, 2],
        ["Organisation UNODC (UNODC)", 0, 0],
    ]


def test_a_year_without_recorded_attendance_says_so(attendance_2025):
    (section,) = selectors.report_sections(2026)

    assert section.rows == []
    assert section.empty == "No meeting's attendance was recorded in 2026."


def test_the_page_shows_the_section_after_the_plans_areas(client, observer, plan, attendance_2025):
    client.force_login(observer)

    page = client.get(reverse("workplans:report", args=[plan.pk, 2025])).content.decode()

    assert ILO_ROW in page
    assert page.index("Knowledge production") < page.index("Meeting attendance")
    other_year = client.get(reverse("workplans:report", args=[plan.pk, 2026])).content.decode()
    assert "No meeting&#x27;s attendance was recorded in 2026." in other_year


def test_the_pdf_holds_the_section(client, observer, plan, attendance_2025):
    client.force_login(observer)

    response = client.get(reverse("workplans:report_pdf", args=[plan.pk, 2025]))

    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # Words as read, whatever the lines a table cell was wrapped over.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert text.index("Knowledge production") < text.index("Meeting attendance")
    assert "International Labour Organization (ILO) 1 2" in text
    assert "United Nations Children's Fund (UNICEF) 2 2" in text


def a_section_of_tests(year: int, organisations) -> ReportTable:
    return ReportTable(
        title=f"Counted in {year}",
        headers=["Organisation", "Members"],
        rows=[["All", len(organisations)]],
    )


def nothing_to_say(year: int, organisations) -> None:
    return None


def test_every_registered_section_is_rendered_and_one_with_nothing_left_out(client, observer, plan):
    registry.report_sections.add("tests.workplans.test_report_sections.a_section_of_tests")
    registry.report_sections.add("tests.workplans.test_report_sections.nothing_to_say")
    try:
        client.force_login(observer)
        response = client.get(reverse("workplans:report", args=[plan.pk, 2025]))
    finally:
        registry.report_sections.remove("tests.workplans.test_report_sections.a_section_of_tests")
        registry.report_sections.remove("tests.workplans.test_report_sections.nothing_to_say")

    titles = [str(section.title) for section in response.context["sections"]]
    assert titles == ["Meeting attendance", "Counted in 2025"]
    assert '<th scope="row">All</th><td>1</td>' in response.content.decode()


# --- The cost does not grow with the members -------------------------------------------------


def _members_who_attended(secretariat, count):
    organisations = [factories.OrganisationFactory() for _ in range(count)]
    meeting = _meeting(datetime(2025, 4, 1, 14, tzinfo=UTC), organisations)
    meeting_services.attendance_record(
        meeting=meeting, actor=secretariat, attended=organisations[::2]
    )


def test_the_sections_take_two_queries_however_many_members(secretariat, django_assert_num_queries):
    _members_who_attended(secretariat, 2)
    with django_assert_num_queries(2):  # the members, their attendance
        (small,) = selectors.report_sections(2025)
    _members_who_attended(secretariat, 8)
    with django_assert_num_queries(2):
        (large,) = selectors.report_sections(2025)
    assert len(large.rows) == len(small.rows) + 8


def test_the_report_page_costs_the_same_however_many_members(client, observer, plan, secretariat):
    client.force_login(observer)
    url = reverse("workplans:report", args=[plan.pk, 2025])
    _members_who_attended(secretariat, 2)
    with CaptureQueriesContext(connection) as small:
        before = client.get(url)
    _members_who_attended(secretariat, 8)
    with CaptureQueriesContext(connection) as large:
        after = client.get(url)
    assert len(after.context["sections"][0].rows) == len(before.context["sections"][0].rows) + 8
    assert len(large) == len(small)
