"""Rendering of emails: every message is multipart, plain text and HTML, from templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


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
