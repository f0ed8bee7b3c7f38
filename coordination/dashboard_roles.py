"""Coordination's blocks of the dashboard for one role each (common.registry.DashboardBlock):
the members without a focal point, for the secretariat; where to read what the group publishes,
for observers. The work plan's, the meetings' and the deliveries' blocks for these roles are
their own apps' (coordination imports none of them)."""

from __future__ import annotations

from django.db.models import Count, Q

from common.registry import Block
from coordination import permissions
from coordination.models import Organisation, Person

FOCAL_ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE)


def organisations_without_focal_point(person: Person) -> Block | None:
    """The secretariat: the current members with no active focal point or alternate, so nobody
    answers for them, each linked to its page (its people), with the link to invite one. One
    query."""
    if not permissions.is_secretariat(person):
        return None
    organisations = list(
        Organisation.objects.current()
        .annotate(
            focal_points=Count(
                "people", filter=Q(people__is_active=True, people__role__in=FOCAL_ROLES)
            )
        )
        .filter(focal_points=0)
        .order_by("acronym")
    )
    return Block(
        template="coordination/dashboard_no_focal_point.html",
        context={"organisations": organisations},
    )


def published_for_observers(person: Person) -> Block | None:
    """An observer: where to read what the group publishes (the published statements, the
    members' profiles of the mapping resource, the meetings). Links only: each page shows
    observers only what they may read. No query."""
    if not (person.is_active and person.role == Person.Role.OBSERVER):
        return None
    return Block(template="coordination/dashboard_observer.html", context={})
