"""Work plan pages. Each view checks permission, calls a service or selector, and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from xhtml2pdf import pisa

from common.audit import describe_changes
from common.editing import apply_errors, versioned_edit
from common.http import AuthenticatedRequest
from common.permissions import require
from coordination.models import Person
from workplans import permissions, selectors, services
from workplans.exports import items_dataset
from workplans.filters import WorkItemFilter
from workplans.forms import (
    MemberWorkItemForm,
    MilestoneForm,
    PriorityAreaForm,
    ProgressUpdateForm,
    WorkItemForm,
    WorkPlanForm,
)
from workplans.models import Milestone, PriorityArea, WorkItem, WorkPlan

ITEMS_PER_PAGE = 50


# --- Plans ---------------------------------------------------------------------------------------


def plan_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    return render(
        request,
        "workplans/plan_list.html",
        {
            "plans": WorkPlan.objects.all(),
            "can_manage": permissions.can_manage_plans(request.user),
        },
    )


def plan_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    plan = get_object_or_404(WorkPlan, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "workplans/plan_detail.html",
        {
            "plan": plan,
            "areas": selectors.plan_overview(plan),
            "due_soon": selectors.plan_due_soon(plan, today=today),
            "overdue": selectors.plan_overdue(plan, today=today),
            "statuses": WorkItem.Status.choices,
            "today": today,
            "can_manage": permissions.can_manage_plans(request.user),
            "report_year": min(max(today.year, plan.first_year), plan.last_year),
        },
    )


def plan_create(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_manage_plans(request.user))
    form = WorkPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.work_plan_create(actor=request.user, **form.changes())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The work plan was created. Add its priority areas next."))
            return redirect(plan)
    return render(request, "workplans/plan_form.html", {"form": form})


def plan_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    require(permissions.can_manage_plans(request.user))
    plan = get_object_or_404(WorkPlan, pk=pk)

    def save(**changes: Any) -> Model:
        return services.work_plan_update(plan=plan, actor=request.user, **changes)

    return versioned_edit(
        request,
        form_class=WorkPlanForm,
        instance=plan,
        save=save,
        template="workplans/plan_form.html",
        context={"plan": plan},
        success_message=_("Your changes were saved."),
        success_url=plan.get_absolute_url(),
    )


def area_create(request: AuthenticatedRequest[Person], plan_pk: int) -> HttpResponse:
    require(permissions.can_manage_plans(request.user))
    plan = get_object_or_404(WorkPlan, pk=plan_pk)
    form = PriorityAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.priority_area_create(plan=plan, actor=request.user, **form.changes())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The priority area was added."))
            return redirect(area)
    return render(request, "workplans/area_form.html", {"form": form, "plan": plan})


def area_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    require(permissions.can_manage_plans(request.user))
    area = get_object_or_404(PriorityArea.objects.select_related("plan"), pk=pk)

    def save(**changes: Any) -> Model:
        return services.priority_area_update(area=area, actor=request.user, **changes)

    return versioned_edit(
        request,
        form_class=PriorityAreaForm,
        instance=area,
        save=save,
        template="workplans/area_form.html",
        context={"area": area, "plan": area.plan},
        success_message=_("Your changes were saved."),
        success_url=area.get_absolute_url(),
    )


# --- Items ---------------------------------------------------------------------------------------


def _filtered_items(request: AuthenticatedRequest[Person]) -> WorkItemFilter:
    return WorkItemFilter(request.GET or None, queryset=selectors.work_items())


def item_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    filterset = _filtered_items(request)
    page = Paginator(filterset.qs, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workplans/item_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


def item_export(request: AuthenticatedRequest[Person], fmt: str) -> HttpResponse:
    dataset = items_dataset(_filtered_items(request).qs)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            dataset.export("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="work-items-{stamp}.{fmt}"'
    return response


def item_create(request: AuthenticatedRequest[Person], plan_pk: int) -> HttpResponse:
    require(permissions.can_manage_plans(request.user))
    plan = get_object_or_404(WorkPlan, pk=plan_pk)
    initial = {"priority_area": request.GET.get("area")}
    form = WorkItemForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.work_item_create(actor=request.user, **form.changes())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The work item was added."))
            return redirect(item)
    return render(request, "workplans/item_form.html", {"form": form, "plan": plan})


def _item_or_404(pk: int) -> WorkItem:
    try:
        return selectors.item_detail(pk)
    except WorkItem.DoesNotExist as error:
        raise Http404 from error


def item_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    item = _item_or_404(pk)
    can_edit = permissions.can_edit_item(request.user, item)
    timeline = selectors.item_timeline(item)
    describe_changes([entry.change for entry in timeline if entry.change is not None])
    return render(
        request,
        "workplans/item_detail.html",
        {
            "item": item,
            "timeline": timeline,
            "backlinks": selectors.backlinks(item),
            "can_edit": can_edit,
            "update_form": ProgressUpdateForm(item=item) if can_edit else None,
            "milestone_form": MilestoneForm() if can_edit else None,
            "today": timezone.localdate(),
        },
    )


def item_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    item = _item_or_404(pk)
    require(permissions.can_edit_item(request.user, item))
    form_class = WorkItemForm if permissions.can_manage_plans(request.user) else MemberWorkItemForm

    def save(**changes: Any) -> Model:
        return services.work_item_update(item=item, actor=request.user, **changes)

    return versioned_edit(
        request,
        form_class=form_class,
        instance=item,
        save=save,
        template="workplans/item_form.html",
        context={"item": item, "plan": item.priority_area.plan},
        success_message=_("Your changes were saved."),
        success_url=item.get_absolute_url(),
    )


def item_progress(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """Post a progress update (its own page too, quick to reach on a phone)."""
    item = _item_or_404(pk)
    require(permissions.can_post_update(request.user, item))
    form = ProgressUpdateForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update_post(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your progress update was posted."))
            return redirect(item)
    return render(request, "workplans/progress_form.html", {"form": form, "item": item})


@require_POST
def milestone_add(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    item = _item_or_404(pk)
    require(permissions.can_edit_item(request.user, item))
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The milestone was added."))
    else:
        messages.error(
            request, _("A milestone needs a title (and, if you give one, a valid date).")
        )
    return redirect(item.get_absolute_url() + "#milestones")


@require_POST
def milestone_done(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("item"), pk=pk)
    require(permissions.can_edit_item(request.user, milestone.item))
    services.milestone_set_done(
        milestone=milestone, actor=request.user, done=request.POST.get("done") == "1"
    )
    return redirect(milestone.item.get_absolute_url() + "#milestones")


@require_POST
def milestone_remove(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("item"), pk=pk)
    require(permissions.can_edit_item(request.user, milestone.item))
    item_url = milestone.item.get_absolute_url()
    services.milestone_remove(milestone=milestone, actor=request.user)
    messages.success(request, _("The milestone was removed."))
    return redirect(item_url + "#milestones")


# --- The annual report ---------------------------------------------------------------------------


def _report_context(plan_pk: int, year: int) -> dict[str, Any]:
    plan = get_object_or_404(WorkPlan, pk=plan_pk)
    if year not in plan.years:
        raise Http404(_("The plan does not cover that year."))
    return {
        "plan": plan,
        "year": year,
        "areas": selectors.annual_report(plan, year),
        "generated": timezone.now(),
    }


def report(request: AuthenticatedRequest[Person], plan_pk: int, year: int) -> HttpResponse:
    return render(request, "workplans/report.html", _report_context(plan_pk, year))


def report_pdf(request: AuthenticatedRequest[Person], plan_pk: int, year: int) -> HttpResponse:
    context = _report_context(plan_pk, year)
    html = render_to_string("workplans/report_pdf.html", context, request=request)
    response = HttpResponse(content_type="application/pdf")
    result = pisa.CreatePDF(html, dest=response, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"The PDF could not be made ({result.err} errors)")
    response["Content-Disposition"] = f'attachment; filename="annual-report-{year}.pdf"'
    return response
