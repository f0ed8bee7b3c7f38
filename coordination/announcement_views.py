"""Announcements and calls for inputs: the list, composing and sending (after a confirmation),
the page of one with the answers board for those who follow it, an organisation's answer and its
files (added, downloaded, removed after a confirmation), the reminder to non-responders and the
export of every answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
from coordination.announcement_forms import (
    ROLE_LABELS,
    AnnouncementForm,
    InputFilesForm,
    InputForm,
)
from coordination.models import Announcement, InputFile, Organisation, Person


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
        context["own_answer"] = (
            announcement.inputs.filter(organisation=own).prefetch_related("files").first()
        )
    return render(request, "coordination/announcement_detail.html", context)


def _answer_page(
    request: AuthenticatedRequest[Person],
    announcement: Announcement,
    organisation: Organisation,
    *,
    form: InputForm | None = None,
    files_form: InputFilesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The organisation's answer page: the answer's form, its files (each with a remove button
    while the call is open) and the form that adds files to the answer once it is written."""
    answer = (
        announcement.inputs.filter(organisation=organisation)
        .prefetch_related("files__uploaded_by")
        .first()
    )
    if form is None:
        form = InputForm(initial={"text": answer.text if answer else ""})
    return render(
        request,
        "coordination/announcement_answer.html",
        {
            "announcement": announcement,
            "organisation": organisation,
            "answer": answer,
            "files": list(answer.files.all()) if answer else [],
            "form": form,
            "files_form": files_form or InputFilesForm(),
        },
        status=status,
    )


def announcement_answer(request: AuthenticatedRequest[Person], pk: int, slug: str) -> HttpResponse:
    announcement = _announcement(request, pk)
    organisation = get_object_or_404(Organisation, slug=slug)
    require(permissions.can_answer(request.user, announcement, organisation))
    if request.method != "POST":
        return _answer_page(request, announcement, organisation)
    form = InputForm(request.POST, request.FILES)
    back = announcement.get_absolute_url()
    if repeated := previous_submission(request):
        return already_submitted(request, repeated, back)
    if form.is_valid():
        try:
            once(
                request,
                lambda: announcements.input_save(
                    announcement=announcement,
                    organisation=organisation,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["attachments"],
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
    # Refused: said on the form, nothing saved.
    return _answer_page(request, announcement, organisation, form=form, status=400)


@require_POST
def announcement_files_add(
    request: AuthenticatedRequest[Person], pk: int, slug: str
) -> HttpResponse:
    """Files added to an answer already written (the answer's own form takes files too)."""
    announcement = _announcement(request, pk)
    organisation = get_object_or_404(Organisation, slug=slug)
    require(permissions.can_answer(request.user, announcement, organisation))
    back = reverse("coordination:announcement_answer", args=[announcement.pk, organisation.slug])
    if repeated := previous_submission(request):
        return already_submitted(request, repeated, back)
    form = InputFilesForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = once(
                request,
                lambda: announcements.input_files_add(
                    announcement=announcement,
                    organisation=organisation,
                    actor=request.user,
                    files=form.cleaned_data["attachments"],
                ),
                url=lambda _added: back,
            )
        except AlreadySubmitted as repeated:
            return already_submitted(request, repeated, back)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s file was added to the answer.",
                    "%(count)s files were added to the answer.",
                    len(added),
                )
                % {"count": len(added)},
            )
            return redirect(back)
    return _answer_page(request, announcement, organisation, files_form=form, status=400)


def _input_file(pk: int) -> InputFile:
    return get_object_or_404(
        InputFile.objects.select_related("input__announcement", "input__organisation"), pk=pk
    )


def announcement_file(request: AuthenticatedRequest[Person], pk: int) -> FileResponse:
    """A file of an answer, to those who may read the answer; to anyone else it does not exist."""
    record = _input_file(pk)
    answer = record.input
    if not permissions.can_read_answer(request.user, answer.announcement, answer.organisation):
        raise Http404
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("The file is missing from storage.")) from error
    response = FileResponse(
        handle, as_attachment=True, filename=record.name, content_type=record.content_type
    )
    # Served as what its extension says, never as what a browser might guess from the content.
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def announcement_file_remove(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    record = _input_file(pk)
    answer = record.input
    announcement = _announcement(request, answer.announcement_id)
    organisation = answer.organisation
    require(permissions.can_answer(request.user, announcement, organisation))
    back = reverse("coordination:announcement_answer", args=[announcement.pk, organisation.slug])
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Remove “%(name)s”?") % {"name": record.name},
            consequences=[
                _("The file is taken off the answer of %(organisation)s to “%(title)s”.")
                % {"organisation": organisation.acronym, "title": announcement.title},
                _("Nobody is emailed."),
            ],
            action_label=_("Remove it"),
            cancel_url=back,
        )
    try:
        announcements.input_file_remove(input_file=record, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _answer_page(request, announcement, organisation, status=400)
    messages.success(request, _("The file “%(name)s” was removed.") % {"name": record.name})
    return redirect(back)


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
