"""The public overview and profile pages: only published revisions, member-only fields only to
members, filters that never fail, and query counts that do not grow with the data."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import cast

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from coordination.models import Organisation
from mapping import selectors
from mapping.models import Initiative, Revision, Term
from tests import factories

pytestmark = pytest.mark.django_db

OVERVIEW = "/mapping/"
CONTACT_EMAIL = "cooperation@unicef.example"
DRAFT_TEXT = "A mandate still being drafted"
_numbers = count(100)


def term(taxonomy: str, code: str, **fields: object) -> Term:
    fields.setdefault("label_en", code.replace("-", " ").capitalize())
    return cast(Term, factories.TermFactory(taxonomy=taxonomy, code=code, **fields))


def publish(organisation: Organisation, **fields: object) -> Revision:
    return factories.published_profile(organisation, number=next(_numbers), **fields)


def initiative(revision: Revision, title: str, **fields: object) -> Initiative:
    return Initiative.objects.create(revision=revision, title=title, **fields)


def profile_url(organisation: Organisation) -> str:
    return reverse("mapping:profile_detail", args=[organisation.slug])


@pytest.fixture
def published(organisation) -> Revision:
    """UNICEF's published profile (with a contact) and a draft being worked on after it."""
    revision = publish(
        organisation,
        mandate="To protect children from trafficking.",
        contact_name="Ms Contact",
        contact_email=CONTACT_EMAIL,
        levels=["global", "national"],
    )
    revision.forms.set([term("form", "child-trafficking")])
    revision.regions.set([term("region", "africa", countries=["NG", "KE"])])
    factories.RevisionFactory(
        profile=revision.profile,
        number=revision.number + 1,
        mandate=DRAFT_TEXT,
        contact_email="draft-contact@unicef.example",
    )
    return revision


# --- Who sees what -------------------------------------------------------------------------------


def test_an_anonymous_visitor_reads_the_overview_without_a_draft_or_a_contact(
    client, published, organisation, other_organisation
):
    unpublished = cast(
        Revision,
        factories.RevisionFactory(profile__organisation=other_organisation, mandate="Unseen"),
    )

    response = client.get(OVERVIEW)

    page = response.content.decode()
    assert response.status_code == 200
    assert escape(organisation.name) in page
    assert profile_url(organisation) in page
    assert escape(unpublished.profile.organisation.name) not in page
    assert CONTACT_EMAIL not in page and DRAFT_TEXT not in page and "draft-contact" not in page


def test_an_anonymous_visitor_reads_a_published_profile_without_its_member_only_fields(
    client, published, organisation
):
    response = client.get(profile_url(organisation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "To protect children from trafficking." in page
    assert "Child trafficking" in page
    assert "Global; National" in page
    assert CONTACT_EMAIL not in page and "Ms Contact" not in page
    assert DRAFT_TEXT not in page and "draft-contact" not in page
    assert reverse("mapping:profile_edit", args=[organisation.slug]) not in page


def test_an_observer_does_not_see_the_contact(client, published, organisation, observer):
    client.force_login(observer)

    page = client.get(profile_url(organisation)).content.decode()

    assert "To protect children from trafficking." in page
    assert CONTACT_EMAIL not in page
    assert DRAFT_TEXT not in page


@pytest.mark.parametrize("role", ["secretariat", "principal", "other_focal_point"])
def test_members_and_the_secretariat_see_the_contact_of_the_published_revision(
    client, published, organisation, other_organisation, role, request
):
    people = {
        "other_focal_point": lambda: factories.PersonFactory(organisation=other_organisation),
    }
    person = people[role]() if role in people else request.getfixturevalue(role)
    client.force_login(person)

    page = client.get(profile_url(organisation)).content.decode()

    assert CONTACT_EMAIL in page and "Ms Contact" in page
    assert "draft-contact" not in page and DRAFT_TEXT not in page


def test_a_profile_with_nothing_published_is_not_found_for_the_public(
    client, organisation, other_organisation
):
    factories.RevisionFactory(profile__organisation=organisation, mandate=DRAFT_TEXT)

    assert client.get(profile_url(organisation)).status_code == 404
    client.force_login(factories.PersonFactory(organisation=other_organisation))
    assert client.get(profile_url(organisation)).status_code == 404
    assert client.get("/mapping/no-such-organisation/").status_code == 404


def test_the_organisations_focal_point_sees_its_unpublished_profile_page_without_the_draft(
    client, organisation, focal_point
):
    factories.RevisionFactory(profile__organisation=organisation, mandate=DRAFT_TEXT)
    client.force_login(focal_point)

    response = client.get(profile_url(organisation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing is published yet" in page
    assert "Draft" in page
    assert DRAFT_TEXT not in page


def test_the_focal_point_is_told_a_revision_waits_for_review_and_others_are_not(
    client, published, organisation, focal_point, other_organisation
):
    Revision.objects.filter(state=Revision.State.DRAFT).update(state=Revision.State.SUBMITTED)
    client.force_login(focal_point)
    own = client.get(profile_url(organisation)).content.decode()
    client.force_login(factories.PersonFactory(organisation=other_organisation))
    other = client.get(profile_url(organisation)).content.decode()

    assert "waits for the secretariat" in own
    assert reverse("mapping:profile_edit", args=[organisation.slug]) in own
    assert "waits for the secretariat" not in other
    assert reverse("mapping:profile_edit", args=[organisation.slug]) not in other
    assert "The revision being worked on" not in other


def test_an_organisation_that_left_the_group_leaves_the_public_mapping(
    client, published, organisation
):
    Organisation.objects.filter(pk=organisation.pk).update(
        joined_on="2015-01-01", left_on=timezone.localdate().replace(year=2020)
    )

    assert escape(organisation.name) not in client.get(OVERVIEW).content.decode()
    assert client.get(profile_url(organisation)).status_code == 404


def test_the_profile_page_lists_initiatives_and_partnerships(client, published, organisation):
    initiative(
        published,
        "Safe migration",
        start_year=2021,
        status="ongoing",
        countries=["NG"],
        partners="ILO",
    )
    published.partnerships.create(name="Alliance 8.7", role="Member")

    page = client.get(profile_url(organisation)).content.decode()

    assert "Safe migration" in page and "since 2021" in page and "Nigeria" in page
    assert "Alliance 8.7" in page and "Member" in page


# --- Filters -------------------------------------------------------------------------------------


@pytest.fixture
def three(organisation, other_organisation) -> dict[str, Revision]:
    """UNICEF addresses child trafficking itself and labour exploitation in an initiative in
    Nigeria; ILO addresses labour exploitation, nationally, in Europe; OSCE has nothing chosen."""
    child, labour = term("form", "child-trafficking"), term("form", "labour")
    africa = term("region", "africa", countries=["NG", "KE"])
    europe = term("region", "europe", countries=["FR"])
    protection = term("priority_area", "protection")
    unicef = publish(organisation, levels=["global"])
    unicef.forms.set([child])
    unicef.regions.set([africa])
    ongoing = initiative(unicef, "Children on the move", status="ongoing", countries=["NG"])
    ongoing.forms.set([labour])
    initiative(unicef, "Earlier study", status="past", start_year=2015, end_year=2016)
    ilo = publish(other_organisation, levels=["national"])
    ilo.forms.set([labour])
    ilo.regions.set([europe])
    ilo.priority_areas.set([protection])
    initiative(ilo, "Fair recruitment", status="past")
    osce = publish(cast(Organisation, factories.OrganisationFactory(acronym="OSCE", name="OSCE")))
    return {"UNICEF": unicef, "ILO": ilo, "OSCE": osce}


def matching(client, query: str) -> tuple[list[str], list[str]]:
    response = client.get(OVERVIEW + query)
    assert response.status_code == 200
    result = response.context["overview"]
    return (
        [row.organisation.acronym for row in result.organisations],
        [row.initiative.title for row in result.initiative_rows],
    )


@pytest.mark.parametrize(
    ("query", "organisations", "initiatives"),
    [
        (
            "",
            ["ILO", "OSCE", "UNICEF"],
            ["Fair recruitment", "Children on the move", "Earlier study"],
        ),
        # The organisation's own choice, or one of its initiatives'.
        ("?form=labour", ["ILO", "UNICEF"], ["Children on the move"]),
        ("?form=child-trafficking", ["UNICEF"], []),
        ("?region=europe", ["ILO"], []),
        # A country named by an initiative, or covered by a region.
        ("?country=NG", ["UNICEF"], ["Children on the move"]),
        ("?country=KE", ["UNICEF"], []),
        ("?country=FR", ["ILO"], []),
        ("?priority_area=protection", ["ILO"], ["Fair recruitment"]),
        ("?level=national", ["ILO"], ["Fair recruitment"]),
        ("?status=past", ["ILO", "UNICEF"], ["Fair recruitment", "Earlier study"]),
        ("?status=ongoing&form=labour", ["UNICEF"], ["Children on the move"]),
    ],
)
def test_the_filters_keep_organisations_and_initiatives(
    client, three, query, organisations, initiatives
):
    assert matching(client, query) == (organisations, initiatives)


@pytest.mark.parametrize(
    "query",
    [
        "?form=no-such-form",
        "?form=%00",
        "?form=" + "x" * 500,
        "?region=labour",  # a form's code is no region's
        "?country=XX",
        "?level=planetary",
        "?status=%E2%80%AE",
        "?priority_area=1&priority_area=2",
    ],
)
def test_a_bad_filter_value_is_a_message_on_the_form_not_an_error(client, three, query):
    response = client.get(OVERVIEW + query)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Some filters could not be read" in page
    assert "errorlist" in page


def test_only_terms_in_use_by_published_profiles_are_offered_retired_ones_included(
    client, three, organisation
):
    retired = term("form", "retired-form", retired_at=timezone.now())
    three["ILO"].forms.add(retired)
    term("form", "unused-form")
    draft_only = term("form", "draft-only")
    factories.RevisionFactory(profile=three["UNICEF"].profile, number=999).forms.add(draft_only)

    form = client.get(OVERVIEW).context["overview"].form
    offered = [term.code for term in form.fields["form"].queryset]

    assert sorted(offered) == ["child-trafficking", "labour", "retired-form"]
    countries = [code for code, _name in form.fields["country"].choices if code]
    assert sorted(countries) == ["FR", "KE", "NG"]


def offered_codes(client, name: str) -> list[str]:
    form = client.get(OVERVIEW).context["overview"].form
    return sorted(code for code, _label in form[name].field.widget.choices if code)


def test_the_choices_offered_follow_what_is_published(
    client, three, organisation, django_capture_on_commit_callbacks
):
    assert offered_codes(client, "form") == ["child-trafficking", "labour"]
    # A profile published with a new term: offered once the publication commits.
    with django_capture_on_commit_callbacks(execute=True):
        ilo = factories.OrganisationFactory(acronym="IOM2")
        revision = publish(ilo)
        revision.forms.add(term("form", "new-form"))
        revision.save()
    assert "new-form" in offered_codes(client, "form")
    # A term renamed: the new label is offered.
    with django_capture_on_commit_callbacks(execute=True):
        renamed = Term.objects.get(code="new-form")
        renamed.label_en = "Renamed form"
        renamed.save()
    form = client.get(OVERVIEW).context["overview"].form
    assert "Renamed form" in dict(form["form"].field.widget.choices).values()
    # The organisation leaves the group: its terms are no longer offered.
    with django_capture_on_commit_callbacks(execute=True):
        ilo.left_on = timezone.localdate() - timedelta(days=1)
        ilo.save()
    assert "new-form" not in offered_codes(client, "form")


def test_the_choices_and_tables_use_the_readers_language(client, three):
    Term.objects.filter(code="labour").update(label_fr="Exploitation par le travail")

    with translation.override("fr"):
        page = client.get(OVERVIEW, headers={"accept-language": "fr"}).content.decode()

    assert "Exploitation par le travail" in page
    # No French label: the English one.
    assert "Child trafficking" in page


def test_a_filter_on_a_retired_term_still_finds_what_uses_it(client, three):
    Term.objects.filter(code="labour").update(retired_at=timezone.now())

    assert matching(client, "?form=labour")[0] == ["ILO", "UNICEF"]


def test_published_revisions_takes_the_filters_as_values(three):
    labour = Term.objects.get(code="labour")

    revisions = selectors.published_revisions({"form": labour, "level": "national"})

    assert [r.profile.organisation.acronym for r in revisions] == ["ILO"]


# --- Query counts --------------------------------------------------------------------------------


def _grow(count: int, start: int) -> None:
    """`count` more organisations with a published profile, each with three terms of its own
    and two initiatives with terms and countries."""
    for number in range(start, start + count):
        organisation = cast(
            Organisation,
            factories.OrganisationFactory(acronym=f"M{number}", name=f"Member {number}"),
        )
        revision = publish(organisation, contact_email=f"m{number}@example.org", levels=["global"])
        revision.forms.add(term("form", f"form-{number}"), term("form", "shared"))
        revision.regions.add(term("region", f"region-{number}", countries=["FR"]))
        revision.interventions.add(term("intervention", f"intervention-{number}"))
        revision.priority_areas.add(term("priority_area", f"area-{number}"))
        revision.partnerships.create(name=f"Partnership {number}")
        for title in ("First", "Second"):
            started = initiative(
                revision, f"{title} {number}", start_year=2018, end_year=2020, countries=["NG"]
            )
            started.forms.add(term("form", "shared"))
            started.regions.add(term("region", f"region-{number}"))
            started.interventions.add(term("intervention", f"intervention-{number}"))


@pytest.mark.parametrize("viewer", [None, "focal_point"])
@pytest.mark.parametrize("query", ["", "?form=shared&country=NG&level=global&status=ongoing"])
def test_the_overview_queries_do_not_grow_with_organisations_initiatives_and_terms(
    client, viewer, query, request, django_assert_max_num_queries
):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    _grow(2, 0)
    cache.clear()  # the drop-downs' choices read from the database each time (common.choices)
    with django_assert_max_num_queries(40) as few:
        assert client.get(OVERVIEW + query).status_code == 200
    _grow(12, 2)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(OVERVIEW + query).status_code == 200


def test_the_profile_page_queries_do_not_grow_with_initiatives_and_terms(
    client, organisation, focal_point, django_assert_max_num_queries
):
    revision = publish(organisation, contact_email=CONTACT_EMAIL)
    client.force_login(focal_point)

    def grow(count: int, start: int) -> None:
        for number in range(start, start + count):
            revision.forms.add(term("form", f"form-{number}"))
            revision.regions.add(term("region", f"region-{number}"))
            revision.partnerships.create(name=f"Partnership {number}")
            added = initiative(revision, f"Initiative {number}", countries=["NG", "FR"])
            added.forms.add(term("form", f"form-{number}"))
            added.interventions.add(term("intervention", f"intervention-{number}"))

    grow(2, 0)
    with django_assert_max_num_queries(40) as few:
        assert client.get(profile_url(organisation)).status_code == 200
    grow(12, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(profile_url(organisation)).status_code == 200


def test_the_initiatives_are_paged_but_counted_and_charted_in_full(client, published):
    for number in range(selectors.INITIATIVES_PER_PAGE + 5):
        initiative(published, f"Initiative {number:03}", start_year=2019, end_year=2019)
    first = client.get(OVERVIEW)
    result = first.context["overview"]
    assert len(result.initiative_rows) == selectors.INITIATIVES_PER_PAGE
    assert len(result.spans) == selectors.INITIATIVES_PER_PAGE + 5
    text = first.content.decode()
    assert "55 initiatives" in text and "Page 1 of 2" in text
    # The chart of initiatives under way counts every one, not only those on the page.
    series = selectors.chart_series(result.revisions, result.spans)
    assert dict(series["initiatives_by_year"])["2019"] == 55
    second = client.get(OVERVIEW, {"page": 2}).context["overview"]
    assert [row.initiative.title for row in second.initiative_rows][-1] == "Initiative 054"
    # A page that is not a number or not there shows the first or the last, never an error.
    assert client.get(OVERVIEW, {"page": "x"}).status_code == 200
    assert client.get(OVERVIEW, {"page": "99"}).context["overview"].initiative_page.number == 2
