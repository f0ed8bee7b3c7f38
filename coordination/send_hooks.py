"""How coordination finishes its emails at sending (common.registry.send_hooks)."""

from __future__ import annotations

from coordination import services
from coordination.notify import INVITATION_LINK, INVITATION_SUBJECT
from notifications.contract import NothingToSend


class InvitationLink:
    """An invitation's link is made when its email is sent: the token exists only in the email
    that carries it, and each send (a retry too) makes a new one, which replaces the last."""

    subject_type = INVITATION_SUBJECT

    def prepare(self, subject_id: int, text: str, html: str) -> tuple[str, str]:
        issued = services.invitation_issue_link(invitation_id=subject_id)
        if issued is None:
            raise NothingToSend(
                "The invitation was used, withdrawn or expired before it could be sent."
            )
        _, url = issued
        return text.replace(INVITATION_LINK, url), html.replace(INVITATION_LINK, url)

    def sent(self, subject_id: int) -> None:
        services.invitation_mark_sent(invitation_id=subject_id)


INVITATION_LINK_HOOK = InvitationLink()
