"""The public send functions other apps call. They never raise into a page: a message that
cannot be queued is logged and sent from the request instead."""

from __future__ import annotations

import logging

from notifications.emails import render_email

logger = logging.getLogger(__name__)


def invitation_email_send(*, invitation_id: int) -> bool:
    """Send the invitation with a fresh link; False if it was withdrawn or used meanwhile."""
    from coordination.services import invitation_issue_link

    issued = invitation_issue_link(invitation_id=invitation_id)
    if issued is None:
        return False
    invitation, url = issued
    message = render_email(
        "notifications/email/invitation",
        to=[invitation.email],
        context={"invitation": invitation, "url": url},
        language=getattr(invitation.invited_by, "language", None),
    )
    message.send()
    return True


def invitation_email_queue(*, invitation_id: int) -> None:
    """Hand the invitation to a worker; if the broker is unreachable, send it right here."""
    from notifications.tasks import send_invitation_email

    try:
        send_invitation_email.delay(invitation_id=invitation_id)
    except Exception:
        # The broker is down (kombu raises OperationalError, redis its own ConnectionError).
        # The person is waiting for this email, so send it now rather than lose it.
        logger.warning(
            "Could not queue invitation %s; sending it directly", invitation_id, exc_info=True
        )
        try:
            invitation_email_send(invitation_id=invitation_id)
        except Exception:
            logger.exception(
                "Could not send invitation %s; it can be sent again from the invitations page",
                invitation_id,
            )
