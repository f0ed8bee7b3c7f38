"""Recurring meetings' pages: create a series, see it with its meetings, publish it, change it
from one of its meetings on, end it. One meeting of a series is edited, moved or cancelled on
its own meeting page, like any meeting."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.confirm import confirmation, confirmed
from common.editing import posted, submit_form, versioned_edit
from common.http import AuthenticatedRequest
from common.permissions import require
from coordination.models import Person
from meetings import ical, notify, permissions, recurrence, series
from meetings.forms import SeriesForm
from meetings.models import Meeting, Series


def _series(request: AuthenticatedRequest[Person], pk: int) -> Series:
    """A series as its viewer may see it: a draft only by the organisers (404 for others)."""
    found = get_object_or_404(Series.objects.select_related("host_organisation", "follows"), pk=pk)
    if not found.is_published and not permissions.can_manage_series(request.user):
        raise Http404
    return found


def series_create(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_manage_series(request.user))
    zone = request.user.organisation.time_zone if request.user.organisation else "UTC"
    form = SeriesForm(posted(request), initial={"time_zone": zone, "kind": "video_call"})
    return submit_form(
        request,
        form=form,
        save=lambda: series.series_create(actor=request.user, **form.changes()),
        template="meetings/series_form.html",
        context={},
        success_message=_(
            "The series is saved as a draft, with its meetings of the next twelve months, seen "
            "only by the organisers. Check them, then publish the series."
        ),
    )


def series_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    shown = _series(request, pk)
    now = timezone.now()
    occurrences = shown.occurrences.select_related("host_organisation").order_by("starts_at")
    return render(
        request,
        "meetings/series_detail.html",
        {
            "series": shown,
            "rule": recurrence.describe(shown),
            "upcoming": list(occurrences.filter(ends_at__gte=now)),
            "past": list(occurrences.filter(ends_at__lt=now).reverse()[:12]),
            "continued_by": list(shown.continued_by.all()),
            "can_manage": permissions.can_manage_series(request.user),
            "invited": list(shown.organisations.order_by("acronym")),
        },
    )


def series_ics(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    shown = _series(request, pk)
    response = HttpResponse(
        ical.calendar([], name=shown.title, series=[shown]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="series-{shown.pk}.ics"'
    return response


def _emailed(shown: Series, what: str) -> str:
    count = notify.series_audience(shown).count()
    return _(
        "%(count)s people of the %(organisations)s invited organisations are emailed %(what)s."
    ) % {
        "count": count,
        "organisations": shown.organisations.count(),
        "what": what,
    }


@require_POST
def series_publish(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    shown = _series(request, pk)
    require(permissions.can_manage_series(request.user))
    if shown.is_published:
        messages.info(request, _("The series is already published."))
        return redirect(shown)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Publish “%(title)s”?") % {"title": shown.title},
            consequences=[
                _(
                    "Its %(count)s meetings of the next twelve months are scheduled: everyone sees them and the invited organisations can answer each."
                )
                % {"count": shown.occurrences.filter(status=Meeting.Status.DRAFT).count()},
                _emailed(shown, _("one invitation for the whole series, with a calendar file")),
            ],
            action_label=_("Publish and email them"),
            cancel_url=shown.get_absolute_url(),
            undoable=True,
        )
    series.series_publish(series=shown, actor=request.user)
    messages.success(request, _("The series is published."))
    return redirect(shown)


def _occurrence(request: AuthenticatedRequest[Person], pk: int) -> tuple[Meeting, Series, datetime]:
    """A meeting of a series, its series and where the rule put it, for an organiser."""
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    require(permissions.can_manage_series(request.user))
    if meeting.series is None or meeting.recurrence_id is None:
        raise Http404
    return meeting, meeting.series, meeting.recurrence_id


def series_edit_following(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """Change this meeting and the following ones of its series."""
    meeting, stored, _at = _occurrence(request, pk)
    if meeting.status not in series.OPEN:
        messages.error(request, _("A meeting that was held or cancelled cannot be changed."))
        return redirect(meeting)
    if request.method == "POST" and stored.is_published and not confirmed(request):
        form = SeriesForm(request.POST, instance=Series.objects.get(pk=stored.pk), meeting=meeting)
        if form.is_valid():
            following = stored.occurrences.filter(
                recurrence_id__gte=meeting.recurrence_id, status__in=series.OPEN
            ).count()
            return confirmation(
                request,
                title=_("Change “%(title)s” from %(date)s on?")
                % {
                    "title": stored.title,
                    "date": date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT"),
                },
                consequences=[
                    _(
                        "This meeting and the %(count)s following ones change; the earlier ones stay as they were."
                    )
                    % {"count": following - 1},
                    _emailed(stored, _("the change, with a calendar file")),
                ],
                action_label=_("Save and email them"),
                cancel_url=meeting.get_absolute_url(),
                undoable=True,
            )

    def save(**changes: object) -> Series:
        return series.series_change_from(meeting=meeting, actor=request.user, **changes)  # type: ignore[arg-type]

    return versioned_edit(
        request,
        form_class=lambda *args, **kwargs: SeriesForm(*args, meeting=meeting, **kwargs),  # type: ignore[arg-type]
        instance=stored,
        save=save,
        template="meetings/series_form.html",
        context={"series": stored, "meeting": meeting},
        success_message=_("This meeting and the following ones were changed."),
        success_url=meeting.get_absolute_url(),
    )


@require_POST
def series_end(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """End the series after this meeting: the following open meetings are cancelled."""
    meeting, stored, at = _occurrence(request, pk)
    after = stored.occurrences.filter(recurrence_id__gt=at, status__in=series.OPEN).count()
    if not confirmed(request):
        return confirmation(
            request,
            title=_("End “%(title)s” after this meeting?") % {"title": stored.title},
            consequences=[
                _("The %(count)s following meetings are cancelled.") % {"count": after}
                if stored.is_published
                else _("The %(count)s following draft meetings are deleted.") % {"count": after},
                _emailed(stored, _("the change, with a calendar file"))
                if stored.is_published
                else _("Nobody is emailed: the series is still a draft."),
            ],
            action_label=_("End the series"),
            cancel_url=meeting.get_absolute_url(),
        )
    try:
        series.series_end(series=stored, actor=request.user, last=at)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The series ends after this meeting."))
    return redirect(meeting)
