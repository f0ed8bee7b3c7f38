"""The item list's filters, kept in the URL so that a filtered list can be bookmarked and shared."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from common.choices import CachedChoices
from common.dates import group_today
from common.forms import QuickSelect
from coordination.models import Organisation, Person
from workplans.models import PriorityArea, WorkItem, WorkItemQuerySet, WorkPlan

# The drop-downs' choices, the same for every reader, kept in the cache until what they list
# changes (common.choices): read and rendered from model instances they were most of the list's
# time.
PLANS = CachedChoices(
    "workplans.filter.plans",
    build=lambda: WorkPlan.objects.values_list("pk", "title"),
    models=[WorkPlan],
)
AREAS = CachedChoices(
    "workplans.filter.areas",
    build=lambda: PriorityArea.objects.order_by("plan", "position", "pk").values_list(
        "pk", "title"
    ),
    models=[PriorityArea],
)
ORGANISATIONS = CachedChoices(
    "workplans.filter.organisations",
    build=lambda: Organisation.objects.values_list("pk", "acronym"),
    models=[Organisation],
)
# Only people who own something: the list stays short however many people have accounts.
OWNERS = CachedChoices(
    "workplans.filter.owners",
    build=lambda: (
        Person.objects.filter(
            pk__in=WorkItem.objects.filter(owner__isnull=False).values("owner_id")
        )
        .order_by("full_name")
        .values_list("pk", "full_name")
    ),
    models=[Person, WorkItem],
)


class WorkItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    plan = django_filters.ChoiceFilter(
        label=_("Work plan"), field_name="priority_area__plan", choices=PLANS, widget=QuickSelect
    )
    priority_area = django_filters.ChoiceFilter(
        label=_("Priority area"), choices=AREAS, widget=QuickSelect
    )
    organisation = django_filters.ChoiceFilter(
        label=_("Organisation (lead or contributing)"),
        choices=ORGANISATIONS,
        method="for_organisation",
        widget=QuickSelect,
    )
    lead_organisation = django_filters.ChoiceFilter(
        label=_("Lead organisation"), choices=ORGANISATIONS, widget=QuickSelect
    )
    # The status is a column of the item: no join, so no repeated rows to remove (django-filter
    # would add a DISTINCT over every column, which PostgreSQL sorts or hashes row by row).
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=WorkItem.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    owner = django_filters.ChoiceFilter(label=_("Owner"), choices=OWNERS, widget=QuickSelect)
    due = django_filters.DateFromToRangeFilter(
        label=_("Due between"),
        field_name="due_on",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="only_overdue", widget=forms.CheckboxInput
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        widget=QuickSelect,
        fields=[
            ("due_on", "due"),
            ("title", "title"),
            ("status", "status"),
            ("percent_complete", "percent"),
            ("lead_organisation__acronym", "lead"),
            ("last_progress_at", "updated"),
        ],
        field_labels={
            "due_on": _("Due date"),
            "title": _("Title"),
            "status": _("Status"),
            "percent_complete": _("Percent complete"),
            "lead_organisation__acronym": _("Lead organisation"),
            "last_progress_at": _("Last progress"),
        },
    )

    class Meta:
        model = WorkItem
        fields: list[str] = []

    def search(self, queryset: QuerySet[WorkItem], name: str, value: str) -> QuerySet[WorkItem]:
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def for_organisation(
        self, queryset: WorkItemQuerySet, name: str, value: str
    ) -> WorkItemQuerySet:
        # A value that is not one of the choices never gets here (the form refuses it).
        return queryset.for_organisations([int(value)]) if value else queryset

    def only_overdue(
        self, queryset: WorkItemQuerySet, name: str, value: bool | None
    ) -> WorkItemQuerySet:
        return queryset.overdue(group_today()) if value else queryset

    @property
    def qs(self) -> Any:
        queryset = super().qs
        # A stable order under every sort, so that pages never repeat or skip a row.
        return (
            queryset.order_by(*queryset.query.order_by, "pk")
            if queryset.query.order_by
            else queryset.order_by("due_on", "pk")
        )
