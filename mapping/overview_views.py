"""The public pages of the mapping resource: the overview and each organisation's profile, open
without login so that the group can link to them instead of publishing a PDF.

Only published revisions are shown, their public fields to everyone and their member-only fields
(mapping.models.MEMBER_ONLY_FIELDS) to those mapping.permissions.can_see_member_fields allows.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from coordination.models import Organisation
from mapping import charts, permissions, selectors
from mapping.models import MEMBER_ONLY_FIELDS, Profile


def _url_or_none(name: str, *args: object) -> str | None:
    """A page of the profile editing, if the site has it: the public pages do not depend on it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_not_required
def overview(request: HttpRequest) -> HttpResponse:
    result = selectors.overview(request.GET)
    series = selectors.chart_series(result.revisions, result.spans)
    query = request.GET.copy()
    return render(
        request,
        "mapping/overview.html",
        {
            "overview": result,
            "charts": charts.overview_charts(
                series,
                organisations=len(result.revisions),
                initiatives=len(result.spans),
            ),
            "filtered": any(value for value in query.values()),
            "query": query.urlencode(),
            "can_edit_taxonomies": permissions.can_edit_taxonomies(request.user),
        },
    )


@login_not_required
def profile_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    revision = selectors.public_revision(organisation)
    can_edit = permissions.can_edit_profile(request.user, organisation)
    if revision is None and not can_edit:
        raise Http404  # nothing published: the public is not told the organisation has a draft
    profile = Profile.objects.filter(organisation=organisation).first()
    working_on = selectors.open_revision(profile) if profile is not None and can_edit else None
    return render(
        request,
        "mapping/profile_detail.html",
        {
            "organisation": organisation,
            "revision": revision,
            "row": selectors.organisation_row(revision) if revision is not None else None,
            "initiatives": (
                [selectors.initiative_row(i) for i in revision.initiatives.all()]
                if revision is not None
                else []
            ),
            "member_fields": (
                {name: getattr(revision, name) for name in MEMBER_ONLY_FIELDS}
                if revision is not None and permissions.can_see_member_fields(request.user)
                else None
            ),
            "can_edit": can_edit,
            "working_on": working_on,
            "edit_url": _url_or_none("mapping:profile_edit", organisation.slug)
            if can_edit
            else None,
            "history_url": _url_or_none("mapping:profile_history", organisation.slug)
            if can_edit and profile is not None
            else None,
        },
    )
