"""Rendering of emails: every message is multipart, plain text and HTML, from templates, and
recorded as a Delivery row before it is sent."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common.people import Recipient
from notifications.models import Delivery


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render_parts(
    template: str, *, context: dict[str, Any], language: str | None = None
) -> Rendered:
    """Subject, plain text and HTML of `template`, in `language`."""
    language = language or settings.LANGUAGE_CODE
    context = {
        "group_name": settings.GROUP_NAME,
        "site_url": settings.SITE_URL,
        "LANGUAGE_CODE": language,
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return Rendered(subject=" ".join(subject.splitlines()), text=text, html=html)


def build_delivery(
    *,
    kind: str,
    key: str,
    template: str,
    context: dict[str, Any],
    to: str,
    language: str | None,
    time_zone: str | None = None,
    person: Recipient | None = None,
    unsubscribe_url: str = "",
    ics: str = "",
    subject: tuple[str, int] | None = None,
) -> Delivery:
    """The one place a Delivery row is made: the email rendered in its reader's language and
    time zone, ready to be recorded (not saved here: callers write rows in bulk)."""
    with timezone.override(zone_or_utc(time_zone)):
        parts = render_parts(
            template,
            language=language,
            context={**context, "person": person, "unsubscribe_url": unsubscribe_url},
        )
    subject_type, subject_id = subject or ("", None)
    return Delivery(
        key=key,
        kind=kind,
        person_id=person.pk if person is not None else None,
        to=to,
        subject=parts.subject,
        text=parts.text,
        html=parts.html,
        ics=ics,
        unsubscribe_url=unsubscribe_url,
        subject_type=subject_type,
        subject_id=subject_id,
    )


def zone_or_utc(name: str | None) -> zoneinfo.ZoneInfo:
    """A person's time zone; UTC for an unknown name, so that no email fails on a bad profile."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
