"""The handover pages, under /chairs/<term>/handover/ (the term is the incoming one).

Each view fetches what it shows (404), checks permission (403), validates the input, calls a
service of coordination.handovers, and goes back to the handover's page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.confirm import confirmation, confirmed
from common.dates import group_today
from common.editing import (
    AlreadySubmitted,
    form_errors,
    once,
    previous_submission,
    versioned_edit,
)
from common.forms import VersionedModelForm
from common.http import AuthenticatedRequest
from common.permissions import require
from coordination import handovers, permissions
from coordination.models import ChairTerm, Handover, HandoverSignature, HandoverTask, Person
from coordination.selectors import next_chair_term, term_before

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskAddForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Task"), max_length=300)
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"), queryset=Person.objects.none(), required=False
    )
    due_on = forms.DateField(label=gettext_lazy("Due on"), required=False, widget=DATE)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Comment"), widget=forms.Textarea, max_length=5000)
    task = forms.ModelChoiceField(
        queryset=HandoverTask.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, handover: Handover, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = handover.tasks.all()  # type: ignore[attr-defined]


def _task_form_class(
    task: HandoverTask, user: Person, people: QuerySet[Person]
) -> type[VersionedModelForm]:
    """The fields this person may change on this task: the title only of a task added by hand
    (a generated one follows its object), the status only for its owner or the secretariat."""
    field_names = ["owner", "due_on", "note"]
    if not task.reference:
        field_names.insert(0, "title")
    if permissions.can_change_task_status(user, task):
        field_names.insert(0, "status")

    class TaskForm(VersionedModelForm):
        class Meta:
            model = HandoverTask
            fields = field_names
            widgets = {"due_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["owner"].queryset = people  # type: ignore[attr-defined]

    return TaskForm


def _handover(request: AuthenticatedRequest[Person], pk: int) -> tuple[ChairTerm, Handover | None]:
    """The term (404 if none) and its handover, with the joins the permission checks read."""
    term = get_object_or_404(ChairTerm.objects.prefetch_related("organisations"), pk=pk)
    handover = Handover.objects.filter(term=term).first()
    if handover is not None:
        handover.term = term
    return term, handover


def _changeable(request: AuthenticatedRequest[Person], pk: int) -> Handover | HttpResponse:
    """The handover a person on it may change: 404 without one, 403 for anyone without a side,
    and back to the page, saying why, once it is signed off."""
    _term, handover = _handover(request, pk)
    if handover is None:
        return _missing(request, _term)
    require(permissions.can_see_handover(request.user, handover))
    if handover.is_signed_off:
        messages.error(request, _("This handover is signed off: it can no longer be changed."))
        return redirect(handover.get_absolute_url())
    require(permissions.can_change_handover(request.user, handover))
    return handover


def _missing(request: AuthenticatedRequest[Person], term: ChairTerm) -> HttpResponse:
    """No handover for this term (404), with the button to open it for those who may."""
    upcoming = next_chair_term()
    can_open = (
        upcoming is not None
        and upcoming.pk == term.pk
        and permissions.can_open_handover(request.user, term)
    )
    return render(
        request,
        "coordination/handover_missing.html",
        {"term": term, "can_open": can_open},
        status=404,
    )


def handover_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    term, handover = _handover(request, pk)
    if handover is None:
        return _missing(request, term)
    user = request.user
    require(permissions.can_see_handover(user, handover))
    context: dict[str, Any] = {"term": term, "handover": handover}
    if handover.is_signed_off:
        context["snapshot"] = _snapshot(handover.snapshot or {})
        return render(request, "coordination/handover_detail.html", context)
    handovers.handover_refresh_if_stale(handover=handover)
    outgoing = term_before(term)
    today = group_today()
    group, status = request.GET.get("group", ""), request.GET.get("status", "")
    page = handovers.handover_page(
        handover, outgoing, today=today, group=group, status=status, page=request.GET.get("page")
    )
    can_change = permissions.can_change_handover(user, handover)
    sides = permissions.handover_sides(user, handover)
    for task in page.tasks:
        task.is_overdue = _overdue(task, today)  # type: ignore[attr-defined]
    signable = [
        need
        for need in page.needed
        if need.signature is None
        and need.side in sides
        and (
            need.side == HandoverSignature.Side.SECRETARIAT
            or (need.organisation is not None and need.organisation.pk == user.organisation_id)
        )
    ]
    context |= {
        "page": page,
        "outgoing": outgoing,
        "today": today,
        "can_change": can_change,
        "signable": signable,
        "people": list(handovers.handover_people(handover, outgoing)) if can_change else [],
        "statuses": HandoverTask.Status.choices,
        "group": group,
        "status": status,
        "comment_form": CommentForm(handover=handover),
    }
    return render(request, "coordination/handover_detail.html", context)


def _overdue(task: HandoverTask, today: date) -> bool:
    return (
        task.status == HandoverTask.Status.OPEN
        and not task.gone
        and task.due_on is not None
        and task.due_on < today
    )


def _snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The frozen checklist made readable: labels in the reader's language, dates as dates."""
    statuses = dict(HandoverTask.Status.choices)
    sides = dict(HandoverSignature.Side.choices)

    def task(data: dict[str, Any]) -> dict[str, Any]:
        return {
            **data,
            "status_label": statuses.get(data.get("status", ""), data.get("status", "")),
            "due": date.fromisoformat(data["due_on"]) if data.get("due_on") else None,
        }

    return {
        **snapshot,
        "groups": [
            {"label": handovers.source_label(g["source"]), "tasks": [task(t) for t in g["tasks"]]}
            for g in snapshot.get("groups", [])
        ],
        "signatures": [
            {**s, "side_label": sides.get(s["side"], s["side"])}
            for s in snapshot.get("signatures", [])
        ],
    }


@require_POST
def handover_open(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    term = get_object_or_404(ChairTerm.objects.prefetch_related("organisations"), pk=pk)
    require(permissions.can_open_handover(request.user, term))
    try:
        handover = handovers.handover_open(term=term, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coordination:handover_detail", pk=term.pk)
    messages.success(request, _("The handover is open; its checklist was made from live data."))
    return redirect(handover.get_absolute_url())


def _submit_once(
    request: AuthenticatedRequest[Person],
    handover: Handover,
    form: forms.BaseForm,
    *,
    back: str,
    run: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A creating form posted from the handover page or a task's: a second submission of the
    same page adds nothing (common.editing.once); invalid input becomes a message there."""
    if repeated := previous_submission(request):
        messages.info(request, _("This was saved already: the form was sent twice."))
        return redirect(repeated.url or back)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: %(errors)s") % {"errors": form_errors(form)})
        return redirect(back)
    try:
        once(request, lambda: run(form.cleaned_data), url=lambda _saved: back)
    except AlreadySubmitted:
        messages.info(request, _("This was saved already: the form was sent twice."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(back)


@require_POST
def task_add(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    handover = _changeable(request, pk)
    if isinstance(handover, HttpResponse):
        return handover
    people = handovers.handover_people(handover, term_before(handover.term))
    form = TaskAddForm(request.POST, people=people)
    return _submit_once(
        request,
        handover,
        form,
        back=f"{handover.get_absolute_url()}?group={handovers.ADDED}#added",
        run=lambda data: handovers.handover_task_add(
            handover=handover,
            actor=request.user,
            title=data["title"],
            owner=data["owner"],
            due_on=data["due_on"],
            note=data["note"],
        ),
        done=_("The task was added."),
    )


def task_update(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    task = get_object_or_404(HandoverTask.objects.select_related("handover__term", "owner"), pk=pk)
    handover = task.handover
    require(permissions.can_see_handover(request.user, handover))
    if handover.is_signed_off:
        messages.error(request, _("This handover is signed off: it can no longer be changed."))
        return redirect(handover.get_absolute_url())
    require(permissions.can_change_handover(request.user, handover))
    if (
        request.method == "POST"
        and "status" in request.POST
        and request.POST["status"] != task.status
        and not permissions.can_change_task_status(request.user, task)
    ):
        # Said, not silently dropped: the person would think the task was marked done.
        messages.error(request, _("Only the task's owner or the secretariat changes its status."))
        return redirect(task.get_absolute_url())
    people = handovers.handover_people(handover, term_before(handover.term))
    if task.owner_id is not None:
        people = people | Person.objects.filter(pk=task.owner_id)
    form_class = _task_form_class(task, request.user, people.distinct())
    return versioned_edit(
        request,
        form_class=form_class,
        instance=task,
        save=lambda version, **changes: handovers.handover_task_update(
            task=task, actor=request.user, version=version, **changes
        ),
        template="coordination/handover_task_form.html",
        context={
            "task": task,
            "handover": handover,
            "comments": handover.comments.filter(task=task).select_related("author"),
        },
        success_message=_("The task was saved."),
        success_url=task.get_absolute_url(),
    )


@require_POST
def comment_add(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    handover = _changeable(request, pk)
    if isinstance(handover, HttpResponse):
        return handover
    form = CommentForm(request.POST, handover=handover)
    task = form.cleaned_data["task"] if form.is_valid() else None
    return _submit_once(
        request,
        handover,
        form,
        back=task.get_absolute_url() if task else f"{handover.get_absolute_url()}#comments",
        run=lambda data: handovers.handover_comment_add(
            handover=handover, actor=request.user, text=data["text"], task=data["task"]
        ),
        done=_("Your comment was added."),
    )


@require_POST
def handover_sign(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    handover = _changeable(request, pk)
    if isinstance(handover, HttpResponse):
        return handover
    side = request.POST.get("side", "")
    if side not in permissions.handover_sides(request.user, handover):
        messages.error(request, _("You do not sign for this side of the handover."))
        return redirect(f"{handover.get_absolute_url()}#signatures")
    side_label = HandoverSignature.Side(side).label
    who = (
        side_label
        if side == HandoverSignature.Side.SECRETARIAT
        else f"{side_label} ({request.user.organisation.acronym if request.user.organisation else ''})"
    )
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Sign off the handover as %(who)s?") % {"who": who},
            consequences=[
                _("Your signature is recorded with your name and the time."),
                _(
                    "When every organisation of both sides and the secretariat have signed, the "
                    "checklist is frozen as it is and the handover becomes read-only."
                ),
            ],
            action_label=_("Sign off"),
            cancel_url=handover.get_absolute_url(),
            fields={"side": side},
        )
    try:
        handovers.handover_sign(handover=handover, actor=request.user, side=side)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        handover.refresh_from_db(fields=["signed_off_at"])
        messages.success(
            request,
            _("Signed off. Every signature is in: the handover is frozen.")
            if handover.is_signed_off
            else _("Your signature was recorded."),
        )
    return redirect(f"{handover.get_absolute_url()}#signatures")
