"""Every change to a profile goes through these functions: permission, validation, the
concurrency check, the audit row (auditlog, same transaction), the notification on commit.

Concurrent work on a draft is detected, never lost. Every write to a revision moves its `version`
on in a conditional UPDATE (common.versioning): a form carries the version it was opened at, and
a save from an older one raises ConflictError with the revision as it now stands, writing
nothing. Adding, changing or removing an initiative or a partnership moves the revision's version
too, so that the form of the draft opened before it is told. Submitting, publishing and
returning move it as well, and claim the state they leave in the same UPDATE: of two people who
publish the same revision at once, one publishes and the other is told it is published already.

Starting a draft relies on the database: one open revision per profile (a unique constraint), so
two focal points who start at once both land on the same draft.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import acting_as
from common.permissions import require
from common.versioning import ConflictError, reject_unknown, save_versioned
from coordination.models import Organisation, Person
from mapping import notify, permissions, selectors
from mapping.models import Initiative, Level, Partnership, Profile, Revision, Term
from notifications import contract

OPEN_STATES = (Revision.State.DRAFT, Revision.State.SUBMITTED, Revision.State.RETURNED)
EDITABLE_STATES = (Revision.State.DRAFT, Revision.State.RETURNED)

# The taxonomy each list of terms draws from, on a revision and on an initiative.
REVISION_TERMS = {
    "regions": Term.Taxonomy.REGION,
    "forms": Term.Taxonomy.FORM,
    "interventions": Term.Taxonomy.INTERVENTION,
    "priority_areas": Term.Taxonomy.PRIORITY_AREA,
}
INITIATIVE_TERMS = {
    "regions": Term.Taxonomy.REGION,
    "forms": Term.Taxonomy.FORM,
    "interventions": Term.Taxonomy.INTERVENTION,
}
REVISION_TEXT = ("mandate", "expertise", "contact_name", "contact_email")
DRAFT_FIELDS = (*REVISION_TEXT, *REVISION_TERMS, "levels")
INITIATIVE_VALUES = (
    "title",
    "start_year",
    "end_year",
    "status",
    "countries",
    "partners",
    "link",
)
INITIATIVE_FIELDS = (*INITIATIVE_VALUES, *INITIATIVE_TERMS)
PARTNERSHIP_FIELDS = ("name", "partners", "role", "link")

TermChoice = Term | int
Item = TypeVar("Item", Initiative, Partnership)


def profile_for(organisation: Organisation) -> Profile:
    """The organisation's profile, made the first time it is asked for."""
    profile, _created = Profile.objects.get_or_create(organisation=organisation)
    return profile


# --- Checks every write shares -------------------------------------------------------------------


def _not_editable(revision: Revision) -> ValidationError:
    state = Revision.State(revision.state).label.lower()
    return ValidationError(
        _("This revision is %(state)s: it can no longer be changed.") % {"state": state}
    )


def _claim(
    revision: Revision,
    *,
    states: Iterable[str],
    expected_version: int | None,
    refusal: Callable[[Revision], ValidationError] | None = None,
) -> None:
    """Move the revision's version on, if it is still in one of `states` (and at
    `expected_version`, when given), in one conditional UPDATE: the check that nobody changed it
    meanwhile, and the row lock that keeps the rest of the transaction theirs alone.

    Raises `refusal(current)` (by default: it can no longer be changed) when the revision left
    `states`,
    ConflictError with the revision as it stands when only its version moved on."""
    wanted = Revision.objects.filter(pk=revision.pk, state__in=list(states))
    if expected_version is not None:
        wanted = wanted.filter(version=expected_version)
    if not wanted.update(version=F("version") + 1, updated_at=timezone.now()):
        current = Revision.objects.select_related("profile__organisation").get(pk=revision.pk)
        if current.state not in states:
            raise (refusal or _not_editable)(current)
        raise ConflictError(current)
    stored = Revision.objects.values_list("version", "updated_at").get(pk=revision.pk)
    revision.version, revision.updated_at = stored


def _require_editable(revision: Revision, actor: Person) -> None:
    """The actor keeps the organisation's profile, and the revision may still be changed."""
    require(permissions.can_edit_profile(actor, revision.profile.organisation))
    if not revision.is_editable:
        raise _not_editable(revision)


def _chosen_terms(
    chosen: Iterable[TermChoice], *, taxonomy: str, kept: set[int]
) -> tuple[list[Term], list[str]]:
    """The terms chosen for a list of `taxonomy`, and what is wrong with the choice.

    Only active terms may be chosen; a retired one already on the object (`kept`) may stay, so
    that editing something else of a profile does not drop what it said."""
    ids = {choice.pk if isinstance(choice, Term) else int(choice) for choice in chosen}
    terms = list(Term.objects.filter(pk__in=ids))
    errors = []
    if len(terms) != len(ids):
        errors.append(_("One of the terms chosen does not exist (any more)."))
    for term in terms:
        if term.taxonomy != taxonomy:
            errors.append(
                _("“%(term)s” is not a term of this list (%(taxonomy)s).")
                % {"term": term.label, "taxonomy": Term.Taxonomy(taxonomy).label.lower()}
            )
        elif term.is_retired and term.pk not in kept:
            errors.append(
                _("“%(term)s” is retired: it can no longer be chosen.") % {"term": term.label}
            )
    return sorted(terms, key=lambda term: (term.position, term.label_en)), errors


def _clean_terms(
    obj: Revision | Initiative | None, fields: dict[str, Any], taxonomies: Mapping[str, str]
) -> tuple[dict[str, list[Term]], dict[str, list[str]]]:
    """Take the lists of terms out of `fields`; each checked against what `obj` has already."""
    terms: dict[str, list[Term]] = {}
    errors: dict[str, list[str]] = {}
    for name, taxonomy in taxonomies.items():
        if name not in fields:
            continue
        kept = set(getattr(obj, name).values_list("pk", flat=True)) if obj is not None else set()
        terms[name], problems = _chosen_terms(fields.pop(name), taxonomy=taxonomy, kept=kept)
        if problems:
            errors[name] = problems
    return terms, errors


def _clean_levels(levels: Iterable[str]) -> tuple[list[str], list[str]]:
    chosen = list(levels)
    unknown = [level for level in chosen if level not in Level.values]
    if unknown:
        return [], [
            _("“%(level)s” is not a level (global, regional or national).") % {"level": unknown[0]}
        ]
    return [level for level in Level.values if level in chosen], []


def _stripped(fields: dict[str, Any], names: Iterable[str]) -> None:
    for name in names:
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()


# --- Drafts --------------------------------------------------------------------------------------


@transaction.atomic
def draft_start(*, organisation: Organisation, actor: Person) -> Revision:
    """The organisation's revision being worked on: the open one if there is one (a draft, or one
    submitted or returned), else a new draft, a copy of the published revision with its terms,
    levels, initiatives and partnerships (an empty draft when nothing is published yet)."""
    require(permissions.can_edit_profile(actor, organisation))
    with acting_as(actor):
        profile = profile_for(organisation)
        current = selectors.open_revision(profile)
        if current is not None:
            return current
        last = profile.revisions.aggregate(last=Max("number"))["last"] or 0
        published = (
            selectors.revision_with_everything(profile.published_id)
            if profile.published_id is not None
            else None
        )
        draft = Revision(profile=profile, number=last + 1, created_by=actor)
        if published is not None:
            for name in (*REVISION_TEXT, "levels"):
                setattr(draft, name, getattr(published, name))
        try:
            # A savepoint: the INSERT is the check that nobody started a draft meanwhile, and its
            # failure must not spoil the transaction.
            with transaction.atomic():
                draft.save()
        except IntegrityError:
            current = selectors.open_revision(profile)
            if current is None:  # pragma: no cover - the conflict was with an open revision
                raise
            return current
        if published is not None:
            _copy_content(published, draft)
    return draft


def _copy_content(source: Revision, draft: Revision) -> None:
    """Copy the terms, initiatives and partnerships of `source` (prefetched) into `draft`: rows
    of its own, which the draft changes without touching the published revision."""
    for name in REVISION_TERMS:
        getattr(draft, name).set(getattr(source, name).all())
    for initiative in source.initiatives.all():
        copy = Initiative(
            revision=draft,
            position=initiative.position,
            **{name: getattr(initiative, name) for name in INITIATIVE_VALUES},
        )
        copy.save()
        for name in INITIATIVE_TERMS:
            getattr(copy, name).set(getattr(initiative, name).all())
    for partnership in source.partnerships.all():
        Partnership.objects.create(
            revision=draft,
            position=partnership.position,
            **{name: getattr(partnership, name) for name in PARTNERSHIP_FIELDS},
        )


@transaction.atomic
def draft_update(
    *, revision: Revision, actor: Person, expected_version: int, **fields: Any
) -> Revision:
    """Change the fields of a draft (or returned) revision: any of DRAFT_FIELDS.

    Lists of terms (Term objects or ids) hold active terms of their taxonomy (a retired term
    already on the revision may stay); `levels` is a list of Level values. A revision saved by
    someone else since `expected_version` raises ConflictError and nothing is written."""
    reject_unknown(fields, DRAFT_FIELDS)
    _require_editable(revision, actor)
    _stripped(fields, REVISION_TEXT)
    terms, errors = _clean_terms(revision, fields, REVISION_TERMS)
    if "levels" in fields:
        fields["levels"], problems = _clean_levels(fields["levels"])
        if problems:
            errors["levels"] = problems
    if errors:
        raise ValidationError(errors)
    with acting_as(actor):
        save_versioned(
            revision,
            expected_version=expected_version,
            changes={**fields, "updated_at": timezone.now()},
        )
        for name, chosen in terms.items():
            getattr(revision, name).set(chosen)
    return revision


# --- Initiatives and partnerships ----------------------------------------------------------------


def _clean_initiative(
    initiative: Initiative | None, fields: dict[str, Any]
) -> dict[str, list[Term]]:
    reject_unknown(fields, INITIATIVE_FIELDS)
    _stripped(fields, ("title", "partners", "link"))
    terms, errors = _clean_terms(initiative, fields, INITIATIVE_TERMS)
    title = fields.get("title", initiative.title if initiative else "")
    if not title:
        errors["title"] = [_("Give the initiative a title.")]
    start = fields.get("start_year", initiative.start_year if initiative else None)
    end = fields.get("end_year", initiative.end_year if initiative else None)
    if start is not None and end is not None and end < start:
        errors["end_year"] = [_("The last year cannot come before the first.")]
    if errors:
        raise ValidationError(errors)
    return terms


def _item_save(
    item: Item,
    *,
    actor: Person,
    expected_version: int | None,
    terms: dict[str, list[Term]] | None = None,
) -> Item:
    """Write an initiative or a partnership of a draft, its fields cleaned already.

    Claims the draft first: for a change, at `expected_version` (a draft changed since raises
    ConflictError and nothing is written), then refuses an item removed meanwhile (saving it
    would put it back unasked; asked after the claim, so no removal can slip in between). A new
    item goes at the end of its list."""
    item.full_clean(exclude=["revision", "position"])
    revision = item.revision
    _claim(revision, states=EDITABLE_STATES, expected_version=expected_version)
    model = type(item)
    if item.pk is None:
        last = model.objects.filter(revision=revision).aggregate(last=Max("position"))["last"]
        item.position = 0 if last is None else last + 1
    elif not model.objects.filter(pk=item.pk).exists():
        raise ValidationError(_("This was removed from the draft meanwhile: nothing was saved."))
    with acting_as(actor):
        item.save()
        for name, chosen in (terms or {}).items():
            getattr(item, name).set(chosen)
    return item


def _item_remove(item: Initiative | Partnership, *, actor: Person, expected_version: int) -> None:
    """Take an initiative or a partnership out of a draft (the published revision keeps its
    own), if the draft is still at `expected_version`."""
    revision = item.revision
    _require_editable(revision, actor)
    _claim(revision, states=EDITABLE_STATES, expected_version=expected_version)
    with acting_as(actor):
        item.delete()


def _changed(item: Item, fields: dict[str, Any]) -> Item:
    for name, value in fields.items():
        setattr(item, name, value)
    return item


@transaction.atomic
def initiative_add(*, revision: Revision, actor: Person, **fields: Any) -> Initiative:
    """Add an initiative (INITIATIVE_FIELDS) at the end of the draft's list."""
    _require_editable(revision, actor)
    terms = _clean_initiative(None, fields)
    return _item_save(
        Initiative(revision=revision, **fields), actor=actor, expected_version=None, terms=terms
    )


@transaction.atomic
def initiative_update(
    *, initiative: Initiative, actor: Person, expected_version: int, **fields: Any
) -> Initiative:
    """Change an initiative of a draft. `expected_version` is the revision's version the form was
    opened at: a change to the draft since raises ConflictError and nothing is written."""
    _require_editable(initiative.revision, actor)
    terms = _clean_initiative(initiative, fields)
    return _item_save(
        _changed(initiative, fields), actor=actor, expected_version=expected_version, terms=terms
    )


@transaction.atomic
def initiative_remove(*, initiative: Initiative, actor: Person, expected_version: int) -> None:
    """Take an initiative out of a draft (the published revision keeps its own)."""
    _item_remove(initiative, actor=actor, expected_version=expected_version)


def _clean_partnership(partnership: Partnership | None, fields: dict[str, Any]) -> None:
    reject_unknown(fields, PARTNERSHIP_FIELDS)
    _stripped(fields, PARTNERSHIP_FIELDS)
    if not fields.get("name", partnership.name if partnership else ""):
        raise ValidationError({"name": _("Give the partnership a name.")})


@transaction.atomic
def partnership_add(*, revision: Revision, actor: Person, **fields: Any) -> Partnership:
    """Add a partnership (PARTNERSHIP_FIELDS) at the end of the draft's list."""
    _require_editable(revision, actor)
    _clean_partnership(None, fields)
    return _item_save(Partnership(revision=revision, **fields), actor=actor, expected_version=None)


@transaction.atomic
def partnership_update(
    *, partnership: Partnership, actor: Person, expected_version: int, **fields: Any
) -> Partnership:
    """Change a partnership of a draft (the version check as for initiative_update)."""
    _require_editable(partnership.revision, actor)
    _clean_partnership(partnership, fields)
    return _item_save(_changed(partnership, fields), actor=actor, expected_version=expected_version)


@transaction.atomic
def partnership_remove(*, partnership: Partnership, actor: Person, expected_version: int) -> None:
    _item_remove(partnership, actor=actor, expected_version=expected_version)


# --- Review --------------------------------------------------------------------------------------


@transaction.atomic
def revision_submit(
    *, revision: Revision, actor: Person, expected_version: int | None = None
) -> Revision:
    """Send a draft (or a returned revision) to the secretariat for review; they are told at once.

    With `expected_version` (what the person read before submitting), a revision changed since
    raises ConflictError: nobody submits text they have not seen."""
    _require_editable(revision, actor)
    if not revision.mandate.strip():
        raise ValidationError({"mandate": _("Write the mandate before submitting the profile.")})
    _claim(revision, states=EDITABLE_STATES, expected_version=expected_version)
    now = timezone.now()
    revision.state = Revision.State.SUBMITTED
    revision.submitted_at = now
    revision.submitted_by = actor
    with acting_as(actor):
        revision.save(update_fields=["state", "submitted_at", "submitted_by"])
    contract.record(notify.profile_submitted, revision_id=revision.pk)
    return revision


def _not_submitted(revision: Revision) -> ValidationError:
    return ValidationError(
        _(
            "Only a revision submitted for review can be published or returned; this one is %(state)s."
        )
        % {"state": Revision.State(revision.state).label.lower()}
    )


def _claim_submitted(revision: Revision) -> None:
    """Claim a revision waiting for review, to publish or return it: of two reviewers acting at
    once, one does and the other is told what became of it."""
    if revision.state != Revision.State.SUBMITTED:
        raise _not_submitted(revision)
    _claim(
        revision,
        states=[Revision.State.SUBMITTED],
        expected_version=None,
        refusal=_not_submitted,
    )


@transaction.atomic
def revision_publish(*, revision: Revision, actor: Person) -> Revision:
    """Publish a submitted revision: it becomes what everyone reads, the one published before it
    is superseded (and kept), and the organisation's focal points are told."""
    require(permissions.can_review(actor))
    _claim_submitted(revision)
    now = timezone.now()
    profile = Profile.objects.select_for_update().get(pk=revision.profile_id)
    with acting_as(actor):
        for previous in Revision.objects.filter(profile=profile, state=Revision.State.PUBLISHED):
            previous.state = Revision.State.SUPERSEDED
            previous.save(update_fields=["state"])
        revision.state = Revision.State.PUBLISHED
        revision.reviewed_at = now
        revision.reviewed_by = actor
        revision.save(update_fields=["state", "reviewed_at", "reviewed_by"])
        profile.published = revision
        profile.published_at = now
        profile.save(update_fields=["published", "published_at"])
    revision.profile = profile
    contract.record(notify.profile_published, revision_id=revision.pk)
    return revision


@transaction.atomic
def revision_return(*, revision: Revision, actor: Person, comment: str) -> Revision:
    """Return a submitted revision to the organisation with a comment saying what to change; its
    focal points edit it again and resubmit. The published revision stays as it was."""
    require(permissions.can_review(actor))
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the organisation should change.")})
    _claim_submitted(revision)
    revision.state = Revision.State.RETURNED
    revision.reviewed_at = timezone.now()
    revision.reviewed_by = actor
    revision.review_comment = comment
    with acting_as(actor):
        revision.save(update_fields=["state", "reviewed_at", "reviewed_by", "review_comment"])
    contract.record(notify.profile_returned, revision_id=revision.pk)
    return revision
