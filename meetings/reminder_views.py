"""The "remind those who have not answered" button of a meeting's answers."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.editing import act_once
from common.http import AuthenticatedRequest
from common.permissions import require
from coordination.models import Person
from meetings import permissions, reminders
from meetings.models import Meeting


@require_POST
def rsvp_remind(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    require(permissions.can_manage_meeting(request.user, meeting))
    return act_once(
        request,
        lambda: reminders.rsvp_remind(meeting=meeting, actor=request.user),
        back=meeting.get_absolute_url() + "#rsvps",
        done=_("The organisations that have not answered were reminded."),
        conflict=_("The meeting changed meanwhile; here it is as it stands."),
    )
