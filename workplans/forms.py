from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import IdsField, VersionedModelForm, narrow_choices
from coordination.models import Organisation, Person
from coordination.selectors import assignable_people
from workplans.models import (
    Milestone,
    Pledge,
    PledgeReport,
    PledgeUpdate,
    PriorityArea,
    ProgressUpdate,
    WorkItem,
    WorkPlan,
)
from workplans.permissions import organisation_ids_of
from workplans.services import (
    AREA_FIELDS,
    ITEM_FIELDS,
    ITEM_FIELDS_FOR_MEMBERS,
    PLAN_FIELDS,
    PLEDGE_FIELDS,
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


# --- Chairs' pledges -----------------------------------------------------------------------------


class WorkItemChoiceField(IdsField):
    def label_from_instance(self, obj: WorkItem) -> str:
        return f"{obj.title} ({obj.lead_organisation.acronym})"


class PledgeForm(VersionedModelForm):
    """What a pledge says and concerns; its progress is posted as updates (PledgeUpdateForm)."""

    class Meta:
        model = Pledge
        fields = list(PLEDGE_FIELDS)
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "priority_areas": forms.CheckboxSelectMultiple,
            "work_items": forms.CheckboxSelectMultiple,
        }
        field_classes = {"priority_areas": IdsField, "work_items": WorkItemChoiceField}
        help_texts = {
            "priority_areas": _("The priority areas of the work plan the pledge advances."),
            "work_items": _("Open work items the pledge concerns."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = bool(self.instance.pk)
        # What is open to new work, and whatever the pledge already names (an item done since
        # stays ticked rather than silently dropped on the next save).
        areas = Q(pk__in=[])
        items = Q(pk__in=[])
        if self.instance.pk:
            areas = Q(pledges=self.instance)
            items = Q(pledges=self.instance)
        narrow_choices(
            self,
            priority_areas=PriorityArea.objects.filter(
                ~Q(plan__status=WorkPlan.Status.CLOSED) | areas
            )
            .distinct()
            .order_by("plan", "position", "pk"),
            work_items=WorkItem.objects.filter(
                (
                    ~Q(status__in=WorkItem.CLOSED_STATUSES)
                    & ~Q(priority_area__plan__status=WorkPlan.Status.CLOSED)
                )
                | items
            )
            .select_related("lead_organisation")
            .distinct()
            .order_by("priority_area__position", "title", "pk"),
        )


class PledgeUpdateForm(forms.ModelForm):
    class Meta:
        model = PledgeUpdate
        fields = ["reported_on", "status", "percent_complete", "narrative"]
        widgets = {
            "reported_on": DATE,
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "percent_complete": forms.NumberInput(
                attrs={"min": 0, "max": 100, "step": 5, "inputmode": "numeric"}
            ),
        }
        help_texts = {
            "narrative": _("What was done towards the pledge since the last update."),
        }

    def __init__(self, *args: Any, pledge: Pledge, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": pledge.status,
                "percent_complete": pledge.percent_complete,
                "reported_on": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)


class PledgeReportForm(VersionedModelForm):
    class Meta:
        model = PledgeReport
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "text": _(
                "What was pledged, what was done and what is left for the next chairs. Each "
                "pledge, with its status and links, is printed beside the report."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # 0: the form was opened before any report existed (services.pledge_report_save).
            self.initial.setdefault("version", 0)
