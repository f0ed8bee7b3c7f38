"""What coordination tells people, through notifications' contract: invitations to join, chair
terms (recorded, the handover reminder, the new chairs' first day), and how a new person hears
from the hub before choosing."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.dates import group_time_zone
from common.formats import local_date
from common.people import Recipient
from common.registry import EmailKind
from coordination.models import Announcement, ChairTerm, Invitation, Organisation, Person
from coordination.selectors import term_before
from notifications import contract

INVITATION = EmailKind("invitation", _("Invitation to join"))
INVITATION_SUBJECT = "coordination.invitation"
# Stands in an invitation's recorded text for its link, which exists only once the email is sent
# (see coordination.send_hooks).
INVITATION_LINK = "__invitation_link__"

TERM_RECORDED = EmailKind("term_recorded", _("Chair term recorded"))
HANDOVER_REMINDER = EmailKind("handover_reminder", _("Handover reminder"))
NEW_CHAIRS = EmailKind("new_chairs", _("New chairs announced"))

ORGANISATION_ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE, Person.Role.PRINCIPAL)
ACTING_FOR_ORGANISATION = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE)


def invitation_email(*, invitation_id: int) -> int | None:
    """Record the invitation email (its link is made when it is sent); a worker sends it once
    the caller's transaction commits. Returns the delivery's id."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    return contract.email(
        to=invitation.email,
        kind=INVITATION.code,
        # One email per link: sending a new link (which replaces the hash) is a new email.
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        template="coordination/email/invitation",
        context={"invitation": invitation, "url": INVITATION_LINK},
        language=getattr(invitation.invited_by, "language", None),
        # Its reader has no profile yet: the expiry is shown on the group's clock.
        time_zone=group_time_zone().key,
        subject=(INVITATION_SUBJECT, invitation.pk),
    )


def preference_defaults(person: Recipient) -> dict[str, Any]:
    """The people who keep things moving hear daily; principals and observers weekly, and
    observers only through their digest."""
    if person.role in Person.ACTING_ROLES:
        return {"frequency": "daily", "immediate": True}
    if person.role == Person.Role.PRINCIPAL:
        return {"frequency": "weekly", "immediate": True}
    return {"frequency": "weekly", "immediate": False}


# --- Chair terms -------------------------------------------------------------------------------


def _term(term_id: int) -> ChairTerm:
    return ChairTerm.objects.prefetch_related("organisations").get(pk=term_id)


def _people_of(organisation_ids: set[int], roles: tuple[str, ...]) -> QuerySet[Person]:
    return Person.objects.filter(
        is_active=True, role__in=roles, organisation_id__in=organisation_ids
    )


def _secretariat() -> Q:
    return Q(is_active=True, role=Person.Role.SECRETARIAT)


def _has_handover(term: ChairTerm) -> bool:
    try:
        term.handover  # noqa: B018 - reading the reverse one-to-one is the question
    except ChairTerm.handover.RelatedObjectDoesNotExist:
        return False
    return True


def term_recorded(*, term_id: int) -> int:
    """A chair term was recorded: its organisations' focal points, alternates and principals
    hear what comes next (endorsement, pledges, the handover, their rights from the start date)."""
    term = _term(term_id)
    chairs = list(term.organisations.all())
    return contract.notify(
        people=_people_of({o.pk for o in chairs}, ORGANISATION_ROLES),
        kind=TERM_RECORDED.code,
        key=f"term-recorded:{term.pk}",
        title=format_lazy(_("Your organisation will chair the group: {term}"), term=term),
        url=term.get_absolute_url(),
        template="coordination/email/term_recorded",
        context={"term": term, "chairs": chairs, "outgoing": term_before(term)},
    )


def handover_reminder(*, term_id: int) -> int:
    """Fourteen days before a term starts, its handover is not signed off: both sides (the
    focal points of the outgoing and the incoming organisations) and the secretariat are told."""
    term = _term(term_id)
    outgoing = term_before(term)
    organisation_ids = {o.pk for o in term.organisations.all()}
    if outgoing is not None:
        organisation_ids |= {o.pk for o in outgoing.organisations.all()}
    people = Person.objects.filter(
        Q(is_active=True, role__in=ACTING_FOR_ORGANISATION, organisation_id__in=organisation_ids)
        | _secretariat()
    )
    handover = term.handover if _has_handover(term) else None
    return contract.notify(
        people=people,
        kind=HANDOVER_REMINDER.code,
        key=f"handover-reminder:{term.pk}",
        title=format_lazy(
            _("The {term} chairs start on {date}: the handover"),
            term=term,
            date=local_date(term.starts_on),
        ),
        url=handover.get_absolute_url() if handover is not None else term.get_absolute_url(),
        template="coordination/email/term_handover_reminder",
        context={
            "term": term,
            "chairs": list(term.organisations.all()),
            "outgoing": outgoing,
            "handover": handover,
        },
        # It asks both sides to sign: it reaches them even if they turned the emails off.
        service=True,
    )


def new_chairs(*, term_id: int) -> int:
    """A term started: every member hears who chairs now (a bulk email: unsubscribable)."""
    term = _term(term_id)
    members = Organisation.objects.current(term.starts_on)
    people = Person.objects.filter(
        Q(is_active=True, role__in=ORGANISATION_ROLES, organisation__in=members) | _secretariat()
    )
    return contract.notify(
        people=people,
        kind=NEW_CHAIRS.code,
        key=f"term-start:{term.pk}",
        title=format_lazy(_("The {term} chairs take office"), term=term),
        url=term.get_absolute_url(),
        template="coordination/email/term_started",
        context={"term": term, "chairs": list(term.organisations.all())},
    )


def handover_reminder_due(term: ChairTerm) -> bool:
    """Whether the term's handover still needs signing (or was never opened)."""
    return not _has_handover(term) or not term.handover.is_signed_off


# --- Announcements and calls for inputs (coordination.announcements) ----------------------------

ANNOUNCEMENT = EmailKind("announcement", _("Announcement to the members"))
CALL_FOR_INPUTS = EmailKind("call_for_inputs", _("Call for inputs"))
INPUTS_REMINDER = EmailKind("inputs_reminder", _("Reminder to answer a call for inputs"))


def announcement_people(organisation_ids: set[int], roles: list[str]) -> QuerySet[Person]:
    """Whom an announcement reaches: the active people of its organisations in its roles."""
    return _people_of(organisation_ids, tuple(roles))


def _announcement(announcement_id: int) -> Announcement:
    return Announcement.objects.prefetch_related("organisations").get(pk=announcement_id)


def announcement_sent(*, announcement_id: int) -> int:
    """An announcement is a bulk email (unsubscribable, and only to those who want immediate
    emails); a call for inputs asks for an answer, so it reaches everyone asked."""
    announcement = _announcement(announcement_id)
    is_call = announcement.kind == Announcement.Kind.CALL_FOR_INPUTS
    return contract.notify(
        people=announcement_people(
            {o.pk for o in announcement.organisations.all()}, announcement.roles
        ),
        kind=(CALL_FOR_INPUTS if is_call else ANNOUNCEMENT).code,
        key=f"announcement:{announcement.pk}",
        title=format_lazy(
            _("Call for inputs: {title}") if is_call else _("Announcement: {title}"),
            title=announcement.title,
        ),
        url=announcement.get_absolute_url(),
        template="coordination/email/announcement",
        context={"announcement": announcement, "is_call": is_call},
        service=is_call,
    )


def inputs_reminded(*, announcement_id: int, reminder: str) -> int:
    """The sender reminded the organisations that have not answered the call: the people asked
    of those organisations get a service message."""
    announcement = _announcement(announcement_id)
    silent = {o.pk for o in announcement.organisations.exclude(inputs__announcement=announcement)}
    return contract.notify(
        people=announcement_people(silent, announcement.roles),
        kind=INPUTS_REMINDER.code,
        key=f"announcement:{announcement.pk}:reminder:{reminder}",
        title=format_lazy(
            _("Reminder: your organisation's input on {title}"), title=announcement.title
        ),
        url=announcement.get_absolute_url(),
        template="coordination/email/announcement_reminder",
        context={"announcement": announcement},
        service=True,
    )
