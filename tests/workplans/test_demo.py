from __future__ import annotations

import pytest
from django.core.management import call_command

from coordination.models import Organisation
from workplans.models import ProgressUpdate, WorkItem, WorkPlan
from workplans.selectors import organisation_work

pytestmark = pytest.mark.django_db


def test_demo_plan_has_the_seeded_priority_areas_and_varied_items():
    call_command("load_demo")
    plan = WorkPlan.objects.get()
    areas = [a.title for a in plan.priority_areas.all()]
    assert areas[0] == "Inclusion of survivors' voices"
    assert "Preventing trafficking in persons in procurement" in areas
    assert any("humanitarian crises" in a for a in areas)
    statuses = set(WorkItem.objects.values_list("status", flat=True))
    assert statuses >= {"not_started", "on_track", "at_risk", "off_track", "done"}
    assert ProgressUpdate.objects.count() > 20


def test_every_member_has_work_on_its_dashboard():
    call_command("load_demo")
    for organisation in Organisation.objects.all():
        assert organisation_work(organisation.pk), organisation.acronym


def test_loading_the_plan_twice_changes_nothing():
    call_command("load_demo")
    counts = (WorkItem.objects.count(), ProgressUpdate.objects.count())
    call_command("load_demo")
    assert (WorkItem.objects.count(), ProgressUpdate.objects.count()) == counts
