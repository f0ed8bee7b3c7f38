"""The pages that keep a profile: the focal points' draft (its fields, initiatives and
partnerships), submitting it, the secretariat's review (the diff against the published revision,
publish, return with a comment) and the history of a profile's revisions.

Each view fetches what it shows (404, also for a revision the person may not read: a draft is not
announced outside its organisation), checks permission (403), validates, calls a service and
redirects; a refusal is a message on the form or on the page it came from, and changes nothing.
Posted forms carry a one-time token (common.editing.once): sent twice, they act once. A draft's
forms carry the version they were opened at: when someone else changed the draft meanwhile,
nothing is written, and the page shows what they saved beside what the person typed, which stays
in the form. Publishing asks first (common.confirm).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.confirm import confirmation, confirmed
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
from mapping import permissions, selectors, services
from mapping.models import Initiative, Partnership, Profile, Revision
from mapping.profile_forms import (
    DraftForm,
    InitiativeForm,
    PartnershipForm,
    ReturnForm,
    VersionForm,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

T = TypeVar("T")
Item = TypeVar("Item", Initiative, Partnership)
ItemView = Callable[[AuthenticatedRequest[Person], int], HttpResponse]


def _url(revision_id: int, anchor: str = "", *, edit: bool = False) -> str:
    """A revision's page (its edit form, with `edit`), at `anchor`."""
    url = reverse(
        "mapping:revision_edit" if edit else "mapping:revision_detail", args=[revision_id]
    )
    return url + (f"#{anchor}" if anchor else "")


def _revision(request: AuthenticatedRequest[Person], pk: int) -> Revision:
    """The revision with everything it shows (404 when the person may not read it)."""
    try:
        revision = selectors.revision_with_everything(pk)
    except Revision.DoesNotExist as error:
        raise Http404 from error
    if not permissions.can_read_revision(request.user, revision):
        raise Http404
    return revision


def _editable(request: AuthenticatedRequest[Person], pk: int) -> Revision:
    """A revision the person may edit (403 otherwise; whether its state allows it is the
    services' to say)."""
    revision = _revision(request, pk)
    require(permissions.can_edit_profile(request.user, revision.profile.organisation))
    return revision


def _not_editable_page(request: AuthenticatedRequest[Person], revision: Revision) -> HttpResponse:
    messages.info(
        request,
        _("This revision is %(state)s: it can no longer be changed.")
        % {"state": Revision.State(revision.state).label.lower()},
    )
    return redirect(_url(revision.pk))


ITEM_CONFLICT = _(
    "Someone else changed this draft while you were editing. Nothing was saved. What you typed "
    "is still in the form; what is saved now is shown below it: save again to keep yours."
)
CONFLICT = _(
    "Someone else changed this draft while you were editing. Nothing was saved. What they saved "
    "is shown beside what you typed, which is still in the form: save again to keep yours."
)


def _now_closed(revision: Revision) -> str:
    return _(
        "This revision was %(state)s meanwhile: it can no longer be changed. Nothing was saved; "
        "what you typed is still below, to copy."
    ) % {"state": Revision.State(revision.state).label.lower()}


def _ask_then_act(
    request: AuthenticatedRequest[Person],
    *,
    back: str,
    title: str,
    consequences: list[str],
    action_label: str,
    action: Callable[[], object],
    done: StrOrPromise,
    conflict: str,
) -> HttpResponse:
    """A button that asks first (common.confirm: `title`, `consequences`, `action_label`; a
    cancel leads `back`), then, confirmed, runs `action` once (common.editing.act_once)."""
    if not confirmed(request):
        if repeated := previous_submission(request):
            return already_submitted(request, repeated, back)
        return confirmation(
            request,
            title=title,
            consequences=consequences,
            action_label=action_label,
            cancel_url=back,
        )
    return act_once(request, action, back=back, done=done, conflict=conflict)


# --- Starting or continuing the draft ------------------------------------------------------------


def profile_edit(request: AuthenticatedRequest[Person], slug: str) -> HttpResponse:
    """ "Edit our profile": the draft being worked on, or a button that starts one (a copy of the
    published revision). A revision waiting for review is shown as such."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(permissions.can_edit_profile(request.user, organisation))
    profile = Profile.objects.filter(organisation=organisation).first()
    current = selectors.open_revision(profile) if profile is not None else None
    if request.method == "POST":
        if repeated := previous_submission(request):
            return already_submitted(request, repeated, request.path)
        try:
            draft = once(
                request,
                lambda: services.draft_start(organisation=organisation, actor=request.user),
                url=lambda draft: _url(draft.pk, edit=True),
            )
        except AlreadySubmitted as repeated:
            return already_submitted(request, repeated, request.path)
        return redirect(_url(draft.pk, edit=True) if draft.is_editable else _url(draft.pk))
    if current is not None and current.is_editable:
        return redirect(_url(current.pk, edit=True))
    return render(
        request,
        "mapping/profile_edit.html",
        {"organisation": organisation, "profile": profile, "current": current},
    )


# --- The draft's own fields ----------------------------------------------------------------------


def _shown(name: str, value: Any) -> str:
    """A field's value as the conflict table shows it."""
    if name in services.REVISION_TERMS:
        return ", ".join(term.label for term in value)
    if name == "levels":
        return ", ".join(selectors.level_labels(value))
    return str(value or "")


def _conflict_rows(
    form: DraftForm, typed: dict[str, Any], current: Revision
) -> list[dict[str, Any]]:
    """Each field: what the person typed and what is saved now (common/_conflict.html)."""
    rows = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        saved = getattr(current, name)
        theirs = _shown(name, saved.all() if name in services.REVISION_TERMS else saved)
        yours = _shown(name, typed[name])
        rows.append(
            {"label": field.label, "yours": yours, "theirs": theirs, "differs": yours != theirs}
        )
    return rows


def _then_url(revision: Revision, then: str) -> str:
    """Where the draft's form leads once saved: back to itself, or to the initiative or
    partnership whose button was pressed (an id that is not the draft's leads back)."""
    kind, _sep, pk = then.partition("-")
    if then == "initiative":
        return reverse("mapping:initiative_add", args=[revision.pk])
    if then == "partnership":
        return reverse("mapping:partnership_add", args=[revision.pk])
    if then == "review":
        return _url(revision.pk, "submit")
    if kind == "initiative" and pk in {str(i.pk) for i in revision.initiatives.all()}:
        return reverse("mapping:initiative_edit", args=[pk])
    if kind == "partnership" and pk in {str(p.pk) for p in revision.partnerships.all()}:
        return reverse("mapping:partnership_edit", args=[pk])
    return _url(revision.pk, edit=True)


def revision_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """The draft's fields, with its initiatives and partnerships listed below. Every button that
    leaves the page (to add or change an initiative) saves the form first: nothing typed is lost
    on the way."""
    revision = _editable(request, pk)
    if request.method != "POST" and not revision.is_editable:
        return _not_editable_page(request, revision)
    form = DraftForm(posted(request), revision=revision)
    conflict = None
    if request.method == "POST":
        if repeated := previous_submission(request):
            return already_submitted(request, repeated, request.path)
        if form.is_valid():
            changes = form.changes()
            target = _then_url(revision, request.POST.get("then", ""))
            try:
                if changes:
                    once(
                        request,
                        lambda: services.draft_update(
                            revision=revision,
                            actor=request.user,
                            expected_version=form.cleaned_data["version"],
                            **changes,
                        ),
                        url=lambda _saved: target,
                    )
            except AlreadySubmitted as repeated:
                return already_submitted(request, repeated, target)
            except ConflictError:
                current = selectors.revision_with_everything(revision.pk)
                conflict = _conflict_rows(form, form.cleaned_data, current)
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = DraftForm(data, revision=current)
                form.is_valid()
                form.add_error(None, CONFLICT if current.is_editable else _now_closed(current))
                revision = current
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if changes:
                    messages.success(request, _("The draft was saved."))
                return redirect(target)
    return render(
        request,
        "mapping/revision_edit.html",
        {
            "revision": revision,
            "organisation": revision.profile.organisation,
            "form": form,
            "conflict": conflict,
            "term_fields": [form[name] for name in services.REVISION_TERMS],
        },
    )


# --- Initiatives and partnerships ----------------------------------------------------------------


def _item_form(
    request: AuthenticatedRequest[Person],
    *,
    revision: Revision,
    form: Form,
    save: Callable[[], T],
    done: StrOrPromise,
    template: str,
    context: dict[str, Any],
    saved_now: Callable[[], object | None] = lambda: None,
) -> HttpResponse:
    """The flow of an initiative's or a partnership's form: save once and go back to the draft;
    a conflict or a refusal is a message on the form, which keeps what was typed (after a
    conflict, `saved_now()` is shown beside it: the item as stored, None if removed)."""
    back = _url(revision.pk, context.get("anchor", ""), edit=True)
    if request.method == "POST":
        if repeated := previous_submission(request):
            return already_submitted(request, repeated, back)
        if form.is_valid():
            try:
                once(request, save, url=lambda _saved: back)
            except AlreadySubmitted as repeated:
                return already_submitted(request, repeated, back)
            except ConflictError as error:
                current: Revision = error.current  # type: ignore[assignment]
                data = request.POST.copy()
                data["version"] = str(current.version)
                form.data = data
                form.add_error(None, ITEM_CONFLICT if current.is_editable else _now_closed(current))
                revision = current
                context = {**context, "conflict": True, "saved_now": saved_now()}
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(back)
    return render(request, template, {**context, "revision": revision, "form": form, "back": back})


def _item_views(
    items: QuerySet[Item],
    *,
    name: str,
    form: Callable[[QueryDict | None, Revision, Item | None], InitiativeForm | PartnershipForm],
    add: Callable[[Revision, Person, dict[str, Any]], object],
    update: Callable[[Item, Person, int, dict[str, Any]], object],
    remove: Callable[[Item, Person, int], object],
    added: StrOrPromise,
    saved: StrOrPromise,
    removed: StrOrPromise,
) -> tuple[ItemView, ItemView, ItemView]:
    """The pages that add, change and remove an initiative or a partnership (`name`) of a draft:
    `items` with what the item's page shows, `form` its form (posted data, draft, the item or
    None), `add`, `update` and `remove` its services, and what each says when done. The page is
    mapping/profile_<name>.html; the draft lists the items at #<name>s."""
    template = f"mapping/profile_{name}.html"
    anchor = f"{name}s"

    def fetch(request: AuthenticatedRequest[Person], pk: int) -> Item:
        item = get_object_or_404(items.select_related("revision__profile__organisation"), pk=pk)
        if not permissions.can_read_revision(request.user, item.revision):
            raise Http404
        require(permissions.can_edit_profile(request.user, item.revision.profile.organisation))
        return item

    def page(
        request: AuthenticatedRequest[Person], revision: Revision, item: Item | None
    ) -> HttpResponse:
        if request.method != "POST" and not revision.is_editable:
            return _not_editable_page(request, revision)
        bound = form(posted(request), revision, item)

        def save() -> object:
            if item is None:
                return add(revision, request.user, bound.values())
            return update(item, request.user, bound.cleaned_data["version"], bound.values())

        return _item_form(
            request,
            revision=revision,
            form=bound,
            save=save,
            done=added if item is None else saved,
            template=template,
            context={name: item, "anchor": anchor},
            saved_now=lambda: None if item is None else items.filter(pk=item.pk).first(),
        )

    def add_view(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
        return page(request, _editable(request, pk), None)

    def edit_view(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
        item = fetch(request, pk)
        return page(request, item.revision, item)

    @require_POST
    def remove_view(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
        item = fetch(request, pk)
        back = _url(item.revision_id, anchor, edit=True)
        form = VersionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Nothing was removed: reload the page and try again."))
            return redirect(back)
        version = form.cleaned_data["version"]
        return _ask_then_act(
            request,
            back=back,
            title=_("Remove “%(title)s” from the draft?") % {"title": item},
            consequences=[
                _(
                    "It goes from the draft only: the published profile keeps it until the draft "
                    "is published."
                ),
            ],
            action_label=_("Remove"),
            action=lambda: remove(item, request.user, version),
            done=removed,
            conflict=_(
                "Someone else changed the draft meanwhile: nothing was removed. Check it and "
                "remove again."
            ),
        )

    return add_view, edit_view, remove_view


initiative_add, initiative_edit, initiative_remove = _item_views(
    Initiative.objects.prefetch_related(*services.INITIATIVE_TERMS),
    name="initiative",
    form=lambda data, revision, initiative: InitiativeForm(
        data, revision=revision, initiative=initiative
    ),
    add=lambda revision, actor, values: services.initiative_add(
        revision=revision, actor=actor, **values
    ),
    update=lambda initiative, actor, version, values: services.initiative_update(
        initiative=initiative, actor=actor, expected_version=version, **values
    ),
    remove=lambda initiative, actor, version: services.initiative_remove(
        initiative=initiative, actor=actor, expected_version=version
    ),
    added=gettext_lazy("The initiative was added."),
    saved=gettext_lazy("The initiative was saved."),
    removed=gettext_lazy("The initiative was removed from the draft."),
)

partnership_add, partnership_edit, partnership_remove = _item_views(
    Partnership.objects.all(),
    name="partnership",
    form=lambda data, revision, partnership: PartnershipForm(
        data, revision=revision, partnership=partnership
    ),
    add=lambda revision, actor, values: services.partnership_add(
        revision=revision, actor=actor, **values
    ),
    update=lambda partnership, actor, version, values: services.partnership_update(
        partnership=partnership, actor=actor, expected_version=version, **values
    ),
    remove=lambda partnership, actor, version: services.partnership_remove(
        partnership=partnership, actor=actor, expected_version=version
    ),
    added=gettext_lazy("The partnership was added."),
    saved=gettext_lazy("The partnership was saved."),
    removed=gettext_lazy("The partnership was removed from the draft."),
)


# --- The revision, its review and its history ----------------------------------------------------


def _visible(changes: Iterable[selectors.FieldChange], member: bool) -> list[selectors.FieldChange]:
    return [change for change in changes if member or not change.member_only]


def revision_detail(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """A revision as it stands, and what changed against the published revision (for one
    published, against the one published before it), field by field; the buttons of whoever
    may act on it now."""
    revision = _revision(request, pk)
    user = request.user
    organisation = revision.profile.organisation
    base = selectors.compared_with(revision)
    member = permissions.can_see_member_fields(user)
    can_edit = permissions.can_edit_profile(user, organisation) and revision.is_editable
    can_review = permissions.can_review(user) and revision.state == Revision.State.SUBMITTED
    return render(
        request,
        "mapping/revision_review.html",
        {
            "revision": revision,
            "organisation": organisation,
            "base": base,
            "changes": _visible(selectors.revision_diff(base, revision), member),
            "member": member,
            "can_edit": can_edit,
            "can_review": can_review,
            "submit_form": VersionForm(initial={"version": revision.version}),
            "return_form": ReturnForm(),
            "in_progress": revision.state not in permissions.PUBLISHED_STATES,
            "levels": selectors.level_labels(revision.levels),
        },
    )


@require_POST
def revision_submit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    revision = _editable(request, pk)
    back = _url(revision.pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was submitted: reload the page and try again."))
        return redirect(back)
    version = form.cleaned_data["version"]
    return _ask_then_act(
        request,
        back=back,
        title=_("Submit the profile of %(organisation)s for review?")
        % {"organisation": revision.profile.organisation.acronym},
        consequences=[
            _(
                "The secretariat is told, reads the changes and publishes them or returns the "
                "draft with a comment."
            ),
            _("Until then the draft cannot be changed, and the published profile stays as it is."),
        ],
        action_label=_("Submit for review"),
        action=lambda: services.revision_submit(
            revision=revision, actor=request.user, expected_version=version
        ),
        done=_("The profile was submitted for review."),
        conflict=_(
            "The draft changed since you read it: nothing was submitted. Read it again, "
            "then submit."
        ),
    )


def _reviewable(request: AuthenticatedRequest[Person], pk: int) -> Revision:
    revision = _revision(request, pk)
    require(permissions.can_review(request.user))
    return revision


@require_POST
def revision_publish(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    revision = _reviewable(request, pk)
    back = _url(revision.pk)
    return _ask_then_act(
        request,
        back=back,
        title=_("Publish revision %(number)s of the profile of %(organisation)s?")
        % {"number": revision.number, "organisation": revision.profile.organisation.acronym},
        consequences=[
            _("It becomes what everyone reads, on the public pages and in the exports too."),
            _("The revision published before it is kept in the history, superseded."),
            _("The organisation's focal points are told."),
        ],
        action_label=_("Publish"),
        action=lambda: services.revision_publish(revision=revision, actor=request.user),
        done=_("The profile was published."),
        conflict=_("Someone else reviewed this revision meanwhile."),
    )


def revision_return(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    """Return a submitted revision with a comment (the form is also on the review page)."""
    revision = _reviewable(request, pk)
    back = _url(revision.pk)
    if request.method != "POST" and revision.state != Revision.State.SUBMITTED:
        messages.info(request, _("This revision is not waiting for review."))
        return redirect(back)
    form = ReturnForm(posted(request))
    if request.method == "POST":
        if repeated := previous_submission(request):
            return already_submitted(request, repeated, back)
        if form.is_valid():
            try:
                once(
                    request,
                    lambda: services.revision_return(
                        revision=revision, actor=request.user, comment=form.cleaned_data["comment"]
                    ),
                    url=lambda _saved: back,
                )
            except AlreadySubmitted as repeated:
                return already_submitted(request, repeated, back)
            except ConflictError:
                form.add_error(None, _("Someone else reviewed this revision meanwhile."))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The revision was returned to the organisation."))
                return redirect(back)
    return render(
        request,
        "mapping/revision_return.html",
        {"revision": revision, "organisation": revision.profile.organisation, "form": form},
    )


def profile_history(request: AuthenticatedRequest[Person], slug: str) -> HttpResponse:
    """Every revision of a profile the person may read: all of them for the organisation's
    people and the secretariat, those published (now or before) for everyone else."""
    organisation = get_object_or_404(Organisation, slug=slug)
    profile = get_object_or_404(Profile, organisation=organisation)
    revisions = [
        revision
        for revision in selectors.revision_history(profile).select_related("profile")
        if permissions.can_read_revision(request.user, revision)
    ]
    return render(
        request,
        "mapping/revision_history.html",
        {
            "organisation": organisation,
            "profile": profile,
            "revisions": revisions,
            "can_edit": permissions.can_edit_profile(request.user, organisation),
        },
    )
