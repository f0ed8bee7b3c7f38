"""Every change to meetings goes through these functions: permission, validation, the version
check, the audit row (auditlog, same transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import acting_as
from common.dates import group_today
from common.formats import date_text
from common.permissions import require
from common.uploads import check_upload
from common.versioning import ConflictError, reject_unknown, save_versioned
from coordination.models import ChairTerm, Organisation, Person
from meetings import notify, permissions, selectors
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Decision,
    Document,
    Invitation,
    Meeting,
    Minutes,
    MinutesAnswer,
    new_feed_token,
)
from notifications import contract
from workplans.models import PriorityArea, WorkItem
from workplans.services import work_item_create

MEETING_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue",
    "online_link",
    "host_organisation",
    "rsvp_deadline",
)
# A change of any of these is a rescheduling, announced to the invitees.
RESCHEDULING_FIELDS = ("starts_at", "ends_at", "time_zone", "venue", "online_link")
AGENDA_FIELDS = (
    "title",
    "presenter_organisation",
    "presenter",
    "duration_minutes",
    "notes",
    "work_item",
    "statement",
)


def _require_manager(actor: Person, meeting: Meeting) -> None:
    require(permissions.can_manage_meeting(actor, meeting))


def _check_incoming_chairs_date(actor: Person, starts_at: datetime) -> None:
    """An incoming chair drafts the meetings of their own term only: from its first day on."""
    if permissions.can_manage_meetings(actor):
        return
    start = permissions.incoming_term_start(actor)
    if start is not None and starts_at < start:
        raise ValidationError(
            {
                "starts_at": _(
                    "As an incoming chair you prepare the meetings of your term: this one must "
                    "start on or after %(date)s."
                )
                % {"date": date_text(start.date())}
            }
        )


def _touch(meeting: Meeting) -> None:
    """Raise the iCalendar SEQUENCE: subscribed calendars replace their copy of the event."""
    Meeting.objects.filter(pk=meeting.pk).update(
        sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    meeting.refresh_from_db(fields=["sequence", "updated_at"])


# Meetings of these kinds are for the whole membership (heads of agencies, and the group speaking
# to Member States); every other kind is a working meeting of the Working Group.
EVERY_MEMBER_KINDS = frozenset({Meeting.Kind.PRINCIPALS, Meeting.Kind.BRIEFING})


def default_invitees(kind: str) -> QuerySet[Organisation]:
    """The organisations a new meeting of this kind invites: every current member for a
    principals' meeting or a briefing to Member States, the Working Group for everything else.
    The demonstration invites by the same rule."""
    members = Organisation.objects.current()
    return members if kind in EVERY_MEMBER_KINDS else members.filter(is_working_group_member=True)


# --- Meetings ------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, actor: Person, invite: Iterable[Organisation] | None = None, **fields: Any
) -> Meeting:
    """Schedule a meeting (as a draft, seen only by the organisers until it is published) and
    invite the organisations its kind calls for, or those given."""
    require(permissions.can_create_meetings(actor))
    reject_unknown(fields, MEETING_FIELDS)
    meeting = Meeting(**fields)
    meeting.full_clean()
    _check_incoming_chairs_date(actor, meeting.starts_at)
    with acting_as(actor):
        meeting.save()
        organisations = default_invitees(meeting.kind) if invite is None else invite
        Invitation.objects.bulk_create(
            Invitation(meeting=meeting, organisation=o) for o in organisations
        )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor: Person, version: int, **changes: Any) -> Meeting:
    # (The stored meeting: a bound form has already changed the instance.)
    stored = Meeting.objects.get(pk=meeting.pk)
    _require_manager(actor, stored)
    reject_unknown(changes, MEETING_FIELDS)
    if stored.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    before = {field: getattr(stored, field) for field in RESCHEDULING_FIELDS}
    _check_incoming_chairs_date(actor, changes.get("starts_at", stored.starts_at))
    with acting_as(actor):
        meeting = save_versioned(meeting, expected_version=version, changes=changes)
        _touch(meeting)
    rescheduled = any(before[f] != getattr(meeting, f) for f in RESCHEDULING_FIELDS)
    if rescheduled and meeting.status == Meeting.Status.SCHEDULED:
        contract.record(notify.meeting_event, meeting_id=meeting.pk, event="changed")
    return meeting


def _set_status(meeting: Meeting, actor: Person, status: str, allowed_from: set[str]) -> Meeting:
    if status == Meeting.Status.SCHEDULED:
        require(permissions.can_publish_meeting(actor, meeting))
    else:
        _require_manager(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == status:
        return meeting
    if meeting.status not in allowed_from:
        raise ValidationError(
            _("A %(current)s meeting cannot become %(new)s.")
            % {
                "current": meeting.get_status_display().lower(),
                "new": Meeting.Status(status).label.lower(),
            }
        )
    with acting_as(actor):
        meeting.status = status
        meeting.version += 1
        meeting.save(update_fields=["status", "version"])
        _touch(meeting)
    return meeting


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor: Person) -> Meeting:
    """Take a draft out of the organisers' hands: everyone sees it and invitees can answer
    (the people of the invited organisations are told at once)."""
    was = meeting.status
    if meeting.series_id is not None and not meeting.series.is_published:  # type: ignore[union-attr]
        raise ValidationError(
            _("This meeting is part of a series that is still a draft: publish the series.")
        )
    meeting = _set_status(meeting, actor, Meeting.Status.SCHEDULED, {Meeting.Status.DRAFT})
    if was == Meeting.Status.DRAFT:
        contract.record(notify.meeting_event, meeting_id=meeting.pk, event="invitation")
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: Person) -> Meeting:
    was = Meeting.objects.values_list("status", flat=True).get(pk=meeting.pk)
    meeting = _set_status(
        meeting, actor, Meeting.Status.CANCELLED, {Meeting.Status.DRAFT, Meeting.Status.SCHEDULED}
    )
    if was == Meeting.Status.SCHEDULED:  # a draft was never announced
        contract.record(notify.meeting_event, meeting_id=meeting.pk, event="cancelled")
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor: Person) -> Meeting:
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("A meeting is held once it has started."))
    return _set_status(meeting, actor, Meeting.Status.HELD, {Meeting.Status.SCHEDULED})


@transaction.atomic
def invitations_set(
    *, meeting: Meeting, actor: Person, organisations: Iterable[Organisation]
) -> None:
    """Invite exactly these organisations: new ones are added, the others' invitations (and
    answers) removed."""
    _require_manager(actor, meeting)
    wanted = {o.pk for o in organisations}
    current = set(meeting.invitations.values_list("organisation_id", flat=True))
    with acting_as(actor):
        for invitation in meeting.invitations.filter(organisation_id__in=current - wanted):
            invitation.delete()
        # ignore_conflicts: a second organiser saving the same list at once adds nothing twice.
        Invitation.objects.bulk_create(
            (Invitation(meeting=meeting, organisation_id=pk) for pk in sorted(wanted - current)),
            ignore_conflicts=True,
        )


@transaction.atomic
def rsvp_answer(
    *,
    invitation: Invitation,
    actor: Person,
    response: str,
    attendees: str = "",
    seen: str | None = None,
) -> Invitation:
    """Record the organisation's answer. `seen` is the answer's time as the form showed it: if
    a colleague answered since, nothing is written and they are named."""
    require(permissions.can_answer(actor, invitation))  # answering for another organisation: 403
    # of=self: PostgreSQL cannot lock the nullable side of the join to who answered.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("meeting", "answered_by")
        .get(pk=invitation.pk)
    )
    current = invitation.answered_at.isoformat() if invitation.answered_at else ""
    if seen is not None and seen != current:
        raise ValidationError(
            _(
                "%(name)s answered for your organisation meanwhile (%(answer)s). Nothing was saved: "
                "check their answer and change it if needed."
            )
            % {
                "name": invitation.answered_by or _("Someone"),
                "answer": invitation.get_response_display(),
            }
        )
    if not permissions.can_answer_now(actor, invitation):
        # Who may answer was checked above (a 403); what is left is the meeting's status, as
        # just read: a meeting that takes no answers is explained, not refused.
        raise ValidationError(_("Answers are taken for scheduled meetings only."))
    if response not in Invitation.Response.values or response == Invitation.Response.NO_ANSWER:
        raise ValidationError({"response": _("Choose whether your organisation attends.")})
    attending = response in {Invitation.Response.IN_PERSON, Invitation.Response.ONLINE}
    with acting_as(actor):
        invitation.response = response
        invitation.attendees = attendees.strip() if attending else ""
        invitation.answered_by = actor
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["response", "attendees", "answered_by", "answered_at"])
    return invitation


# --- Agenda --------------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, actor: Person, title: str, **fields: Any) -> AgendaItem:
    _require_manager(actor, meeting)
    last = meeting.agenda_items.order_by("-position").values_list("position", flat=True).first()
    item = AgendaItem(meeting=meeting, title=title, position=(last or 0) + 1, **fields)
    _check_presenter(item)
    item.full_clean()
    with acting_as(actor):
        item.save()
    return item


def _check_presenter(item: AgendaItem) -> None:
    presenter, organisation = item.presenter, item.presenter_organisation
    if (
        presenter is not None
        and organisation is not None
        and presenter.organisation_id != organisation.pk
    ):
        raise ValidationError(
            {"presenter": _("The presenter must belong to the presenting organisation.")}
        )


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, actor: Person, **changes: Any) -> AgendaItem:
    _require_manager(actor, item.meeting)
    reject_unknown(changes, AGENDA_FIELDS)
    for field, value in changes.items():
        setattr(item, field, value)
    _check_presenter(item)
    item.full_clean()
    with acting_as(actor):
        item.save(update_fields=list(changes))
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, actor: Person, up: bool) -> None:
    """Swap the item with its neighbour above or below."""
    _require_manager(actor, item.meeting)
    items = list(item.meeting.agenda_items.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(items):
        return
    items[index], items[other_index] = items[other_index], items[index]
    with acting_as(actor):
        for position, agenda_item in enumerate(items, start=1):
            if agenda_item.position != position:
                agenda_item.position = position
                agenda_item.save(update_fields=["position"])


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: Person) -> None:
    _require_manager(actor, item.meeting)
    with acting_as(actor):
        item.delete()


@transaction.atomic
def agenda_publish(*, meeting: Meeting, actor: Person) -> Meeting:
    _require_manager(actor, meeting)
    if not meeting.agenda_items.exists():
        raise ValidationError(_("Add at least one agenda item before publishing the agenda."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("The meeting is cancelled."))
    with acting_as(actor):
        meeting.agenda_published_at = timezone.now()
        meeting.save(update_fields=["agenda_published_at"])
        # F(): an edit saved at the same moment keeps its own increment.
        Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1)
        _touch(meeting)
    if meeting.status == Meeting.Status.SCHEDULED:
        contract.record(notify.meeting_event, meeting_id=meeting.pk, event="agenda")
    return meeting


# --- Minutes, decisions, actions ------------------------------------------------------------------


@transaction.atomic
def minutes_save(
    *, meeting: Meeting, actor: Person, text: str, version: int | None = None
) -> Minutes:
    """Write or rewrite the minutes; approved minutes are final."""
    _require_manager(actor, meeting)
    if not text.strip():
        raise ValidationError({"text": _("The minutes are empty.")})
    # The meeting row is the lock: two people writing the first minutes at once are serialised,
    # and the second finds the first one's text and gets a conflict instead of an error.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    minutes = Minutes.objects.filter(meeting=meeting).first()
    with acting_as(actor):
        if minutes is None:
            return Minutes.objects.create(meeting=meeting, text=text)
        if minutes.status == Minutes.Status.APPROVED:
            raise ValidationError(_("Approved minutes cannot be changed."))
        if version is None:
            raise ConflictError(minutes)  # opened before anyone had written them
        return save_versioned(minutes, expected_version=version, changes={"text": text})


def _minutes_for_update(meeting: Meeting) -> Minutes:
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Write the minutes first."))
    return minutes


def circulation_refused(meeting: Meeting, minutes: Minutes | None) -> str:
    """Why the minutes cannot be circulated now ("" when they can): the page shows it in place
    of the button, and minutes_circulate refuses with it."""
    if minutes is None:
        return _("Write the minutes first.")
    if minutes.status == Minutes.Status.APPROVED:
        return _("These minutes are already approved.")
    if meeting.status == Meeting.Status.CANCELLED:
        return _("The meeting is cancelled: it has no minutes to approve.")
    if meeting.ends_at > timezone.now():
        return _("Minutes are circulated once the meeting has ended.")
    return ""


@transaction.atomic
def minutes_circulate(*, meeting: Meeting, actor: Person, approval_due_on: date) -> Minutes:
    """Send the minutes to the organisations of the meeting for their answers by
    `approval_due_on` (the group's date). Circulating again, after changes, opens a new
    circulation: every organisation answers the new text."""
    _require_manager(actor, meeting)
    meeting = Meeting.objects.get(pk=meeting.pk)
    minutes = _minutes_for_update(meeting)
    if refused := circulation_refused(meeting, minutes):
        raise ValidationError(refused)
    if approval_due_on < group_today():
        raise ValidationError({"approval_due_on": _("The approval date is in the past.")})
    with acting_as(actor):
        minutes.status = Minutes.Status.CIRCULATED
        minutes.circulated_at = timezone.now()
        minutes.circulated_by = actor
        minutes.circulation += 1
        minutes.approval_due_on = approval_due_on
        minutes.version += 1
        minutes.save(
            update_fields=[
                "status",
                "circulated_at",
                "circulated_by",
                "circulation",
                "approval_due_on",
                "version",
            ]
        )
    contract.record(
        notify.minutes_circulated, minutes_id=minutes.pk, circulation=minutes.circulation
    )
    return minutes


def answers_open(minutes: Minutes) -> bool:
    """Whether the organisations may still answer: circulated, and the deadline (a date of the
    group's calendar) not passed."""
    return minutes.status == Minutes.Status.CIRCULATED and (
        minutes.approval_due_on is None or group_today() <= minutes.approval_due_on
    )


def approval_open(minutes: Minutes, answering: set[int]) -> bool:
    """Whether the chair may approve now: after the deadline, or once every organisation of
    the meeting answered this circulation."""
    if minutes.status != Minutes.Status.CIRCULATED:
        return False
    if not answers_open(minutes):
        return True
    answered = set(
        MinutesAnswer.objects.filter(minutes=minutes, circulation=minutes.circulation).values_list(
            "organisation_id", flat=True
        )
    )
    return answering <= answered


@transaction.atomic
def minutes_approve(*, meeting: Meeting, actor: Person) -> Minutes:
    _require_manager(actor, meeting)
    minutes = _minutes_for_update(meeting)
    if minutes.status != Minutes.Status.CIRCULATED:
        raise ValidationError(_("Minutes are approved after they have been circulated."))
    if not approval_open(minutes, selectors.answering_organisation_ids(meeting)):
        raise ValidationError(
            _(
                "The minutes can be approved after the deadline (%(date)s) or once every "
                "organisation has answered."
            )
            % {"date": date_text(minutes.approval_due_on) if minutes.approval_due_on else ""}
        )
    with acting_as(actor):
        minutes.status = Minutes.Status.APPROVED
        minutes.approved_at = timezone.now()
        minutes.approved_by = actor
        minutes.version += 1
        minutes.save(update_fields=["status", "approved_at", "approved_by", "version"])
    return minutes


@transaction.atomic
def minutes_answer(
    *,
    meeting: Meeting,
    actor: Person,
    organisation: Organisation,
    answer: str,
    reason: str = "",
    passage: str = "",
) -> MinutesAnswer:
    """Record (or change, until the deadline) an organisation's answer to the circulated
    minutes: approve, or request changes with a reason; either may quote a passage."""
    require(permissions.can_answer_minutes_for(actor, organisation.pk))
    if organisation.pk not in selectors.answering_organisation_ids(meeting):
        raise ValidationError(_("This organisation was not invited to the meeting."))
    # The minutes row is the lock: an answer and the approval (or a new circulation) are
    # serialised, so no answer lands in a circulation that closed meanwhile.
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or minutes.status == Minutes.Status.DRAFT:
        raise ValidationError(_("These minutes have not been circulated for approval."))
    if minutes.status == Minutes.Status.APPROVED:
        raise ValidationError(_("These minutes are approved: answers are closed."))
    if not answers_open(minutes):
        raise ValidationError(_("The deadline for answers has passed."))
    if answer not in MinutesAnswer.Answer.values:
        raise ValidationError({"answer": _("Choose whether your organisation approves.")})
    reason, passage = reason.strip(), passage.strip()
    if answer == MinutesAnswer.Answer.CHANGES and not reason:
        raise ValidationError({"reason": _("Say what should change, and why.")})
    if passage and not reason:
        raise ValidationError({"reason": _("Say what you comment on the quoted passage.")})
    if passage and " ".join(passage.split()) not in " ".join(minutes.text.split()):
        raise ValidationError(
            {"passage": _("The quoted passage is not in the minutes: copy it from the text.")}
        )
    existing = MinutesAnswer.objects.filter(minutes=minutes, organisation=organisation).first()
    row = existing or MinutesAnswer(minutes=minutes, organisation=organisation)
    with acting_as(actor):
        row.circulation = minutes.circulation
        row.answer = answer
        row.reason = reason
        row.passage = passage
        row.answered_by = actor
        row.answered_at = timezone.now()
        row.on_behalf = actor.organisation_id != organisation.pk
        # A new answer awaits a new reply.
        row.chair_reply, row.replied_by, row.replied_at = "", None, None
        row.save()
    return row


@transaction.atomic
def minutes_reply(*, answer: MinutesAnswer, actor: Person, reply: str) -> MinutesAnswer:
    """The chair's reply to an organisation's change request; its people are told."""
    answer = (
        MinutesAnswer.objects.select_for_update(of=("self",))
        .select_related("minutes__meeting")
        .get(pk=answer.pk)
    )
    _require_manager(actor, answer.minutes.meeting)
    if answer.answer != MinutesAnswer.Answer.CHANGES:
        raise ValidationError(_("Only a request for changes is replied to."))
    if answer.circulation != answer.minutes.circulation:
        raise ValidationError(_("This request was made on an earlier circulation."))
    if not reply.strip():
        raise ValidationError({"reply": _("Write the reply.")})
    with acting_as(actor):
        answer.chair_reply = reply.strip()
        answer.replied_by = actor
        answer.replied_at = timezone.now()
        answer.save(update_fields=["chair_reply", "replied_by", "replied_at"])
    contract.record(
        notify.minutes_replied,
        answer_id=answer.pk,
        stamp=answer.replied_at.isoformat(),
    )
    return answer


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, actor: Person, attended: Iterable[Organisation]
) -> list[Attendance]:
    """Record which of the meeting's organisations took part (every one of them gets a row,
    attended or not): part of the minutes, so fixed once they are approved."""
    _require_manager(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("The meeting is cancelled."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the meeting has started."))
    if Minutes.objects.filter(meeting=meeting, status=Minutes.Status.APPROVED).exists():
        raise ValidationError(_("The minutes are approved: their attendance is final."))
    organisations = selectors.answering_organisation_ids(meeting)
    present = {o.pk for o in attended}
    if not present <= organisations:
        raise ValidationError(
            {"attended": _("Choose among the organisations invited to the meeting.")}
        )
    stored = {row.organisation_id: row for row in Attendance.objects.filter(meeting=meeting)}
    now = timezone.now()
    rows = []
    with acting_as(actor):
        for organisation_id in sorted(organisations):
            row = stored.get(organisation_id) or Attendance(
                meeting=meeting, organisation_id=organisation_id
            )
            if row.pk is None or row.attended != (organisation_id in present):
                row.attended = organisation_id in present
                row.recorded_by, row.recorded_at = actor, now
                row.save()
            rows.append(row)
    return rows


@transaction.atomic
def decision_add(
    *, meeting: Meeting, actor: Person, text: str, endorses_term: ChairTerm | None = None
) -> Decision:
    """Record a decision; `endorses_term` when by it the principals endorsed a chair term."""
    _require_manager(actor, meeting)
    if not text.strip():
        raise ValidationError({"text": _("Write the decision.")})
    with acting_as(actor):
        return Decision.objects.create(
            meeting=meeting, text=text.strip(), endorses_term=endorses_term
        )


@transaction.atomic
def decision_remove(*, decision: Decision, actor: Person) -> None:
    _require_manager(actor, decision.meeting)
    with acting_as(actor):
        decision.delete()


@transaction.atomic
def action_item_add(
    *,
    meeting: Meeting,
    actor: Person,
    text: str,
    owner_organisation: Organisation,
    owner: Person | None = None,
    due_on: date | None = None,
) -> ActionItem:
    _require_manager(actor, meeting)
    if owner is not None and owner.organisation_id != owner_organisation.pk:
        raise ValidationError(
            {"owner": _("The person must belong to the organisation that owns the action.")}
        )
    action = ActionItem(
        meeting=meeting,
        text=text.strip(),
        owner_organisation=owner_organisation,
        owner=owner,
        due_on=due_on,
    )
    action.full_clean()
    with acting_as(actor):
        action.save()
    return action


@transaction.atomic
def action_item_remove(*, action: ActionItem, actor: Person) -> None:
    _require_manager(actor, action.meeting)
    with acting_as(actor):
        action.delete()


@transaction.atomic
def action_item_to_work_item(
    *, action: ActionItem, actor: Person, priority_area: PriorityArea
) -> WorkItem:
    """Turn an action into a work item of a plan, owned as the action was, linked both ways."""
    _require_manager(actor, action.meeting)
    action = ActionItem.objects.select_for_update().select_related("meeting").get(pk=action.pk)
    if action.work_item_id:
        raise ValidationError(_("This action is already a work item."))
    meeting = action.meeting
    item = work_item_create(
        actor=actor,
        priority_area=priority_area,
        title=action.text[:250],
        lead_organisation=action.owner_organisation,
        owner=action.owner,
        due_on=action.due_on,
        kind="activity",
        description=_("Action agreed at %(meeting)s on %(date)s.")
        % {"meeting": meeting.title, "date": date_text(meeting.local_starts_at.date())},
    )
    with acting_as(actor):
        action.work_item = item
        action.save(update_fields=["work_item"])
    return item


# --- Documents -----------------------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    meeting: Meeting,
    actor: Person,
    upload: UploadedFile[bytes],
    title: str = "",
    agenda_item: AgendaItem | None = None,
) -> Document:
    _require_manager(actor, meeting)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("That agenda item belongs to another meeting.")})
    content_type = check_upload(upload)
    document = Document(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title.strip() or PurePath(upload.name or "").stem,
        size=upload.size or 0,
        content_type=content_type,
        uploaded_by=actor,
    )
    with acting_as(actor):
        document.file.save(upload.name or "document", upload, save=False)
        document.save()
    return document


@transaction.atomic
def document_remove(*, document: Document, actor: Person) -> None:
    _require_manager(actor, document.meeting)
    with acting_as(actor):
        stored = document.file.name or ""
        document.delete()
    # The file goes once the row's removal is committed; a rollback keeps both.
    if stored:
        transaction.on_commit(lambda: document.file.storage.delete(stored))


# --- Calendar feeds ------------------------------------------------------------------------------


def calendar_feed_for(person: Person) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


@transaction.atomic
@transaction.atomic
def calendar_feed_alarm_set(*, person: Person, minutes: int | None) -> CalendarFeed:
    """A person's own choice of reminder before each meeting (None: no reminder), used by their
    subscription, the invitations they are emailed and their downloads. Only their own row."""
    if minutes is not None and minutes not in CalendarFeed.Alarm.values:
        raise ValidationError(_("Choose one of the reminders offered."))
    feed, _created = CalendarFeed.objects.update_or_create(
        person=person, defaults={"alarm_minutes": minutes, "updated_at": timezone.now()}
    )
    return feed


def calendar_feed_regenerate(*, person: Person) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_for(person)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
