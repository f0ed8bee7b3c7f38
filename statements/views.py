"""Statement pages. Each view fetches what it shows (404), checks permission (403), validates the
input, calls a service or selector, and renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import registry
from common.editing import (
    AlreadySubmitted,
    act_once,
    already_submitted,
    apply_errors,
    form_errors,
    once,
    posted,
    previous_submission,
)
from common.http import AuthenticatedRequest
from common.permissions import require
from common.versioning import ConflictError
from coordination.models import Person
from statements import permissions, selectors, services
from statements.forms import (
    AnswerForm,
    CommentForm,
    NoCommentsForm,
    ProposalForm,
    StatementCreateForm,
)
from statements.models import Comment, NoComments, Statement, Version


def _detail_url(statement_id: int, anchor: str = "") -> str:
    url = reverse("statements:statement_detail", args=[statement_id])
    return url + (f"#{anchor}" if anchor else "")


def _readable(request: AuthenticatedRequest[Person], pk: int) -> Statement:
    statement = get_object_or_404(Statement.objects.prefetch_related("drafters"), pk=pk)
    if not permissions.can_read_statement(request.user, statement):
        raise Http404  # an unpublished statement is not announced to observers
    return statement


def _run(
    request: AuthenticatedRequest[Person],
    action: Callable[[], object],
    *,
    back: str,
    done: str,
) -> HttpResponse:
    """A form of the statement page, run once; a refusal becomes a message there."""
    return act_once(
        request,
        action,
        back=back,
        done=done,
        conflict=_("The text changed since you opened it; reload."),
    )


# --- Pages ---------------------------------------------------------------------------------------


# Statements on a page of the list (the newest first).
STATEMENTS_PER_PAGE = 50


def statement_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    page = Paginator(selectors.visible_statements(request.user), STATEMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "statements/statement_list.html",
        {
            "statements": page.object_list,
            "page": page,
            "can_create": permissions.can_create_statement(request.user),
        },
    )


def statement_create(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_create_statement(request.user))
    initial = {}
    if request.user.organisation_id is not None and not request.user.is_secretariat:
        initial["lead_organisations"] = [request.user.organisation_id]
    form = StatementCreateForm(posted(request), initial=initial)
    if request.method == "POST" and (repeated := previous_submission(request)):
        return already_submitted(request, repeated, reverse("statements:statement_list"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            statement = once(
                request,
                lambda: services.statement_create(
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    lead_organisations=list(data["lead_organisations"]),
                    target_date=data["target_date"],
                    comment_deadline=data["comment_deadline"],
                    paragraphs=form.paragraphs(),
                ),
                url=lambda saved: _detail_url(saved.pk),
            )
        except AlreadySubmitted as repeated:
            return already_submitted(request, repeated, reverse("statements:statement_list"))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The statement was started."))
            return redirect(_detail_url(statement.pk))
    return render(request, "statements/statement_form.html", {"form": form})


def statement_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    try:
        text = selectors.statement_text(statement_id=pk)
    except Statement.DoesNotExist as error:
        raise Http404 from error
    statement, version = text.statement, text.version
    if not permissions.can_read_statement(request.user, statement):
        raise Http404  # an unpublished statement is not announced to observers
    rows = selectors.statement_comments(statement)
    by_key: dict[str, list[selectors.CommentRow]] = {}
    for row in rows:
        by_key.setdefault(row.comment.paragraph_key, []).append(row)
    current_keys = {paragraph.key for paragraph in text.paragraphs}
    can_comment = version is not None and permissions.can_comment(request.user, statement)
    declared = (
        list(
            NoComments.objects.filter(version=version)
            .select_related("organisation")
            .order_by("organisation__acronym")
        )
        if version is not None
        else []
    )
    can_draft = permissions.can_draft(request.user, statement)
    return render(
        request,
        "statements/statement_detail.html",
        {
            "statement": statement,
            "version": version,
            "paragraphs": [(p, by_key.get(p.key, [])) for p in text.paragraphs],
            # Comments whose paragraph was removed from the text since.
            "orphans": [row for row in rows if row.comment.paragraph_key not in current_keys],
            "versions": _with_previous(list(selectors.versions_of(statement))),
            # The meetings whose agenda names it (meetings link here; nothing links back).
            "backlinks": registry.backlinks_to(statement),
            "can_comment": can_comment,
            "can_draft": can_draft,
            # Who has commented, for the drafters: each member organisation, at a glance.
            "responses": selectors.comment_responses(statement) if can_draft else None,
            "answer_statuses": AnswerForm.base_fields["status"].choices,  # type: ignore[attr-defined]
            "declared": declared,
            "my_declaration": any(
                d.organisation_id == request.user.organisation_id for d in declared
            ),
        },
    )


def _with_previous(versions: list[Version]) -> list[tuple[Version, Version | None]]:
    """Each version with the one before it (for a "compare" link)."""
    previous: list[Version | None] = [None, *versions[:-1]] if versions else []
    return list(zip(versions, previous, strict=True))


def version_diff(request: AuthenticatedRequest[Person], pk: int, a: int, b: int) -> HttpResponse:
    statement = _readable(request, pk)
    versions = {
        version.number: version
        for version in Version.objects.filter(statement=statement, number__in={a, b})
        .select_related("created_by")
        .prefetch_related("paragraphs")
    }
    if a not in versions or b not in versions:
        raise Http404
    return render(
        request,
        "statements/version_diff.html",
        {
            "statement": statement,
            "old": versions[a],
            "new": versions[b],
            # Each row's html is escaped and marked by the selector (DiffRow.html).
            "rows": selectors.diff(versions[a], versions[b]),
        },
    )


# --- Forms posted from the statement page --------------------------------------------------------


def _version_of(statement: Statement, number: int) -> Version | None:
    return Version.objects.filter(statement=statement, number=number).first()


def _anchored(
    request: AuthenticatedRequest[Person],
    pk: int,
    form_class: type[CommentForm] | type[ProposalForm],
    *,
    refused: str,
    add: Callable[[Statement, Version, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A comment or a change proposal posted on a paragraph of the statement's page: fetch the
    statement (404), check the commenter (403), validate, call the service, back to the
    paragraph."""
    statement = _readable(request, pk)
    require(permissions.may_comment(request.user, statement))
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, refused % {"errors": form_errors(form)})
        return redirect(_detail_url(statement.pk))
    data = form.cleaned_data
    back = _detail_url(statement.pk, f"p-{data['paragraph']}")
    version = _version_of(statement, data["version"])
    if version is None:
        messages.error(request, _("The text changed since you opened it; reload."))
        return redirect(back)
    return _run(request, lambda: add(statement, version, data), back=back, done=done)


@require_POST
def comment_add(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    return _anchored(
        request,
        pk,
        CommentForm,
        refused=_("The comment was not added: %(errors)s"),
        add=lambda statement, version, data: services.comment_add(
            statement=statement,
            version=version,
            actor=request.user,
            paragraph_key=data["paragraph"],
            text=data["text"],
            quoted_passage=data["quoted_passage"],
        ),
        done=_("Your comment was added."),
    )


@require_POST
def proposal_add(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    return _anchored(
        request,
        pk,
        ProposalForm,
        refused=_("The proposal was not added: %(errors)s"),
        add=lambda statement, version, data: services.change_proposal_add(
            statement=statement,
            version=version,
            actor=request.user,
            paragraph_key=data["paragraph"],
            proposed_text=data["proposed_text"],
            text=data["text"],
            quoted_passage=data["quoted_passage"],
        ),
        done=_("Your change proposal was added."),
    )


@require_POST
def comment_answer(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("statement", "version"), pk=pk)
    statement = _readable(request, comment.statement_id)
    comment.statement = statement  # with its drafters, for the permission
    require(permissions.can_draft(request.user, statement))
    form = AnswerForm(request.POST)
    back = _detail_url(statement.pk, f"comment-{comment.pk}")
    if not form.is_valid():
        messages.error(
            request, _("The answer was not saved: %(errors)s") % {"errors": form_errors(form)}
        )
        return redirect(back)
    try:
        services.comment_answer(
            comment=comment,
            actor=request.user,
            status=form.cleaned_data["status"],
            reply=form.cleaned_data["reply"],
        )
    except ConflictError:
        messages.error(request, _("Someone else answered this comment meanwhile; reload."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The answer was saved."))
    return redirect(back)


@require_POST
def no_comments(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    statement = _readable(request, pk)
    require(permissions.may_comment(request.user, statement))
    form = NoCommentsForm(request.POST)
    back = _detail_url(statement.pk, "comments")
    version = _version_of(statement, form.cleaned_data["version"]) if form.is_valid() else None
    if version is None:
        messages.error(request, _("The text changed since you opened it; reload."))
        return redirect(back)
    return _run(
        request,
        lambda: services.no_comments_declare(
            statement=statement, version=version, actor=request.user
        ),
        back=back,
        done=_("Your organisation's “no comments” was recorded."),
    )
