"""The French and Spanish (or any other site language) versions of an adopted statement, kept
paragraph by paragraph under the keys of the adopted version.

A language version is edited by the drafters and the secretariat, like the text, but it is one
object with a version counter (common.versioning): two people translating at once cannot
overwrite each other; the second save gets a ConflictError carrying the first, and nothing of
theirs is written (the page shows both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import acting_as
from common.permissions import require
from common.versioning import ConflictError, save_versioned
from coordination.models import Person
from statements import markup, permissions
from statements.models import LanguageVersion, Paragraph, Statement, TranslatedParagraph

TITLE_MAX_LENGTH = Statement._meta.get_field("title").max_length or 300


def other_languages(statement: Statement) -> list[str]:
    """The languages the statement may be kept in besides its own, in the site's order."""
    return [code for code, _name in settings.LANGUAGES if code != statement.language]


def _adopted_version_id(statement: Statement) -> int:
    """The version a language version renders, once the statement is adopted (and not
    withdrawn)."""
    if statement.adopted_version_id is None or not permissions.has_final_text(statement):
        raise ValidationError(
            _(
                "Only an adopted or published statement has language versions: this one is "
                "%(stage)s."
            )
            % {"stage": statement.Stage(statement.stage).label.lower()}
        )
    return statement.adopted_version_id


@dataclass(frozen=True)
class LanguageVersionDraft:
    """What the edit page shows: the adopted paragraphs, and the language version as saved (None
    before its first save) with its text by key."""

    statement: Statement
    language: str
    paragraphs: list[Paragraph]
    saved: LanguageVersion | None
    texts: dict[str, str]

    @property
    def is_current(self) -> bool:
        """Saved on the adopted text (not on a version adopted before it)."""
        return self.saved is not None and self.saved.renders_id == self.statement.adopted_version_id


def language_version_draft(statement: Statement, language: str) -> LanguageVersionDraft:
    """The adopted text and its version in `language`: three queries, whatever their length.
    Raises ValidationError when the statement has no adopted text."""
    paragraphs = list(
        Paragraph.objects.filter(version_id=_adopted_version_id(statement)).order_by("position")
    )
    saved = (
        LanguageVersion.objects.filter(statement=statement, language=language)
        .select_related("updated_by")
        .first()
    )
    texts = (
        dict(TranslatedParagraph.objects.filter(language_version=saved).values_list("key", "text"))
        if saved is not None
        else {}
    )
    return LanguageVersionDraft(
        statement=statement, language=language, paragraphs=paragraphs, saved=saved, texts=texts
    )


def _clean_paragraphs(paragraphs: dict[str, str], keys: list[str]) -> dict[str, str]:
    """Every paragraph of the adopted version, under its key, with text (cleaned markup)."""
    errors: list[ValidationError] = []
    unknown = sorted(set(paragraphs) - set(keys))
    if unknown:
        errors.append(
            ValidationError(
                _("The adopted text has no paragraph %(keys)s: reload the page.")
                % {"keys": ", ".join(unknown)}
            )
        )
    cleaned: dict[str, str] = {}
    for position, key in enumerate(keys, start=1):
        text = markup.clean(paragraphs.get(key, ""))
        if not markup.plain(text).strip():
            errors.append(
                ValidationError(
                    _("Paragraph %(position)s has no text: translate every paragraph.")
                    % {"position": position}
                )
            )
        cleaned[key] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def language_version_save(
    *,
    statement: Statement,
    actor: Person,
    language: str,
    title: str,
    paragraphs: dict[str, str],
    expected_version: int | None,
) -> LanguageVersion:
    """Save the statement's version in `language`: its title and every paragraph of the adopted
    version, by key.

    `expected_version` is the version of the language version the editor opened (None when it
    did not exist yet). If someone saved since (or created it meanwhile), raise ConflictError
    carrying theirs: nothing is written."""
    require(permissions.can_edit_language_version(actor, statement))
    adopted_id = _adopted_version_id(statement)
    if language not in other_languages(statement):
        raise ValidationError(
            {
                "language": _(
                    "A statement is kept in the site's languages other than its own: "
                    "“%(language)s” is not one of them."
                )
                % {"language": language}
            }
        )
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Give the title in this language.")})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": _("The title is too long: %(max)s characters at most.")
                % {"max": TITLE_MAX_LENGTH}
            }
        )
    keys = list(
        Paragraph.objects.filter(version_id=adopted_id)
        .order_by("position")
        .values_list("key", flat=True)
    )
    cleaned = _clean_paragraphs(paragraphs, keys)
    changes = {
        "title": title,
        "renders_id": adopted_id,
        "updated_at": timezone.now(),
        "updated_by": actor,
    }
    with acting_as(actor):
        version = _claim(statement, language, expected_version, changes)
        _write_paragraphs(version, cleaned)
    return version


def _claim(
    statement: Statement, language: str, expected_version: int | None, changes: dict[str, Any]
) -> LanguageVersion:
    """Create the language version, or update it if nobody saved it since `expected_version`."""
    existing = LanguageVersion.objects.filter(statement=statement, language=language).first()
    if existing is None:
        version = LanguageVersion(statement=statement, language=language, **changes)
        version.full_clean(validate_constraints=False, validate_unique=False)
        try:
            # A savepoint: someone else may be creating it at this moment, and the unique
            # (statement, language) is what says so.
            with transaction.atomic():
                version.save()
        except IntegrityError:
            raise ConflictError(
                LanguageVersion.objects.get(statement=statement, language=language)
            ) from None
        return version
    if expected_version is None:
        # The editor opened the page before anyone had saved this language.
        raise ConflictError(existing)
    return save_versioned(existing, expected_version=expected_version, changes=changes)


def _write_paragraphs(version: LanguageVersion, cleaned: dict[str, str]) -> None:
    """Write what changed, one row per paragraph (each in the audit history); remove the
    paragraphs of a text adopted before, whose keys the adopted one has not got."""
    stored = {row.key: row for row in TranslatedParagraph.objects.filter(language_version=version)}
    for key, text in cleaned.items():
        row = stored.pop(key, None)
        if row is None:
            TranslatedParagraph.objects.create(language_version=version, key=key, text=text)
        elif row.text != text:
            row.text = text
            row.save(update_fields=["text"])
    for row in stored.values():
        row.delete()
