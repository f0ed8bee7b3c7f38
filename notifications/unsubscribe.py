"""Signed one-click unsubscribe links: they work without logging in, and a changed link is refused."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from common.people import Recipient

SALT = "notifications.unsubscribe"
# What a link can switch off: the digest, or the emails that cannot wait.
SCOPES = {"digest", "immediate"}


def make_token(person: Recipient, scope: str) -> str:
    return signing.dumps({"p": person.pk, "s": scope}, salt=SALT, compress=True)


def unsubscribe_url(person: Recipient, scope: str) -> str:
    return settings.SITE_URL + reverse(
        "notifications:unsubscribe", kwargs={"token": make_token(person, scope)}
    )


def read_token(token: str) -> tuple[int, str]:
    """(person id, scope), or signing.BadSignature for a link that was not made here."""
    data = signing.loads(token, salt=SALT)
    if (
        not isinstance(data, dict)
        or data.get("s") not in SCOPES
        or not isinstance(data.get("p"), int)
    ):
        raise signing.BadSignature("not an unsubscribe token")
    return data["p"], data["s"]
