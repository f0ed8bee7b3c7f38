"""Every change to organisations, people, invitations and chair terms goes through these functions.

Each one checks permission, validates, writes (the audit row is written by auditlog in the same
transaction) and queues emails on commit. Views, the admin, commands and tasks all call them.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from common import registry
from common.audit import acting_as
from common.dates import group_time_zone, group_today
from common.formats import date_text
from common.models import Submission
from common.permissions import require
from common.registry import Holding
from common.versioning import reject_unknown, save_versioned
from coordination import notify, permissions
from coordination.models import (
    ChairTerm,
    Handover,
    Invitation,
    Organisation,
    Person,
    validate_time_zone,
)
from notifications import contract


class InvitationInvalid(Exception):
    """The invitation link cannot be used; the message says why, for the person holding it."""


# --- Organisations -----------------------------------------------------------------------------


# Two saves racing past validation meet the database's unique constraints.
SIMULTANEOUS_SAVE = ValidationError(
    _lazy(
        "Another organisation with the same name or acronym, or another permanent coordinator, "
        "was saved at the same moment. Check the list and try again."
    )
)

# What may be set on an organisation; the forms show these fields in this order.
ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "headquarters_city",
    "time_zone",
    "website",
    "joined_on",
    "left_on",
    "is_working_group_member",
    "is_permanent_coordinator",
)


def unique_slug_for(acronym: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(acronym)[:36] or "organisation"
    slug, n = base, 1
    taken = Organisation.objects.all()
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_create(*, actor: Person | None, **fields: Any) -> Organisation:
    """Add a member organisation. `actor` None is the system (a management command)."""
    if actor is not None:
        require(permissions.can_manage_members(actor))
    reject_unknown(fields, ORGANISATION_FIELDS)
    organisation = Organisation(**fields)
    organisation.slug = unique_slug_for(organisation.acronym)
    with acting_as(actor):
        if organisation.is_permanent_coordinator:
            # Stand the old coordinator down first, so the one-coordinator rule holds.
            _release_permanent_coordinator(exclude=None)
        organisation.full_clean()
        try:
            with transaction.atomic():
                organisation.save()
        except IntegrityError as error:
            raise SIMULTANEOUS_SAVE from error
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: Person, version: int, **changes: Any
) -> Organisation:
    require(permissions.can_edit_organisation(actor, organisation))
    reject_unknown(changes, ORGANISATION_FIELDS)
    with acting_as(actor):
        if changes.get("is_permanent_coordinator"):
            # (Not `organisation.is_permanent_coordinator`: a bound form has already set it.)
            _release_permanent_coordinator(exclude=organisation.pk)
        try:
            with transaction.atomic():
                return save_versioned(organisation, expected_version=version, changes=changes)
        except IntegrityError as error:
            raise SIMULTANEOUS_SAVE from error


def _release_permanent_coordinator(*, exclude: int | None) -> None:
    """There is one permanent coordinator: naming a new one stands the old one down."""
    previous_coordinators = Organisation.objects.filter(is_permanent_coordinator=True)
    if exclude is not None:
        previous_coordinators = previous_coordinators.exclude(pk=exclude)
    for previous in previous_coordinators:
        previous.is_permanent_coordinator = False
        previous.version += 1
        previous.save(update_fields=["is_permanent_coordinator", "version"])


# --- Chair terms -------------------------------------------------------------------------------

# What may be set on a chair term.
CHAIR_TERM_FIELDS = ("starts_on", "ends_on", "organisations", "note")
# One chair or two co-chairs: the seats of a term.
MAX_CHAIR_SEATS = 2


def chair_term_validate(
    *,
    starts_on: date,
    ends_on: date,
    organisations: Iterable[Organisation],
    term: ChairTerm | None = None,
) -> None:
    """Refuse a term that ends before it starts, has no chair or more than two, has a chair that
    is not a member on every one of its days, or overlaps another.

    Terms must not overlap because "the chair" is the one term covering today. `term` is the
    term being changed (left out of the overlap check). The admin's form calls this too, so that
    its errors show on the form.
    """
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("A chair term cannot end before it starts."))
    chairs = {organisation.pk: organisation for organisation in organisations}
    seats = len(chairs)
    if seats == 0:
        errors.setdefault("organisations", []).append(
            _("Choose the chair organisation (or the two co-chairs).")
        )
    elif seats > MAX_CHAIR_SEATS:
        errors.setdefault("organisations", []).append(
            _("A chair term has one chair or two co-chairs, not %(count)d organisations.")
            % {"count": seats}
        )
    if "ends_on" not in errors:
        # A chair speaks for the group on every day of its term, so it is a member on each.
        for organisation in sorted(chairs.values(), key=lambda o: o.acronym.lower()):
            if (organisation.joined_on is not None and organisation.joined_on > starts_on) or (
                organisation.left_on is not None and organisation.left_on <= ends_on
            ):
                errors.setdefault("organisations", []).append(
                    _("%(organisation)s is not a member on all of these dates (it %(span)s).")
                    % {
                        "organisation": organisation.acronym,
                        "span": _membership_span(organisation),
                    }
                )
    if "ends_on" not in errors:
        others = ChairTerm.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        if term is not None and term.pk is not None:
            others = others.exclude(pk=term.pk)
        overlapping = others.order_by("starts_on").first()
        if overlapping is not None:
            errors.setdefault("__all__", []).append(
                _(
                    "These dates overlap the chair term %(term)s (%(starts)s to %(ends)s); "
                    "only one term may cover a day."
                )
                % {
                    "term": overlapping,
                    "starts": date_text(overlapping.starts_on),
                    "ends": date_text(overlapping.ends_on),
                }
            )
    if errors:
        raise ValidationError(errors)


def _membership_span(organisation: Organisation) -> str:
    """Reads "joined on Jan. 1, 2020, left on July 1, 2023" (in the reader's language), as far
    as the record goes."""
    parts = []
    if organisation.joined_on:
        parts.append(_("joined on %(date)s") % {"date": date_text(organisation.joined_on)})
    if organisation.left_on:
        parts.append(_("left on %(date)s") % {"date": date_text(organisation.left_on)})
    return ", ".join(parts)


@transaction.atomic
def chair_term_create(
    *,
    actor: Person | None,
    starts_on: date,
    ends_on: date,
    organisations: Iterable[Organisation],
    note: str = "",
) -> ChairTerm:
    """Record a chair term (often next year's, endorsed by the principals). `actor` None is the
    system (the demonstration data).

    Two overlapping terms saved at the very same moment could both pass the overlap check; the
    secretariat records a term a year, so no lock is taken for it, and the next save of either
    term reports the overlap.
    """
    if actor is not None:
        require(permissions.can_manage_chair_terms(actor))
    chairs = list(organisations)
    chair_term_validate(starts_on=starts_on, ends_on=ends_on, organisations=chairs)
    with acting_as(actor):
        term = ChairTerm(starts_on=starts_on, ends_on=ends_on, note=note)
        term.full_clean()
        term.save()
        term.organisations.set(chairs)
    if starts_on > group_today():
        # The incoming chairs hear what comes next once the term is saved (the outbox); a term
        # recorded for the record, after it started, tells nobody.
        contract.record(notify.term_recorded, term_id=term.pk)
    return term


@transaction.atomic
def chair_term_update(
    *, term: ChairTerm, actor: Person | None, version: int, **changes: Any
) -> ChairTerm:
    """Change a term's dates, chairs or note, if nobody saved it since `version` was read.

    `actor` None is the system (the demonstration data). The version moves on with any change,
    the chairs included, so that a form opened before a change of chairs cannot undo it.
    """
    if actor is not None:
        require(permissions.can_manage_chair_terms(actor))
    reject_unknown(changes, CHAIR_TERM_FIELDS)
    chairs = list(changes.pop("organisations")) if "organisations" in changes else None
    moves = chairs is not None and {o.pk for o in chairs} != {
        o.pk for o in term.organisations.all()
    }
    moves = moves or any(
        name in changes and changes[name] != getattr(term, name)
        for name in ("starts_on", "ends_on")
    )
    if moves and _signed_handovers_of(term).exists():
        # Who must sign a handover follows from the terms' chairs and dates: changing them after
        # someone signed would leave signatures of the wrong people, or none left to give.
        raise ValidationError(
            _(
                "Someone has signed the handover of this term already: its dates and chairs can "
                "no longer change. Its note still can."
            )
        )
    chair_term_validate(
        starts_on=changes.get("starts_on", term.starts_on),
        ends_on=changes.get("ends_on", term.ends_on),
        organisations=chairs if chairs is not None else term.organisations.all(),
        term=term,
    )
    with acting_as(actor):
        term = save_versioned(term, expected_version=version, changes=changes)
        if chairs is not None and {o.pk for o in chairs} != set(
            term.organisations.values_list("pk", flat=True)
        ):
            # Only when they differ, so that saving a form unchanged writes no empty audit row.
            term.organisations.set(chairs)
    return term


def _signed_handovers_of(term: ChairTerm) -> QuerySet[Handover]:
    """Handovers with a signature in which `term` hands over (the term after it) or takes over."""
    following = ChairTerm.objects.filter(starts_on__gt=term.ends_on).order_by("starts_on").first()
    terms = [term.pk] + ([following.pk] if following is not None else [])
    return Handover.objects.filter(term_id__in=terms, signatures__isnull=False)


# The handover reminder goes this many days before a term starts (if not signed off by then).
HANDOVER_REMINDER_DAYS = 14
# A beat that was down on a term's first day still announces it this many days later.
ANNOUNCEMENT_CATCH_UP_DAYS = 7
# The one-time claims of chair term notices (see _claim_notice).
NOTICE_NAMESPACE = uuid.UUID("5b0f3c2e-7a4d-4f0e-9c43-2f6b1e0d8a11")


def _claim_notice(key: str, *, keep_until: date) -> bool:
    """Claim the notice `key` once: True for the one caller that may record it.

    The claim is a row of the kernel's one-time tokens (common.models.Submission), whose unique
    token makes a second beat, a retried task or two workers find it taken: the emails carry
    their own keys, but notify() also writes an in-app notification each time it is called. The
    row's time is the end of the notice's window, so the tokens' cleanup (two days after that
    time) cannot free the claim while the notice could still be sent. Call it inside the
    transaction that records the notice, so that a failure frees it again.
    """
    token = uuid.uuid5(NOTICE_NAMESPACE, key)
    until = datetime.combine(keep_until, time.min, tzinfo=group_time_zone())
    _claim, created = Submission.objects.get_or_create(token=token, defaults={"at": until})
    return created


def chair_term_notices_send() -> dict[str, int]:
    """What the chair terms call for today (the group's date), each notice once:

    1. a term starting within HANDOVER_REMINDER_DAYS whose handover is not signed off (or not
       opened): a reminder to both sides and the secretariat;
    2. a term that started today (or up to ANNOUNCEMENT_CATCH_UP_DAYS ago, if the beat was
       down): the new chairs announced to every member.

    Idempotent: the beat runs it every hour, and each notice is claimed before it is recorded.
    """
    today = group_today()
    counts = {"reminders": 0, "announcements": 0}
    starting_soon = (
        ChairTerm.objects.filter(
            starts_on__gt=today, starts_on__lte=today + timedelta(days=HANDOVER_REMINDER_DAYS)
        )
        .select_related("handover")
        .order_by("starts_on")
    )
    for term in starting_soon:
        if not notify.handover_reminder_due(term):
            continue
        with transaction.atomic():
            if _claim_notice(f"handover-reminder:{term.pk}", keep_until=term.starts_on):
                contract.record(notify.handover_reminder, term_id=term.pk)
                counts["reminders"] += 1
    just_started = ChairTerm.objects.filter(
        starts_on__lte=today,
        starts_on__gte=today - timedelta(days=ANNOUNCEMENT_CATCH_UP_DAYS),
        ends_on__gte=today,
    ).order_by("starts_on")
    for term in just_started:
        with transaction.atomic():
            last_day = term.starts_on + timedelta(days=ANNOUNCEMENT_CATCH_UP_DAYS)
            if _claim_notice(f"term-start:{term.pk}", keep_until=last_day):
                contract.record(notify.new_chairs, term_id=term.pk)
                counts["announcements"] += 1
    return counts


# --- People ------------------------------------------------------------------------------------

PERSON_FIELDS_FOR_SECRETARIAT = (
    "full_name",
    "organisation",
    "role",
    "job_title",
    "time_zone",
    "language",
    "is_active",
)
PROFILE_FIELDS = ("full_name", "job_title", "time_zone", "language")


@transaction.atomic
def person_update(*, person: Person, actor: Person, version: int, **changes: Any) -> Person:
    """The secretariat changes someone's organisation, role or details, or deactivates them."""
    require(permissions.can_manage_members(actor))
    reject_unknown(changes, PERSON_FIELDS_FOR_SECRETARIAT)
    if person.pk == actor.pk and (
        changes.get("is_active") is False
        or changes.get("role", person.role) != Person.Role.SECRETARIAT
    ):
        # Otherwise the last secretariat account could lock everyone out of managing people.
        raise ValidationError(_("You cannot remove your own secretariat access."))
    _check_role_has_organisation(
        changes.get("role", person.role), changes.get("organisation", person.organisation)
    )
    if changes.get("is_active") is False and person.is_active and holdings_of(person):
        # What they hold would be left with nobody: the deactivation page hands it over first.
        raise ValidationError(
            {
                "is_active": _(
                    "This person still holds work items, tasks or drafts: deactivate them from "
                    "their page, which hands these over to a colleague."
                )
            }
        )
    with acting_as(actor):
        person = save_versioned(person, expected_version=version, changes=changes)
    if "time_zone" in changes:
        contract.schedule_changed(person=person)
    return person


def holdings_of(person: Person) -> list[Holding]:
    """What `person` holds in every app (common.registry.ownership_sources): a fixed number of
    queries, one or two per app."""
    return [held for source in registry.ownership_sources if (held := source.held_by(person))]


def successors_for(person: Person) -> QuerySet[Person]:
    """Who may take over what `person` holds: the active colleagues of their organisation (the
    other secretariat members, for someone of the secretariat without one)."""
    colleagues = Person.objects.filter(is_active=True).exclude(pk=person.pk)
    if person.organisation_id is not None:
        return colleagues.filter(organisation_id=person.organisation_id)
    return colleagues.filter(organisation__isnull=True, role=person.role)


@transaction.atomic
def person_deactivate(
    *,
    person: Person,
    actor: Person,
    version: int,
    successor: Person | None = None,
    leave_unassigned: bool = False,
) -> int:
    """Deactivate someone who leaves and, in the same transaction, hand what they hold to
    `successor`; returns how many things changed hands.

    Someone who holds something is deactivated only with a successor or with the explicit
    choice to leave it unassigned: what is left then keeps its deactivated owner, and the
    secretariat's dashboard lists it ("Left without an owner") until someone takes it.
    """
    require(permissions.can_manage_members(actor))
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot remove your own secretariat access."))
    if not person.is_active:
        raise ValidationError(_("This person's account is already deactivated."))
    if successor is not None and not successors_for(person).filter(pk=successor.pk).exists():
        raise ValidationError(
            {"successor": _("Choose an active colleague of the same organisation.")}
        )
    held = holdings_of(person)
    if held and successor is None and not leave_unassigned:
        raise ValidationError(
            {
                "successor": _(
                    "Choose who takes over what this person holds, or choose to leave it "
                    "without an owner."
                )
            }
        )
    handed = 0
    if successor is not None and held:
        for source in registry.ownership_sources:
            handed += source.hand_over(person=person, to=successor, actor=actor)
    with acting_as(actor):
        save_versioned(person, expected_version=version, changes={"is_active": False})
    return handed


@transaction.atomic
def profile_update(*, person: Person, version: int, **changes: Any) -> Person:
    """A person changes their own name, job title, time zone or language."""
    reject_unknown(changes, PROFILE_FIELDS)
    with acting_as(person):
        person = save_versioned(person, expected_version=version, changes=changes)
    if "time_zone" in changes:
        contract.schedule_changed(person=person)
    return person


ROLES_OF_AN_ORGANISATION = {Person.Role.FOCAL_POINT, Person.Role.ALTERNATE, Person.Role.PRINCIPAL}


def _check_role_has_organisation(role: str, organisation: Organisation | None) -> None:
    if role in ROLES_OF_AN_ORGANISATION and organisation is None:
        raise ValidationError(
            {
                "organisation": _(
                    "Focal points, alternates and principals belong to an organisation."
                )
            }
        )


def _add_verified_address(person: Person) -> None:
    EmailAddress.objects.update_or_create(
        user=person, email=person.email, defaults={"verified": True, "primary": True}
    )


@transaction.atomic
def person_create(
    *,
    actor: Person | None,
    email: str,
    full_name: str,
    role: str,
    organisation: Organisation | None,
    password: str | None = None,
    **extra: Any,
) -> Person:
    """Create an account directly (commands and the demonstration data; people are invited).

    The person's time zone is their organisation's unless `extra` names one."""
    if actor is not None:
        require(permissions.can_manage_members(actor))
    extra.setdefault("time_zone", default_time_zone(organisation))
    with acting_as(actor):
        person = Person.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            role=role,
            organisation=organisation,
            **extra,
        )
        _add_verified_address(person)
    return person


# --- Invitations -------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    site_url: str = settings.SITE_URL  # settings are untyped
    return site_url + reverse("coordination:invitation_accept", kwargs={"token": token})


def _new_token_hash() -> str:
    """A hash nobody holds the token of: the link is made when the email is sent."""
    return _hash_token(secrets.token_urlsafe(32))


def _send_on_commit(invitation: Invitation) -> None:
    """Record the email in this transaction; a worker sends it once it commits."""
    contract.record(notify.invitation_email, invitation_id=invitation.pk)


def invitation_mark_sent(*, invitation_id: int) -> None:
    """The mail server took the invitation's email."""
    Invitation.objects.filter(pk=invitation_id).update(sent_at=timezone.now())


@transaction.atomic
def invitation_issue_link(*, invitation_id: int) -> tuple[Invitation, str] | None:
    """Make the link for the email about to be sent, and return it with the invitation.

    The token exists only in this email: it is made here, at sending, and only its hash is
    kept, so it never waits in the broker. A later send makes a new link and the earlier one
    stops working. None if the invitation was used, withdrawn or expired meanwhile. (Its
    sent_at is set by the sender once the mail server has taken the email.)
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "invited_by")
        .filter(
            pk=invitation_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        return None
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    invitation.save(update_fields=["token_hash"])
    return invitation, invitation_url(token)


@transaction.atomic
def invitation_create(
    *,
    actor: Person,
    email: str,
    role: str,
    organisation: Organisation | None,
    full_name: str = "",
) -> Invitation:
    """Invite someone; the email with their link goes out once the invitation is saved.

    Inviting an address that already has an open invitation withdraws the earlier one, so only
    the newest link works.
    """
    require(permissions.can_manage_members(actor))
    email = email.strip().lower()
    if Person.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Someone with this email address already has an account.")}
        )
    _check_role_has_organisation(role, organisation)
    if EmailAddress.objects.filter(email__iexact=email).exists():
        # An address someone added to their own account cannot start a second account.
        raise ValidationError({"email": _("This email address belongs to an existing account.")})
    with acting_as(actor):
        now = timezone.now()
        for earlier in Invitation.objects.select_for_update().filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ):
            earlier.revoked_at = now
            earlier.save(update_fields=["revoked_at"])
        invitation = Invitation(
            email=email,
            full_name=full_name,
            role=role,
            organisation=organisation,
            invited_by=actor,
        )
        invitation.token_hash = _new_token_hash()
        invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.full_clean()
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError as error:
            raise ValidationError(
                {"email": _("This address was invited by someone else a moment ago.")}
            ) from error
    _send_on_commit(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: Person) -> Invitation:
    """Send a fresh link (the old one stops working) with a new expiry date."""
    require(permissions.can_manage_members(actor))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation was already used or withdrawn."))
    with acting_as(actor):
        invitation.token_hash = _new_token_hash()  # the old link stops working now
        invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.sent_at = None
        invitation.save(update_fields=["token_hash", "expires_at", "sent_at"])
    _send_on_commit(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: Person) -> Invitation:
    require(permissions.can_manage_members(actor))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("This invitation was already accepted."))
    with acting_as(actor):
        invitation.revoked_at = invitation.revoked_at or timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_for_token(token: str, *, for_update: bool = False) -> Invitation:
    """The open invitation a link carries, or InvitationInvalid saying why it cannot be used."""
    invitations = Invitation.objects.select_related("organisation")
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=_hash_token(token)).first()
    if invitation is None:
        raise InvitationInvalid(
            _(
                "This invitation link is not valid. It may have been replaced by a newer one: "
                "use the link in the most recent invitation email, or ask the secretariat."
            )
        )
    if invitation.accepted_at:
        raise InvitationInvalid(
            _(
                "This invitation has already been used. Log in with your email address and "
                "password, or reset your password if you have forgotten it."
            )
        )
    if invitation.revoked_at:
        raise InvitationInvalid(
            _("This invitation was withdrawn. Ask the secretariat for a new one.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(
            _("This invitation link has expired. Ask the secretariat to send you a new one.")
        )
    return invitation


def default_time_zone(organisation: Organisation | None) -> str:
    """The time zone a new person starts with: their organisation's; the group's for someone
    of no organisation."""
    return organisation.time_zone if organisation is not None else group_time_zone().key


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    full_name: str,
    password: str,
    time_zone: str | None = None,
    language: str | None = None,
) -> Person:
    """Turn an open invitation into an account, once.

    The invitation row is locked, so two clicks on the same link (or two tabs) cannot both
    create an account: the second finds it accepted. The time zone is the organisation's
    unless the person chose another; the language, the site's default unless they chose one.
    """
    invitation = invitation_for_token(token, for_update=True)
    time_zone = time_zone or default_time_zone(invitation.organisation)
    validate_time_zone(time_zone)
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the languages offered."))
    if (
        Person.objects.filter(email__iexact=invitation.email).exists()
        or EmailAddress.objects.filter(email__iexact=invitation.email).exists()
    ):
        raise InvitationInvalid(
            _("An account with this email address already exists. Log in instead.")
        )
    candidate = Person(email=invitation.email, full_name=full_name)
    validate_password(password, user=candidate)
    with acting_as(None):
        person = Person.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name.strip(),
            role=invitation.role,
            organisation=invitation.organisation,
            time_zone=time_zone,
            language=language,
        )
        # The link reached this address, which proves it: no separate verification email.
        _add_verified_address(person)
        invitation.accepted_at = timezone.now()
        invitation.person = person
        invitation.save(update_fields=["accepted_at", "person"])
    return person
