"""Handovers: the outgoing chairs hand the group over to the chairs of the next term.

The checklist is generated from live data by the sources the apps register
(common.registry.handover_sources; coordination imports none of them), plus the tasks people add.
Both sides and the secretariat comment and sign; the last signature needed freezes a snapshot,
after which the handover is read-only. Services (writes) and selectors (reads) of handovers live
here, beside each other, to keep coordination/services.py about members and terms.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Max, Q, QuerySet, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import registry
from common.audit import acting_as
from common.dates import group_today
from common.permissions import require
from common.registry import HandoverEntry
from common.versioning import bump_version, reject_unknown, save_versioned
from coordination import permissions
from coordination.models import (
    ChairTerm,
    Handover,
    HandoverComment,
    HandoverSignature,
    HandoverTask,
    Organisation,
    Person,
)
from coordination.selectors import next_chair_term, term_before

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

Side = HandoverSignature.Side

# What a task's form may change; `status` only by its owner or the secretariat.
TASK_FIELDS = ("title", "owner", "due_on", "note", "status")

ADDED_SOURCE_LABEL = gettext_lazy("Tasks added by hand")


# --- Reads -------------------------------------------------------------------------------------


def source_label(path: str) -> StrOrPromise:
    """What a source's tasks are grouped under: the source's own `label`, or its app's name.

    Read from the path only (the registry imports a source that was registered; a path kept in
    a frozen snapshot whose source was removed since still gets its app's name)."""
    if not path:
        return ADDED_SOURCE_LABEL
    if path in registry.handover_sources:
        label: StrOrPromise | None = getattr(registry.handover_sources.named(path), "label", None)
        if label:
            return label
    app_label = path.split(".", 1)[0]
    try:
        return apps.get_app_config(app_label).verbose_name
    except LookupError:
        return path


def default_due_on(term: ChairTerm) -> date:
    """Handed over before the incoming chairs start: the day before their term."""
    return term.starts_on - timedelta(days=1)


@dataclass
class NeededSignature:
    side: str
    organisation: Organisation | None
    signature: HandoverSignature | None = None

    @property
    def side_label(self) -> StrOrPromise:
        return Side(self.side).label


def needed_signatures(
    handover: Handover,
    outgoing: ChairTerm | None,
    signatures: list[HandoverSignature] | None = None,
) -> list[NeededSignature]:
    """Every signature sign-off needs, each with the one given if any: every organisation of the
    outgoing term on its side, every organisation of the incoming term on its side, and the
    secretariat. An organisation that chairs both terms (UNODC in 2021 and 2022) hands over to
    itself: its outgoing signature is its one signature, for both sides."""
    given = {
        (s.side, s.organisation_id): s
        for s in (signatures if signatures is not None else handover.signatures.all())
    }
    needed = [
        NeededSignature(Side.OUTGOING, organisation)
        for organisation in (outgoing.organisations.all() if outgoing else [])
    ]
    staying = {o.pk for o in outgoing.organisations.all()} if outgoing else set()
    needed += [
        NeededSignature(Side.INCOMING, organisation)
        for organisation in handover.term.organisations.all()
        if organisation.pk not in staying
    ]
    needed.append(NeededSignature(Side.SECRETARIAT, None))
    for item in needed:
        item.signature = given.get((item.side, item.organisation.pk if item.organisation else None))
    return needed


def handover_people(handover: Handover, outgoing: ChairTerm | None) -> QuerySet[Person]:
    """Who may own a task: the focal points and alternates of both sides, and the secretariat."""
    organisation_ids = {o.pk for o in handover.term.organisations.all()}
    if outgoing is not None:
        organisation_ids |= {o.pk for o in outgoing.organisations.all()}
    return (
        Person.objects.filter(is_active=True)
        .filter(
            Q(role=Person.Role.SECRETARIAT)
            | Q(
                role__in=[Person.Role.FOCAL_POINT, Person.Role.ALTERNATE],
                organisation_id__in=organisation_ids,
            )
        )
        .select_related("organisation")
        .order_by("full_name")
    )


TASKS_PER_PAGE = 50
ADDED = "added"  # the group filter's value for the tasks added by hand (their source is "")


@dataclass
class TaskGroup:
    """One source's part of the checklist: its counts, and its tasks on the page shown."""

    source: str
    label: StrOrPromise
    total: int = 0
    open: int = 0
    overdue: int = 0
    tasks: list[HandoverTask] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The group filter's value: the source's path, or ADDED for the tasks added by hand."""
        return self.source or ADDED


@dataclass
class HandoverPage:
    handover: Handover
    outgoing: ChairTerm | None
    groups: list[TaskGroup]
    tasks: Page[HandoverTask]
    comments: list[HandoverComment]
    needed: list[NeededSignature]
    task_count: int

    @property
    def shown(self) -> list[TaskGroup]:
        """The groups with a task on this page, in the checklist's order."""
        return [group for group in self.groups if group.tasks]


def handover_page(
    handover: Handover,
    outgoing: ChairTerm | None,
    *,
    today: date,
    group: str = "",
    status: str = "",
    page: str | int | None = None,
    everything: bool = False,
) -> HandoverPage:
    """The live checklist, a page of tasks at a time: every source's counts (one aggregate), the
    tasks of one page in the registry's order of their sources (added tasks last) with their
    owners and comments, the handover's own comments and the signatures.

    A handover of a large group has thousands of tasks; the page costs the same with forty or
    four thousand: seven queries, fifty tasks rendered. `group` (a source's path, or ADDED) and
    `status` narrow the tasks; an unknown value narrows to nothing rather than failing.
    `everything` puts every task on the one page (the snapshot frozen at sign-off).
    """
    order = {path: n for n, path in enumerate(registry.handover_sources.paths())}
    open_ = Q(status=HandoverTask.Status.OPEN, gone=False)
    counts = (
        HandoverTask.objects.filter(handover_id=handover.pk)
        .values("source")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=open_ & Q(due_on__lt=today)),
        )
        .order_by()
    )
    groups = sorted(
        (
            TaskGroup(
                row["source"],
                source_label(row["source"]),
                total=row["total"],
                open=row["open"],
                overdue=row["overdue"],
            )
            for row in counts
        ),
        key=lambda g: (g.source == "", order.get(g.source, len(order)), g.source),
    )
    tasks = HandoverTask.objects.filter(handover_id=handover.pk)
    # Values from the address: one that no part or status has matches nothing, and is never
    # sent to the database (PostgreSQL refuses a NUL in a string: a server error).
    if group:
        known = group == ADDED or any(g.source == group for g in groups)
        tasks = tasks.filter(source="" if group == ADDED else group) if known else tasks.none()
    if status:
        known = status in HandoverTask.Status.values
        tasks = tasks.filter(status=status) if known else tasks.none()
    # The checklist's order in the database, so that a page is a slice of it.
    position = Case(
        *(When(source=g.source, then=Value(n)) for n, g in enumerate(groups)),
        default=Value(len(groups)),
    )
    shown = Paginator(
        tasks.select_related("owner__organisation").order_by(position, "position", "pk"),
        sys.maxsize if everything else TASKS_PER_PAGE,
    ).get_page(page)
    by_source = {g.source: g for g in groups}
    for task in shown:
        task.handover = handover  # the permission predicates read it; no query per task
        task.task_comments = []  # type: ignore[attr-defined]
        by_source[task.source].tasks.append(task)
    on_page = {task.pk: task for task in shown}
    comments: list[HandoverComment] = []
    about = handover.comments.all()
    if not everything:
        about = about.filter(Q(task__isnull=True) | Q(task__in=list(on_page)))
    for comment in about.select_related("author__organisation"):
        if comment.task_id is None:
            comments.append(comment)
        else:
            on_page[comment.task_id].task_comments.append(comment)  # type: ignore[attr-defined]
    signatures = list(handover.signatures.select_related("person", "organisation"))
    return HandoverPage(
        handover=handover,
        outgoing=outgoing,
        groups=groups,
        tasks=shown,
        comments=comments,
        needed=needed_signatures(handover, outgoing, signatures),
        task_count=sum(g.total for g in groups),
    )


# --- Writes ------------------------------------------------------------------------------------


def _may_change(actor: Person, handover: Handover) -> None:
    """Refuse people without a side (403), then say why a signed-off handover stays as it is."""
    require(permissions.can_see_handover(actor, handover))
    if handover.is_signed_off:
        raise ValidationError(_("This handover is signed off: it can no longer be changed."))
    require(permissions.can_change_handover(actor, handover))


@transaction.atomic
def handover_open(*, term: ChairTerm, actor: Person) -> Handover:
    """Open the handover to the chairs of `term`, the next term, and generate its checklist."""
    require(permissions.can_open_handover(actor, term))
    upcoming = next_chair_term()
    if term.state() != ChairTerm.State.UPCOMING or upcoming is None or upcoming.pk != term.pk:
        raise ValidationError(
            _("A handover is opened for the next chair term only, before it starts.")
        )
    if Handover.objects.filter(term=term).exists():
        raise ValidationError(_("This term's handover is open already."))
    try:
        with acting_as(actor), transaction.atomic():
            handover = Handover.objects.create(
                term=term, opened_by=actor, refreshed_at=timezone.now()
            )
    except IntegrityError:
        # Two people opened it at the same moment: the other request got there first.
        raise ValidationError(_("This term's handover is open already.")) from None
    handover_refresh(handover=handover)
    return handover


# How old the checklist may be when its page is shown: the sources read the whole group's open
# work (thousands of rows in a large group), too much to run at every view of a busy page.
REFRESH_EVERY = timedelta(minutes=1)


@transaction.atomic
def handover_refresh_if_stale(*, handover: Handover) -> bool:
    """Bring the checklist up to date if it was last done more than REFRESH_EVERY ago; returns
    whether it was.

    The refresh is claimed by a conditional update of `refreshed_at`: of two pages shown at the
    same moment, only the one whose update changed the row runs the sources; the other shows the
    checklist as the first one leaves it (the row stays locked until the first one commits).
    """
    now = timezone.now()
    claimed = (
        Handover.objects.filter(pk=handover.pk, signed_off_at__isnull=True)
        .filter(Q(refreshed_at__isnull=True) | Q(refreshed_at__lte=now - REFRESH_EVERY))
        .update(refreshed_at=now)
    )
    if not claimed:
        return False
    handover.refreshed_at = now
    handover_refresh(handover=handover)
    return True


@transaction.atomic
def handover_refresh(*, handover: Handover) -> int:
    """Bring the generated tasks up to date with the live data; returns how many were written.

    Run when the handover is opened, when its page is shown (at most once a minute:
    handover_refresh_if_stale), and before the last signature freezes it, rather than by a
    button: the checklist is then never more than a minute older than the page someone reads,
    the snapshot is of the live data, and nobody has to remember to press anything before
    signing. Each source is a fixed number of queries, the tasks are read in one, and only what
    changed is written, in at most three queries (new tasks, changed tasks, tasks gone). A
    refresh when nothing changed writes nothing.

    Steps:
    1. every registered source is run with (the incoming term, the term before it);
    2. an entry whose reference has a task updates its title, detail and link (its owner, date,
       status and note are people's to change, so they are set only when the task is created:
       the entry's owner if that person is on the handover, and its date or the day before the
       term starts);
    3. an entry without one adds a task;
    4. a generated task whose reference no source returned is marked gone (kept, shown struck
       through: someone may have worked on it), and comes back if its object does.

    The live objects' own changes are in their apps' audit history; these writes follow them, so
    they are made in bulk, without an audit row per task. After sign-off nothing is touched.
    """
    if handover.is_signed_off:
        return 0
    term = handover.term
    outgoing = term_before(term)
    entries: dict[str, tuple[str, HandoverEntry]] = {}
    # The sources' texts are written in the site's language, whoever's page runs this: in the
    # viewer's, two people reading in two languages would rewrite every task at each view.
    with translation.override(settings.LANGUAGE_CODE):
        for path in registry.handover_sources.paths():
            source = registry.handover_sources.named(path)
            for entry in source(term, outgoing):
                entries.setdefault(entry.reference, (path, entry))
    existing = {
        task.reference: task
        # Not through handover.tasks: the related manager would set each task's handover, and
        # read its deferred handover_id with one query per task.
        for task in HandoverTask.objects.filter(handover_id=handover.pk)
        .exclude(reference="")
        .only("reference", "source", "title", "detail", "url", "gone")
    }
    position = (handover.tasks.aggregate(last=Max("position"))["last"] or 0) + 1
    due_on = default_due_on(term)
    # A source suggests an owner (a work item's); only someone on the handover can act on a task,
    # so anyone else's task starts with no owner (the source names them in its detail).
    on_handover = set(handover_people(handover, outgoing).values_list("pk", flat=True))
    new: list[HandoverTask] = []
    changed: list[HandoverTask] = []
    for reference, (path, entry) in entries.items():
        values = {
            "source": path[:100],
            "title": entry.title[:300],
            "detail": entry.detail[:500],
            "url": entry.url[:500],
            "gone": False,
        }
        task = existing.get(reference)
        if task is None:
            new.append(
                HandoverTask(
                    handover=handover,
                    reference=reference[:200],
                    owner_id=entry.owner_id if entry.owner_id in on_handover else None,
                    due_on=entry.due_on or due_on,
                    position=position,
                    **values,
                )
            )
            position += 1
        elif any(getattr(task, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(task, name, value)
            changed.append(task)
    # Two pages shown at the same moment both add the same new tasks: the unique constraint on
    # (handover, reference) keeps one, and the other request's insert is skipped.
    HandoverTask.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        HandoverTask.objects.bulk_update(changed, ["source", "title", "detail", "url", "gone"])
    gone = [t.pk for ref, t in existing.items() if ref not in entries and not t.gone]
    if gone:
        HandoverTask.objects.filter(pk__in=gone).update(gone=True)
    return len(new) + len(changed) + len(gone)


def _check_owner(owner: Person | None) -> None:
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": _("This person's account is deactivated.")})


@transaction.atomic
def handover_task_add(
    *,
    handover: Handover,
    actor: Person,
    title: str,
    owner: Person | None = None,
    due_on: date | None = None,
    note: str = "",
) -> HandoverTask:
    """A task someone on the handover adds by hand (not generated: no source, no reference)."""
    _may_change(actor, handover)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Say what needs doing.")})
    _check_owner(owner)
    position = (handover.tasks.aggregate(last=Max("position"))["last"] or 0) + 1
    with acting_as(actor):
        task = HandoverTask(
            handover=handover,
            title=title,
            owner=owner,
            due_on=due_on or default_due_on(handover.term),
            note=note,
            position=position,
        )
        task.full_clean()
        task.save()
    return task


@transaction.atomic
def handover_task_update(
    *, task: HandoverTask, actor: Person, version: int, **changes: Any
) -> HandoverTask:
    """Change a task's owner, date, note (either side or the secretariat), the title of a task
    added by hand, and its status (its owner or the secretariat only)."""
    reject_unknown(changes, TASK_FIELDS)
    # Compared with what is stored, not with `task`: a form has already set its values on the
    # instance it edits, and the status rule reads the owner saved, not the one being typed.
    stored = HandoverTask.objects.select_related("handover__term").get(pk=task.pk)
    handover = stored.handover
    _may_change(actor, handover)
    changes = {name: value for name, value in changes.items() if getattr(stored, name) != value}
    if "status" in changes:
        require(permissions.can_change_task_status(actor, stored))
    if "title" in changes:
        if stored.reference:
            raise ValidationError(
                {
                    "title": _(
                        "This task's title follows what it is about: change it there, or add a "
                        "note."
                    )
                }
            )
        changes["title"] = str(changes["title"]).strip()
        if not changes["title"]:
            raise ValidationError({"title": _("Say what needs doing.")})
    if "owner" in changes:
        _check_owner(changes["owner"])
    if not changes:
        return task
    with acting_as(actor):
        return save_versioned(task, expected_version=version, changes=changes)


@transaction.atomic
def handover_comment_add(
    *, handover: Handover, actor: Person, text: str, task: HandoverTask | None = None
) -> HandoverComment:
    """A comment on the handover, or on one of its tasks, by either side or the secretariat."""
    _may_change(actor, handover)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a comment first.")})
    if task is not None and task.handover_id != handover.pk:
        raise ValidationError(_("That task is not on this handover."))
    return HandoverComment.objects.create(handover=handover, task=task, author=actor, text=text)


@transaction.atomic
def handover_sign(*, handover: Handover, actor: Person, side: str) -> HandoverSignature:
    """Sign off for one side: for one's organisation on the outgoing or incoming side, or for the
    secretariat. The last signature needed freezes the snapshot.

    The handover row is locked first, so that two last signatures given at the same moment are
    taken one after the other: the second one sees the first and freezes.
    """
    locked = Handover.objects.select_for_update().only("signed_off_at").get(pk=handover.pk)
    handover.signed_off_at = locked.signed_off_at
    _may_change(actor, handover)
    sides = permissions.handover_sides(actor, handover)
    if side not in Side.values:
        raise ValidationError(_("Choose the side you sign for."))
    if side not in sides:
        raise ValidationError(_("You do not sign for this side of the handover."))
    organisation = None if side == Side.SECRETARIAT else actor.organisation
    outgoing = term_before(handover.term)
    if (
        side == Side.INCOMING
        and organisation is not None
        and outgoing is not None
        and organisation.pk in {o.pk for o in outgoing.organisations.all()}
    ):
        raise ValidationError(
            _("%(who)s chairs both terms: it signs once, as an outgoing chair, for both sides.")
            % {"who": organisation.acronym}
        )
    if HandoverSignature.objects.filter(
        handover=handover, side=side, organisation=organisation
    ).exists():
        raise ValidationError(
            _("%(who)s has signed this side already.")
            % {"who": organisation.acronym if organisation else Side.SECRETARIAT.label}
        )
    with acting_as(actor):
        try:
            with transaction.atomic():
                signature = HandoverSignature.objects.create(
                    handover=handover, side=side, organisation=organisation, person=actor
                )
        except IntegrityError:
            raise ValidationError(_("Someone signed this side at the same moment.")) from None
        if all(n.signature for n in needed_signatures(handover, outgoing)):
            # What is frozen is the live data as it is now, not as the last page showed it.
            handover_refresh(handover=handover)
            _freeze(handover, outgoing)
        else:
            bump_version(handover)
    return signature


def _freeze(handover: Handover, outgoing: ChairTerm | None) -> None:
    """Sign-off: keep the checklist as it is now, to be read as it was whatever changes later."""
    page = handover_page(handover, outgoing, today=group_today(), everything=True)
    now = timezone.now()

    def task_data(task: HandoverTask) -> dict[str, Any]:
        return {
            "id": task.pk,
            "source": task.source,
            "title": task.title,
            "detail": task.detail,
            "url": task.url,
            "owner": task.owner.full_name if task.owner else "",
            "due_on": task.due_on.isoformat() if task.due_on else None,
            "status": task.status,
            "note": task.note,
            "gone": task.gone,
            "comments": [comment_data(c) for c in task.task_comments],  # type: ignore[attr-defined]
        }

    def comment_data(comment: HandoverComment) -> dict[str, Any]:
        return {
            "author": comment.author.full_name,
            "text": comment.text,
            "at": comment.created_at.isoformat(),
        }

    handover.snapshot = {
        "frozen_at": now.isoformat(),
        "term": str(handover.term),
        "outgoing_term": str(outgoing) if outgoing else "",
        "groups": [
            {"source": g.source, "tasks": [task_data(t) for t in g.tasks]} for g in page.groups
        ],
        "comments": [comment_data(c) for c in page.comments],
        "signatures": [
            {
                "side": n.side,
                "organisation": n.organisation.acronym if n.organisation else "",
                "person": n.signature.person.full_name if n.signature else "",
                "at": n.signature.signed_at.isoformat() if n.signature else None,
            }
            for n in page.needed
        ],
    }
    handover.signed_off_at = now
    handover.save(update_fields=["snapshot", "signed_off_at"])
    bump_version(handover)


# --- coordination's own source: the people to introduce ----------------------------------------


class ContactsSource:
    """The contacts: each focal point and alternate of the outgoing and incoming organisations,
    and each person of the secretariat, one entry each. Two queries."""

    label = gettext_lazy("Contacts")

    def __call__(self, term: ChairTerm, outgoing: ChairTerm | None) -> list[HandoverEntry]:
        incoming_ids = {o.pk for o in term.organisations.all()}
        outgoing_ids = {o.pk for o in outgoing.organisations.all()} if outgoing else set()
        people = (
            Person.objects.filter(is_active=True)
            .filter(
                Q(role=Person.Role.SECRETARIAT)
                | Q(
                    role__in=[Person.Role.FOCAL_POINT, Person.Role.ALTERNATE],
                    organisation_id__in=incoming_ids | outgoing_ids,
                )
            )
            .select_related("organisation")
            .order_by("role", "organisation__acronym", "full_name")
        )
        entries = []
        for person in people:
            where = person.organisation.acronym if person.organisation else ""
            role = Person.Role(person.role).label
            if person.organisation_id in incoming_ids and person.role != Person.Role.SECRETARIAT:
                detail = _(
                    "Introduce %(name)s (%(email)s) to the outgoing chairs and the secretariat."
                )
            else:
                detail = _("Introduce the incoming chairs to %(name)s (%(email)s).")
            entries.append(
                HandoverEntry(
                    reference=f"coordination.person:{person.pk}",
                    title=f"{person.full_name} ({where}, {role})" if where else person.full_name,
                    detail=detail % {"name": person.full_name, "email": person.email},
                    url=person.get_absolute_url(),
                    owner_id=person.pk,
                )
            )
        return entries


contacts = ContactsSource()
