"""The final text: its downloads (PDF, DOCX), its language versions, and the public page anyone
reads without logging in once the statement is published."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from common.editing import (
    AlreadySubmitted,
    already_submitted,
    apply_errors,
    once,
    posted,
    previous_submission,
)
from common.http import AuthenticatedRequest
from common.permissions import require
from common.versioning import ConflictError
from coordination.models import Person
from statements import documents, permissions, translations
from statements.final_forms import LanguageVersionForm, paragraph_field
from statements.models import LanguageVersion, Statement, TranslatedParagraph


def _final_or_404(pk: int, language: str | None) -> documents.FinalText:
    try:
        return documents.final_text(statement_id=pk, language=language)
    except documents.FinalTextMissing as error:
        raise Http404 from error


def _download(final: documents.FinalText, extension: str) -> HttpResponse:
    body = documents.pdf_of(final) if extension == "pdf" else documents.docx_of(final)
    response = HttpResponse(body, content_type=documents.CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{final.filename(extension)}"'
    return response


def final_download(
    request: AuthenticatedRequest[Person], pk: int, language: str, extension: str
) -> HttpResponse:
    """The adopted text for the members (observers once it is published)."""
    final = _final_or_404(pk, language)
    if not permissions.can_download_final(request.user, final.statement):
        raise Http404  # an unpublished statement is not announced to observers
    return _download(final, extension)


# --- The public page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageLink:
    code: str
    # In the language itself ("Español"), marked with its lang: how a reader finds their own.
    name: str
    url: str
    current: bool


def _public_url(statement: Statement, language: str) -> str:
    if language == statement.language:
        return reverse("statements:public_statement", args=[statement.pk])
    return reverse("statements:public_statement_language", args=[statement.pk, language])


@login_not_required
def public_statement(request: HttpRequest, pk: int, language: str | None = None) -> HttpResponse:
    final = _final_or_404(pk, language)
    statement = final.statement
    if not permissions.is_public(statement):
        raise Http404  # adopted but not yet published, withdrawn, or never adopted
    if language is not None and language == statement.language:
        # One address for the original text.
        return redirect(_public_url(statement, language))
    links = [
        LanguageLink(
            code=code,
            name=str(get_language_info(code)["name_local"]),
            url=_public_url(statement, code),
            current=code == final.language,
        )
        for code in final.languages
    ]
    return render(
        request,
        "statements/public_statement.html",
        {
            "final": final,
            "links": links,
            "pdf_url": reverse("statements:public_pdf", args=[statement.pk, final.language]),
            "docx_url": reverse("statements:public_docx", args=[statement.pk, final.language]),
        },
    )


@login_not_required
def public_download(request: HttpRequest, pk: int, language: str, extension: str) -> HttpResponse:
    final = _final_or_404(pk, language)
    if not permissions.is_public(final.statement):
        raise Http404
    return _download(final, extension)


# --- Language versions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One paragraph of the edit page: the adopted text, the box of its translation and, after a
    conflict, what the other person saved for it."""

    number: int
    key: str
    kind: str
    original: SafeString  # the adopted paragraph's markup, cleaned
    field: BoundField
    theirs: str | None


def language_version_edit(
    request: AuthenticatedRequest[Person], pk: int, language: str
) -> HttpResponse:
    statement = get_object_or_404(Statement.objects.prefetch_related("drafters"), pk=pk)
    if not permissions.can_read_statement(request.user, statement):
        raise Http404  # an unpublished statement is not announced to observers
    require(permissions.can_edit_language_version(request.user, statement))
    if language not in translations.other_languages(statement):
        raise Http404
    back = reverse("statements:statement_detail", args=[statement.pk]) + "#final"
    if not permissions.has_final_text(statement):
        messages.error(
            request, _("Only an adopted or published statement has versions in other languages.")
        )
        return redirect(back)
    draft = translations.language_version_draft(statement, language)
    if request.method == "POST" and (repeated := previous_submission(request)):
        return already_submitted(request, repeated, back)
    initial: dict[str, Any] = {
        "version": draft.saved.version if draft.saved else None,
        "title": draft.saved.title if draft.saved else "",
    }
    initial |= {paragraph_field(key): text for key, text in draft.texts.items()}
    form = LanguageVersionForm(posted(request), initial=initial, paragraphs=draft.paragraphs)
    theirs: dict[str, str] | None = None
    their_title: str | None = None
    language_name = str(get_language_info(language)["name_translated"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            once(
                request,
                lambda: translations.language_version_save(
                    statement=statement,
                    actor=request.user,
                    language=language,
                    title=data["title"],
                    paragraphs=form.paragraphs(),
                    expected_version=data["version"],
                ),
                url=lambda _saved: back,
            )
        except AlreadySubmitted as repeated:
            return already_submitted(request, repeated, back)
        except ConflictError as error:
            current: LanguageVersion = error.current  # type: ignore[assignment]
            their_title = current.title
            theirs = dict(
                TranslatedParagraph.objects.filter(language_version=current).values_list(
                    "key", "text"
                )
            )
            # The form now carries the version saved meanwhile: saving again is a deliberate
            # choice to replace it with what is in the boxes.
            resubmitted = request.POST.copy()
            resubmitted["version"] = str(current.version)
            form = LanguageVersionForm(resubmitted, paragraphs=draft.paragraphs)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else saved this version while you were editing. Nothing was saved. "
                    "Their text is shown under each of your boxes: keep what you want, then save "
                    "again."
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The %(language)s version was saved.") % {"language": language_name}
            )
            return redirect(back)
    originals = {
        paragraph.key: documents.FinalParagraph(
            key=paragraph.key, kind=paragraph.kind, text=paragraph.text
        ).html
        for paragraph in draft.paragraphs
    }
    rows = [
        Row(
            number=number,
            key=paragraph.key,
            kind=paragraph.kind,
            original=originals[paragraph.key],
            field=form[paragraph_field(paragraph.key)],
            theirs=None if theirs is None else theirs.get(paragraph.key, ""),
        )
        for number, paragraph in enumerate(draft.paragraphs, start=1)
    ]
    return render(
        request,
        "statements/final_language_edit.html",
        {
            "statement": statement,
            "draft": draft,
            "language": language,
            "language_name": language_name,
            "original_language": statement.language,
            "form": form,
            "rows": rows,
            "conflict": theirs is not None,
            "their_title": their_title,
            "back": back,
        },
    )
