"""Editing a statement's text in the browser, and merging it with a version saved meanwhile.

One page, posted to itself: the paragraph buttons (add, split, move, remove) show the form again
with the change made, and save nothing; "Save" calls services.version_save once per rendered
form. When someone saved a newer version since the editor started, nothing is saved and the merge
page shows the newer version beside the editor's text, in a form based on it.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.editing import AlreadySubmitted, already_submitted, once, previous_submission
from common.http import AuthenticatedRequest
from common.permissions import require
from common.versioning import ConflictError
from coordination.models import Person
from statements import permissions, selectors, services
from statements.models import Paragraph, Statement, Version
from statements.text_forms import (
    MARKUP_HELP,
    PREFIX,
    SPLIT_HELP,
    ParagraphForm,
    ParagraphFormSet,
    Row,
    VersionForm,
    apply,
    compare,
    editable,
    formset_for,
    left_out,
    merge,
    parse_op,
    rows_of,
    split_on_blank_lines,
)

EDIT = "statements/version_edit.html"
MERGE = "statements/version_merge.html"


def _text_url(statement: Statement) -> str:
    return reverse("statements:statement_detail", args=[statement.pk]) + "#text"


def version_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    statement = get_object_or_404(Statement.objects.prefetch_related("drafters"), pk=pk)
    if not permissions.can_read_statement(request.user, statement):
        raise Http404  # an unpublished statement is not announced to observers
    require(permissions.can_draft(request.user, statement))
    if not statement.text_is_open:
        return render(request, EDIT, {"statement": statement, "closed": True})
    if request.method != "POST":
        latest = selectors.latest_version(statement)
        if latest is None:
            rows = [Row(key="", kind=Paragraph.Kind.PARAGRAPH, text="")]
        else:
            rows = [Row(p.key, p.kind, editable(p.text)) for p in latest.paragraphs.all()]
        return _editor(request, statement, rows, based_on=latest.number if latest else 0)
    return _posted(request, statement)


def _posted(request: AuthenticatedRequest[Person], statement: Statement) -> HttpResponse:
    """A button of the editor: the form again with the change made, or the save."""
    if repeated := previous_submission(request):
        return already_submitted(request, repeated, _text_url(statement))
    version_form = VersionForm(request.POST)
    formset = ParagraphFormSet(request.POST, prefix=PREFIX)
    try:
        op = parse_op(request.POST.get("op"))
    except ValueError:
        return _damaged(request, statement, version_form, formset)
    if not (version_form.is_valid() and formset.is_valid()):
        return _damaged(request, statement, version_form, formset)
    rows = rows_of(formset)
    based_on: int = version_form.cleaned_data["based_on"]
    merge_base: int | None = version_form.cleaned_data["merge_base"]
    note: str = version_form.cleaned_data["note"]
    if op is not None:
        try:
            rows, notice = apply(op, rows)
        except ValueError:
            return _damaged(request, statement, version_form, formset)
        messages.info(request, notice)
        return _editor(
            request, statement, rows, based_on=based_on, merge_base=merge_base, note=note
        )
    # Saving: a blank line typed in a paragraph splits it, as "Split here" would have.
    rows = split_on_blank_lines(rows)
    try:
        once(
            request,
            lambda: services.version_save(
                statement=statement,
                actor=request.user,
                based_on=based_on,
                paragraphs=[row.as_input() for row in rows],
                note=note,
            ),
            url=lambda _version: _text_url(statement),
        )
    except AlreadySubmitted as repeated:
        return already_submitted(request, repeated, _text_url(statement))
    except ConflictError as conflict:
        latest = cast(Version, conflict.current)  # version_save's, with its paragraphs
        return _merge(request, statement, rows, latest, based_on=based_on, note=note)
    except ValidationError as error:
        return _editor(
            request,
            statement,
            rows,
            based_on=based_on,
            merge_base=merge_base,
            note=note,
            errors=error.messages,
        )
    messages.success(request, _("The text was saved as a new version."))
    return redirect(_text_url(statement))


def _merge(
    request: AuthenticatedRequest[Person],
    statement: Statement,
    rows: list[Row],
    latest: Version,
    *,
    based_on: int,
    note: str,
) -> HttpResponse:
    """Someone saved `latest` since the editor started from `based_on`: nothing was written.
    The editor's text, merged with what only the other version changed, in a form now based on
    `latest`; the page shows the changes of `latest` beside it."""
    base = selectors.version_numbered(statement, based_on) if based_on else None
    base_paragraphs = list(base.paragraphs.all()) if base is not None else []
    merged = merge(base_paragraphs, list(latest.paragraphs.all()), rows)
    return _editor(
        request, statement, merged, based_on=latest.number, merge_base=based_on, note=note
    )


def _editor(
    request: AuthenticatedRequest[Person],
    statement: Statement,
    rows: list[Row],
    *,
    based_on: int,
    merge_base: int | None = None,
    note: str = "",
    errors: list[str] | None = None,
) -> HttpResponse:
    """The editor showing `rows`; the merge page when the rows were started from an older
    version (`merge_base`) than the one they are now based on."""
    formset = formset_for(rows)
    version_form = VersionForm(
        initial={"based_on": based_on, "merge_base": merge_base, "note": note}
    )
    context: dict[str, Any] = {
        "statement": statement,
        "formset": formset,
        "version_form": version_form,
        "based_on": based_on,
        "next_number": based_on + 1,
        "errors": errors or [],
        "markup_help": MARKUP_HELP,
        "split_help": SPLIT_HELP,
    }
    latest = None
    if merge_base is not None and merge_base < based_on:
        latest = selectors.version_numbered(statement, based_on)
    if latest is None:
        context["blocks"] = [(form, None) for form in formset.forms]
        return render(request, EDIT, context)
    base = selectors.version_numbered(statement, merge_base) if merge_base else None
    changes = selectors.changes_since(base, latest)
    context.update(
        {
            "blocks": list(zip(formset.forms, compare(rows, changes), strict=True)),
            "latest": latest,
            "merge_base": merge_base,
            "left_out": left_out(rows, changes),
        }
    )
    return render(request, MERGE, context)


def _damaged(
    request: AuthenticatedRequest[Person],
    statement: Statement,
    version_form: VersionForm,
    formset: BaseFormSet[ParagraphForm],
) -> HttpResponse:
    """A form a browser would not send (a forged count, a key too long, a button that is not on
    the page): its errors, nothing saved."""
    return render(
        request,
        EDIT,
        {
            "statement": statement,
            "damaged": True,
            "formset": formset,
            "version_form": version_form,
            "blocks": [(form, None) for form in formset.forms],
            "errors": [
                _(
                    "The form could not be read and nothing was saved: correct what is marked "
                    "below, or open the editor again."
                )
            ],
            "markup_help": MARKUP_HELP,
            "split_help": SPLIT_HELP,
        },
        status=400,
    )
