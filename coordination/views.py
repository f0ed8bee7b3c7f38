"""Pages for members, people, invitations and profiles. Each view checks permission, calls a
service or selector, and renders; the rules live in services.py and permissions.py."""

from __future__ import annotations

from typing import Any

from allauth.account.utils import perform_login
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from common import registry
from common.audit import describe_changes
from common.confirm import confirmation, confirmed
from common.dates import group_today
from common.editing import (
    AlreadySubmitted,
    already_submitted,
    apply_errors,
    once,
    posted,
    previous_submission,
    submit_form,
    versioned_edit,
)
from common.http import AuthenticatedRequest
from common.permissions import require
from common.registry import Holding
from common.search import printable
from common.versioning import ConflictError
from coordination import permissions, selectors, services
from coordination.forms import (
    AcceptInvitationForm,
    InvitationForm,
    OrganisationForm,
    PersonForm,
    ProfileForm,
    TermForm,
)
from coordination.models import ChairTerm, Invitation, Organisation, Person

# --- Dashboard and directory ---------------------------------------------------------------------


def dashboard(request: AuthenticatedRequest[Person]) -> HttpResponse:
    group = selectors.group_at_a_glance()
    return render(
        request,
        "coordination/dashboard.html",
        {
            "organisation": request.user.organisation,
            "chair_term": selectors.current_chair_term(),
            "member_count": group.member_count,
            "working_group": group.working_group,
            "is_chair": permissions.is_chair(request.user),
            "panels": [
                render_to_string(block.template, block.context, request)
                for block in selectors.dashboard_blocks(request.user)
            ],
        },
    )


def organisation_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    include_former = request.GET.get("former") == "1"
    organisations = selectors.member_directory(include_former=include_former)
    return render(
        request,
        "coordination/organisation_list.html",
        {
            "organisations": organisations,
            "include_former": include_former,
            "chair_ids": permissions.chair_organisation_ids(),
        },
    )


def organisation_detail(request: AuthenticatedRequest[Person], slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    # What other apps show of the organisation (its profile in the mapping resource), through
    # the registry: coordination knows none of them.
    sections = [
        b
        for section in registry.organisation_sections
        if (b := section(organisation, request.user))
    ]
    return render(
        request,
        "coordination/organisation_detail.html",
        {
            "organisation": organisation,
            "people": selectors.organisation_people(organisation),
            "can_edit": permissions.can_edit_organisation(request.user, organisation),
            "chair_terms": selectors.chair_terms_of(organisation),
            "sections": [render_to_string(b.template, b.context, request) for b in sections],
        },
    )


def organisation_create(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_manage_members(request.user))
    form = OrganisationForm(posted(request))
    return submit_form(
        request,
        form=form,
        save=lambda: services.organisation_create(actor=request.user, **form.changes()),
        template="coordination/organisation_form.html",
        context={},
        success_message=lambda organisation: (
            _("%(acronym)s was added.") % {"acronym": str(organisation)}
        ),
    )


def organisation_edit(request: AuthenticatedRequest[Person], slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(permissions.can_edit_organisation(request.user, organisation))

    return versioned_edit(
        request,
        form_class=OrganisationForm,
        instance=organisation,
        save=lambda **changes: services.organisation_update(
            organisation=organisation, actor=request.user, **changes
        ),
        template="coordination/organisation_form.html",
        context={"organisation": organisation},
    )


# --- Chair terms -------------------------------------------------------------------------------


def term_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    terms = list(selectors.chair_terms().select_related("handover"))
    return render(
        request,
        "coordination/term_list.html",
        {
            "terms": terms,
            "today": group_today(),
            "can_manage": permissions.can_manage_chair_terms(request.user),
        },
    )


def term_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    term = get_object_or_404(
        ChairTerm.objects.select_related("handover").prefetch_related("organisations"), pk=pk
    )
    sections = [b for section in registry.term_sections if (b := section(term, request.user))]
    handover = getattr(term, "handover", None) if _has_handover(term) else None
    return render(
        request,
        "coordination/term_detail.html",
        {
            "term": term,
            "sections": [render_to_string(b.template, b.context, request) for b in sections],
            "handover": handover,
            "can_see_handover": handover is not None
            and permissions.can_see_handover(request.user, handover),
            # Opened for the next term (coordination/handover_views.py handover_open).
            "can_open_handover": handover is None
            and term.state() == ChairTerm.State.UPCOMING
            and getattr(selectors.next_chair_term(), "pk", None) == term.pk
            and permissions.can_open_handover(request.user, term),
            "can_manage": permissions.can_manage_chair_terms(request.user),
        },
    )


def _has_handover(term: ChairTerm) -> bool:
    try:
        term.handover  # noqa: B018 - reading the reverse one-to-one is the question
    except ChairTerm.handover.RelatedObjectDoesNotExist:
        return False
    return True


def term_create(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_manage_chair_terms(request.user))
    form = TermForm(posted(request))
    return submit_form(
        request,
        form=form,
        save=lambda: services.chair_term_create(actor=request.user, **form.changes()),
        template="coordination/term_form.html",
        context={},
        success_message=lambda term: _("The %(term)s chair term was recorded.") % {"term": term},
    )


def term_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    term = get_object_or_404(ChairTerm, pk=pk)
    require(permissions.can_manage_chair_terms(request.user))
    return versioned_edit(
        request,
        form_class=TermForm,
        instance=term,
        save=lambda **changes: services.chair_term_update(term=term, actor=request.user, **changes),
        template="coordination/term_form.html",
        context={"term": term},
    )


# --- People ------------------------------------------------------------------------------------


def person_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_manage_members(request.user))
    search = " ".join(printable(request.GET.get("q", "")).split())
    page = Paginator(selectors.people_list(search=search), 50).get_page(request.GET.get("page"))
    return render(request, "coordination/person_list.html", {"page": page, "search": search})


def person_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    return render(
        request,
        "coordination/person_detail.html",
        {
            "person": person,
            "can_edit": permissions.can_manage_members(request.user),
        },
    )


def person_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    require(permissions.can_manage_members(request.user))

    return versioned_edit(
        request,
        form_class=PersonForm,
        instance=person,
        save=lambda **changes: services.person_update(person=person, actor=request.user, **changes),
        template="coordination/person_form.html",
        context={"person": person},
    )


class DeactivateForm(forms.Form):
    """Who takes over what a leaving person holds (or the choice to leave it unassigned)."""

    successor = forms.ModelChoiceField(
        label=_lazy("Hand everything over to"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_lazy("Choose a colleague"),
    )
    leave_unassigned = forms.BooleanField(
        label=_lazy(
            "Leave it without an owner (the dashboard lists it under “Left without an owner”)"
        ),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: Person, holds_something: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.holds_something = holds_something
        successor = self.fields["successor"]
        if isinstance(successor, forms.ModelChoiceField):  # always; narrows the type
            successor.queryset = services.successors_for(person)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("successor") and data.get("leave_unassigned"):
            raise ValidationError(
                _("Choose a colleague or to leave it without an owner, not both.")
            )
        if self.holds_something and not data.get("successor") and not data.get("leave_unassigned"):
            self.add_error(
                "successor",
                _("Choose who takes over, or choose to leave it without an owner."),
            )
        return data


def _deactivation_consequences(
    person: Person, held: list[Holding], successor: Person | None
) -> list[str]:
    said = [
        _("%(name)s can no longer sign in and is no longer emailed.") % {"name": person},
    ]
    for holding in held:
        if successor is not None:
            said.append(
                _("%(what)s (%(count)s) go to %(successor)s.")
                % {"what": holding.label, "count": holding.count, "successor": successor}
            )
        else:
            said.append(
                _(
                    "%(what)s (%(count)s) are left without an owner: the dashboard lists them "
                    "until someone takes them."
                )
                % {"what": holding.label, "count": holding.count}
            )
    return said


def person_deactivate(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """What a leaving person holds, who takes it over, then (after a confirmation) their
    deactivation and the handover together."""
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    require(permissions.can_manage_members(request.user))
    back = person.get_absolute_url()
    if request.method == "POST" and (repeated := previous_submission(request)):
        return already_submitted(request, repeated, back)
    held = services.holdings_of(person)
    form = DeactivateForm(
        posted(request),
        person=person,
        holds_something=bool(held),
        initial={"version": person.version},
    )
    if request.method == "POST" and person.is_active and form.is_valid():
        successor = form.cleaned_data["successor"]
        if not confirmed(request):
            return confirmation(
                request,
                title=_("Deactivate %(name)s?") % {"name": person},
                consequences=_deactivation_consequences(person, held, successor),
                action_label=_("Deactivate"),
                cancel_url=request.path,
            )
        try:
            handed = once(
                request,
                lambda: services.person_deactivate(
                    person=person,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    successor=successor,
                    leave_unassigned=form.cleaned_data["leave_unassigned"],
                ),
                url=lambda _handed: back,
            )
        except AlreadySubmitted as repeated:
            return already_submitted(request, repeated, back)
        except ConflictError:
            form.add_error(
                None, _("Someone changed this person meanwhile. Check their page and try again.")
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            done = _("%(name)s is deactivated.") % {"name": person}
            if handed:
                done += " " + _("What they held now belongs to %(successor)s.") % {
                    "successor": successor
                }
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "coordination/person_deactivate.html",
        {"person": person, "held": held, "form": form},
    )


def profile(request: AuthenticatedRequest[Person]) -> HttpResponse:
    person = request.user

    def save(**changes: Any) -> Model:
        return services.profile_update(person=person, **changes)

    return versioned_edit(
        request,
        form_class=ProfileForm,
        instance=person,
        save=save,
        template="coordination/profile.html",
        context={"person": person},
        success_message=_("Your profile was saved."),
        success_url=reverse("coordination:profile"),
    )


# --- Invitations -------------------------------------------------------------------------------


def invitation_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_manage_members(request.user))
    form = InvitationForm(posted(request), initial={"role": Person.Role.FOCAL_POINT})
    return submit_form(
        request,
        form=form,
        save=lambda: services.invitation_create(actor=request.user, **form.cleaned_data),
        template="coordination/invitation_list.html",
        context={"invitations": selectors.open_invitations()},
        success_message=lambda invitation: (
            _("An invitation is on its way to %(email)s.") % {"email": str(invitation)}
        ),
        success_url=reverse("coordination:invitation_list"),
    )


@require_POST
def invitation_resend(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    require(permissions.can_manage_members(request.user))
    try:
        services.invitation_resend(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coordination:invitation_list")
    messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    return redirect("coordination:invitation_list")


@require_POST
def invitation_revoke(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    require(permissions.can_manage_members(request.user))
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Withdraw the invitation to %(email)s?") % {"email": invitation.email},
            consequences=[
                _("The link sent to %(email)s stops working; they cannot join with it.")
                % {"email": invitation.email},
                _("Nobody is emailed."),
            ],
            action_label=_("Withdraw the invitation"),
            cancel_url=reverse("coordination:invitation_list"),
        )
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coordination:invitation_list")
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("coordination:invitation_list")


@login_not_required
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationInvalid as error:
        return render(
            request, "coordination/invitation_invalid.html", {"reason": str(error)}, status=410
        )
    if request.method == "POST":
        form = AcceptInvitationForm(request.POST, invitation=invitation)
        if form.is_valid():
            try:
                person = services.invitation_accept(
                    token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    time_zone=form.cleaned_data["time_zone"] or None,
                    language=form.cleaned_data["language"] or None,
                )
            except services.InvitationInvalid as error:
                return render(
                    request,
                    "coordination/invitation_invalid.html",
                    {"reason": str(error)},
                    status=410,
                )
            except ValidationError as error:
                form.add_error("password1", error)
            else:
                messages.success(
                    request, _("Welcome to %(group)s.") % {"group": settings.GROUP_NAME}
                )
                return perform_login(request, person, redirect_url=reverse("dashboard"))
    else:
        form = AcceptInvitationForm(
            invitation=invitation, initial={"full_name": invitation.full_name}
        )
    return render(
        request, "coordination/invitation_accept.html", {"form": form, "invitation": invitation}
    )


# --- Audit history -----------------------------------------------------------------------------


AUDITED_MODELS = [
    ("organisation", _lazy("Organisations")),
    ("person", _lazy("People")),
    ("invitation", _lazy("Invitations")),
    ("chairterm", _lazy("Chair terms")),
]


def audit_log(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_manage_members(request.user))
    # Only the kinds of record offered; anything else shows every record.
    model = request.GET.get("model", "")
    if model not in dict(AUDITED_MODELS):
        model = ""
    object_id = request.GET.get("object", "")
    entries = selectors.audit_entries(model=model, object_id=object_id)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    describe_changes(page)
    return render(
        request,
        "coordination/audit_log.html",
        {
            "page": page,
            "model": model,
            "object_id": object_id,
            "model_choices": AUDITED_MODELS,
        },
    )


@never_cache
def system_status(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_see_system_status(request.user))
    lines = selectors.system_status()
    return render(
        request,
        "coordination/system_status.html",
        {"lines": lines, "all_ok": all(line.ok for line in lines)},
    )


def email_managed_by_secretariat(request: AuthenticatedRequest[Person]) -> HttpResponse:
    return render(request, "coordination/email_managed.html", status=404)


# --- Health ------------------------------------------------------------------------------------


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer and compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
