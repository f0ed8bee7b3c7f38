from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import IdsField, VersionedModelForm, narrow_choices
from coordination.models import Organisation, Person
from coordination.selectors import assignable_people
from workplans.models import Milestone, PriorityArea, ProgressUpdate, WorkItem, WorkPlan
from workplans.permissions import organisation_ids_of
from workplans.services import (
    AREA_FIELDS,
    ITEM_FIELDS,
    ITEM_FIELDS_FOR_MEMBERS,
    PLAN_FIELDS,
    item_fields_for,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkPlanForm(VersionedModelForm):
    class Meta:
        model = WorkPlan
        fields = list(PLAN_FIELDS)
        widgets = {"adopted_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = bool(self.instance.pk)


class PriorityAreaForm(VersionedModelForm):
    class Meta:
        model = PriorityArea
        fields = list(AREA_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = bool(self.instance.pk)
        self.fields["position"].required = False


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return (
            f"{obj.full_name} ({obj.organisation.acronym})" if obj.organisation else obj.full_name
        )


class WorkItemForm(VersionedModelForm):
    """The whole item, for the secretariat and the chairs."""

    class Meta:
        model = WorkItem
        fields = list(ITEM_FIELDS)
        widgets = {
            "start_on": DATE,
            "due_on": DATE,
            "contributing_organisations": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"owner": PersonChoiceField, "contributing_organisations": IdsField}

    def __init__(self, *args: Any, plan: WorkPlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = bool(self.instance.pk)
        plan = plan or (self.instance.priority_area.plan if self.instance.pk else None)
        if plan is not None:
            narrow_choices(self, priority_area=plan.priority_areas.all())
        narrow_choices(
            self,
            lead_organisation=Organisation.objects.current(),
            contributing_organisations=Organisation.objects.current(),
            # Grouped by organisation in the drop-down (PersonChoiceField).
            owner=assignable_people().order_by("organisation__acronym", "full_name"),
        )
        if "owner" in self.fields:
            self.fields["owner"].help_text = _(
                "A person of the lead or a contributing organisation."
            )


class MemberWorkItemForm(WorkItemForm):
    """What the focal points of the item's organisations change."""

    class Meta(WorkItemForm.Meta):
        fields = list(ITEM_FIELDS_FOR_MEMBERS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        narrow_choices(
            self,
            owner=assignable_people()
            .filter(organisation_id__in=organisation_ids_of(self.instance))
            .order_by("organisation__acronym", "full_name"),
        )


def work_item_form_for(user: Person) -> type[WorkItemForm]:
    """The edit form offering exactly the fields services.work_item_update lets `user` change."""
    return MemberWorkItemForm if item_fields_for(user) == ITEM_FIELDS_FOR_MEMBERS else WorkItemForm


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["reported_on", "status", "percent_complete", "narrative"]
        widgets = {
            "reported_on": DATE,
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "percent_complete": forms.NumberInput(
                attrs={"min": 0, "max": 100, "step": 5, "inputmode": "numeric"}
            ),
        }
        help_texts = {
            "narrative": _("What was done since the last update, and what comes next."),
        }

    def __init__(self, *args: Any, item: WorkItem, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": item.status,
                "percent_complete": item.percent_complete,
                "reported_on": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DATE}
