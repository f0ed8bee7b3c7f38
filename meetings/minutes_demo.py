"""The demonstration's answers to circulated minutes and its attendance records (after
meetings.demo.load_meetings): the minutes out for approval have some answers, one of them a
request for changes awaiting the chair's reply; each held meeting records who attended, as the
answers said. Idempotent: what exists is left alone."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from coordination.models import Person
from meetings import selectors
from meetings.models import Attendance, Invitation, Meeting, Minutes, MinutesAnswer

# How many organisations have answered the demonstration's circulated minutes: the first
# approve, the last of them asks for changes.
ANSWERED = 3


@transaction.atomic
def load_minutes_answers() -> dict[str, int]:
    focal_points = {
        p.organisation_id: p for p in Person.objects.filter(role=Person.Role.FOCAL_POINT)
    }
    answers = 0
    for minutes in Minutes.objects.filter(status=Minutes.Status.CIRCULATED).select_related(
        "meeting"
    ):
        if minutes.answers.exists():
            continue
        if minutes.circulation == 0:
            minutes.circulation = 1
            minutes.save(update_fields=["circulation"])
        organisations = sorted(selectors.answering_organisation_ids(minutes.meeting))[:ANSWERED]
        answered_at = (minutes.circulated_at or minutes.meeting.ends_at) + timedelta(days=2)
        first_sentence = minutes.text.split(". ")[0]
        for n, organisation_id in enumerate(organisations, start=1):
            changes = n == len(organisations) and n > 1
            MinutesAnswer.objects.create(
                minutes=minutes,
                organisation_id=organisation_id,
                circulation=minutes.circulation,
                answer=MinutesAnswer.Answer.CHANGES if changes else MinutesAnswer.Answer.APPROVE,
                passage=first_sentence if changes else "",
                reason="Please name the members that presented their progress." if changes else "",
                answered_by=focal_points.get(organisation_id),
                answered_at=answered_at + timedelta(hours=n),
            )
            answers += 1
    attendance = 0
    held = Meeting.objects.filter(status=Meeting.Status.HELD, attendance__isnull=True)
    for meeting in held.prefetch_related("invitations"):
        Attendance.objects.bulk_create(
            Attendance(
                meeting=meeting,
                organisation_id=invitation.organisation_id,
                attended=invitation.response
                in {Invitation.Response.IN_PERSON, Invitation.Response.ONLINE},
                recorded_at=meeting.ends_at,
            )
            for invitation in meeting.invitations.all()
        )
        attendance += 1
    return {"minutes answers": answers, "attendance records": attendance}
