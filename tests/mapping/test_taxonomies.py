"""The group's taxonomies: kept by the secretariat only; a term in use is retired, never deleted."""

from __future__ import annotations

from typing import cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from common.versioning import ConflictError
from coordination.models import Organisation
from mapping import selectors, taxonomies
from mapping.models import Initiative, Revision, Term
from tests import factories

pytestmark = pytest.mark.django_db


def a_term(taxonomy: str = "form", code: str = "labour", **fields: object) -> Term:
    fields.setdefault("label_en", code.replace("-", " ").capitalize())
    return cast(Term, factories.TermFactory(taxonomy=taxonomy, code=code, **fields))


def terms_url(taxonomy: str = "form") -> str:
    return reverse("mapping:taxonomy_terms", args=[taxonomy])


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Term.objects.order_by("pk").values_list(
            "pk", "code", "label_en", "label_fr", "retired_at", "position", "version"
        )
    )


# --- Services ------------------------------------------------------------------------------------


def test_a_new_term_goes_at_the_end_of_its_taxonomy(secretariat):
    a_term(code="sexual", position=4)
    a_term(taxonomy="region", code="africa", position=9)

    term = taxonomies.term_create(
        actor=secretariat, taxonomy="form", code="labour", label_en="Labour exploitation"
    )

    assert term.position == 5
    assert term.label_fr == ""
    assert term.version == 1


def test_a_code_taken_in_the_taxonomy_is_refused_but_another_taxonomy_may_use_it(secretariat):
    a_term(code="research")

    with pytest.raises(ValidationError) as refused:
        taxonomies.term_create(
            actor=secretariat, taxonomy="form", code="research", label_en="Research"
        )
    taxonomies.term_create(
        actor=secretariat, taxonomy="intervention", code="research", label_en="Research"
    )

    assert "code" in refused.value.message_dict
    assert Term.objects.filter(code="research").count() == 2


def test_only_a_region_has_an_m49_code_and_countries(secretariat):
    with pytest.raises(ValidationError) as refused:
        taxonomies.term_create(
            actor=secretariat, taxonomy="form", code="x", label_en="X", countries=["FR"]
        )
    region = taxonomies.term_create(
        actor=secretariat,
        taxonomy="region",
        code="west-africa",
        label_en="West Africa",
        m49_code="011",
        countries=["NG", "GH"],
    )

    assert "countries" in refused.value.message_dict
    region.refresh_from_db()
    assert region.m49_code == "011"
    assert sorted(country.code for country in region.countries) == ["GH", "NG"]


def test_an_m49_code_is_three_digits(secretariat):
    region = a_term(taxonomy="region", code="africa")

    with pytest.raises(ValidationError) as refused:
        taxonomies.term_update(term=region, actor=secretariat, version=1, m49_code="2")

    assert "m49_code" in refused.value.message_dict
    region.refresh_from_db()
    assert region.m49_code == ""


def test_an_update_made_on_an_old_version_is_refused_and_writes_nothing(secretariat):
    term = a_term(label_en="Labour exploitation")
    taxonomies.term_update(term=term, actor=secretariat, version=1, label_fr="Travail forcé")

    with pytest.raises(ConflictError):
        taxonomies.term_update(
            term=Term.objects.get(pk=term.pk), actor=secretariat, version=1, label_fr="Autre"
        )

    term.refresh_from_db()
    assert (term.label_fr, term.version) == ("Travail forcé", 2)


def test_retiring_and_restoring_a_term(secretariat):
    term = a_term()

    taxonomies.term_retire(term=term, actor=secretariat)
    term.refresh_from_db()
    assert term.is_retired
    assert term not in Term.objects.active()
    with pytest.raises(ValidationError):
        taxonomies.term_retire(term=term, actor=secretariat)

    taxonomies.term_restore(term=term, actor=secretariat)
    term.refresh_from_db()
    assert not term.is_retired
    with pytest.raises(ValidationError):
        taxonomies.term_restore(term=term, actor=secretariat)


def test_a_term_chosen_by_a_draft_cannot_be_deleted_only_retired(secretariat, organisation):
    term = a_term()
    draft = cast(Revision, factories.RevisionFactory(profile__organisation=organisation))
    draft.forms.add(term)

    with pytest.raises(ValidationError) as refused:
        taxonomies.term_delete(term=term, actor=secretariat)

    assert "Retire it instead" in refused.value.messages[0]
    assert Term.objects.filter(pk=term.pk).exists()
    assert list(draft.forms.all()) == [term]


def test_a_term_chosen_only_by_an_initiative_of_a_superseded_revision_cannot_be_deleted(
    secretariat, organisation
):
    region = a_term(taxonomy="region", code="africa")
    old = cast(
        Revision,
        factories.RevisionFactory(
            profile__organisation=organisation, state=Revision.State.SUPERSEDED
        ),
    )
    Initiative.objects.create(revision=old, title="Safe migration").regions.add(region)

    with pytest.raises(ValidationError):
        taxonomies.term_delete(term=region, actor=secretariat)

    assert Term.objects.filter(pk=region.pk).exists()


def test_a_term_nothing_uses_is_deleted(secretariat):
    term = a_term()

    taxonomies.term_delete(term=term, actor=secretariat)

    assert not Term.objects.filter(pk=term.pk).exists()


@pytest.mark.parametrize("role", ["focal_point", "principal", "observer"])
def test_no_one_but_the_secretariat_changes_a_taxonomy(role, request):
    person = request.getfixturevalue(role)
    term = a_term()
    before = snapshot()

    for change in (
        lambda: taxonomies.term_create(actor=person, taxonomy="form", code="new", label_en="New"),
        lambda: taxonomies.term_update(term=term, actor=person, version=1, label_en="Changed"),
        lambda: taxonomies.term_retire(term=term, actor=person),
        lambda: taxonomies.term_restore(term=term, actor=person),
        lambda: taxonomies.term_delete(term=term, actor=person),
    ):
        with pytest.raises(PermissionDenied):
            change()

    assert snapshot() == before


def test_profile_counts_count_each_profile_once_whatever_uses_the_term(organisation):
    term = a_term()
    unused = a_term(code="unused")
    published = factories.published_profile(organisation)
    published.forms.add(term)
    Initiative.objects.create(revision=published, title="One").forms.add(term)
    other = factories.OrganisationFactory(acronym="ILO")
    draft = cast(Revision, factories.RevisionFactory(profile__organisation=other))
    draft.forms.add(term)

    rows = {row.term.code: row.profiles for row in selectors.taxonomy_terms("form")}

    assert rows == {"labour": 2, "unused": 0}
    assert selectors.term_in_use(term) and not selectors.term_in_use(unused)


# --- Pages ---------------------------------------------------------------------------------------


def test_the_terms_page_shows_the_three_labels_the_regions_countries_and_the_use(
    client, secretariat, organisation
):
    region = a_term(
        taxonomy="region",
        code="west-africa",
        label_en="West Africa",
        label_fr="Afrique de l'Ouest",
        label_es="África Occidental",
        m49_code="011",
        countries=["NG"],
    )
    a_term(taxonomy="region", code="europe", label_en="Europe", retired_at="2024-01-01T00:00Z")
    factories.published_profile(organisation).regions.add(region)
    client.force_login(secretariat)

    page = client.get(terms_url("region")).content.decode()

    for text in ("West Africa", "Afrique de l&#x27;Ouest", "África Occidental", "011", "Nigeria"):
        assert text in page
    assert "in use by 1 profile" in page
    assert "Retired" in page
    # The term in use offers no delete button; the unused one does.
    assert reverse("mapping:term_delete", args=[region.pk]) not in page
    europe = Term.objects.get(code="europe")
    assert reverse("mapping:term_delete", args=[europe.pk]) in page
    assert reverse("mapping:term_restore", args=[europe.pk]) in page


def test_the_secretariat_adds_a_term_from_its_page(client, secretariat):
    client.force_login(secretariat)
    url = reverse("mapping:term_create", args=["intervention"])
    form_page = client.get(url).content.decode()
    assert 'name="countries"' not in form_page  # only regions have countries

    response = client.post(
        url,
        {"code": "prevention", "label_en": "Prevention", "label_fr": "Prévention", "once": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == terms_url("intervention")
    term = Term.objects.get(code="prevention")
    assert (term.taxonomy, term.label_fr, term.position) == ("intervention", "Prévention", 1)


def test_a_form_sent_twice_adds_the_term_once(client, secretariat):
    client.force_login(secretariat)
    url = reverse("mapping:term_create", args=["form"])
    data = {"code": "labour", "label_en": "Labour", "once": "5f0e7a52-1d1b-4b41-9a1e-1b0f7c6f1a11"}

    client.post(url, data)
    second = client.post(url, data)

    assert second.status_code == 302
    assert Term.objects.filter(code="labour").count() == 1


def test_a_taken_code_is_a_message_on_the_form(client, secretariat):
    a_term(code="labour")
    client.force_login(secretariat)

    response = client.post(
        reverse("mapping:term_create", args=["form"]), {"code": "labour", "label_en": "Again"}
    )

    assert response.status_code == 200
    assert "Another term of this taxonomy has this code." in response.content.decode()
    assert Term.objects.count() == 1


def test_the_secretariat_edits_a_regions_labels_and_countries(client, secretariat):
    region = a_term(taxonomy="region", code="africa", label_en="Africa")
    client.force_login(secretariat)
    url = reverse("mapping:term_edit", args=[region.pk])
    assert 'name="countries"' in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "label_en": "Africa",
            "label_fr": "Afrique",
            "label_es": "África",
            "m49_code": "002",
            "countries": ["NG", "KE"],
            "position": "3",
            "version": "1",
        },
    )

    assert response.status_code == 302
    region.refresh_from_db()
    assert (region.label_fr, region.m49_code, region.position) == ("Afrique", "002", 3)
    assert sorted(country.code for country in region.countries) == ["KE", "NG"]


def test_retire_and_restore_from_the_terms_page(client, secretariat):
    term = a_term()
    client.force_login(secretariat)

    retired = client.post(reverse("mapping:term_retire", args=[term.pk]), follow=True)
    term.refresh_from_db()
    assert term.is_retired
    assert "was retired" in retired.content.decode()

    client.post(reverse("mapping:term_restore", args=[term.pk]))
    term.refresh_from_db()
    assert not term.is_retired


def test_deleting_asks_first_then_deletes_an_unused_term(client, secretariat):
    term = a_term()
    client.force_login(secretariat)
    url = reverse("mapping:term_delete", args=[term.pk])

    asked = client.post(url)
    assert asked.status_code == 200
    assert "This cannot be undone." in asked.content.decode()
    assert Term.objects.filter(pk=term.pk).exists()

    done = client.post(url, {"confirmed": "yes"})
    assert done.status_code == 302
    assert not Term.objects.filter(pk=term.pk).exists()


def test_deleting_a_term_in_use_is_refused_with_the_advice_to_retire_it(
    client, secretariat, organisation
):
    term = a_term()
    factories.published_profile(organisation).forms.add(term)
    client.force_login(secretariat)

    response = client.post(
        reverse("mapping:term_delete", args=[term.pk]), {"confirmed": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert "Retire it instead" in response.content.decode()
    assert Term.objects.filter(pk=term.pk).exists()


def test_an_unknown_taxonomy_is_not_found(client, secretariat):
    client.force_login(secretariat)

    assert client.get(terms_url("colours")).status_code == 404
    assert client.get(reverse("mapping:term_create", args=["colours"])).status_code == 404


def _taxonomy_requests(term: Term) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("get", reverse("mapping:taxonomy_list"), {}),
        ("get", terms_url(), {}),
        ("get", reverse("mapping:term_create", args=["form"]), {}),
        ("post", reverse("mapping:term_create", args=["form"]), {"code": "x", "label_en": "X"}),
        ("get", reverse("mapping:term_edit", args=[term.pk]), {}),
        (
            "post",
            reverse("mapping:term_edit", args=[term.pk]),
            {"label_en": "Changed", "position": "1", "version": "1"},
        ),
        ("post", reverse("mapping:term_retire", args=[term.pk]), {}),
        ("post", reverse("mapping:term_restore", args=[term.pk]), {}),
        ("post", reverse("mapping:term_delete", args=[term.pk]), {"confirmed": "yes"}),
    ]


@pytest.mark.parametrize("role", ["focal_point", "principal", "observer"])
def test_every_taxonomy_page_refuses_every_other_role(client, role, request):
    term = a_term()
    client.force_login(request.getfixturevalue(role))
    before = snapshot()

    for method, url, data in _taxonomy_requests(term):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)

    assert snapshot() == before


def test_every_taxonomy_page_sends_an_anonymous_visitor_to_log_in(client):
    term = a_term()
    before = snapshot()

    for method, url, data in _taxonomy_requests(term):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("account_login"))

    assert snapshot() == before


def test_the_terms_page_queries_do_not_grow_with_terms_and_profiles(
    client, secretariat, django_assert_max_num_queries
):
    def grow(count: int, start: int) -> None:
        for number in range(start, start + count):
            term = a_term(taxonomy="region", code=f"region-{number}", countries=["FR", "NG"])
            organisation = cast(Organisation, factories.OrganisationFactory(acronym=f"ORG{number}"))
            revision = factories.published_profile(organisation, number=1)
            revision.regions.add(term)
            Initiative.objects.create(revision=revision, title="I").regions.add(term)

    client.force_login(secretariat)
    grow(2, 0)
    with django_assert_max_num_queries(40) as few:
        assert client.get(terms_url("region")).status_code == 200
    grow(10, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(terms_url("region")).status_code == 200
