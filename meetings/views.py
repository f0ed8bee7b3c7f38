"""Meeting pages. Each view fetches what it shows (404), checks permission (403), validates the
input, calls a service or selector, and renders."""

from __future__ import annotations

import calendar as pycalendar
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from common.confirm import confirmation, confirmed
from common.editing import (
    AlreadySubmitted,
    apply_errors,
    form_errors,
    once,
    posted,
    previous_submission,
    submit_form,
    versioned_edit,
)
from common.http import AuthenticatedRequest
from common.permissions import require
from common.versioning import ConflictError
from coordination.models import Person
from meetings import ical, notify, permissions, selectors, services
from meetings.forms import (
    ActionItemForm,
    AgendaItemForm,
    CirculateForm,
    DecisionForm,
    DocumentForm,
    InviteesForm,
    MeetingForm,
    MinutesForm,
    RSVPForm,
    ToWorkItemForm,
)
from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Decision,
    Document,
    Invitation,
    Meeting,
    Minutes,
)
from workplans import selectors as workplans_selectors

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# A part of a meeting that an organiser removes or changes on its own (see _managed_part).
Part = TypeVar("Part", AgendaItem, Decision, ActionItem, Document)

# The list shows the next ones; the month calendar shows the rest.
UPCOMING_SHOWN = 25


def _visible_meeting(request: AuthenticatedRequest[Person], pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting, pk=pk)
    if not permissions.can_see_meeting(request.user, meeting):
        raise Http404  # a draft is not announced to people who may not see it
    return meeting


# Every organiser's view checks in one order: fetch (404 if missing), then permission (403), then
# the input. These two helpers are the first two steps.


def _managed_meeting(request: AuthenticatedRequest[Person], pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting, pk=pk)
    require(permissions.can_manage_meeting(request.user, meeting))
    return meeting


def _managed_part(request: AuthenticatedRequest[Person], model: type[Part], pk: int) -> Part:
    """An agenda item, decision, action or document, with its meeting, for an organiser."""
    part = get_object_or_404(model._default_manager.select_related("meeting"), pk=pk)
    require(permissions.can_manage_meeting(request.user, part.meeting))
    return part


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(meeting.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _submit(
    request: AuthenticatedRequest[Person],
    meeting: Meeting,
    form: BaseForm,
    *,
    anchor: str,
    invalid: StrOrPromise,
    run: Callable[[dict[str, Any]], object],
    done: StrOrPromise,
) -> HttpResponse:
    """A form posted from the meeting page: invalid input or a refusal becomes a message there."""
    if repeated := previous_submission(request):
        messages.info(request, _("This was saved already: the form was sent twice."))
        return redirect(repeated.url or meeting.get_absolute_url())
    if not form.is_valid():
        invalid = str(invalid)
        messages.error(
            request, invalid % {"errors": form_errors(form)} if "%(errors)s" in invalid else invalid
        )
        return _back(meeting, anchor)
    back = meeting.get_absolute_url() + (f"#{anchor}" if anchor else "")
    return _run(
        request,
        meeting,
        # A form posted twice (a double click) adds once (common.editing.once).
        lambda: once(request, lambda: run(form.cleaned_data), url=lambda _saved: back),
        done,
        anchor,
    )


def _run(
    request: AuthenticatedRequest[Person],
    meeting: Meeting,
    action: Callable[[], object],
    done: StrOrPromise,
    anchor: str = "",
) -> HttpResponse:
    """Run a service for a button on the meeting page; its refusal becomes a message there.
    (No service behind these buttons is versioned: the minutes, which are, have their own view.)"""
    try:
        action()
    except AlreadySubmitted:
        messages.info(request, _("This was saved already: the form was sent twice."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back(meeting, anchor)


def _addition(
    make_form: Callable[[AuthenticatedRequest[Person], Meeting], BaseForm],
    add: Callable[[Meeting, Person, dict[str, Any]], object],
    *,
    anchor: str,
    invalid: StrOrPromise,
    done: StrOrPromise,
) -> Callable[[AuthenticatedRequest[Person], int], HttpResponse]:
    """The view of a form posted from the meeting page by its organisers (add an agenda item,
    a decision, an action, a document; set the invitees; circulate the minutes): fetch the
    meeting, check the organiser, validate, call the service, go back to that part."""

    @require_POST
    def view(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
        meeting = _managed_meeting(request, pk)
        return _submit(
            request,
            meeting,
            make_form(request, meeting),
            anchor=anchor,
            invalid=invalid,
            run=lambda data: add(meeting, request.user, data),
            done=done,
        )

    return view


def _removal(
    model: type[Part],
    remove: Callable[[Part, Person], None],
    done: StrOrPromise,
    anchor: str,
) -> Callable[[AuthenticatedRequest[Person], int], HttpResponse]:
    """The view of a "Remove" button on the meeting page: fetch the part, check the organiser,
    remove it through its service, and go back to where it was listed."""

    @require_POST
    def view(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
        part = _managed_part(request, model, pk)
        if not confirmed(request):
            return confirmation(
                request,
                title=_("Remove this %(kind)s?") % {"kind": model._meta.verbose_name},
                consequences=[
                    _("“%(part)s” is removed from “%(meeting)s”.")
                    % {"part": part, "meeting": part.meeting.title},
                    _("Nobody is emailed."),
                ],
                action_label=_("Remove it"),
                cancel_url=part.meeting.get_absolute_url() + f"#{anchor}",
            )
        return _run(request, part.meeting, lambda: remove(part, request.user), done, anchor)

    return view


def _emailed(meeting: Meeting, what: StrOrPromise) -> str:
    """Who a meeting's email reaches, counted for a confirmation: people, organisations, names."""
    people = list(notify.audience(meeting).select_related("organisation"))
    acronyms = sorted({p.organisation.acronym for p in people if p.organisation})
    return _("%(people)s people of %(count)s organisations are emailed %(what)s: %(names)s.") % {
        "people": len(people),
        "count": len(acronyms),
        "what": what,
        "names": ", ".join(acronyms) or _("nobody"),
    }


# --- Lists and calendar ---------------------------------------------------------------------------


def meeting_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    now = timezone.now()
    meetings = selectors.meetings_for(request.user)
    past = Paginator(meetings.past(now), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": list(meetings.upcoming(now)[:UPCOMING_SHOWN]),
            "past": past,
            "page": past,
            "can_manage": permissions.can_create_meetings(request.user),
            "can_manage_series": permissions.can_manage_series(request.user),
            "today": timezone.localdate(),
        },
    )


def month(
    request: AuthenticatedRequest[Person], year: int | None = None, month: int | None = None
) -> HttpResponse:
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (1 <= month <= 12 and 1900 < year < 3000):
        raise Http404
    by_day: dict[date, list[Meeting]] = {}
    for meeting in selectors.meetings_in_month(request.user, year, month):
        start = timezone.localtime(meeting.starts_at).date()
        end = timezone.localtime(meeting.ends_at).date()
        day = start
        while day <= end:
            by_day.setdefault(day, []).append(meeting)
            day += timedelta(days=1)
    weeks = [
        [(day, by_day.get(day, []), day.month == month) for day in week]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    first = date(year, month, 1)
    previous_month = first - timedelta(days=1)
    next_month = first + timedelta(days=32)
    return render(
        request,
        "meetings/month.html",
        {
            "weeks": weeks,
            "first": first,
            "today": today,
            "previous": previous_month.replace(day=1),
            "next": next_month.replace(day=1),
            "weekdays": [
                date(2024, 1, d) for d in range(1, 8)
            ],  # a Monday-first week, for the names
        },
    )


# --- One meeting ----------------------------------------------------------------------------------


def meeting_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    try:
        meeting = selectors.meeting_detail(pk)
    except Meeting.DoesNotExist as error:
        raise Http404 from error
    if not permissions.can_see_meeting(request.user, meeting):
        raise Http404  # a draft is not announced to people who may not see it
    can_manage = permissions.can_manage_meeting(request.user, meeting)
    mine = selectors.invitation_of(meeting, request.user.organisation_id)
    minutes = selectors.minutes_of(meeting)
    can_answer = mine is not None and permissions.can_answer_now(request.user, mine)
    context: dict[str, object] = {
        "meeting": meeting,
        "invitations": meeting.invitations.all(),
        "counts": selectors.rsvp_counts(meeting),
        "my_invitation": mine,
        "can_answer": can_answer,
        # An answer still owed is the first thing on the page (on a phone, before the details).
        "rsvp_owed": can_answer and mine is not None and mine.response == mine.Response.NO_ANSWER,
        "rsvp_form": RSVPForm(instance=mine, auto_id="rsvp_%s") if mine else None,
        "minutes": minutes,
        "can_read_minutes": minutes is not None
        and permissions.can_read_minutes(request.user, meeting, minutes),
        "can_manage": can_manage,
        "can_publish": permissions.can_publish_meeting(request.user, meeting),
        "can_manage_series": permissions.can_manage_series(request.user),
        "now": timezone.now(),
    }
    if can_manage:
        # The page holds many forms, and each posts to its own view: auto_id gives each form
        # its own ids (an agenda item's title is not a decision's), the names stay the same.
        context |= {
            "agenda_form": AgendaItemForm(auto_id="agenda_%s"),
            "minutes_form": MinutesForm(
                initial={"text": minutes.text, "version": minutes.version} if minutes else None,
                auto_id="minutes_%s",
            ),
            "circulate_form": CirculateForm(
                initial={"approval_due_on": timezone.localdate() + timedelta(days=14)},
                auto_id="circulate_%s",
            ),
            "decision_form": DecisionForm(auto_id="decision_%s"),
            "action_form": ActionItemForm(auto_id="action_%s"),
            "priority_areas": list(workplans_selectors.open_priority_areas()),
            "document_form": DocumentForm(meeting=meeting, auto_id="document_%s"),
            "invitees_form": InviteesForm(
                initial={"organisations": [i.organisation_id for i in meeting.invitations.all()]},
                auto_id="invitees_%s",
            ),
        }
    return render(request, "meetings/meeting_detail.html", context)


def meeting_create(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_create_meetings(request.user))
    form = MeetingForm(
        posted(request),
        initial={
            "time_zone": request.user.organisation.time_zone if request.user.organisation else "UTC"
        },
    )
    return submit_form(
        request,
        form=form,
        save=lambda: services.meeting_create(actor=request.user, **form.changes()),
        template="meetings/meeting_form.html",
        context={},
        success_message=_(
            "The meeting is saved as a draft, seen only by the organisers. Add the agenda and invitees, then publish it."
        ),
    )


def meeting_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    if (
        request.method == "POST"
        and not confirmed(request)
        and (asked := _confirm_reschedule(request, meeting))
    ):
        return asked
    return versioned_edit(
        request,
        form_class=MeetingForm,
        instance=meeting,
        save=lambda **changes: services.meeting_update(
            meeting=meeting, actor=request.user, **changes
        ),
        template="meetings/meeting_form.html",
        context={"meeting": meeting},
    )


@require_POST
def meeting_status(request: AuthenticatedRequest[Person], pk: int, action: str) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    actions = {
        "publish": (
            services.meeting_publish,
            _("The meeting is published: invitees can now answer."),
        ),
        "cancel": (services.meeting_cancel, _("The meeting is cancelled.")),
        "held": (services.meeting_mark_held, _("The meeting is marked as held.")),
        "publish-agenda": (services.agenda_publish, _("The agenda is published.")),
    }
    if action not in actions:
        raise Http404
    if action == "publish":
        require(permissions.can_publish_meeting(request.user, meeting))
    if action != "held" and not confirmed(request):
        return _confirm_status(request, meeting, action)
    service, done = actions[action]
    return _run(request, meeting, lambda: service(meeting=meeting, actor=request.user), done)


def _confirm_status(
    request: AuthenticatedRequest[Person], meeting: Meeting, action: str
) -> HttpResponse:
    """What publishing, cancelling or publishing the agenda does, and who is emailed: a draft's
    people hear nothing until it is published (see the services)."""
    scheduled = meeting.status == Meeting.Status.SCHEDULED
    nobody = _("Nobody is emailed: the meeting is still a draft.")
    if action == "publish":
        title = _("Publish “%(title)s”?")
        consequences = [
            _("Everyone sees the meeting and the invited organisations can answer."),
            _emailed(meeting, _("the invitation with a calendar file")),
        ]
        label = _("Publish and email them")
    elif action == "cancel":
        title = _("Cancel “%(title)s”?")
        consequences = [
            _("The meeting is cancelled and can no longer be changed."),
            _emailed(meeting, _("the cancellation")) if scheduled else nobody,
        ]
        label = _("Cancel the meeting and email them") if scheduled else _("Cancel the meeting")
    else:
        title = _("Publish the agenda of “%(title)s”?")
        consequences = [
            _("The agenda of %(count)s items is published.")
            % {"count": meeting.agenda_items.count()},
            _emailed(meeting, _("the agenda")) if scheduled else nobody,
        ]
        label = _("Publish the agenda and email them") if scheduled else _("Publish the agenda")
    return confirmation(
        request,
        title=title % {"title": meeting.title},
        consequences=consequences,
        action_label=label,
        cancel_url=meeting.get_absolute_url(),
        # A cancellation is final; a publication is not taken back, but the meeting and its
        # agenda can still be changed (the emails that went cannot).
        undoable=action != "cancel",
    )


def _confirm_reschedule(
    request: AuthenticatedRequest[Person], meeting: Meeting
) -> HttpResponse | None:
    """An edit that moves a published meeting (its time, time zone, venue or link) emails its
    people: the confirmation carries the posted fields, and the edit is saved once confirmed.
    Any other edit, or invalid input, goes straight to the usual edit flow."""
    if meeting.status != Meeting.Status.SCHEDULED:
        return None
    # A copy: a bound form writes its values into the instance it validates.
    form = MeetingForm(request.POST, instance=Meeting.objects.get(pk=meeting.pk))
    if not form.is_valid():
        return None
    moved = [
        f for f in services.RESCHEDULING_FIELDS if form.cleaned_data.get(f) != getattr(meeting, f)
    ]
    if not moved:
        return None
    return confirmation(
        request,
        title=_("Reschedule “%(title)s”?") % {"title": meeting.title},
        consequences=[
            _("Changed: %(fields)s.")
            % {"fields": ", ".join(str(form.fields[f].label or f) for f in moved)},
            _emailed(meeting, _("the change with a new calendar file")),
        ],
        action_label=_("Save and email them"),
        cancel_url=meeting.get_absolute_url(),
        undoable=True,
    )


invitees_set = _addition(
    lambda request, meeting: InviteesForm(request.POST),
    lambda meeting, actor, data: services.invitations_set(
        meeting=meeting, actor=actor, organisations=data["organisations"]
    ),
    anchor="rsvps",
    invalid=gettext_lazy("Choose organisations from the list."),
    done=gettext_lazy("The invited organisations were updated."),
)


@require_POST
def rsvp(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    meeting = _visible_meeting(request, pk)
    named = request.POST.get("organisation", "")
    if named and not named.isdigit():
        raise Http404
    organisation_id = int(named) if named else request.user.organisation_id
    invitation = get_object_or_404(
        Invitation.objects.select_related("meeting"),
        meeting=meeting,
        organisation_id=organisation_id,
    )
    require(permissions.can_answer(request.user, invitation))
    form = RSVPForm(request.POST, instance=Invitation.objects.get(pk=invitation.pk))
    if not form.is_valid():
        messages.error(request, _("Choose whether your organisation attends."))
        return _back(meeting, "rsvps")
    return _run(
        request,
        meeting,
        lambda: services.rsvp_answer(
            invitation=invitation,
            actor=request.user,
            response=form.cleaned_data["response"],
            attendees=form.cleaned_data["attendees"],
            seen=form.cleaned_data["seen"] if "seen" in request.POST else None,
        ),
        _("Your organisation's answer was saved."),
        "rsvps",
    )


# --- Agenda, minutes, decisions, actions -----------------------------------------------------------


agenda_add = _addition(
    lambda request, meeting: AgendaItemForm(request.POST),
    lambda meeting, actor, data: services.agenda_item_add(meeting=meeting, actor=actor, **data),
    anchor="agenda",
    invalid=gettext_lazy("The agenda item was not added: %(errors)s"),
    done=gettext_lazy("The agenda item was added."),
)


def agenda_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    item = _managed_part(request, AgendaItem, pk)
    form = AgendaItemForm(request.POST or None, instance=AgendaItem.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The agenda item was saved."))
            return _back(item.meeting, f"agenda-{item.pk}")
    return render(
        request,
        "meetings/agenda_item_form.html",
        {"form": form, "item": item, "meeting": item.meeting},
    )


@require_POST
def agenda_move(request: AuthenticatedRequest[Person], pk: int, direction: str) -> HttpResponse:
    item = _managed_part(request, AgendaItem, pk)
    if direction not in {"up", "down"}:
        raise Http404
    services.agenda_item_move(item=item, actor=request.user, up=direction == "up")
    return _back(item.meeting, "agenda")


agenda_remove = _removal(
    AgendaItem,
    lambda item, actor: services.agenda_item_remove(item=item, actor=actor),
    gettext_lazy("The agenda item was removed."),
    "agenda",
)


@require_POST
def minutes_save(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The minutes are empty."))
        return _back(meeting, "minutes")
    try:
        services.minutes_save(
            meeting=meeting,
            actor=request.user,
            text=form.cleaned_data["text"],
            version=form.cleaned_data["version"],
        )
    except ConflictError as error:
        # minutes_save conflicts only on the meeting's minutes.
        return _minutes_conflict(request, meeting, form, cast("Minutes", error.current))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The minutes were saved."))
    return _back(meeting, "minutes")


def _minutes_conflict(
    request: AuthenticatedRequest[Person], meeting: Meeting, form: MinutesForm, current: Minutes
) -> HttpResponse:
    """Someone saved the minutes meanwhile; nothing was written. As on every versioned form
    (common.editing.versioned_edit), both texts are shown side by side, and the form keeps the
    person's text but carries the newer version: saving it again is a deliberate choice to
    replace what the other person wrote."""
    yours: str = form.cleaned_data["text"]
    again = MinutesForm({"text": yours, "version": current.version})
    again.is_valid()
    again.add_error(
        None,
        _(
            "Someone else saved the minutes while you were writing. Nothing was saved. "
            "Compare the two versions below, then save again to keep yours."
        ),
    )
    return render(
        request,
        "meetings/minutes_conflict.html",
        {
            "meeting": meeting,
            "form": again,
            # The shared side-by-side table shows each value on one line; minutes are paragraphs.
            "conflict": [
                {
                    "label": MinutesForm.base_fields["text"].label,
                    "yours": linebreaksbr(yours, autoescape=True),
                    "theirs": linebreaksbr(current.text, autoescape=True),
                    "differs": yours != current.text,
                }
            ],
        },
    )


decision_add = _addition(
    lambda request, meeting: DecisionForm(request.POST),
    lambda meeting, actor, data: services.decision_add(
        meeting=meeting, actor=actor, text=data["text"], endorses_term=data.get("endorses_term")
    ),
    anchor="decisions",
    invalid=gettext_lazy("The decision was not recorded: %(errors)s"),
    done=gettext_lazy("The decision was recorded."),
)


decision_remove = _removal(
    Decision,
    lambda decision, actor: services.decision_remove(decision=decision, actor=actor),
    gettext_lazy("The decision was removed."),
    "decisions",
)


action_add = _addition(
    lambda request, meeting: ActionItemForm(request.POST),
    lambda meeting, actor, data: services.action_item_add(meeting=meeting, actor=actor, **data),
    anchor="actions",
    invalid=gettext_lazy("The action was not added: %(errors)s"),
    done=gettext_lazy("The action was recorded."),
)


action_remove = _removal(
    ActionItem,
    lambda action, actor: services.action_item_remove(action=action, actor=actor),
    gettext_lazy("The action was removed."),
    "actions",
)


@require_POST
def action_to_work_item(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    action = _managed_part(request, ActionItem, pk)
    return _submit(
        request,
        action.meeting,
        ToWorkItemForm(request.POST),
        anchor="actions",
        invalid=_("Choose the priority area the work item belongs to."),
        run=lambda data: services.action_item_to_work_item(
            action=action, actor=request.user, priority_area=data["priority_area"]
        ),
        done=_("The action is now a work item of the plan."),
    )


# --- Documents ------------------------------------------------------------------------------------


document_upload = _addition(
    lambda request, meeting: DocumentForm(request.POST, request.FILES, meeting=meeting),
    lambda meeting, actor, data: services.document_upload(
        meeting=meeting,
        actor=actor,
        upload=data["file"],
        title=data["title"],
        agenda_item=data["agenda_item"],
    ),
    anchor="documents",
    invalid=gettext_lazy("The document was not attached: %(errors)s"),
    done=gettext_lazy("The document was attached."),
)


def document_download(request: AuthenticatedRequest[Person], pk: int) -> FileResponse:
    document = get_object_or_404(Document.objects.select_related("meeting"), pk=pk)
    if not permissions.can_download(request.user, document):
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("The file is missing from storage.")) from error
    response = FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


document_remove = _removal(
    Document,
    lambda document, actor: services.document_remove(document=document, actor=actor),
    gettext_lazy("The document was removed."),
    "documents",
)


# --- Calendars ------------------------------------------------------------------------------------


def meeting_ics(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    meeting = _visible_meeting(request, pk)
    alarms = CalendarFeed.objects.alarms([request.user])
    response = HttpResponse(
        ical.calendar([meeting], name=meeting.title, alarm_minutes=alarms.get(request.user.pk)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_not_required
@cache_control(private=True, no_cache=True)
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's subscription: calendar apps fetch it without logging in, so the address is the
    secret. A wrong or replaced token is simply not found. A calendar app that asks again with
    the ETag or Last-Modified it was given gets 304 Not Modified while nothing changed: the
    validators are computed from the data, the file is made only when it is sent."""
    subscription = get_object_or_404(
        CalendarFeed.objects.select_related("person"), token=token, person__is_active=True
    )
    meetings = selectors.feed_meetings(subscription.person, timezone.now())
    etag, last_modified = ical.feed_validators(
        meetings, subscription, language=translation.get_language() or ""
    )
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        body = ical.calendar(
            meetings,
            name=f"{settings.GROUP_NAME} — {_('meetings')}",
            alarm_minutes=subscription.alarm_minutes,
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    return response


def calendar_settings(request: AuthenticatedRequest[Person]) -> HttpResponse:
    """The person's own subscription: its address (made anew on request) and the reminder their
    calendars get. Nobody reaches another person's settings: there is no id to give."""
    subscription = services.calendar_feed_for(request.user)
    offered = {"" if value is None else str(value): value for value in CalendarFeed.Alarm.values}
    status = 200
    error = ""
    if request.method == "POST" and "alarm_minutes" in request.POST:
        chosen = request.POST["alarm_minutes"]
        if chosen in offered:
            services.calendar_feed_alarm_set(person=request.user, minutes=offered[chosen])
            messages.success(request, _("Your reminder was saved."))
            return redirect("meetings:calendar_settings")
        status = 400
        error = _("Choose one of the reminders offered.")
    elif request.method == "POST":
        subscription = services.calendar_feed_regenerate(person=request.user)
        messages.success(
            request,
            _(
                "Your calendar has a new address. The old one no longer works: update your calendar app."
            ),
        )
        return redirect("meetings:calendar_settings")
    return render(
        request,
        "meetings/calendar_settings.html",
        {
            "feed_url": settings.SITE_URL + subscription.get_absolute_url(),
            "webcal_url": "webcal://"
            + settings.SITE_URL.split("://", 1)[-1]
            + subscription.get_absolute_url(),
            "alarm_choices": [
                ("" if value is None else str(value), label)
                for value, label in CalendarFeed.Alarm.choices
            ],
            "alarm_chosen": ""
            if subscription.alarm_minutes is None
            else str(subscription.alarm_minutes),
            "alarm_error": error,
        },
        status=status,
    )
