"""Rendering of emails: every message is multipart, plain text and HTML, from templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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


def render_email(
    template: str, *, to: list[str], context: dict[str, Any], language: str | None = None
) -> EmailMultiAlternatives:
    """Build a message from `<template>_subject.txt`, `<template>.txt` and `<template>.html`.

    The templates are rendered in the recipient's language, so the same code serves everyone.
    """
    parts = render_parts(template, context=context, language=language)
    message = EmailMultiAlternatives(
        subject=parts.subject, body=parts.text, to=to, from_email=settings.DEFAULT_FROM_EMAIL
    )
    message.attach_alternative(parts.html, "text/html")
    return message
