"""Work plan pages. Each view fetches what it acts on (404), asks permission (403), validates
the input, then calls a service or selector and renders: no query or rule of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
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

from common import exports
from common.audit import describe_changes
from common.confirm import confirmation, confirmed
from common.dates import group_today
from common.editing import (
    AlreadySubmitted,
    once,
    posted,
    previous_submission,
    submit_form,
    versioned_edit,
)
from common.http import AuthenticatedRequest
from common.permissions import require
from coordination.models import ChairTerm, Organisation, Person
from workplans import permissions, selectors, services
from workplans.exports import items_dataset
from workplans.filters import WorkItemFilter
from workplans.forms import (
    MilestoneForm,
    PledgeForm,
    PledgeReportForm,
    PledgeUpdateForm,
    PriorityAreaForm,
    ProgressUpdateForm,
    WorkItemForm,
    WorkPlanForm,
    work_item_form_for,
)
from workplans.models import (
    Milestone,
    Pledge,
    PledgeReport,
    PriorityArea,
    WorkItem,
    WorkItemQuerySet,
    WorkPlan,
)

ITEMS_PER_PAGE = 50


# --- Plans ---------------------------------------------------------------------------------------


def plan_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    return render(
        request,
        "workplans/plan_list.html",
        {
            "plans": selectors.work_plans(),
            "can_manage": permissions.can_manage_plans(request.user),
        },
    )


def plan_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    plan = get_object_or_404(WorkPlan, pk=pk)
    today = group_today()  # deadlines follow the group's calendar (common.dates)
    return render(
        request,
        "workplans/plan_detail.html",
        {
            "plan": plan,
            "areas": selectors.plan_overview(plan),
            "due_soon": selectors.plan_due_soon(plan, today=today),
            "overdue": selectors.plan_overdue(plan, today=today),
            "statuses": WorkItem.Status.choices,
            "can_manage": permissions.can_manage_plans(request.user),
            "report_year": plan.report_year(today),
        },
    )


def plan_create(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_manage_plans(request.user))
    form = WorkPlanForm(posted(request))
    return submit_form(
        request,
        form=form,
        save=lambda: services.work_plan_create(actor=request.user, **form.changes()),
        template="workplans/plan_form.html",
        context={},
        success_message=_("The work plan was created. Add its priority areas next."),
    )


def plan_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    plan = get_object_or_404(WorkPlan, pk=pk)
    require(permissions.can_manage_plans(request.user))

    return versioned_edit(
        request,
        form_class=WorkPlanForm,
        instance=plan,
        save=lambda **changes: services.work_plan_update(plan=plan, actor=request.user, **changes),
        template="workplans/plan_form.html",
        context={"plan": plan},
    )


def area_create(request: AuthenticatedRequest[Person], plan_pk: int) -> HttpResponse:
    plan = get_object_or_404(WorkPlan, pk=plan_pk)
    require(permissions.can_manage_plans(request.user))
    form = PriorityAreaForm(posted(request))
    return submit_form(
        request,
        form=form,
        save=lambda: services.priority_area_create(plan=plan, actor=request.user, **form.changes()),
        template="workplans/area_form.html",
        context={"plan": plan},
        success_message=_("The priority area was added."),
    )


def area_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    area = get_object_or_404(PriorityArea.objects.select_related("plan"), pk=pk)
    require(permissions.can_manage_plans(request.user))

    return versioned_edit(
        request,
        form_class=PriorityAreaForm,
        instance=area,
        save=lambda **changes: services.priority_area_update(
            area=area, actor=request.user, **changes
        ),
        template="workplans/area_form.html",
        context={"area": area, "plan": area.plan},
    )


# --- Items ---------------------------------------------------------------------------------------


def _filtered_items(
    request: AuthenticatedRequest[Person], queryset: WorkItemQuerySet | None = None
) -> WorkItemFilter:
    return WorkItemFilter(
        request.GET or None, queryset=selectors.work_items() if queryset is None else queryset
    )


STATUS_LABELS = dict(WorkItem.Status.choices)


def item_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    filterset = _filtered_items(request, selectors.item_rows())
    page = Paginator(filterset.qs, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    today = group_today()
    for item in page:
        # Worked out once here rather than by each row's template (get_status_display builds
        # the choices' dict at each call; is_overdue reads the date in the group's zone).
        item.overdue = item.is_overdue(today)
        item.status_label = STATUS_LABELS[item.status]
        item.contributors = ", ".join(o.acronym for o in item.contributing_organisations.all())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workplans/item_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
        },
    )


def item_export(request: AuthenticatedRequest[Person], fmt: str) -> HttpResponse:
    if fmt not in exports.SPREADSHEET_TYPES:
        raise Http404  # before the query: an unknown format reads nothing
    stamp = timezone.localdate().isoformat()
    return exports.spreadsheet_response(
        items_dataset(_filtered_items(request).qs), fmt, f"work-items-{stamp}"
    )


def item_create(request: AuthenticatedRequest[Person], plan_pk: int) -> HttpResponse:
    plan = get_object_or_404(WorkPlan, pk=plan_pk)
    require(permissions.can_manage_plans(request.user))
    initial = {"priority_area": request.GET.get("area")}
    form = WorkItemForm(posted(request), plan=plan, initial=initial)
    return submit_form(
        request,
        form=form,
        save=lambda: services.work_item_create(actor=request.user, **form.changes()),
        template="workplans/item_form.html",
        context={"plan": plan},
        success_message=_("The work item was added."),
    )


def _item_or_404(pk: int) -> WorkItem:
    try:
        return selectors.item_detail(pk)
    except WorkItem.DoesNotExist as error:
        raise Http404 from error


def _item_allowed(
    request: AuthenticatedRequest[Person], pk: int, may: Callable[[Person, WorkItem], bool]
) -> WorkItem:
    """The item (404), if the person `may` act on it (403)."""
    item = _item_or_404(pk)
    require(may(request.user, item))
    return item


def _milestone_allowed(request: AuthenticatedRequest[Person], pk: int) -> Milestone:
    """The milestone (404), if the person may edit its item (403)."""
    milestone = get_object_or_404(Milestone.objects.select_related("item"), pk=pk)
    require(permissions.can_edit_item(request.user, milestone.item))
    return milestone


def _back_to_milestones(item: WorkItem) -> HttpResponse:
    return redirect(item.get_absolute_url() + "#milestones")


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
            # Two forms on one page, each with its own ids (their fields' names stay).
            "update_form": ProgressUpdateForm(item=item, auto_id="update_%s") if can_edit else None,
            "milestone_form": MilestoneForm(auto_id="milestone_%s") if can_edit else None,
            "today": group_today(),
        },
    )


def item_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    item = _item_allowed(request, pk, permissions.can_edit_item)

    def save(**changes: Any) -> Model:
        return services.work_item_update(item=item, actor=request.user, **changes)

    return versioned_edit(
        request,
        form_class=work_item_form_for(request.user),
        instance=item,
        save=save,
        template="workplans/item_form.html",
        context={"item": item, "plan": item.priority_area.plan},
        success_message=_("Your changes were saved."),
        success_url=item.get_absolute_url(),
    )


def item_progress(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """Post a progress update (its own page too, quick to reach on a phone)."""
    item = _item_allowed(request, pk, permissions.can_post_update)
    form = ProgressUpdateForm(posted(request), item=item)
    return submit_form(
        request,
        form=form,
        save=lambda: services.progress_update_post(
            item=item, actor=request.user, **form.cleaned_data
        ),
        template="workplans/progress_form.html",
        context={"item": item},
        success_message=_("Your progress update was posted."),
        success_url=item.get_absolute_url(),
    )


@require_POST
def milestone_add(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    item = _item_allowed(request, pk, permissions.can_edit_item)
    form = MilestoneForm(request.POST)
    if previous_submission(request):
        messages.info(request, _("This was saved already: the form was sent twice."))
    elif form.is_valid():
        try:
            once(
                request,
                lambda: services.milestone_add(item=item, actor=request.user, **form.cleaned_data),
                url=lambda _milestone: item.get_absolute_url() + "#milestones",
            )
        except AlreadySubmitted:
            messages.info(request, _("This was saved already: the form was sent twice."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The milestone was added."))
    else:
        messages.error(
            request, _("A milestone needs a title (and, if you give one, a valid date).")
        )
    return _back_to_milestones(item)


@require_POST
def milestone_done(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    milestone = _milestone_allowed(request, pk)
    services.milestone_set_done(
        milestone=milestone, actor=request.user, done=request.POST.get("done") == "1"
    )
    return _back_to_milestones(milestone.item)


@require_POST
def milestone_remove(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    milestone = _milestone_allowed(request, pk)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Remove the milestone “%(title)s”?") % {"title": milestone.title},
            consequences=[
                _("The milestone is removed from the work item “%(item)s”.")
                % {"item": milestone.item.title},
                _("Nobody is emailed."),
            ],
            action_label=_("Remove the milestone"),
            cancel_url=milestone.item.get_absolute_url() + "#milestones",
        )
    services.milestone_remove(milestone=milestone, actor=request.user)
    messages.success(request, _("The milestone was removed."))
    return _back_to_milestones(milestone.item)


# --- The annual report ---------------------------------------------------------------------------


def _report_context(plan_pk: int, year: int) -> dict[str, Any]:
    plan = get_object_or_404(WorkPlan, pk=plan_pk)
    if year not in plan.years:
        raise Http404(_("The plan does not cover that year."))
    return {
        "plan": plan,
        "year": year,
        "areas": selectors.annual_report(plan, year),
        "chair_pledges": selectors.pledges_of_year(year),
        # What other apps count for the year (meetings attended), after the areas.
        "sections": selectors.report_sections(year),
        # Whole addresses: the links must work from the downloaded PDF too.
        "site_url": settings.SITE_URL,
        "generated": timezone.now(),
    }


def report(request: AuthenticatedRequest[Person], plan_pk: int, year: int) -> HttpResponse:
    return render(request, "workplans/report.html", _report_context(plan_pk, year))


def report_pdf(request: AuthenticatedRequest[Person], plan_pk: int, year: int) -> HttpResponse:
    context = _report_context(plan_pk, year)
    html = render_to_string("workplans/report_pdf.html", context, request=request)
    response = HttpResponse(exports.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="annual-report-{year}.pdf"'
    return response


# --- Chairs' pledges -----------------------------------------------------------------------------


def _term_chair_or_404(term_pk: int, organisation_pk: int) -> tuple[ChairTerm, Organisation]:
    """The term and one of its chair organisations; any other organisation is not found."""
    term = get_object_or_404(ChairTerm.objects.prefetch_related("organisations"), pk=term_pk)
    organisation = next((o for o in term.organisations.all() if o.pk == organisation_pk), None)
    if organisation is None:
        raise Http404(_("That organisation does not chair this term."))
    return term, organisation


def _pledge_or_404(pk: int) -> Pledge:
    try:
        return selectors.pledge_detail(pk)
    except Pledge.DoesNotExist as error:
        raise Http404 from error


def _term_pledges_url(term: ChairTerm) -> str:
    return term.get_absolute_url() + "#pledges"


def pledge_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    pledge = _pledge_or_404(pk)
    require(permissions.can_read_pledges(request.user, pledge.term))
    can_edit = permissions.can_edit_pledge(request.user, pledge)
    return render(
        request,
        "workplans/pledge_detail.html",
        {"pledge": pledge, "can_edit": can_edit, "term_url": _term_pledges_url(pledge.term)},
    )


def pledge_create(
    request: AuthenticatedRequest[Person], term_pk: int, organisation_pk: int
) -> HttpResponse:
    term, organisation = _term_chair_or_404(term_pk, organisation_pk)
    require(permissions.can_pledge(request.user, term, organisation))
    form = PledgeForm(posted(request))
    return submit_form(
        request,
        form=form,
        save=lambda: services.pledge_create(
            actor=request.user, term=term, organisation=organisation, **form.changes()
        ),
        template="workplans/pledge_form.html",
        context={"term": term, "organisation": organisation, "back": _term_pledges_url(term)},
        success_message=_("The pledge was recorded."),
    )


def pledge_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    pledge = _pledge_or_404(pk)
    require(permissions.can_edit_pledge(request.user, pledge))
    return versioned_edit(
        request,
        form_class=PledgeForm,
        instance=pledge,
        save=lambda **changes: services.pledge_update(pledge=pledge, actor=request.user, **changes),
        template="workplans/pledge_form.html",
        context={
            "pledge": pledge,
            "term": pledge.term,
            "organisation": pledge.organisation,
            "back": pledge.get_absolute_url(),
        },
    )


def pledge_progress(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    pledge = _pledge_or_404(pk)
    require(permissions.can_post_pledge_update(request.user, pledge))
    form = PledgeUpdateForm(posted(request), pledge=pledge)
    return submit_form(
        request,
        form=form,
        save=lambda: services.pledge_progress_post(
            pledge=pledge, actor=request.user, **form.cleaned_data
        ),
        template="workplans/pledge_progress_form.html",
        context={"pledge": pledge},
        success_message=_("Your progress update was posted."),
        success_url=pledge.get_absolute_url(),
    )


def pledge_report(
    request: AuthenticatedRequest[Person], term_pk: int, organisation_pk: int
) -> HttpResponse:
    """Write the organisation's pledge report for the term, or rewrite it (version-checked: the
    first report too, so two chairs writing at once never overwrite each other)."""
    term, organisation = _term_chair_or_404(term_pk, organisation_pk)
    require(permissions.can_write_pledge_report(request.user, term, organisation))
    report = PledgeReport.objects.filter(term=term, organisation=organisation).first()
    if report is None:
        report = PledgeReport(term=term, organisation=organisation)
    return versioned_edit(
        request,
        form_class=PledgeReportForm,
        instance=report,
        save=lambda **changes: services.pledge_report_save(
            term=term, organisation=organisation, actor=request.user, **changes
        ),
        template="workplans/pledge_report_form.html",
        context={
            "term": term,
            "organisation": organisation,
            "pledges": [
                p for p in selectors.pledges_of_term(term) if p.organisation_id == organisation.pk
            ],
            "back": _term_pledges_url(term),
        },
        success_message=_("The pledge report was saved."),
        success_url=_term_pledges_url(term),
    )
