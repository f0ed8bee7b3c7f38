"""The mapping resource's section of a member organisation's page
(common.registry.organisation_sections): coordination shows it without importing mapping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from common.dates import group_today
from common.registry import Block
from mapping import permissions
from mapping.digest import STALE_AFTER_MONTHS, months_between, profile_state
from mapping.models import Initiative, Profile

if TYPE_CHECKING:
    from coordination.models import Organisation
    from coordination.permissions import AnyUser


def published_summary(organisation: Organisation) -> Profile | None:
    """The organisation's profile with its published revision, that revision's forms, regions and
    interventions, and `initiative_count`. Four queries at most, whatever the number of terms."""
    initiatives = (
        Initiative.objects.filter(revision=OuterRef("published"))
        .order_by()
        .values("revision")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Profile.objects.filter(organisation=organisation)
        .select_related("published")
        .annotate(
            initiative_count=Coalesce(Subquery(initiatives[:1]), 0, output_field=IntegerField())
        )
        .prefetch_related("published__forms", "published__regions", "published__interventions")
        .first()
    )


def profile_section(organisation: Organisation, viewer: AnyUser) -> Block:
    """The published profile's summary for everyone who reads the organisation's page, and, for
    the organisation's people and the secretariat, where its next revision stands, with the
    links to act. Five queries at most."""
    profile = published_summary(organisation)
    published = profile.published if profile is not None else None
    published_at = None
    if profile is not None and published is not None:
        published_at = published.reviewed_at or profile.published_at
    state = (
        profile_state(organisation)
        if permissions.can_follow_progress(viewer, organisation.pk)
        else None
    )
    # Its keepers are told when it is out of date (as their digest tells them).
    stale_months = None
    if state is not None and published_at is not None:
        months = months_between(timezone.localdate(published_at), group_today())
        if months >= STALE_AFTER_MONTHS:
            stale_months = months
    waiting = state is not None and state.waiting_for_review
    # The submitted revision's page is the secretariat's review (the diff, publish or return).
    submitted_url = (
        reverse("mapping:revision_detail", args=[state.open_revision_id])
        if state is not None and waiting
        else ""
    )
    can_edit = permissions.can_edit_profile(viewer, organisation) and not waiting
    return Block(
        template="mapping/organisation_profile.html",
        context={
            "organisation": organisation,
            "published": published,
            "published_at": published_at,
            "initiative_count": getattr(profile, "initiative_count", 0),
            "state": state,
            "stale_months": stale_months,
            "can_edit": can_edit,
            "submitted_url": submitted_url,
            "can_review": waiting and permissions.can_review(viewer),
        },
    )
