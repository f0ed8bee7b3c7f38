"""The minutes' approval by the members: the minutes page (the text, every organisation's answer,
the attendance), answering for an organisation, the chair's replies, circulating and approving
with a confirmation first. Each view fetches (404), checks permission (403), validates, calls a
service and goes back to the page, where a refusal is a message and nothing changed."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.confirm import confirmation, confirmed
from common.editing import ONCE_FIELD, act_once, form_errors
from common.formats import date_text
from common.forms import IdsField
from common.http import AuthenticatedRequest
from common.permissions import require
from coordination.models import Organisation, Person
from coordination.permissions import is_secretariat
from meetings import notify, permissions, selectors, services
from meetings.forms import CirculateForm
from meetings.models import Meeting, Minutes, MinutesAnswer

CONFLICT = gettext_lazy("The minutes changed meanwhile: read them again.")


class AnswerForm(forms.Form):
    # Only the secretariat chooses: everyone else answers for their own organisation.
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("For the organisation"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    answer = forms.ChoiceField(
        label=gettext_lazy("Our answer"),
        choices=MinutesAnswer.Answer.choices,
        widget=forms.RadioSelect,
    )
    passage = forms.CharField(
        label=gettext_lazy("Passage you comment on (optional)"),
        help_text=gettext_lazy("Copy the words of the minutes you comment on."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    reason = forms.CharField(
        label=gettext_lazy("Comment, or the changes you request and why"),
        help_text=gettext_lazy("Required when you request changes."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("Reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class AttendanceForm(forms.Form):
    attended = IdsField(
        label=gettext_lazy("Organisations that attended"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])


def _page_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meetings:minutes_answers", kwargs={"pk": meeting.pk})
    return f"{url}#{anchor}" if anchor else url


def _meeting(request: AuthenticatedRequest[Person], pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("host_organisation"), pk=pk)
    if not permissions.can_see_meeting(request.user, meeting):
        raise Http404  # a draft is not announced to people who may not see it
    return meeting


def _minutes(meeting: Meeting) -> Minutes | None:
    return (
        Minutes.objects.select_related("circulated_by", "approved_by")
        .filter(meeting=meeting)
        .first()
    )


def _my_organisation(user: Person, answering: set[int]) -> int | None:
    """The organisation the person answers for themselves (not the secretariat's choice)."""
    organisation_id = user.organisation_id
    if organisation_id in answering and permissions.can_answer_minutes_for(user, organisation_id):
        return organisation_id
    return None


def minutes_answers(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """The minutes and their approval: the organisers, and the people of the organisations
    that answer them, see every answer; the organisers also the attendance and their forms."""
    meeting = _meeting(request, pk)
    user = request.user
    can_manage = permissions.can_manage_meeting(user, meeting)
    minutes = _minutes(meeting)
    answering = selectors.answering_organisation_ids(meeting)
    concerned = user.organisation_id in answering or is_secretariat(user)
    if not can_manage and (minutes is None or minutes.status == Minutes.Status.DRAFT):
        raise Http404  # draft minutes are the organisers'
    require(can_manage or (concerned and user.role != Person.Role.OBSERVER))
    rows = selectors.minutes_answer_rows(meeting, minutes) if minutes else []
    organisations = [row.organisation for row in rows] or list(
        Organisation.objects.filter(pk__in=answering).order_by("acronym")
    )
    answers_open = minutes is not None and services.answers_open(minutes)
    mine = _my_organisation(user, answering)
    my_row = next((row for row in rows if row.organisation.pk == mine), None)
    on_behalf = is_secretariat(user)
    attendance = selectors.attendance_of(meeting)
    context: dict[str, object] = {
        "meeting": meeting,
        "minutes": minutes,
        "rows": rows,
        "answered": sum(row.answer is not None for row in rows),
        "can_manage": can_manage,
        "answers_open": answers_open,
        "my_row": my_row,
        "answer_form": AnswerForm(
            organisations=organisations,
            initial={"answer": my_row.answer.answer}
            if my_row is not None and my_row.answer is not None
            else None,
        )
        if answers_open and (mine is not None or on_behalf)
        else None,
        "on_behalf": on_behalf,
        "attendance": [(o, attendance.get(o.pk)) for o in organisations],
        "attendance_recorded": bool(attendance),
    }
    if can_manage and minutes is not None:
        context |= {
            "reply_form": ReplyForm(),
            "circulation_refused": services.circulation_refused(meeting, minutes),
            "circulate_form": CirculateForm(
                initial={"approval_due_on": minutes.approval_due_on}
                if minutes.approval_due_on and minutes.approval_due_on >= timezone.localdate()
                else None
            ),
            "approval_open": services.approval_open(minutes, answering),
        }
    if can_manage and _attendance_open(meeting, minutes):
        context["attendance_form"] = AttendanceForm(
            organisations=organisations,
            initial={
                "attended": [pk for pk, attended in attendance.items() if attended]
                if attendance
                else _expected(meeting)
            },
        )
    return render(request, "meetings/minutes_answers.html", context)


def _attendance_open(meeting: Meeting, minutes: Minutes | None) -> bool:
    return (
        meeting.status != Meeting.Status.CANCELLED
        and meeting.starts_at <= timezone.now()
        and (minutes is None or minutes.status != Minutes.Status.APPROVED)
    )


def _expected(meeting: Meeting) -> list[int]:
    """Before any attendance is recorded, the form starts from the answers: who said they
    would come, in person or online."""
    return list(
        meeting.invitations.filter(response__in=["in_person", "online"]).values_list(
            "organisation_id", flat=True
        )
    )


@require_POST
def minutes_answer(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user = request.user
    answering = selectors.answering_organisation_ids(meeting)
    named = request.POST.get("organisation", "")
    if named and not named.isdigit():
        raise Http404
    organisation_id = int(named) if named else user.organisation_id
    if organisation_id is None:
        raise Http404
    # Who may answer for that organisation first (403), then whether it answers at all (404).
    require(permissions.can_answer_minutes_for(user, organisation_id))
    if organisation_id not in answering:
        raise Http404
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    form = AnswerForm(request.POST, organisations=[organisation])
    # Draft minutes have no page for the members yet: a refusal is told on the meeting's page.
    circulated = Minutes.objects.filter(meeting=meeting).exclude(status=Minutes.Status.DRAFT)
    back = _page_url(meeting, "answer") if circulated.exists() else meeting.get_absolute_url()
    if not form.is_valid():
        messages.error(
            request, _("Your answer was not saved: %(errors)s") % {"errors": form_errors(form)}
        )
        return redirect(back)
    data = form.cleaned_data
    return act_once(
        request,
        lambda: services.minutes_answer(
            meeting=meeting,
            actor=user,
            organisation=organisation,
            answer=data["answer"],
            reason=data["reason"],
            passage=data["passage"],
        ),
        back=back if back == meeting.get_absolute_url() else _page_url(meeting, "answers"),
        done=_("The answer of %(org)s was saved.") % {"org": organisation.acronym},
        conflict=CONFLICT,
    )


@require_POST
def minutes_reply(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    answer = get_object_or_404(
        MinutesAnswer.objects.select_related("minutes__meeting", "organisation"), pk=pk
    )
    meeting = answer.minutes.meeting
    require(permissions.can_manage_meeting(request.user, meeting))
    form = ReplyForm(request.POST)
    back = _page_url(meeting, f"answer-{answer.organisation_id}")
    if not form.is_valid():
        messages.error(
            request, _("The reply was not sent: %(errors)s") % {"errors": form_errors(form)}
        )
        return redirect(back)
    return act_once(
        request,
        lambda: services.minutes_reply(
            answer=answer, actor=request.user, reply=form.cleaned_data["reply"]
        ),
        back=back,
        done=_("Your reply to %(org)s was saved; its people are told.")
        % {"org": answer.organisation.acronym},
        conflict=CONFLICT,
    )


@require_POST
def minutes_circulate(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """Circulate (or circulate again, after changes): a confirmation first, naming who is
    emailed the draft and the deadline."""
    meeting = get_object_or_404(Meeting.objects.select_related("host_organisation"), pk=pk)
    require(permissions.can_manage_meeting(request.user, meeting))
    form = CirculateForm(request.POST)
    back = _page_url(meeting)
    if not form.is_valid():
        messages.error(request, _("Give the date by which the minutes are to be approved."))
        return redirect(back)
    refused = services.circulation_refused(meeting, _minutes(meeting))
    if refused:
        messages.error(request, refused)
        return redirect(back)
    due = form.cleaned_data["approval_due_on"]
    if not confirmed(request):
        people = list(notify.minutes_audience(meeting).select_related("organisation"))
        acronyms = sorted({p.organisation.acronym for p in people if p.organisation})
        return confirmation(
            request,
            title=_("Circulate the minutes of “%(title)s” for approval?")
            % {"title": meeting.title},
            consequences=[
                _(
                    "%(people)s focal points and alternates of %(count)s organisations are "
                    "emailed the draft minutes and asked to answer by %(date)s: %(names)s."
                )
                % {
                    "people": len(people),
                    "count": len(acronyms),
                    "date": date_text(due),
                    "names": ", ".join(acronyms) or _("nobody"),
                },
                _(
                    "Each organisation approves or requests changes; answers given to an "
                    "earlier circulation no longer count."
                ),
            ],
            action_label=_("Circulate and email them"),
            cancel_url=back,
        )
    return act_once(
        request,
        lambda: services.minutes_circulate(
            meeting=meeting, actor=request.user, approval_due_on=due
        ),
        back=back,
        done=_("The minutes are circulated for approval; the organisations are emailed."),
        conflict=CONFLICT,
    )


def minutes_approve(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """Approve the final minutes. Opened from the minutes page: it says where the answers
    stand and asks for confirmation, or says why approval must wait."""
    meeting = get_object_or_404(Meeting.objects.select_related("host_organisation"), pk=pk)
    require(permissions.can_manage_meeting(request.user, meeting))
    minutes = _minutes(meeting)
    back = _page_url(meeting)
    if minutes is None or minutes.status != Minutes.Status.CIRCULATED:
        messages.error(request, _("Minutes are approved after they have been circulated."))
        return redirect(back)
    rows = selectors.minutes_answer_rows(meeting, minutes)
    if request.method == "POST" and confirmed(request):
        return act_once(
            request,
            lambda: services.minutes_approve(meeting=meeting, actor=request.user),
            back=back,
            done=_("The minutes are approved."),
            conflict=CONFLICT,
        )
    if not services.approval_open(minutes, {row.organisation.pk for row in rows}):
        return render(
            request,
            "meetings/minutes_approve_wait.html",
            {"meeting": meeting, "minutes": minutes, "rows": rows},
        )
    answers = [row.answer for row in rows]
    approving = sum(a is not None and a.answer == MinutesAnswer.Answer.APPROVE for a in answers)
    changes = [a for a in answers if a is not None and a.answer == MinutesAnswer.Answer.CHANGES]
    consequences = [
        _("Approved: %(approve)s; changes requested: %(changes)s; no answer: %(silent)s.")
        % {
            "approve": approving,
            "changes": len(changes),
            "silent": sum(a is None for a in answers),
        },
        _("The minutes become final: nobody can change them or their attendance afterwards."),
    ]
    unreplied = [a.organisation.acronym for a in changes if not a.chair_reply]
    if unreplied:
        consequences.append(
            _("Requests for changes not replied to: %(names)s.") % {"names": ", ".join(unreplied)}
        )
    return confirmation(
        request,
        title=_("Approve the minutes of “%(title)s”?") % {"title": meeting.title},
        consequences=consequences,
        action_label=_("Approve the minutes"),
        cancel_url=back,
        # A token of its own: the confirmation sent twice approves once (common.editing.once).
        fields={ONCE_FIELD: str(uuid.uuid4())},
    )


@require_POST
def attendance_record(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("host_organisation"), pk=pk)
    require(permissions.can_manage_meeting(request.user, meeting))
    organisations = list(
        Organisation.objects.filter(pk__in=selectors.answering_organisation_ids(meeting))
    )
    form = AttendanceForm(request.POST, organisations=organisations)
    back = _page_url(meeting, "attendance")
    if not form.is_valid():
        messages.error(
            request,
            _("The attendance was not saved: %(errors)s") % {"errors": form_errors(form)},
        )
        return redirect(back)
    return act_once(
        request,
        lambda: services.attendance_record(
            meeting=meeting, actor=request.user, attended=form.cleaned_data["attended"]
        ),
        back=back,
        done=_("The attendance was recorded."),
        conflict=CONFLICT,
    )
