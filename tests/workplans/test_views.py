from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tests import factories
from workplans import services
from workplans.models import Milestone, ProgressUpdate, WorkItem, WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(organisation, other_organisation):
    return factories.WorkItemFactory(
        lead_organisation=organisation,
        contributing_organisations=[other_organisation],
        title="Issue brief on procurement",
        due_on=timezone.localdate() + timedelta(days=10),
    )


@pytest.fixture
def outsider():
    return factories.PersonFactory(
        organisation=factories.OrganisationFactory(acronym="IOM"), email="iom@example.org"
    )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


# --- Who may do what, view by view ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["focal_point", "principal", "observer"])
def test_plan_management_views_refuse_all_but_secretariat_and_chair(client, request, who, item):
    client.force_login(request.getfixturevalue(who))
    plan = item.priority_area.plan
    area = item.priority_area
    attempts = [
        (
            reverse("workplans:plan_create"),
            {"title": "X", "first_year": 2025, "last_year": 2026, "status": "draft"},
        ),
        (
            reverse("workplans:plan_edit", args=[plan.pk]),
            {
                "title": "X",
                "first_year": 2025,
                "last_year": 2026,
                "status": "draft",
                "version": plan.version,
            },
        ),
        (reverse("workplans:area_create", args=[plan.pk]), {"title": "X"}),
        (
            reverse("workplans:area_edit", args=[area.pk]),
            {"title": "X", "position": 1, "version": area.version},
        ),
        (
            reverse("workplans:item_create", args=[plan.pk]),
            {
                "title": "X",
                "priority_area": area.pk,
                "lead_organisation": item.lead_organisation_id,
                "kind": "activity",
                "status": "on_track",
                "percent_complete": 0,
            },
        ),
    ]
    for url, data in attempts:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert WorkPlan.objects.count() == 1
    assert WorkItem.objects.count() == 1
    assert WorkPlan.objects.get().title != "X"


def test_views_look_for_the_object_before_asking_permission(client, focal_point):
    """Fetch (404), then permission (403), then the input: the same order on every page."""
    client.force_login(focal_point)
    missing = 999_999
    for name in (
        "plan_edit",
        "area_create",
        "area_edit",
        "item_create",
        "item_edit",
        "item_progress",
        "milestone_add",
        "milestone_done",
        "milestone_remove",
    ):
        assert client.post(reverse(f"workplans:{name}", args=[missing])).status_code == 404, name


@pytest.mark.parametrize("who", ["outsider", "principal", "observer"])
def test_item_views_refuse_people_outside_the_items_organisations(client, request, who, item):
    client.force_login(request.getfixturevalue(who))
    milestone = Milestone.objects.create(item=item, title="Draft")
    attempts = [
        (
            reverse("workplans:item_edit", args=[item.pk]),
            {
                "title": "Hijacked",
                "status": "on_track",
                "percent_complete": 5,
                "version": item.version,
            },
        ),
        (
            reverse("workplans:item_progress", args=[item.pk]),
            {
                "narrative": "x",
                "status": "done",
                "percent_complete": 100,
                "reported_on": timezone.localdate(),
            },
        ),
        (reverse("workplans:milestone_add", args=[item.pk]), {"title": "Mine"}),
        (reverse("workplans:milestone_done", args=[milestone.pk]), {"done": "1"}),
        (reverse("workplans:milestone_remove", args=[milestone.pk]), {}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url
    item.refresh_from_db()
    milestone.refresh_from_db()
    assert item.title == "Issue brief on procurement"
    assert not ProgressUpdate.objects.exists()
    assert Milestone.objects.get() == milestone and not milestone.is_done
    # They may still read it.
    assert client.get(item.get_absolute_url()).status_code == 200


def test_chair_creates_a_plan_area_and_item_from_the_site(client, organisation):
    chair_org = factories.OrganisationFactory(acronym="ICMPD")
    factories.ChairTermFactory(
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=300),
        organisations=[chair_org],
    )
    client.force_login(factories.PersonFactory(organisation=chair_org))
    response = client.post(
        reverse("workplans:plan_create"),
        {"title": "Plan 2026–2028", "first_year": 2026, "last_year": 2028, "status": "draft"},
    )
    plan = WorkPlan.objects.get()
    assert response.url == plan.get_absolute_url()
    client.post(reverse("workplans:area_create", args=[plan.pk]), {"title": "Survivors' voices"})
    area = plan.priority_areas.get()
    response = client.post(
        reverse("workplans:item_create", args=[plan.pk]),
        {
            "priority_area": area.pk,
            "title": "Guidance note",
            "kind": "deliverable",
            "lead_organisation": organisation.pk,
            "status": "not_started",
            "percent_complete": 0,
            "due_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    assert WorkItem.objects.get().title == "Guidance note"


def test_focal_point_posts_an_update_from_the_item_page(client, focal_point, item):
    client.force_login(focal_point)
    response = client.post(
        reverse("workplans:item_progress", args=[item.pk]),
        {
            "narrative": "First draft shared",
            "status": "at_risk",
            "percent_complete": 40,
            "reported_on": timezone.localdate().isoformat(),
        },
    )
    assert response.url == item.get_absolute_url()
    item.refresh_from_db()
    assert (item.status, item.percent_complete) == ("at_risk", 40)
    assert "First draft shared" in client.get(item.get_absolute_url()).content.decode()


def test_a_bad_update_is_explained_on_the_form(client, focal_point, item):
    client.force_login(focal_point)
    response = client.post(
        reverse("workplans:item_progress", args=[item.pk]),
        {
            "narrative": "",
            "status": "done",
            "percent_complete": 150,
            "reported_on": "not a date",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"narrative", "percent_complete", "reported_on"}
    assert not ProgressUpdate.objects.exists()


def test_member_edit_form_offers_only_member_fields(client, focal_point, item):
    client.force_login(focal_point)
    form = client.get(reverse("workplans:item_edit", args=[item.pk])).context["form"]
    assert (
        "lead_organisation" not in form.fields and "contributing_organisations" not in form.fields
    )
    assert "status" in form.fields


def test_editing_an_item_someone_changed_shows_both_versions(
    client, focal_point, other_organisation, item
):
    client.force_login(focal_point)
    url = reverse("workplans:item_edit", args=[item.pk])
    opened_version = client.get(url).context["form"].initial["version"]
    contributor = factories.PersonFactory(organisation=other_organisation)
    services.work_item_update(
        item=item, actor=contributor, version=item.version, title="Their title"
    )
    response = client.post(
        url,
        {
            "title": "My title",
            "description": "",
            "start_on": "",
            "due_on": item.due_on.isoformat(),
            "status": "on_track",
            "percent_complete": 20,
            "version": opened_version,
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved changes" in content
    assert "My title" in content and "Their title" in content
    assert WorkItem.objects.get(pk=item.pk).title == "Their title"


# --- The list: filters, sorting, pages, exports ---------------------------------------------------


@pytest.fixture
def listed(organisation, other_organisation):
    today = timezone.localdate()
    area = factories.PriorityAreaFactory()
    lead = factories.WorkItemFactory(
        priority_area=area,
        title="Led by UNICEF",
        lead_organisation=organisation,
        due_on=today + timedelta(days=5),
    )
    contributed = factories.WorkItemFactory(
        priority_area=area,
        title="UNICEF contributes",
        lead_organisation=other_organisation,
        contributing_organisations=[organisation],
        due_on=today - timedelta(days=5),
        status="at_risk",
    )
    other = factories.WorkItemFactory(
        priority_area=area,
        title='=HYPERLINK("http://evil.example")',
        lead_organisation=other_organisation,
        due_on=today + timedelta(days=60),
        status="done",
        percent_complete=100,
    )
    return lead, contributed, other


def titles(response) -> list[str]:
    return [item.title for item in response.context["page"]]


def test_list_filters_by_organisation_as_lead_or_contributor(
    client, observer, organisation, listed
):
    client.force_login(observer)
    response = client.get(
        reverse("workplans:item_list"), {"organisation": organisation.pk, "ordering": "title"}
    )
    assert titles(response) == ["Led by UNICEF", "UNICEF contributes"]


def test_list_filters_by_status_overdue_dates_and_text(client, observer, listed):
    client.force_login(observer)
    url = reverse("workplans:item_list")
    today = timezone.localdate()
    assert titles(client.get(url, {"status": ["at_risk", "done"], "ordering": "title"})) == [
        '=HYPERLINK("http://evil.example")',
        "UNICEF contributes",
    ]
    assert titles(client.get(url, {"overdue": "true"})) == ["UNICEF contributes"]
    assert titles(
        client.get(
            url,
            {
                "due_after": today.isoformat(),
                "due_before": (today + timedelta(days=30)).isoformat(),
            },
        )
    ) == ["Led by UNICEF"]
    assert titles(client.get(url, {"q": "contributes unicef"})) == ["UNICEF contributes"]
    assert titles(client.get(url, {"ordering": "-due"}))[0].startswith("=HYPERLINK")


def test_list_survives_nonsense_in_the_url(client, observer, listed):
    client.force_login(observer)
    response = client.get(
        reverse("workplans:item_list"),
        {
            "status": "bogus",
            "due_after": "yesterday",
            "plan": "x",
            "page": "999",
            "ordering": "nope",
        },
    )
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_list_is_paginated_and_keeps_the_filter_in_the_links(client, observer, organisation):
    area = factories.PriorityAreaFactory()
    WorkItem.objects.bulk_create(
        WorkItem(priority_area=area, title=f"Item {n:03}", lead_organisation=organisation)
        for n in range(120)
    )
    client.force_login(observer)
    response = client.get(
        reverse("workplans:item_list"), {"organisation": organisation.pk, "ordering": "title"}
    )
    assert len(response.context["page"]) == 50
    assert (
        f"organisation={organisation.pk}"
        in response.content.decode().split('rel="next"')[0].rsplit("href=", 1)[-1]
    )
    page3 = client.get(
        reverse("workplans:item_list"),
        {"organisation": organisation.pk, "ordering": "title", "page": 3},
    )
    assert titles(page3)[0] == "Item 100" and len(titles(page3)) == 20


def test_csv_export_follows_the_filter_and_neutralises_formulas(client, observer, listed):
    client.force_login(observer)
    response = client.get(reverse("workplans:item_export", args=["csv"]), {"ordering": "title"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["Title"] for row in rows] == [
        '\'=HYPERLINK("http://evil.example")',
        "Led by UNICEF",
        "UNICEF contributes",
    ]
    assert rows[2]["Contributing organisations"] == "UNICEF"
    filtered = client.get(reverse("workplans:item_export", args=["csv"]), {"status": "at_risk"})
    assert len(list(csv.DictReader(io.StringIO(filtered.content.decode())))) == 1


def test_xlsx_export_opens_with_text_not_formulas(client, observer, listed):
    client.force_login(observer)
    response = client.get(reverse("workplans:item_export", args=["xlsx"]), {"ordering": "title"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    title_column = rows[0].index("Title")
    assert rows[1][title_column] == '\'=HYPERLINK("http://evil.example")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert len(rows) == 4


def test_unknown_export_format_is_not_found(client, observer):
    client.force_login(observer)
    assert client.get(reverse("workplans:item_export", args=["pdf"])).status_code == 404


# --- The annual report ----------------------------------------------------------------------------


@pytest.fixture
def reported(organisation, focal_point):
    plan = factories.WorkPlanFactory(first_year=2024, last_year=2027)
    area = factories.PriorityAreaFactory(plan=plan, title="Knowledge production")
    item = factories.WorkItemFactory(
        priority_area=area,
        title="Toolkit",
        lead_organisation=organisation,
        start_on=date(2024, 3, 1),
        due_on=date(2026, 6, 30),
        status="done",
        percent_complete=100,
    )
    factories.ProgressUpdateFactory(
        item=item,
        author=focal_point,
        reported_on=date(2024, 5, 2),
        narrative="Scoping done in 2024",
        status="on_track",
        percent_complete=20,
    )
    factories.ProgressUpdateFactory(
        item=item,
        author=focal_point,
        reported_on=date(2025, 4, 2),
        narrative="Draft written in 2025",
        status="at_risk",
        percent_complete=60,
    )
    factories.ProgressUpdateFactory(
        item=item,
        author=focal_point,
        reported_on=date(2026, 1, 20),
        narrative="Published in 2026",
        status="done",
        percent_complete=100,
    )
    return plan


def test_report_shows_the_years_updates_and_the_status_at_year_end(client, observer, reported):
    client.force_login(observer)
    content = client.get(reverse("workplans:report", args=[reported.pk, 2025])).content.decode()
    assert "Draft written in 2025" in content
    assert "Scoping done in 2024" not in content and "Published in 2026" not in content
    assert "At risk" in content and "60%" in content


def test_report_for_a_year_outside_the_plan_is_not_found(client, observer, reported):
    client.force_login(observer)
    assert client.get(reverse("workplans:report", args=[reported.pk, 2031])).status_code == 404


def test_report_pdf_opens_and_holds_the_report(client, observer, reported):
    client.force_login(observer)
    response = client.get(reverse("workplans:report_pdf", args=[reported.pk, 2025]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert (
        "Annual progress report 2025" in text
        and "Toolkit" in text
        and "Draft written in 2025" in text
    )


# --- Query counts do not grow with the data -------------------------------------------------------


def make_items(area, organisations, people, count):
    """Bulk items with contributors, milestones and updates, as a busy plan has."""
    today = timezone.localdate()
    items = WorkItem.objects.bulk_create(
        WorkItem(
            priority_area=area,
            title=f"Bulk item {n}",
            lead_organisation=organisations[n % len(organisations)],
            owner=people[n % len(people)],
            due_on=today + timedelta(days=(n % 90) - 30),
            status=WorkItem.Status.values[n % 6],
            percent_complete=100 if n % 6 == 4 else n % 100,
        )
        for n in range(count)
    )
    through = WorkItem.contributing_organisations.through
    through.objects.bulk_create(
        through(workitem_id=item.pk, organisation_id=organisations[(i + 1) % len(organisations)].pk)
        for i, item in enumerate(items)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            item=item,
            author=people[0],
            organisation_id=item.lead_organisation_id,
            narrative="n",
            status=item.status,
            percent_complete=item.percent_complete,
        )
        for item in items
    )
    return items


@pytest.mark.parametrize("page", ["overview", "list", "dashboard", "item"])
def test_page_queries_do_not_grow_with_items(
    client, page, organisation, other_organisation, focal_point
):
    plan = factories.WorkPlanFactory()
    areas = [factories.PriorityAreaFactory(plan=plan) for _ in range(3)]
    organisations = [organisation, other_organisation]
    people = [focal_point, factories.PersonFactory(organisation=other_organisation)]
    client.force_login(focal_point)
    first = make_items(areas[0], organisations, people, 50)
    item = first[0]
    urls = {
        "overview": plan.get_absolute_url(),
        "list": reverse("workplans:item_list") + "?ordering=due",
        "dashboard": reverse("dashboard"),
        "item": item.get_absolute_url(),
    }
    # One of everything first, so that both counts include each kind of row the page shows.
    services.progress_update_post(
        item=item, actor=focal_point, narrative="first", status="on_track", percent_complete=1
    )
    Milestone.objects.create(item=item, title="first")
    client.get(urls[page])
    small = queries(client, urls[page])
    make_items(areas[1], organisations, people, 1000)
    make_items(areas[2], organisations, people, 1000)
    # The item page grows with its own history, not with the plan's.
    for n in range(20):
        services.progress_update_post(
            item=item, actor=focal_point, narrative=f"u{n}", status="on_track", percent_complete=n
        )
        Milestone.objects.create(item=item, title=f"m{n}")
    client.get(urls[page])  # what the new rows made the cache forget (common.choices) read anew
    assert queries(client, urls[page]) == small


def test_pages_keep_every_value_of_a_filter(client, observer, organisation):
    area = factories.PriorityAreaFactory()
    WorkItem.objects.bulk_create(
        WorkItem(
            priority_area=area,
            title=f"I{n}",
            lead_organisation=organisation,
            status="at_risk" if n % 2 else "off_track",
        )
        for n in range(120)
    )
    client.force_login(observer)
    content = client.get(
        reverse("workplans:item_list"), {"status": ["at_risk", "off_track"]}
    ).content.decode()
    next_link = content.split('rel="next"')[0].rsplit("href=", 1)[-1]
    assert "status=at_risk" in next_link and "status=off_track" in next_link


def test_report_status_at_year_end_comes_from_the_history_not_from_today(
    client, observer, secretariat, organisation
):
    import time_machine

    plan = factories.WorkPlanFactory(first_year=2024, last_year=2027)
    area = factories.PriorityAreaFactory(plan=plan)
    with time_machine.travel(date(2024, 3, 1), tick=False):
        edited = services.work_item_create(
            actor=secretariat,
            priority_area=area,
            title="Cancelled by an edit",
            lead_organisation=organisation,
            due_on=date(2026, 12, 1),
        )
        finished_later = services.work_item_create(
            actor=secretariat,
            priority_area=area,
            title="Done in 2025",
            lead_organisation=organisation,
            due_on=date(2024, 6, 1),
        )
    with time_machine.travel(date(2024, 11, 10), tick=False):
        services.work_item_update(
            item=edited, actor=secretariat, version=edited.version, status="cancelled"
        )
    with time_machine.travel(date(2025, 2, 1), tick=False):
        item = WorkItem.objects.get(pk=finished_later.pk)
        services.work_item_update(
            item=item, actor=secretariat, version=item.version, status="done", percent_complete=100
        )
    client.force_login(observer)
    rows = {
        row.item.title: row
        for area in client.get(reverse("workplans:report", args=[plan.pk, 2024])).context["areas"]
        for row in area.rows
    }
    assert (rows["Cancelled by an edit"].status, rows["Done in 2025"].status) == (
        "cancelled",
        "not_started",
    )
    # Overdue at the start of 2025 but still open: it belongs in the 2025 report, done by its end.
    rows_2025 = {
        row.item.title: row
        for area in client.get(reverse("workplans:report", args=[plan.pk, 2025])).context["areas"]
        for row in area.rows
    }
    assert rows_2025["Done in 2025"].status == "done"
    assert "Cancelled by an edit" in rows_2025  # its dates run into 2025


def test_the_filtered_list_reads_its_rows_without_distinct(client, observer, organisation):
    """The filters never join a table that repeats an item, so no DISTINCT: on PostgreSQL it
    compares every column of every matching row."""
    client.force_login(observer)
    factories.WorkItemFactory(lead_organisation=organisation, status="at_risk")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(
            "/workplans/items/",
            {"organisation": organisation.pk, "status": ["at_risk", "off_track"]},
        ).context["page"]
    assert len(page) == 1
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"]]
