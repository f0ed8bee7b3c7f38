"""The pages of endorsement rounds (open, board, answer, extend, turn explicit, close, remind,
exports), of the statement's life (comment period, adoption, withdrawal, publication) and of
acting principals.

Each view fetches what it shows (404), checks permission (403), validates the input, calls a
service and redirects; a refusal is a message on the form or on the page it came from, and
changes nothing. Forms that act carry a one-time token (common.editing.once): sent twice, they
act once. What cannot be undone asks first (common.confirm).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import exports, reminders
from common.confirm import confirmation, confirmed
from common.dates import group_time_zone, group_today
from common.editing import (
    AlreadySubmitted,
    act_once,
    already_submitted,
    apply_errors,
    once,
    posted,
    previous_submission,
)
from common.http import AuthenticatedRequest
from common.permissions import require
from common.versioning import ConflictError
from coordination.models import Organisation, Person
from statements import delivery, lifecycle, permissions, rounds
from statements.models import ActingPrincipal, EndorsementRound, Statement, Version
from statements.round_forms import (
    ActingPrincipalForm,
    AdoptForm,
    BoardFilterForm,
    CommentPeriodForm,
    DeadlineForm,
    PublishForm,
    RoundAnswerForm,
    RoundOpenForm,
    WithdrawForm,
)
from statements.rounds import ENDORSING, Result
from statements.selectors import latest_version

T = TypeVar("T")


def _detail_url(statement_id: int, anchor: str = "round") -> str:
    url = reverse("statements:statement_detail", args=[statement_id])
    return url + (f"#{anchor}" if anchor else "")


def _board_url(round_id: int, anchor: str = "") -> str:
    url = reverse("statements:round_board", args=[round_id])
    return url + (f"#{anchor}" if anchor else "")


def _in_group_zone(moment: Any) -> str:
    local = timezone.localtime(moment, timezone=group_time_zone())
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({group_time_zone().key})"


def _statement(request: AuthenticatedRequest[Person], pk: int) -> Statement:
    """The statement (404 also when the person may not read it: an unpublished statement is not
    announced to observers), with its drafters for the permissions."""
    statement = get_object_or_404(Statement.objects.prefetch_related("drafters"), pk=pk)
    if not permissions.can_read_statement(request.user, statement):
        raise Http404
    return statement


def _round(request: AuthenticatedRequest[Person], pk: int) -> EndorsementRound:
    try:
        round = rounds.board_round(pk)
    except EndorsementRound.DoesNotExist as error:
        raise Http404 from error
    if not permissions.can_see_rounds(request.user, round.statement):
        raise Http404
    return round


def _act(
    request: AuthenticatedRequest[Person],
    action: Callable[[], object],
    *,
    back: str,
    done: str,
) -> HttpResponse:
    """A button of a round's or a statement's page, run once; a refusal becomes a message on
    the page the button was on."""
    return act_once(
        request,
        action,
        back=back,
        done=done,
        conflict=_("Someone else changed this meanwhile; here it is as it stands."),
    )


def _submit(
    request: AuthenticatedRequest[Person],
    form: BaseForm,
    save: Callable[[], T],
    *,
    success_url: Callable[[T], str],
    done: str,
) -> HttpResponse | None:
    """Call the service of a valid form once per rendered form and redirect; None when the form
    is to be shown again (not sent, invalid, or refused: the service's reasons are on it)."""
    if request.method != "POST":
        return None
    if repeated := previous_submission(request):
        return already_submitted(request, repeated, request.path)
    if not form.is_valid():
        return None
    try:
        saved = once(request, save, url=success_url)
    except AlreadySubmitted as repeated:
        return already_submitted(request, repeated, request.path)
    except ConflictError:
        form.add_error(None, _("Someone else changed this meanwhile; check it and send again."))
        return None
    except ValidationError as error:
        apply_errors(form, error)
        return None
    messages.success(request, done)
    return redirect(success_url(saved))


# --- Opening a round -----------------------------------------------------------------------------


def _not_open_to_rounds(statement: Statement, latest: Version | None) -> str:
    """Why no round can be opened on the statement now ("" if one can)."""
    if latest is None:
        return _("This statement has no text yet.")
    if not statement.text_is_open:
        return _("This statement is %(stage)s: it is not put to endorsement.") % {
            "stage": Statement.Stage(statement.stage).label.lower()
        }
    if statement.has_open_round:
        return _("An endorsement round of this statement is open already.")
    return ""


def round_open(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """Open a round on the latest version: the page lists the members that will be asked and
    flags those with nobody to answer as principal, and the person confirms before anyone is
    asked."""
    statement = _statement(request, pk)
    require(permissions.can_run_rounds(request.user, statement))
    latest = latest_version(statement)
    blocked = _not_open_to_rounds(statement, latest)
    today = group_today()
    organisations = list(Organisation.objects.current(today))
    flagged = rounds.organisations_without_principal(organisations, today)
    form = RoundOpenForm(
        posted(request), initial={"version": latest.number if latest is not None else None}
    )
    if request.method == "POST" and (repeated := previous_submission(request)):
        return already_submitted(request, repeated, _detail_url(statement.pk))
    if request.method == "POST" and blocked:
        form.add_error(None, blocked)
    elif request.method == "POST" and form.is_valid():
        assert latest is not None  # noqa: S101 - blocked otherwise
        data = form.cleaned_data
        if data["version"] != latest.number:
            form.add_error(
                None,
                _(
                    "The text changed since this page was opened: the latest is version "
                    "%(number)s. Read it, then open the round on it."
                )
                % {"number": latest.number},
            )
        elif not confirmed(request):
            return _confirm_open(request, statement, latest, data, organisations, flagged)
        else:
            response = _submit(
                request,
                form,
                lambda: rounds.round_open(
                    statement=statement,
                    version=latest,
                    actor=request.user,
                    procedure=data["procedure"],
                    deadline=data["deadline"],
                ),
                success_url=lambda opened: _board_url(opened.round.pk),
                done=_("The round is open: the member organisations are being asked."),
            )
            if response is not None:
                return response
    return render(
        request,
        "statements/round_open.html",
        {
            "statement": statement,
            "version": latest,
            "blocked": blocked,
            "form": form,
            "organisations": organisations,
            "flagged": {organisation.pk for organisation in flagged},
            "flagged_count": len(flagged),
        },
    )


def _confirm_open(
    request: AuthenticatedRequest[Person],
    statement: Statement,
    latest: Version,
    data: dict[str, Any],
    organisations: list[Organisation],
    flagged: list[Organisation],
) -> HttpResponse:
    consequences = [
        _(
            "%(count)s member organisations are asked to endorse version %(number)s by "
            "%(deadline)s; their focal points and principals are told at once, by email."
        )
        % {
            "count": len(organisations),
            "number": latest.number,
            "deadline": _in_group_zone(data["deadline"]),
        },
        _(
            "Silence procedure: an organisation that does not object by the deadline is deemed "
            "to endorse the text; the first objection breaks the silence."
        )
        if data["procedure"] == EndorsementRound.Procedure.SILENCE
        else _(
            "Explicit endorsement: only answers count; an organisation that does not answer by "
            "the deadline is counted as not answering."
        ),
        _("A change to the text voids the round: it must then be opened again on the new version."),
    ]
    if flagged:
        consequences.append(
            _(
                "No principal or acting principal today: %(names)s. Their focal points or the "
                "secretariat can record their answer on the principal's behalf."
            )
            % {"names": ", ".join(organisation.acronym for organisation in flagged)}
        )
    return confirmation(
        request,
        title=_("Open the endorsement round of “%(title)s”?") % {"title": statement.title},
        consequences=consequences,
        action_label=_("Open the round"),
        cancel_url=reverse("statements:round_open", args=[statement.pk]),
    )


# --- The board -----------------------------------------------------------------------------------


def _filtered_board(
    request: AuthenticatedRequest[Person], round: EndorsementRound
) -> tuple[rounds.Board, list[rounds.BoardRow], BoardFilterForm]:
    board = rounds.round_board(round, timezone.now(), delivery.round_deliveries(round))
    form = BoardFilterForm(request.GET if "answer" in request.GET else None)
    rows = board.rows
    # An unknown value shows every row, and the form says why (its error).
    if form.is_bound and form.is_valid() and form.cleaned_data["answer"]:
        rows = [row for row in rows if row.result == form.cleaned_data["answer"]]
    return board, rows, form


def round_board(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    round = _round(request, pk)
    statement = round.statement
    user = request.user
    board, rows, filter_form = _filtered_board(request, round)
    now = timezone.now()
    can_run = permissions.can_run_rounds(user, statement)
    running = round.is_open and now < round.deadline
    awaited = any(row.result == Result.AWAITED for row in board.rows)
    return render(
        request,
        "statements/round_board.html",
        {
            "round": round,
            "statement": statement,
            "board": board,
            "rows": rows,
            "filter": filter_form,
            "query": request.GET.urlencode(),
            "can_run": can_run,
            "running": running,
            "extend_form": DeadlineForm(initial={"deadline": round.deadline}) if running else None,
            "can_close": round.is_open and (not running or not awaited),
            "can_turn_explicit": round.is_open
            and round.procedure == EndorsementRound.Procedure.SILENCE
            and round.silence_broken_at is not None,
            "can_remind": can_run and running and awaited,
            "remind": reminders.reminder_state(reminders.reminder_subject(round), now=now),
            "remind_url": reverse("statements:round_remind", args=[round.pk]),
            "answerable": rounds.answerable_organisations(user, round) if running else [],
            "can_name_acting": permissions.can_name_acting_principal(user),
            "is_latest": round.voided_by_version_id is None,
        },
    )


def _how(row: rounds.BoardRow) -> str:
    endorsement = row.endorsement
    if endorsement is None:
        return ""
    if endorsement.on_behalf:
        return _("recorded on behalf of the principal")
    if row.acting:
        if row.acting_for is not None:
            return _("acting for %(principal)s") % {"principal": row.acting_for}
        return _("as acting principal")
    return _("as principal")


DELIVERY_LABELS = {
    delivery.DELIVERED: _("delivered"),
    delivery.PENDING: _("waiting to be sent"),
    delivery.FAILED: _("failed"),
    delivery.NOT_SENT: _("not sent"),
}


def round_export(request: AuthenticatedRequest[Person], pk: int, fmt: str) -> HttpResponse:
    """The board (as filtered) as CSV or XLSX, written by common.exports as every export is."""
    if fmt not in exports.SPREADSHEET_TYPES:
        raise Http404
    round = _round(request, pk)
    _board, rows, _form = _filtered_board(request, round)
    zone = group_time_zone()
    headers = [
        _("Organisation"),
        _("Name"),
        _("Result"),
        _("Reservation or reason"),
        _("Answered by"),
        _("How"),
        _("Answered at (%(zone)s)") % {"zone": zone.key},
        _("Request"),
    ]
    table = (
        (
            row.organisation.acronym,
            row.organisation.name,
            str(row.result.label),
            row.endorsement.text if row.endorsement else "",
            str(row.endorsement.answered_by) if row.endorsement else "",
            _how(row),
            row.endorsement.answered_at if row.endorsement else None,
            str(DELIVERY_LABELS.get(row.delivery, "")),
        )
        for row in rows
    )
    opened = timezone.localdate(round.opened_at, timezone=zone).isoformat()
    return exports.spreadsheet_response(
        # The group's time zone, which the header names: everyone's download reads the same.
        exports.dataset(headers, table, title=str(_("Endorsement round")), zone=zone),
        fmt,
        f"endorsement-round-{round.pk}-{opened}",
    )


# --- Acting on a round ---------------------------------------------------------------------------


def _runnable(request: AuthenticatedRequest[Person], pk: int) -> EndorsementRound:
    round = _round(request, pk)
    require(permissions.can_run_rounds(request.user, round.statement))
    return round


@require_POST
def round_extend(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    round = _runnable(request, pk)
    form = DeadlineForm(request.POST)
    back = _board_url(round.pk, "manage")
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("The deadline was not moved: %(errors)s") % {"errors": errors})
        return redirect(back)
    deadline = form.cleaned_data["deadline"]
    return _act(
        request,
        lambda: rounds.round_extend(round=round, actor=request.user, deadline=deadline),
        back=back,
        done=_("The deadline is now %(deadline)s.") % {"deadline": _in_group_zone(deadline)},
    )


@require_POST
def round_explicit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    round = _runnable(request, pk)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Ask for explicit answers?"),
            consequences=[
                _(
                    "From now, an organisation that does not answer by the deadline is counted "
                    "as not answering, not as endorsing."
                ),
                _("The answers given so far stand."),
            ],
            action_label=_("Ask for explicit answers"),
            cancel_url=_board_url(round.pk),
        )
    return _act(
        request,
        lambda: rounds.round_make_explicit(round=round, actor=request.user),
        back=_board_url(round.pk),
        done=_("The round now asks for explicit answers."),
    )


@require_POST
def round_close(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    round = _runnable(request, pk)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Close the endorsement round?"),
            consequences=[
                _("No answer can be given or changed after it closes."),
                _("The outcome then stands as the board shows it."),
            ],
            action_label=_("Close the round"),
            cancel_url=_board_url(round.pk),
        )
    return _act(
        request,
        lambda: rounds.round_close(round=round, actor=request.user),
        back=_board_url(round.pk),
        done=_("The round is closed."),
    )


@require_POST
def round_remind(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    round = _runnable(request, pk)
    return _act(
        request,
        lambda: lifecycle.round_remind(round=round, actor=request.user),
        back=_board_url(round.pk, "remind"),
        done=_("The organisations that have not answered are being reminded."),
    )


@require_POST
def comment_remind(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    statement = _drafted(request, pk)
    return _act(
        request,
        lambda: lifecycle.comment_period_remind(statement=statement, actor=request.user),
        back=_detail_url(statement.pk, "life"),
        done=_("The organisations that have not answered are being reminded."),
    )


def round_answer(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """An organisation's answer: given by its principal (or acting principal), or recorded on the
    principal's behalf by its focal point or the secretariat (who chooses the organisation)."""
    round = _round(request, pk)
    organisations = rounds.answerable_organisations(request.user, round)
    require(bool(organisations))
    chosen = request.GET.get("organisation", "")
    initial_organisation = next((o for o in organisations if str(o.pk) == chosen), organisations[0])
    current = {
        e.organisation_id: e
        for e in round.endorsements.filter(organisation__in=organisations).select_related(
            "answered_by"
        )
    }
    mine = current.get(initial_organisation.pk)
    form = RoundAnswerForm(
        posted(request),
        round=round,
        organisations=organisations,
        initial={
            "organisation": initial_organisation.pk,
            "answer": mine.answer if mine else None,
            "text": mine.text if mine else "",
        },
    )
    closed = ""
    if not round.is_open:
        closed = _("This round is closed: answers can no longer be given or changed.")
    elif timezone.now() >= round.deadline:
        closed = _("The deadline of this round has passed: answers can no longer be changed.")
    if request.method == "POST" and closed:
        form.add_error(None, closed)
    elif request.method == "POST":
        response = _submit(
            request,
            form,
            lambda: rounds.round_answer(
                round=round,
                organisation=form.cleaned_data["organisation"],
                actor=request.user,
                answer=form.cleaned_data["answer"],
                text=form.cleaned_data["text"],
            ),
            success_url=lambda endorsement: _board_url(
                round.pk, f"org-{endorsement.organisation_id}"
            ),
            done=_("The answer was recorded."),
        )
        if response is not None:
            return response
    on = group_today()
    return render(
        request,
        "statements/round_answer.html",
        {
            "round": round,
            "statement": round.statement,
            "form": form,
            "closed": closed,
            "current": [(o, current.get(o.pk)) for o in organisations],
            "choose": request.user.is_secretariat or len(organisations) > 1,
            "single": organisations[0] if len(organisations) == 1 else None,
            "on_behalf": not any(
                permissions.is_principal_for(request.user, o, on) for o in organisations
            ),
        },
    )


# --- The statement's life ------------------------------------------------------------------------


def _drafted(request: AuthenticatedRequest[Person], pk: int) -> Statement:
    statement = _statement(request, pk)
    require(permissions.can_draft(request.user, statement))
    return statement


def comment_period(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    statement = _drafted(request, pk)
    now = timezone.now()
    running = statement.comment_deadline is not None and statement.comment_deadline > now
    form = CommentPeriodForm(
        posted(request), initial={"deadline": statement.comment_deadline if running else None}
    )
    response = _submit(
        request,
        form,
        lambda: lifecycle.comment_period_open(
            statement=statement, actor=request.user, deadline=form.cleaned_data["deadline"]
        ),
        success_url=lambda saved: _detail_url(saved.pk, ""),
        done=_("The comment deadline was set; the member organisations are being told."),
    )
    if response is not None:
        return response
    return render(
        request,
        "statements/lifecycle_comment_period.html",
        {"statement": statement, "form": form, "running": running},
    )


def _adoptable_round(statement: Statement) -> EndorsementRound | None:
    """The round an adoption would rest on: the statement's latest round."""
    return (
        EndorsementRound.objects.filter(statement=statement)
        .select_related("endorsed_version", "voided_by_version")
        .prefetch_related("addressed_organisations")
        .order_by("-opened_at", "-pk")
        .first()
    )


def statement_adopt(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """Record the adoption, with the endorsing organisations ticked from the round's outcome (the
    drafter may untick one; one that did not endorse is not offered, and refused)."""
    statement = _drafted(request, pk)
    round = _adoptable_round(statement)
    now = timezone.now()
    outcome = rounds.round_outcome(round, now) if round is not None else None
    endorsed_ids = (
        [row.organisation.pk for row in outcome.rows if row.result in ENDORSING] if outcome else []
    )
    form = AdoptForm(
        posted(request),
        endorsed=Organisation.objects.filter(pk__in=endorsed_ids),
        initial={"round": round.pk if round else None, "endorsing": endorsed_ids},
    )

    def adopt() -> Statement:
        chosen = EndorsementRound.objects.filter(
            pk=form.cleaned_data["round"], statement=statement
        ).first()
        if chosen is None:
            raise ValidationError(_("This round is of another statement."))
        return lifecycle.statement_adopt(
            statement=statement,
            actor=request.user,
            round=chosen,
            endorsing=list(form.cleaned_data["endorsing"]),
        )

    response = _submit(
        request,
        form,
        adopt,
        success_url=lambda saved: _detail_url(saved.pk, "life"),
        done=_("The adoption was recorded; everyone is being told."),
    )
    if response is not None:
        return response
    return render(
        request,
        "statements/lifecycle_adopt.html",
        {
            "statement": statement,
            "round": round,
            "outcome": outcome,
            "form": form,
            "over": round is not None and (not round.is_open or now >= round.deadline),
            "latest": latest_version(statement),
        },
    )


def statement_withdraw(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    statement = _drafted(request, pk)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid() and not confirmed(request):
        if repeated := previous_submission(request):
            return already_submitted(request, repeated, _detail_url(statement.pk, "life"))
        return confirmation(
            request,
            title=_("Withdraw “%(title)s”?") % {"title": statement.title},
            consequences=[
                _("The statement is withdrawn for good: its text no longer changes."),
                _("An open endorsement round is closed."),
                _("The reason is shown on the statement's page."),
            ],
            action_label=_("Withdraw the statement"),
            cancel_url=_detail_url(statement.pk, "life"),
        )
    response = _submit(
        request,
        form,
        lambda: lifecycle.statement_withdraw(
            statement=statement, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success_url=lambda saved: _detail_url(saved.pk, "life"),
        done=_("The statement was withdrawn."),
    )
    if response is not None:
        return response
    return render(
        request, "statements/lifecycle_withdraw.html", {"statement": statement, "form": form}
    )


def statement_publish(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    statement = _drafted(request, pk)
    form = PublishForm(
        posted(request),
        initial={
            "published_on": statement.published_on or group_today(),
            "public_url": statement.public_url,
        },
    )
    response = _submit(
        request,
        form,
        lambda: lifecycle.statement_publish(
            statement=statement,
            actor=request.user,
            published_on=form.cleaned_data["published_on"],
            public_url=form.cleaned_data["public_url"],
        ),
        success_url=lambda saved: _detail_url(saved.pk, "life"),
        done=_("The publication was recorded."),
    )
    if response is not None:
        return response
    return render(
        request, "statements/lifecycle_publish.html", {"statement": statement, "form": form}
    )


# --- Acting principals ---------------------------------------------------------------------------


def _principal_organisation(user: Person) -> int:
    """The organisation of a principal, who names its acting principals (403 for anyone else)."""
    require(permissions.can_name_acting_principal(user))
    if user.organisation_id is None:  # refused above already
        raise PermissionDenied
    return user.organisation_id


def acting_principals(request: AuthenticatedRequest[Person]) -> HttpResponse:
    """A principal's page: who acts as principal of their organisation, when; name someone."""
    principal = request.user
    organisation_id = _principal_organisation(principal)
    colleagues = (
        Person.objects.filter(organisation_id=organisation_id, is_active=True)
        .exclude(pk=principal.pk)
        .order_by("full_name")
    )
    form = ActingPrincipalForm(posted(request), colleagues=colleagues)
    response = _submit(
        request,
        form,
        lambda: lifecycle.acting_principal_name(
            principal=principal,
            person=form.cleaned_data["person"],
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
        ),
        success_url=lambda _saved: reverse("statements:acting_principals"),
        done=_("The acting principal was named."),
    )
    if response is not None:
        return response
    today = group_today()
    periods = (
        ActingPrincipal.objects.filter(organisation_id=organisation_id)
        .select_related("person", "principal")
        .order_by("-starts_on", "-pk")
    )
    return render(
        request,
        "statements/round_acting_principals.html",
        {
            "form": form,
            "periods": [(period, period.ends_on >= today) for period in periods],
            "today": today,
        },
    )


@require_POST
def acting_principal_end(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    require(permissions.can_name_acting_principal(request.user))
    acting = get_object_or_404(ActingPrincipal, pk=pk, organisation_id=request.user.organisation_id)
    return _act(
        request,
        lambda: lifecycle.acting_principal_end(acting=acting, actor=request.user),
        back=reverse("statements:acting_principals"),
        done=_("%(person)s no longer acts as principal.") % {"person": acting.person},
    )
