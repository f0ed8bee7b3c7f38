"""The final-text panel of the statement page: downloads per language, the language versions
(kept or missing, and their edit links for the drafters), the public page once published.

A tag rather than the page's view, so that the panel brings its own data: one query (the
language versions), and none at all before adoption."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import get_language_info

from coordination.models import Person
from statements import permissions, translations
from statements.models import LanguageVersion, Statement

register = template.Library()


@dataclass(frozen=True)
class LanguageRow:
    code: str
    name: str  # in the reader's language
    original: bool
    # The text exists in this language (for a language version: saved on the adopted text).
    exists: bool
    # Saved on an earlier adopted text: to be checked and saved again before it is offered.
    outdated: bool
    updated_at: datetime | None
    updated_by: Person | None
    pdf_url: str
    docx_url: str
    public_url: str
    edit_url: str


@dataclass(frozen=True)
class FinalPanel:
    rows: list[LanguageRow]
    published: bool
    public_url: str
    external_url: str


def _row(
    statement: Statement, code: str, saved: LanguageVersion | None, *, published: bool, edit: bool
) -> LanguageRow:
    original = code == statement.language
    outdated = saved is not None and saved.renders_id != statement.adopted_version_id
    exists = original or (saved is not None and not outdated)
    args = [statement.pk, code]
    public_url = ""
    if published and exists:
        public_url = (
            reverse("statements:public_statement", args=[statement.pk])
            if original
            else reverse("statements:public_statement_language", args=args)
        )
    return LanguageRow(
        code=code,
        name=str(get_language_info(code)["name_translated"]),
        original=original,
        exists=exists,
        outdated=outdated,
        updated_at=saved.updated_at if saved else None,
        updated_by=saved.updated_by if saved else None,
        pdf_url=reverse("statements:final_pdf", args=args) if exists else "",
        docx_url=reverse("statements:final_docx", args=args) if exists else "",
        public_url=public_url,
        edit_url=(
            reverse("statements:language_version_edit", args=args) if edit and not original else ""
        ),
    )


@register.simple_tag(takes_context=True)
def final_panel(context: template.Context, statement: Statement) -> FinalPanel | None:
    """The panel's data, or None while the statement has no final text the reader may see."""
    user: Any = context.get("user")
    if statement.adopted_version_id is None or statement.withdrawn_at is not None:
        return None
    if user is None or not permissions.can_download_final(user, statement):
        return None
    saved = {
        version.language: version
        for version in LanguageVersion.objects.filter(statement=statement).select_related(
            "updated_by"
        )
    }
    published = permissions.is_public(statement)
    edit = permissions.can_edit_language_version(user, statement)
    rows = [
        _row(statement, code, saved.get(code), published=published, edit=edit)
        for code in [statement.language, *translations.other_languages(statement)]
    ]
    return FinalPanel(
        rows=rows,
        published=published,
        public_url=rows[0].public_url,
        external_url=statement.public_url,
    )
