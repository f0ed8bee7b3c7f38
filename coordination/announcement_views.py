"""Announcements and calls for inputs: the list, composing and sending (after a confirmation),
the page of one with the answers board for those who follow it, an organisation's answer, the
reminder to non-responders and the export of every answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import exports, reminders
from common.confirm import confirmation, confirmed
from common.editing import (
    AlreadySubmitted,
    act_once,
    already_submitted,
    apply_errors,
    once,
    posted,
    previous_submission,
)
from common.http import AuthenticatedRequest
from common.permissions import require
from coordination import announcements, notify, permissions
from coordination.announcement_forms import ROLE_LABELS, AnnouncementForm, InputForm
from coordination.models import Announcement, Organisation, Person


def _announcement(request: AuthenticatedRequest[Person], pk: int) -> Announcement:
    announcement = get_object_or_404(
        Announcement.objects.select_related("created_by").prefetch_related("organisations"),
        pk=pk,
    )
    # Not even its existence to those it was not sent to.
    if not permissions.can_see(request.user, announcement):
        raise Http404
    return announcement


def announcement_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    return render(
        request,
        "coordination/announcement_list.html",
        {
            "announcements": announcements.visible(request.user),
            "can_send": permissions.can_send_announcements(request.user),
        },
    )


def announcement_new(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_send_announcements(request.user))
    form = AnnouncementForm(posted(request))
    if request.method == "POST" and (repeated := previous_submission(request)):
        return already_submitted(request, repeated, reverse("coordination:announcement_list"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not confirmed(request):
            return _confirm_send(request, form)
        try:
            sent = once(
                request,
                lambda: announcements.announcement_send(
                    actor=request.user,
                    title=data["title"],
                    body=data["body"],
                    kind=data["kind"],
                    deadline=data["deadline"],
                    organisations=list(data["organisations"]),
                    roles=data["roles"],
                ),
                url=lambda sent: sent.get_absolute_url(),
            )
        except AlreadySubmitted as repeated:
            return already_submitted(request, repeated, reverse("coordination:announcement_list"))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Sent: the emails are on their way."))
            return redirect(sent.get_absolute_url())
    return render(request, "coordination/announcement_form.html", {"form": form})


def _confirm_send(request: AuthenticatedRequest[Person], form: AnnouncementForm) -> HttpResponse:
    data = form.cleaned_data
    organisations = list(data["organisations"])
    people = notify.announcement_people({o.pk for o in organisations}, data["roles"]).count()
    is_call = data["kind"] == Announcement.Kind.CALL_FOR_INPUTS
    roles = ", ".join(str(ROLE_LABELS[role]) for role in data["roles"])
    consequences = [
        _("%(people)s people (%(roles)s) of %(count)s organisations will be emailed “%(title)s”.")
        % {"people": people, "roles": roles, "count": len(organisations), "title": data["title"]},
        _(
            "It is a call for inputs: it reaches everyone asked, even those who turned off "
            "immediate emails, and each organisation answers on the site."
        )
        if is_call
        else _(
            "It is an announcement: those who turned off immediate emails see it in the hub and "
            "their digest only."
        ),
        _("An email cannot be called back once sent."),
    ]
    fields = form.carried()
    fields["once"] = request.POST.get("once", "")
    return confirmation(
        request,
        title=_("Send “%(title)s”?") % {"title": data["title"]},
        consequences=consequences,
        action_label=_("Send"),
        cancel_url=reverse("coordination:announcement_list"),
        fields=fields,
    )


def announcement_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    announcement = _announcement(request, pk)
    user = request.user
    following = permissions.can_follow(user, announcement)
    context: dict[str, object] = {
        "announcement": announcement,
        "roles": [ROLE_LABELS.get(role, role) for role in announcement.roles],
        "following": following,
    }
    if following and announcement.is_call:
        subject = reminders.reminder_subject(announcement)
        context["board"] = announcements.board(announcement)
        context["remind"] = reminders.reminder_state(subject)
    own = user.organisation if user.organisation_id else None
    if own is not None and permissions.can_answer(user, announcement, own):
        context["own"] = own
        context["own_answer"] = announcement.inputs.filter(organisation=own).first()
    return render(request, "coordination/announcement_detail.html", context)


def announcement_answer(request: AuthenticatedRequest[Person], pk: int, slug: str) -> HttpResponse:
    announcement = _announcement(request, pk)
    organisation = get_object_or_404(Organisation, slug=slug)
    require(permissions.can_answer(request.user, announcement, organisation))
    answer = announcement.inputs.filter(organisation=organisation).first()
    form = InputForm(posted(request), initial={"text": answer.text if answer else ""})
    back = announcement.get_absolute_url()
    if request.method == "POST" and (repeated := previous_submission(request)):
        return already_submitted(request, repeated, back)
    if request.method == "POST" and form.is_valid():
        try:
            once(
                request,
                lambda: announcements.input_save(
                    announcement=announcement,
                    organisation=organisation,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                ),
                url=lambda _saved: back,
            )
        except AlreadySubmitted as repeated:
            return already_submitted(request, repeated, back)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your organisation's answer is saved."))
            return redirect(back)
    return render(
        request,
        "coordination/announcement_answer.html",
        {
            "announcement": announcement,
            "organisation": organisation,
            "answer": answer,
            "form": form,
        },
    )


@require_POST
def announcement_remind(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    announcement = _announcement(request, pk)
    require(permissions.can_follow(request.user, announcement))
    return act_once(
        request,
        lambda: announcements.inputs_remind(announcement=announcement, actor=request.user),
        back=announcement.get_absolute_url(),
        done=_("The organisations that have not answered are being reminded."),
        conflict=_("Someone else changed this meanwhile."),
    )


def announcement_export(request: AuthenticatedRequest[Person], pk: int, fmt: str) -> HttpResponse:
    announcement = _announcement(request, pk)
    require(permissions.can_follow(request.user, announcement) and announcement.is_call)
    return exports.spreadsheet_response(
        announcements.answers_dataset(announcement), fmt, f"inputs-{announcement.pk}"
    )
