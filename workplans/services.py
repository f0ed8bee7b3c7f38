"""Every change to work plans goes through these functions: permission, validation, the version
check, the audit row (auditlog, same transaction)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import acting_as
from common.permissions import require
from common.versioning import ConflictError, bump_version, reject_unknown, save_versioned
from coordination.models import ChairTerm, Organisation, Person
from notifications import contract
from workplans import notify, permissions
from workplans.models import (
    Milestone,
    Pledge,
    PledgeReport,
    PledgeUpdate,
    PriorityArea,
    ProgressUpdate,
    WorkItem,
    WorkPlan,
)

# What may be set, in the order the forms show it.
PLAN_FIELDS = ("title", "first_year", "last_year", "status", "adopted_on", "description")
AREA_FIELDS = ("title", "description", "position")
# Focal points of the item's organisations change these; moving an item, or changing who leads
# or contributes, is the secretariat's or the chair's.
ITEM_FIELDS_FOR_MEMBERS = (
    "title",
    "description",
    "owner",
    "start_on",
    "due_on",
    "status",
    "percent_complete",
)
ITEM_FIELDS = (
    "priority_area",
    "title",
    "description",
    "kind",
    "lead_organisation",
    "contributing_organisations",
    "owner",
    "start_on",
    "due_on",
    "status",
    "percent_complete",
)
# A pledge's status and percent move only with its progress updates (pledge_progress_post).
PLEDGE_FIELDS = ("title", "text", "target", "priority_areas", "work_items")


def item_fields_for(actor: Person) -> tuple[str, ...]:
    """What of an item the person may change (given they may edit it at all): the edit form
    offers these and work_item_update refuses any other."""
    return ITEM_FIELDS if permissions.can_manage_plans(actor) else ITEM_FIELDS_FOR_MEMBERS


def _require_open_plan(plan: WorkPlan) -> None:
    if plan.status == WorkPlan.Status.CLOSED:
        raise ValidationError(_("This work plan is closed: its items and areas no longer change."))


# --- Plans and priority areas --------------------------------------------------------------------


@transaction.atomic
def work_plan_create(*, actor: Person, **fields: Any) -> WorkPlan:
    require(permissions.can_manage_plans(actor))
    reject_unknown(fields, PLAN_FIELDS)
    plan = WorkPlan(**fields)
    plan.full_clean()
    with acting_as(actor):
        plan.save()
    return plan


@transaction.atomic
def work_plan_update(*, plan: WorkPlan, actor: Person, version: int, **changes: Any) -> WorkPlan:
    require(permissions.can_manage_plans(actor))
    reject_unknown(changes, PLAN_FIELDS)
    with acting_as(actor):
        return save_versioned(plan, expected_version=version, changes=changes)


@transaction.atomic
def priority_area_create(
    *, plan: WorkPlan, actor: Person, title: str, description: str = "", position: int | None = None
) -> PriorityArea:
    require(permissions.can_manage_plans(actor))
    _require_open_plan(plan)
    if position is None:
        last = plan.priority_areas.order_by("-position").values_list("position", flat=True).first()
        position = 1 if last is None else last + 1
    area = PriorityArea(plan=plan, title=title, description=description, position=position)
    area.full_clean()
    with acting_as(actor):
        area.save()
    return area


@transaction.atomic
def priority_area_update(
    *, area: PriorityArea, actor: Person, version: int, **changes: Any
) -> PriorityArea:
    require(permissions.can_manage_plans(actor))
    reject_unknown(changes, AREA_FIELDS)
    with acting_as(actor):
        return save_versioned(area, expected_version=version, changes=changes)


# --- Work items ----------------------------------------------------------------------------------


def _check_owner(owner: Person | None, organisation_ids: set[int]) -> None:
    if owner is not None and (not owner.is_active or owner.organisation_id not in organisation_ids):
        raise ValidationError(
            {
                "owner": _(
                    "The owner must be an active person of the lead or a contributing organisation."
                )
            }
        )


@transaction.atomic
def work_item_create(
    *,
    actor: Person,
    priority_area: PriorityArea,
    title: str,
    lead_organisation: Organisation,
    contributing_organisations: list[Organisation] | None = None,
    **fields: Any,
) -> WorkItem:
    require(permissions.can_manage_plans(actor))
    reject_unknown(fields, ITEM_FIELDS)
    _require_open_plan(priority_area.plan)
    contributors = [o for o in (contributing_organisations or []) if o.pk != lead_organisation.pk]
    _check_owner(fields.get("owner"), {lead_organisation.pk, *(o.pk for o in contributors)})
    item = WorkItem(
        priority_area=priority_area, title=title, lead_organisation=lead_organisation, **fields
    )
    item.full_clean()
    with acting_as(actor):
        item.save()
        item.contributing_organisations.set(contributors)
    if item.owner_id:
        contract.record(
            notify.item_assigned, item_id=item.pk, person_id=item.owner_id, by_id=actor.pk
        )
    return item


@transaction.atomic
def work_item_update(*, item: WorkItem, actor: Person, version: int, **changes: Any) -> WorkItem:
    """Edit an item. Focal points of its organisations change its content and dates; the
    secretariat and the chairs also move it and change who leads or contributes."""
    require(permissions.can_edit_item(actor, item))
    _require_open_plan(item.priority_area.plan)
    reject_unknown(changes, item_fields_for(actor))
    contributors = changes.pop("contributing_organisations", None)
    lead = changes.get("lead_organisation", item.lead_organisation)
    contributor_ids = (
        {o.pk for o in contributors}
        if contributors is not None
        else set(item.contributing_organisations.values_list("pk", flat=True))
    )
    contributor_ids.discard(lead.pk)
    _check_owner(changes.get("owner", item.owner), {lead.pk, *contributor_ids})
    # Done means 100% is checked by save_versioned's full_clean (WorkItem.clean).
    owner_before, *watched_before = WorkItem.objects.values_list("owner_id", *LEAD_WATCHES).get(
        pk=item.pk
    )
    with acting_as(actor):
        item = save_versioned(item, expected_version=version, changes=changes)
        _tell_lead(item, actor, dict(zip(LEAD_WATCHES, watched_before, strict=True)))
        if item.owner_id and item.owner_id != owner_before:
            contract.record(
                notify.item_assigned,
                item_id=item.pk,
                person_id=item.owner_id,
                by_id=actor.pk,
            )
        if contributors is not None and contributor_ids != set(
            item.contributing_organisations.values_list("pk", flat=True)
        ):
            item.contributing_organisations.set(contributor_ids)
    return item


@transaction.atomic
def progress_update_post(
    *,
    item: WorkItem,
    actor: Person,
    narrative: str,
    status: str,
    percent_complete: int,
    reported_on: date | None = None,
) -> ProgressUpdate:
    """Post a dated narrative; the item takes its status and percent.

    The item row is locked while the update is written, so two updates posted at once are
    applied one after the other, and the item's version moves on (an edit form opened before
    the update notices it).
    """
    require(permissions.can_post_update(actor, item))
    narrative = narrative.strip()
    reported_on = reported_on or timezone.localdate()
    errors: dict[str, str] = {}
    if not narrative:
        errors["narrative"] = _("Say what progress was made.")
    if status not in WorkItem.Status.values:
        errors["status"] = _("Choose a status.")
    if not 0 <= percent_complete <= 100:
        errors["percent_complete"] = _("Give a percentage between 0 and 100.")
    if reported_on > timezone.localdate():
        errors["reported_on"] = _("Progress cannot be reported for a future date.")
    if errors:
        raise ValidationError(errors)
    # The item is saved with update_fields, not cleaned: ask the model's rule directly.
    WorkItem.check_done_is_complete(status, percent_complete)

    item = WorkItem.objects.select_for_update().get(pk=item.pk)
    _require_open_plan(item.priority_area.plan)
    # The author's own organisation (the secretariat's or a chair's when they report), so the
    # annual report credits who wrote it; the lead's for someone without one.
    organisation_id = actor.organisation_id or item.lead_organisation_id
    before = {name: getattr(item, name) for name in LEAD_WATCHES}
    update = _record_progress(
        item,
        ProgressUpdate,
        actor=actor,
        audit_key="progress_update",
        item=item,
        organisation_id=organisation_id,
        reported_on=reported_on,
        narrative=narrative,
        status=status,
        percent_complete=percent_complete,
    )
    _tell_lead(item, actor, before)
    return update


# What the lead organisation hears of when someone of another organisation changes it.
LEAD_WATCHES = ("status", "start_on", "due_on")


def _tell_lead(item: WorkItem, actor: Person, before: dict[str, Any]) -> None:
    """Tell the item's lead (its focal points and alternates, and the owner) that someone of
    another organisation changed its status or dates; their own changes they know of."""
    changed = [name for name in LEAD_WATCHES if getattr(item, name) != before[name]]
    if changed and actor.organisation_id != item.lead_organisation_id:
        contract.record(
            notify.lead_told,
            item_id=item.pk,
            actor_id=actor.pk,
            changed=",".join(changed),
            version=item.version,
        )


U = TypeVar("U", ProgressUpdate, PledgeUpdate)


def _record_progress(
    subject: WorkItem | Pledge,
    update_model: type[U],
    *,
    actor: Person,
    audit_key: str,
    **fields: Any,
) -> U:
    """Record a dated update of a work item or a pledge, and give the subject its status and
    percent, unless a newer update exists: a report on the past joins the history and the
    subject keeps the newer one's state. The subject's version moves on, so that an edit form
    opened before notices. Call it with the subject locked (select_for_update)."""
    parent = "item" if update_model is ProgressUpdate else "pledge"
    newer = update_model.objects.filter(
        **{parent: subject, "reported_on__gt": fields["reported_on"]}
    ).exists()
    update = update_model.objects.create(author=actor, **fields)
    if newer:
        return update
    with acting_as(actor, **{audit_key: update.pk}):
        subject.status = fields["status"]
        subject.percent_complete = fields["percent_complete"]
        subject.last_progress_at = timezone.now()
        subject.save(update_fields=["status", "percent_complete", "last_progress_at"])
    bump_version(subject)
    return update


# --- Milestones ----------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(
    *, item: WorkItem, actor: Person, title: str, due_on: date | None = None
) -> Milestone:
    require(permissions.can_edit_item(actor, item))
    milestone = Milestone(item=item, title=title.strip(), due_on=due_on)
    milestone.full_clean()
    with acting_as(actor, item=item.pk):
        milestone.save()
    return milestone


@transaction.atomic
def milestone_set_done(*, milestone: Milestone, actor: Person, done: bool) -> Milestone:
    require(permissions.can_edit_item(actor, milestone.item))
    done_on = timezone.localdate() if done else None
    if milestone.is_done != done:
        with acting_as(actor, item=milestone.item_id):
            milestone.done_on = done_on
            milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, actor: Person) -> None:
    require(permissions.can_edit_item(actor, milestone.item))
    with acting_as(actor, item=milestone.item_id):
        milestone.delete()


# --- Chairs' pledges -----------------------------------------------------------------------------


def _check_chair(term: ChairTerm, organisation: Organisation) -> None:
    if organisation.pk not in {o.pk for o in term.organisations.all()}:
        raise ValidationError(
            {
                "organisation": _(
                    "Only the organisations chairing the term record pledges and reports for it."
                )
            }
        )


def _progress_errors(
    narrative: str, status: str, percent_complete: int, reported_on: date, choices: list[str]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not narrative:
        errors["narrative"] = _("Say what progress was made.")
    if status not in choices:
        errors["status"] = _("Choose a status.")
    if not 0 <= percent_complete <= 100:
        errors["percent_complete"] = _("Give a percentage between 0 and 100.")
    if reported_on > timezone.localdate():
        errors["reported_on"] = _("Progress cannot be reported for a future date.")
    return errors


@transaction.atomic
def pledge_create(
    *,
    actor: Person,
    term: ChairTerm,
    organisation: Organisation,
    title: str,
    text: str = "",
    target: str = "",
    priority_areas: list[PriorityArea] | None = None,
    work_items: list[WorkItem] | None = None,
) -> Pledge:
    """Record a chair organisation's pledge for its term."""
    require(permissions.can_pledge(actor, term, organisation))
    _check_chair(term, organisation)
    pledge = Pledge(
        term=term, organisation=organisation, title=title.strip(), text=text, target=target
    )
    pledge.full_clean()
    with acting_as(actor):
        pledge.save()
        pledge.priority_areas.set(priority_areas or [])
        pledge.work_items.set(work_items or [])
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, actor: Person, version: int, **changes: Any) -> Pledge:
    """Edit what a pledge says and concerns (its progress moves with its updates)."""
    require(permissions.can_edit_pledge(actor, pledge))
    reject_unknown(changes, PLEDGE_FIELDS)
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    related = {
        name: changes.pop(name) for name in ("priority_areas", "work_items") if name in changes
    }
    with acting_as(actor):
        pledge = save_versioned(pledge, expected_version=version, changes=changes)
        for name, chosen in related.items():
            manager = getattr(pledge, name)
            wanted = {o.pk for o in chosen}
            # Only a real change is written, so the audit history shows no empty edits.
            if wanted != set(manager.values_list("pk", flat=True)):
                manager.set(wanted)
    return pledge


@transaction.atomic
def pledge_progress_post(
    *,
    pledge: Pledge,
    actor: Person,
    narrative: str,
    status: str,
    percent_complete: int,
    reported_on: date | None = None,
) -> PledgeUpdate:
    """Post a dated narrative on a pledge; the pledge takes its status and percent.

    As for a work item (progress_update_post): the pledge row is locked while the update is
    written, a report on the past joins the history without changing the pledge when a newer
    one exists, and the pledge's version moves on so an edit form opened before notices.
    """
    require(permissions.can_post_pledge_update(actor, pledge))
    narrative = narrative.strip()
    reported_on = reported_on or timezone.localdate()
    errors = _progress_errors(
        narrative, status, percent_complete, reported_on, list(Pledge.Status.values)
    )
    if errors:
        raise ValidationError(errors)
    Pledge.check_done_is_complete(status, percent_complete)

    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    return _record_progress(
        pledge,
        PledgeUpdate,
        actor=actor,
        audit_key="pledge_update",
        pledge=pledge,
        reported_on=reported_on,
        narrative=narrative,
        status=status,
        percent_complete=percent_complete,
    )


@transaction.atomic
def pledge_report_save(
    *, term: ChairTerm, organisation: Organisation, actor: Person, text: str, version: int
) -> PledgeReport:
    """Write or rewrite the organisation's pledge report for the term.

    `version` is the one the form was opened at, 0 when there was no report yet: a report
    written meanwhile by someone else (even the first one) is a conflict, never overwritten.
    """
    require(permissions.can_write_pledge_report(actor, term, organisation))
    _check_chair(term, organisation)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Say what was pledged and what was done.")})
    report = PledgeReport.objects.filter(term=term, organisation=organisation).first()
    if report is not None:
        with acting_as(actor):
            return save_versioned(
                report,
                expected_version=version,
                changes={"text": text, "written_by": actor, "updated_at": timezone.now()},
            )
    if version != 0:
        raise ValidationError(_("This report no longer exists. Write it again."))
    report = PledgeReport(term=term, organisation=organisation, text=text, written_by=actor)
    try:
        # A savepoint: two first reports sent at once meet the unique constraint, and the
        # second writer sees the first's text as a conflict.
        with transaction.atomic(), acting_as(actor):
            report.save()
    except IntegrityError:
        raise ConflictError(
            PledgeReport.objects.get(term=term, organisation=organisation)
        ) from None
    return report
