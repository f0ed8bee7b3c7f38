"""Whom the mapping resource tells of what, through notifications' contract.

Each handler runs in a worker after the commit of the change it announces (services record the
event with `contract.record(handler, revision_id=...)`); it reads the revision as it is then,
and tells nobody when what it announces no longer holds (a submitted revision already published
or returned, a published one already superseded): the event that replaced it tells instead.

None of these is a service message: they inform (the secretariat also finds what waits for
review on its dashboard and in its digest), so each reader's email preference holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.registry import EmailKind
from coordination.models import Person
from mapping.models import Revision
from notifications import contract

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

PROFILE_SUBMITTED = EmailKind("profile_submitted", _("Profile submitted for review"))
PROFILE_PUBLISHED = EmailKind("profile_published", _("Your organisation's profile published"))
PROFILE_RETURNED = EmailKind("profile_returned", _("Your organisation's profile returned"))


def _stamp(moment: datetime | None) -> str:
    """A moment, to the microsecond, as part of an event's key: a revision submitted, returned
    and submitted again is announced each time."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f") if moment else ""


def _revision(revision_id: int) -> Revision:
    return Revision.objects.select_related(
        "profile__organisation", "submitted_by", "reviewed_by"
    ).get(pk=revision_id)


def focal_points(organisation_id: int) -> QuerySet[Person]:
    """The active focal points and alternates of an organisation: who keeps its profile."""
    return Person.objects.filter(
        organisation_id=organisation_id,
        role__in=[Person.Role.FOCAL_POINT, Person.Role.ALTERNATE],
        is_active=True,
    ).order_by("pk")


def _tell(
    revision: Revision,
    *,
    kind: EmailKind,
    people: QuerySet[Person],
    event: str,
    title: StrOrPromise,
    url: str,
) -> int:
    """Tell `people` of `event` of a revision, by an email of `kind` (its template is named after
    it); `title` names the organisation."""
    organisation = revision.profile.organisation
    return contract.notify(
        people=people,
        kind=kind.code,
        key=f"mapping-revision:{revision.pk}:{event}",
        title=format_lazy(title, organisation=organisation.acronym),
        url=url,
        template=f"mapping/email/{kind.code}",
        context={"revision": revision, "organisation": organisation},
    )


def profile_submitted(*, revision_id: int) -> int:
    """A revision was submitted for review: the secretariat is told at once."""
    revision = _revision(revision_id)
    if revision.state != Revision.State.SUBMITTED:
        return 0
    return _tell(
        revision,
        kind=PROFILE_SUBMITTED,
        people=Person.objects.filter(role=Person.Role.SECRETARIAT, is_active=True).order_by("pk"),
        event=f"submitted:{_stamp(revision.submitted_at)}",
        title=_("Profile to review: {organisation}"),
        url=reverse("mapping:revision_detail", args=[revision.pk]),
    )


def profile_published(*, revision_id: int) -> int:
    """A revision was published: the organisation's focal points and alternates are told."""
    revision = _revision(revision_id)
    if revision.state != Revision.State.PUBLISHED:
        return 0
    organisation = revision.profile.organisation
    return _tell(
        revision,
        kind=PROFILE_PUBLISHED,
        people=focal_points(organisation.pk),
        event="published",
        title=_("Profile published: {organisation}"),
        url=reverse("mapping:profile_detail", kwargs={"slug": organisation.slug}),
    )


def profile_returned(*, revision_id: int) -> int:
    """A revision was returned with a comment: the organisation's focal points and alternates
    are told what to change."""
    revision = _revision(revision_id)
    if revision.state != Revision.State.RETURNED:
        return 0
    organisation = revision.profile.organisation
    return _tell(
        revision,
        kind=PROFILE_RETURNED,
        people=focal_points(organisation.pk),
        event=f"returned:{_stamp(revision.reviewed_at)}",
        title=_("Profile returned: {organisation}"),
        url=reverse("mapping:profile_edit", kwargs={"slug": organisation.slug}),
    )
