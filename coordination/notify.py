"""What coordination tells people, through notifications' contract: invitations to join, and
how a new person hears from the hub before choosing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from common.dates import group_time_zone
from common.people import Recipient
from common.registry import EmailKind
from coordination.models import Invitation, Person
from notifications import contract

INVITATION = EmailKind("invitation", _("Invitation to join"))
INVITATION_SUBJECT = "coordination.invitation"
# Stands in an invitation's recorded text for its link, which exists only once the email is sent
# (see coordination.send_hooks).
INVITATION_LINK = "__invitation_link__"


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
