from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from common.versioning import ConflictError
from tests import factories
from workplans import services
from workplans.models import ProgressUpdate, WorkItem, WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(organisation, other_organisation):
    """An item UNICEF leads and ILO contributes to."""
    return factories.WorkItemFactory(
        lead_organisation=organisation, contributing_organisations=[other_organisation]
    )


@pytest.fixture
def contributor(other_organisation):
    return factories.PersonFactory(organisation=other_organisation, email="contributor@example.org")


@pytest.fixture
def outsider():
    return factories.PersonFactory(
        organisation=factories.OrganisationFactory(acronym="IOM"), email="iom@example.org"
    )


@pytest.fixture
def chair(organisation):
    chair_org = factories.OrganisationFactory(acronym="ICMPD")
    factories.ChairTermFactory(
        starts_on=timezone.localdate() - timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=5),
        organisations=[chair_org],
    )
    return factories.PersonFactory(organisation=chair_org, email="chair@example.org")


class TestPlans:
    def test_secretariat_and_chair_create_plans(self, secretariat, chair):
        for actor in (secretariat, chair):
            plan = services.work_plan_create(
                actor=actor, title=f"Plan by {actor.email}", first_year=2025, last_year=2027
            )
            assert LogEntry.objects.get_for_object(plan).get().actor == actor

    @pytest.mark.parametrize("who", ["focal_point", "principal", "observer"])
    def test_others_cannot_create_plans(self, request, who):
        with pytest.raises(PermissionDenied):
            services.work_plan_create(
                actor=request.getfixturevalue(who), title="X", first_year=2025, last_year=2026
            )
        assert not WorkPlan.objects.exists()

    def test_years_must_be_in_order(self, secretariat):
        with pytest.raises(ValidationError):
            services.work_plan_create(
                actor=secretariat, title="Backwards", first_year=2027, last_year=2025
            )

    def test_priority_areas_are_numbered_in_order(self, secretariat):
        plan = factories.WorkPlanFactory()
        first = services.priority_area_create(plan=plan, actor=secretariat, title="First")
        second = services.priority_area_create(plan=plan, actor=secretariat, title="Second")
        assert (first.position, second.position) == (1, 2)

    def test_focal_point_cannot_add_a_priority_area(self, focal_point):
        plan = factories.WorkPlanFactory()
        with pytest.raises(PermissionDenied):
            services.priority_area_create(plan=plan, actor=focal_point, title="Mine")


class TestItems:
    def test_chair_creates_an_item_with_contributors(self, chair, organisation, other_organisation):
        area = factories.PriorityAreaFactory()
        item = services.work_item_create(
            actor=chair,
            priority_area=area,
            title="Brief",
            lead_organisation=organisation,
            contributing_organisations=[other_organisation, organisation],
        )
        # The lead is not also a contributor.
        assert list(item.contributing_organisations.all()) == [other_organisation]

    def test_lead_focal_point_edits_content_but_not_who_leads(
        self, item, focal_point, other_organisation
    ):
        services.work_item_update(
            item=item, actor=focal_point, version=item.version, title="Renamed"
        )
        item.refresh_from_db()
        assert item.title == "Renamed"
        with pytest.raises(TypeError):
            services.work_item_update(
                item=item,
                actor=focal_point,
                version=item.version,
                lead_organisation=other_organisation,
            )

    def test_contributing_focal_point_may_edit(self, item, contributor):
        services.work_item_update(
            item=item, actor=contributor, version=item.version, description="Our part"
        )
        assert WorkItem.objects.get(pk=item.pk).description == "Our part"

    @pytest.mark.parametrize("who", ["outsider", "principal", "observer"])
    def test_others_cannot_edit_an_item(self, request, item, who):
        with pytest.raises(PermissionDenied):
            services.work_item_update(
                item=item,
                actor=request.getfixturevalue(who),
                version=item.version,
                title="Hijacked",
            )
        assert WorkItem.objects.get(pk=item.pk).title != "Hijacked"

    def test_owner_must_belong_to_the_items_organisations(self, item, focal_point, outsider):
        with pytest.raises(ValidationError):
            services.work_item_update(
                item=item, actor=focal_point, version=item.version, owner=outsider
            )

    def test_done_means_complete(self, item, focal_point):
        with pytest.raises(ValidationError):
            services.work_item_update(
                item=item,
                actor=focal_point,
                version=item.version,
                status="done",
                percent_complete=80,
            )

    def test_an_edit_against_an_old_version_is_refused(self, item, focal_point, contributor):
        opened = item.version
        services.work_item_update(
            item=WorkItem.objects.get(pk=item.pk), actor=contributor, version=opened, title="Theirs"
        )
        with pytest.raises(ConflictError):
            services.work_item_update(
                item=WorkItem.objects.get(pk=item.pk),
                actor=focal_point,
                version=opened,
                title="Mine",
            )
        assert WorkItem.objects.get(pk=item.pk).title == "Theirs"

    def test_secretariat_changes_contributors_and_the_history_says_so(
        self, item, secretariat, outsider
    ):
        services.work_item_update(
            item=item,
            actor=secretariat,
            version=item.version,
            contributing_organisations=[outsider.organisation],
        )
        assert list(item.contributing_organisations.all()) == [outsider.organisation]
        assert LogEntry.objects.get_for_object(item).filter(actor=secretariat).exists()


class TestProgressUpdates:
    def test_an_update_sets_the_items_status_percent_and_freshness(self, item, contributor):
        before = item.version
        update = services.progress_update_post(
            item=item,
            actor=contributor,
            narrative="Draft circulated",
            status="at_risk",
            percent_complete=55,
        )
        item.refresh_from_db()
        assert (item.status, item.percent_complete) == ("at_risk", 55)
        assert item.last_progress_at >= update.created_at - timedelta(seconds=1)
        assert item.version == before + 1  # an edit form opened before the update notices it
        assert update.organisation == contributor.organisation

    def test_an_update_makes_an_open_edit_form_conflict(self, item, focal_point, contributor):
        opened = item.version
        services.progress_update_post(
            item=item, actor=contributor, narrative="x", status="off_track", percent_complete=10
        )
        with pytest.raises(ConflictError):
            services.work_item_update(
                item=WorkItem.objects.get(pk=item.pk),
                actor=focal_point,
                version=opened,
                status="on_track",
            )

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"narrative": "  ", "status": "on_track", "percent_complete": 10}, "narrative"),
            ({"narrative": "x", "status": "bogus", "percent_complete": 10}, "status"),
            ({"narrative": "x", "status": "on_track", "percent_complete": 101}, "percent_complete"),
            ({"narrative": "x", "status": "done", "percent_complete": 90}, "percent_complete"),
        ],
    )
    def test_bad_updates_are_refused_and_change_nothing(self, item, focal_point, data, field):
        with pytest.raises(ValidationError) as error:
            services.progress_update_post(item=item, actor=focal_point, **data)
        assert field in error.value.message_dict
        assert not ProgressUpdate.objects.exists()
        assert WorkItem.objects.get(pk=item.pk).status == "on_track"

    def test_a_future_date_is_refused(self, item, focal_point):
        with pytest.raises(ValidationError):
            services.progress_update_post(
                item=item,
                actor=focal_point,
                narrative="x",
                status="on_track",
                percent_complete=1,
                reported_on=timezone.localdate() + timedelta(days=3),
            )

    @pytest.mark.parametrize("who", ["outsider", "principal", "observer"])
    def test_others_cannot_post_updates(self, request, item, who):
        with pytest.raises(PermissionDenied):
            services.progress_update_post(
                item=item,
                actor=request.getfixturevalue(who),
                narrative="x",
                status="done",
                percent_complete=100,
            )
        assert not ProgressUpdate.objects.exists()

    def test_the_progress_audit_row_is_marked_so_the_timeline_skips_it(self, item, focal_point):
        from workplans.selectors import item_detail, item_timeline

        changes_before = [e for e in item_timeline(item_detail(item.pk)) if e.kind == "change"]
        services.progress_update_post(
            item=item, actor=focal_point, narrative="x", status="at_risk", percent_complete=25
        )
        timeline = item_timeline(item_detail(item.pk))
        assert [e.kind for e in timeline].count("update") == 1
        assert len([e for e in timeline if e.kind == "change"]) == len(changes_before)
        # ...while the audit history itself keeps the status change.
        assert (
            LogEntry.objects.get_for_object(item)
            .filter(additional_data__has_key="progress_update")
            .count()
            == 1
        )


class TestMilestones:
    def test_member_adds_and_completes_a_milestone(self, item, contributor):
        milestone = services.milestone_add(
            item=item, actor=contributor, title="Draft", due_on=timezone.localdate()
        )
        services.milestone_set_done(milestone=milestone, actor=contributor, done=True)
        milestone.refresh_from_db()
        assert milestone.done_on == timezone.localdate()

    def test_outsider_cannot_touch_milestones(self, item, outsider, focal_point):
        milestone = services.milestone_add(item=item, actor=focal_point, title="Draft")
        with pytest.raises(PermissionDenied):
            services.milestone_set_done(milestone=milestone, actor=outsider, done=True)
        with pytest.raises(PermissionDenied):
            services.milestone_remove(milestone=milestone, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.milestone_add(item=item, actor=outsider, title="Mine")


class TestFoundInReview:
    def test_a_backdated_update_joins_the_history_but_keeps_the_current_state(
        self, item, focal_point
    ):
        services.progress_update_post(
            item=item, actor=focal_point, narrative="Now", status="at_risk", percent_complete=60
        )
        services.progress_update_post(
            item=item,
            actor=focal_point,
            narrative="Earlier",
            status="not_started",
            percent_complete=0,
            reported_on=timezone.localdate() - timedelta(days=200),
        )
        item.refresh_from_db()
        assert (item.status, item.percent_complete) == ("at_risk", 60)
        assert ProgressUpdate.objects.count() == 2

    def test_a_closed_plan_no_longer_changes(self, item, secretariat, focal_point):
        WorkPlan.objects.filter(pk=item.priority_area.plan_id).update(status="closed")
        item = WorkItem.objects.get(pk=item.pk)
        with pytest.raises(ValidationError):
            services.work_item_update(
                item=item, actor=secretariat, version=item.version, title="Late"
            )
        with pytest.raises(ValidationError):
            services.progress_update_post(
                item=item, actor=focal_point, narrative="x", status="on_track", percent_complete=1
            )
        with pytest.raises(ValidationError):
            services.priority_area_create(
                plan=item.priority_area.plan, actor=secretariat, title="New"
            )

    def test_an_update_is_credited_to_its_authors_organisation(self, item, secretariat):
        update = services.progress_update_post(
            item=item, actor=secretariat, narrative="x", status="on_track", percent_complete=5
        )
        assert update.organisation == secretariat.organisation

    def test_a_removed_milestone_stays_in_the_timeline(self, item, focal_point):
        from workplans.selectors import item_detail, item_timeline

        milestone = services.milestone_add(item=item, actor=focal_point, title="Draft")
        services.milestone_remove(milestone=milestone, actor=focal_point)
        changes = [e.change for e in item_timeline(item_detail(item.pk)) if e.kind == "change"]
        assert any(c.action == c.Action.DELETE and c.object_repr == "Draft" for c in changes)
