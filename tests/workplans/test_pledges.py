"""Chairs' pledges: who records them, their progress, the pledge report, the term page's section,
the handover's work items and the annual report."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from common import registry
from common.dates import group_today
from common.versioning import ConflictError
from coordination.models import ChairTerm
from tests import factories
from workplans import permissions, selectors, services
from workplans.handover import work_items as handover_work_items
from workplans.models import Pledge, PledgeReport, PledgeUpdate, WorkItem
from workplans.terms import pledges_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation, other_organisation):
    """Four terms around today: one long past, the outgoing (ended ten days ago), the current
    (UNICEF and ILO) and the incoming; a focal point of each side."""
    today = group_today()
    outgoing_org = factories.OrganisationFactory(acronym="UNHCR")
    incoming_org = factories.OrganisationFactory(acronym="IOM")
    long_past = factories.ChairTermFactory(
        starts_on=today - timedelta(days=900),
        ends_on=today - timedelta(days=500),
        organisations=[organisation],
    )
    outgoing = factories.ChairTermFactory(
        starts_on=today - timedelta(days=375),
        ends_on=today - timedelta(days=10),
        organisations=[outgoing_org],
    )
    current = factories.ChairTermFactory(
        starts_on=today - timedelta(days=9),
        ends_on=today + timedelta(days=300),
        organisations=[organisation, other_organisation],
    )
    incoming = factories.ChairTermFactory(
        starts_on=today + timedelta(days=301),
        ends_on=today + timedelta(days=660),
        organisations=[incoming_org],
    )
    area = factories.PriorityAreaFactory(title="Survivors' voices")
    return SimpleNamespace(
        today=today,
        long_past=long_past,
        outgoing=outgoing,
        current=current,
        incoming=incoming,
        outgoing_org=outgoing_org,
        incoming_org=incoming_org,
        outgoing_focal=factories.PersonFactory(organisation=outgoing_org, email="out@ex.org"),
        incoming_focal=factories.PersonFactory(organisation=incoming_org, email="in@ex.org"),
        other_focal=factories.PersonFactory(organisation=other_organisation, email="ilo@ex.org"),
        area=area,
        item=factories.WorkItemFactory(priority_area=area, lead_organisation=organisation),
    )


@pytest.fixture
def pledge(world, organisation):
    return factories.PledgeFactory(
        term=world.current,
        organisation=organisation,
        title="Include survivors",
        priority_areas=[world.area],
        work_items=[world.item],
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- Services ------------------------------------------------------------------------------------


def test_a_chair_records_a_pledge_on_areas_and_items(world, focal_point, organisation):
    pledge = services.pledge_create(
        actor=focal_point,
        term=world.current,
        organisation=organisation,
        title="  Include survivors  ",
        text="Survivors inform the policy work.",
        target="By the end of the term",
        priority_areas=[world.area],
        work_items=[world.item],
    )
    assert pledge.title == "Include survivors"
    assert list(pledge.priority_areas.all()) == [world.area]
    assert list(pledge.work_items.all()) == [world.item]
    assert pledge.status == Pledge.Status.NOT_STARTED and pledge.last_progress_at is None


def test_only_a_chair_of_the_term_pledges_for_it(world, secretariat):
    stranger = factories.OrganisationFactory(acronym="OSCE")
    with pytest.raises(ValidationError) as error:
        services.pledge_create(
            actor=secretariat, term=world.current, organisation=stranger, title="Not ours"
        )
    assert "organisation" in error.value.message_dict
    assert not Pledge.objects.exists()


def test_a_pledge_edit_is_version_checked(pledge, focal_point):
    version = pledge.version
    services.pledge_update(pledge=pledge, actor=focal_point, version=version, title="First")
    with pytest.raises(ConflictError):
        services.pledge_update(
            pledge=fresh(pledge), actor=focal_point, version=version, title="Second"
        )
    assert fresh(pledge).title == "First"


def test_editing_the_areas_and_items_replaces_them(pledge, focal_point, world):
    other_area = factories.PriorityAreaFactory(plan=world.area.plan)
    services.pledge_update(
        pledge=pledge,
        actor=focal_point,
        version=pledge.version,
        priority_areas=[other_area],
        work_items=[],
    )
    assert list(pledge.priority_areas.all()) == [other_area]
    assert not pledge.work_items.exists()


def test_a_progress_update_sets_the_pledges_status_and_percent(pledge, focal_point):
    version = pledge.version
    update = services.pledge_progress_post(
        pledge=pledge,
        actor=focal_point,
        narrative="Consultations held.",
        status=Pledge.Status.AT_RISK,
        percent_complete=40,
    )
    pledge = fresh(pledge)
    assert (pledge.status, pledge.percent_complete) == ("at_risk", 40)
    assert pledge.last_progress_at is not None and pledge.version == version + 1
    assert update.author == focal_point


def test_a_report_on_the_past_joins_the_history_without_changing_the_pledge(pledge, focal_point):
    services.pledge_progress_post(
        pledge=pledge, actor=focal_point, narrative="Now", status="on_track", percent_complete=50
    )
    services.pledge_progress_post(
        pledge=pledge,
        actor=focal_point,
        narrative="Earlier",
        status="off_track",
        percent_complete=10,
        reported_on=timezone.localdate() - timedelta(days=5),
    )
    assert (fresh(pledge).status, fresh(pledge).percent_complete) == ("on_track", 50)
    assert PledgeUpdate.objects.filter(pledge=pledge).count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"narrative": "  "}, "narrative"),
        ({"status": "cancelled"}, "status"),
        ({"percent_complete": 101}, "percent_complete"),
        ({"reported_on": date.today() + timedelta(days=3)}, "reported_on"),  # noqa: DTZ011
        ({"status": "done", "percent_complete": 90}, "percent_complete"),
    ],
)
def test_a_bad_progress_update_is_refused_and_changes_nothing(pledge, focal_point, fields, field):
    values = {"narrative": "Fine", "status": "on_track", "percent_complete": 30, **fields}
    with pytest.raises(ValidationError) as error:
        services.pledge_progress_post(pledge=pledge, actor=focal_point, **values)
    assert field in error.value.message_dict
    assert not PledgeUpdate.objects.exists()
    assert fresh(pledge).status == Pledge.Status.NOT_STARTED


def test_the_pledge_report_is_written_then_rewritten_with_a_version_check(world):
    author = world.outgoing_focal
    report = services.pledge_report_save(
        term=world.outgoing,
        organisation=world.outgoing_org,
        actor=author,
        text="We pledged; we did.",
        version=0,
    )
    assert report.version == 1 and report.written_by == author
    services.pledge_report_save(
        term=world.outgoing, organisation=world.outgoing_org, actor=author, text="v2", version=1
    )
    for stale in (0, 1):  # a first report written meanwhile is a conflict too
        with pytest.raises(ConflictError):
            services.pledge_report_save(
                term=world.outgoing,
                organisation=world.outgoing_org,
                actor=author,
                text="lost",
                version=stale,
            )
    assert PledgeReport.objects.get().text == "v2"


def test_an_empty_pledge_report_is_refused(world):
    with pytest.raises(ValidationError):
        services.pledge_report_save(
            term=world.outgoing,
            organisation=world.outgoing_org,
            actor=world.outgoing_focal,
            text="   ",
            version=0,
        )
    assert not PledgeReport.objects.exists()


# --- Permissions ---------------------------------------------------------------------------------


def test_the_current_incoming_and_outgoing_chairs_pledge_for_their_own_term(
    world, focal_point, organisation
):
    assert permissions.can_pledge(focal_point, world.current, organisation)
    assert permissions.can_pledge(world.incoming_focal, world.incoming, world.incoming_org)
    assert permissions.can_pledge(world.outgoing_focal, world.outgoing, world.outgoing_org)
    # Not for another organisation, nor for a term long past, nor for another term.
    assert not permissions.can_pledge(world.other_focal, world.current, organisation)
    assert not permissions.can_pledge(focal_point, world.long_past, organisation)
    assert not permissions.can_pledge(world.incoming_focal, world.current, world.incoming_org)


def test_the_outgoing_chairs_stop_pledging_after_the_outgoing_days(world, settings, time_machine):
    # The term ended ten days ago: its chairs act until the OUTGOING_CHAIR_DAYS-th day after.
    time_machine.move_to(
        timezone.now() + timedelta(days=settings.OUTGOING_CHAIR_DAYS - 10), tick=False
    )
    assert permissions.can_pledge(world.outgoing_focal, world.outgoing, world.outgoing_org)
    time_machine.move_to(timezone.now() + timedelta(days=1), tick=False)
    outgoing = ChairTerm.objects.get(pk=world.outgoing.pk)
    assert not permissions.can_pledge(world.outgoing_focal, outgoing, world.outgoing_org)


def test_only_the_outgoing_chairs_and_the_secretariat_write_the_pledge_report(
    world, focal_point, organisation, secretariat
):
    assert permissions.can_write_pledge_report(
        world.outgoing_focal, world.outgoing, world.outgoing_org
    )
    assert permissions.can_write_pledge_report(secretariat, world.long_past, organisation)
    assert not permissions.can_write_pledge_report(focal_point, world.current, organisation)
    assert not permissions.can_write_pledge_report(
        world.incoming_focal, world.incoming, world.incoming_org
    )


def test_principals_and_observers_do_not_pledge(world, principal, observer, organisation):
    for person in (principal, observer):
        assert not permissions.can_pledge(person, world.current, organisation)
        assert permissions.can_read_pledges(person, world.current)
        # The incoming chairs' pledges are drafts until their term starts.
        assert not permissions.can_read_pledges(person, world.incoming)


def test_the_service_refuses_whom_the_rules_refuse(world, principal, organisation):
    with pytest.raises(PermissionDenied):
        services.pledge_create(
            actor=principal, term=world.current, organisation=organisation, title="No"
        )


# --- Views: the wrong role gets 403 and nothing changes ------------------------------------------


def mutating_requests(world, pledge, organisation):
    return [
        (
            reverse("workplans:pledge_create", args=[world.current.pk, organisation.pk]),
            {"title": "Refused", "text": "", "target": ""},
        ),
        (
            reverse("workplans:pledge_edit", args=[pledge.pk]),
            {"title": "Refused", "text": "", "target": "", "version": pledge.version},
        ),
        (
            reverse("workplans:pledge_progress", args=[pledge.pk]),
            {
                "narrative": "Refused",
                "status": "done",
                "percent_complete": 100,
                "reported_on": timezone.localdate().isoformat(),
            },
        ),
        (
            reverse("workplans:pledge_report", args=[world.current.pk, organisation.pk]),
            {"text": "Refused", "version": 0},
        ),
    ]


def snapshot():
    return (
        list(Pledge.objects.values_list("pk", "title", "status", "version")),
        PledgeUpdate.objects.count(),
        PledgeReport.objects.count(),
    )


@pytest.mark.parametrize("who", ["principal", "observer", "other_focal"])
def test_every_pledge_view_refuses_another_role_and_changes_nothing(
    client, request, who, world, pledge, organisation
):
    person = world.other_focal if who == "other_focal" else request.getfixturevalue(who)
    client.force_login(person)
    before = snapshot()
    for url, data in mutating_requests(world, pledge, organisation):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_a_current_chair_may_not_write_the_pledge_report_yet(client, world, focal_point):
    client.force_login(focal_point)
    url = reverse("workplans:pledge_report", args=[world.current.pk, focal_point.organisation_id])
    assert client.post(url, {"text": "Too early", "version": 0}).status_code == 403
    assert not PledgeReport.objects.exists()


def test_an_organisation_that_does_not_chair_the_term_is_not_found(client, world, secretariat):
    client.force_login(secretariat)
    url = reverse("workplans:pledge_create", args=[world.current.pk, world.incoming_org.pk])
    assert client.get(url).status_code == 404


def test_a_chair_records_a_pledge_through_the_form_once(client, world, focal_point, organisation):
    client.force_login(focal_point)
    url = reverse("workplans:pledge_create", args=[world.current.pk, organisation.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="once"' in page.content.decode()
    data = {
        "title": "Brief Member States",
        "text": "Twice a year.",
        "target": "Two briefings",
        "priority_areas": [world.area.pk],
        "work_items": [world.item.pk],
        "once": "6f1c1d1e-9d9b-4d3a-9a55-3f0f6a1a2b3c",
    }
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    pledge = Pledge.objects.get()
    assert first["Location"] == pledge.get_absolute_url()
    assert list(pledge.work_items.all()) == [world.item]


def test_the_pledge_form_says_what_is_missing(client, world, focal_point, organisation):
    client.force_login(focal_point)
    url = reverse("workplans:pledge_create", args=[world.current.pk, organisation.pk])
    response = client.post(url, {"title": "", "priority_areas": ["999999"]})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"title", "priority_areas"}
    assert not Pledge.objects.exists()


def test_editing_a_pledge_someone_saved_meanwhile_shows_the_conflict(client, pledge, focal_point):
    client.force_login(focal_point)
    url = reverse("workplans:pledge_edit", args=[pledge.pk])
    stale = pledge.version
    services.pledge_update(pledge=pledge, actor=focal_point, version=stale, title="Theirs")
    response = client.post(url, {"title": "Mine", "text": "", "target": "", "version": stale})
    assert response.status_code == 200 and response.context["conflict"]
    assert fresh(pledge).title == "Theirs"


def test_a_chair_posts_progress_through_the_form(client, pledge, focal_point):
    client.force_login(focal_point)
    url = reverse("workplans:pledge_progress", args=[pledge.pk])
    assert 'name="once"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "narrative": "Guidance drafted.",
            "status": "on_track",
            "percent_complete": 30,
            "reported_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == pledge.get_absolute_url()
    assert fresh(pledge).percent_complete == 30
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    refused = client.post(
        url, {"narrative": "x", "status": "on_track", "percent_complete": 5, "reported_on": future}
    )
    assert refused.status_code == 200 and "reported_on" in refused.context["form"].errors
    assert PledgeUpdate.objects.count() == 1


def test_the_outgoing_chair_writes_the_pledge_report_through_the_form(client, world):
    client.force_login(world.outgoing_focal)
    url = reverse("workplans:pledge_report", args=[world.outgoing.pk, world.outgoing_org.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"text": "", "version": 0})
    assert empty.status_code == 200 and "text" in empty.context["form"].errors
    response = client.post(url, {"text": "We pledged; we did.", "version": 0})
    assert response.status_code == 302
    again = client.post(url, {"text": "Overwrite?", "version": 0})  # opened before the first
    assert again.status_code == 200 and again.context["conflict"]
    assert PledgeReport.objects.get().text == "We pledged; we did."


def test_the_pledge_page_shows_its_history_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, pledge, focal_point, observer, world
):
    client.force_login(observer)
    url = reverse("workplans:pledge_detail", args=[pledge.pk])

    def grow(n):
        for i in range(PledgeUpdate.objects.count(), PledgeUpdate.objects.count() + n):
            factories.PledgeUpdateFactory(pledge=pledge, author=focal_point, narrative=f"U{i}")
            pledge.work_items.add(
                factories.WorkItemFactory(priority_area=world.area, title=f"More work {i}")
            )

    grow(2)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200 and "U1" in response.content.decode()
    grow(20)
    with django_assert_max_num_queries(14):
        assert "U21" in client.get(url).content.decode()


# --- The term page's section ---------------------------------------------------------------------


def test_the_term_section_shows_each_chairs_pledges_and_the_links_to_act(
    world, pledge, focal_point, observer, organisation
):
    assert "workplans.terms.pledges_section" in registry.term_sections
    services.pledge_progress_post(
        pledge=pledge,
        actor=focal_point,
        narrative="Consultations held online.",
        status="on_track",
        percent_complete=45,
    )
    block = pledges_section(world.current, focal_point)
    assert block is not None
    html = render_to_string(block.template, block.context)
    assert "Include survivors" in html and "45%" in html
    assert "Consultations held online." in html
    assert world.area.get_absolute_url() in html and world.item.get_absolute_url() in html
    assert reverse("workplans:pledge_create", args=[world.current.pk, organisation.pk]) in html
    assert reverse("workplans:pledge_progress", args=[pledge.pk]) in html
    # ILO, the other chair, has recorded nothing yet; the viewer cannot act for it.
    assert "ILO has recorded no pledge" in html
    other = reverse(
        "workplans:pledge_create", args=[world.current.pk, world.other_focal.organisation_id]
    )
    assert other not in html

    seen = pledges_section(ChairTerm.objects.get(pk=world.current.pk), observer)
    assert seen is not None
    html = render_to_string(seen.template, seen.context)
    assert "Include survivors" in html and "pledges/new/" not in html and "/progress/" not in html


def test_the_term_section_shows_the_pledge_report_and_the_report_link(world):
    services.pledge_report_save(
        term=world.outgoing,
        organisation=world.outgoing_org,
        actor=world.outgoing_focal,
        text="What we did in our term.",
        version=0,
    )
    block = pledges_section(world.outgoing, world.outgoing_focal)
    html = render_to_string(block.template, block.context)
    assert "What we did in our term." in html
    assert (
        reverse("workplans:pledge_report", args=[world.outgoing.pk, world.outgoing_org.pk]) in html
    )


def test_the_term_page_shows_the_pledges_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, world, organisation, focal_point
):
    client.force_login(focal_point)
    url = world.current.get_absolute_url()

    def grow(n):
        for i in range(Pledge.objects.count(), Pledge.objects.count() + n):
            p = factories.PledgeFactory(
                term=world.current,
                organisation=organisation,
                title=f"Pledge number {i}",
                priority_areas=[factories.PriorityAreaFactory(plan=world.area.plan)],
                work_items=[factories.WorkItemFactory(priority_area=world.area)],
            )
            factories.PledgeUpdateFactory(pledge=p, author=focal_point)

    grow(2)
    response = client.get(url)
    assert response.status_code == 200 and "Pledge number 1" in response.content.decode()
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    grow(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Pledge number 16" in client.get(url).content.decode()


# --- The handover's work items -------------------------------------------------------------------


def test_the_handover_lists_the_items_of_pledged_areas_and_those_at_risk_or_overdue(world):
    assert "workplans.handover.work_items" in registry.handover_sources
    today = world.today
    owner = factories.PersonFactory(organisation=world.outgoing_org, email="owner@ex.org")
    pledged_area = factories.PriorityAreaFactory(plan=world.area.plan, title="Pledged")
    factories.PledgeFactory(
        term=world.outgoing, organisation=world.outgoing_org, priority_areas=[pledged_area]
    )
    in_area = factories.WorkItemFactory(
        priority_area=pledged_area, owner=owner, due_on=today + timedelta(days=40)
    )
    done_in_area = factories.WorkItemFactory(priority_area=pledged_area, status="done")
    named = factories.WorkItemFactory(title="Named by a pledge")
    factories.PledgeFactory(
        term=world.outgoing, organisation=world.outgoing_org, work_items=[named]
    )
    at_risk = factories.WorkItemFactory(status="at_risk")
    overdue = factories.WorkItemFactory(due_on=today - timedelta(days=3))
    calm = factories.WorkItemFactory(due_on=today + timedelta(days=3))
    cancelled_overdue = factories.WorkItemFactory(
        status="cancelled", due_on=today - timedelta(days=3)
    )

    entries = {e.reference: e for e in handover_work_items(world.incoming, world.outgoing)}
    expected = {in_area, named, at_risk, overdue}
    assert set(entries) == {f"workplans.workitem:{i.pk}" for i in expected}
    assert not {done_in_area.pk, calm.pk, cancelled_overdue.pk} & {
        int(r.split(":")[1]) for r in entries
    }
    entry = entries[f"workplans.workitem:{in_area.pk}"]
    assert entry.title == in_area.title and entry.url == in_area.get_absolute_url()
    assert entry.owner_id == owner.pk and entry.due_on is None
    assert "pledges" in entry.detail and owner.full_name in entry.detail
    assert "overdue" in entries[f"workplans.workitem:{overdue.pk}"].detail
    # Without an outgoing term, only what is at risk or overdue.
    alone = {e.reference for e in handover_work_items(world.incoming, None)}
    assert alone == {f"workplans.workitem:{i.pk}" for i in (at_risk, overdue)}


def test_the_handover_source_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    area = factories.PriorityAreaFactory(plan=world.area.plan)
    factories.PledgeFactory(
        term=world.outgoing, organisation=world.outgoing_org, priority_areas=[area]
    )
    for size in (3, 30):
        for _ in range(size):
            factories.WorkItemFactory(
                priority_area=area, owner=factories.PersonFactory(), status="at_risk"
            )
        with django_assert_max_num_queries(1):
            entries = handover_work_items(world.incoming, world.outgoing)
        assert len(entries) >= size


# --- The annual report ---------------------------------------------------------------------------


def test_the_annual_report_includes_the_pledges_and_reports_of_the_terms_of_its_year(
    client, secretariat, organisation
):
    plan = factories.WorkPlanFactory(first_year=2021, last_year=2023)
    area = factories.PriorityAreaFactory(plan=plan, title="Procurement")
    term = factories.ChairTermFactory(
        starts_on=date(2022, 1, 1), ends_on=date(2022, 12, 31), organisations=[organisation]
    )
    factories.PledgeFactory(
        term=term,
        organisation=organisation,
        title="Prevent trafficking in procurement",
        priority_areas=[area],
        status="at_risk",
        percent_complete=35,
    )
    factories.PledgeReportFactory(
        term=term, organisation=organisation, text="We pledged; the drafting was delayed."
    )
    client.force_login(secretariat)
    html = client.get(reverse("workplans:report", args=[plan.pk, 2022])).content.decode()
    assert "Prevent trafficking in procurement" in html
    assert "We pledged; the drafting was delayed." in html
    assert "At risk" in html and area.get_absolute_url() in html
    other_year = client.get(reverse("workplans:report", args=[plan.pk, 2021])).content.decode()
    assert "We pledged; the drafting was delayed." not in other_year
    pdf = client.get(reverse("workplans:report_pdf", args=[plan.pk, 2022]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_pledges_of_a_year_take_a_fixed_number_of_queries(django_assert_num_queries):
    organisations = [factories.OrganisationFactory() for _ in range(2)]

    def term(year):
        t = factories.ChairTermFactory(
            starts_on=date(year, 1, 1), ends_on=date(year, 12, 31), organisations=organisations
        )
        for organisation in organisations:
            factories.PledgeFactory(term=t, organisation=organisation)
            factories.PledgeReportFactory(term=t, organisation=organisation)

    term(2022)
    with django_assert_num_queries(7):
        small = selectors.pledges_of_year(2022)
    assert [len(c.pledges) for c in small[0].chairs] == [1, 1]
    for _ in range(5):
        factories.PledgeFactory(term=ChairTerm.objects.get(), organisation=organisations[0])
    with django_assert_num_queries(7):
        big = selectors.pledges_of_year(2022)
    assert len(big[0].chairs[0].pledges) + len(big[0].chairs[1].pledges) == 7
    assert big[0].chairs[0].report is not None


# --- The demonstration ---------------------------------------------------------------------------


def test_the_demonstration_has_the_2022_pledges_their_report_and_the_current_chairs(db):
    from coordination.demo import load_everything

    load_everything()
    term_2022 = ChairTerm.objects.get(starts_on=date(2022, 1, 1))
    assert term_2022.pledges.count() == 7
    assert PledgeReport.objects.filter(term=term_2022).count() == 2
    current = ChairTerm.objects.covering(group_today()).get()
    current_pledges = Pledge.objects.filter(term=current)
    assert current_pledges.count() >= 4
    assert current_pledges.filter(work_items__isnull=False).exists()
    assert PledgeUpdate.objects.filter(pledge__term=current).exists()
    counts = (Pledge.objects.count(), PledgeUpdate.objects.count(), PledgeReport.objects.count())
    load_everything()
    assert (
        Pledge.objects.count(),
        PledgeUpdate.objects.count(),
        PledgeReport.objects.count(),
    ) == counts
    assert WorkItem.objects.exists()
