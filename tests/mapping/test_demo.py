"""The demonstration mapping resource: the taxonomies with their three languages and retired
terms, a published profile for every member, one revision submitted and one returned, IOM's
profile open to its focal point; loaded idempotently."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from common.dates import group_today
from coordination.demo import MEMBERS, demo_email
from coordination.models import Organisation, Person
from mapping import demo, permissions, services
from mapping.digest import months_between
from mapping.models import Initiative, Partnership, Profile, Revision, Term
from notifications.models import Event

pytestmark = pytest.mark.django_db

MODELS = [Term, Profile, Revision, Initiative, Partnership]


@pytest.fixture
def loaded():
    call_command("load_demo")


def _profile(acronym: str) -> Profile:
    return Profile.objects.select_related("published", "organisation").get(
        organisation__acronym=acronym
    )


def test_loading_twice_writes_nothing(loaded):
    counts = {model: model.objects.count() for model in MODELS}

    assert demo.load_mapping() == {
        "mapping_terms": 0,
        "mapping_profiles": 0,
        "mapping_revisions": 0,
        "mapping_initiatives": 0,
        "mapping_partnerships": 0,
    }
    assert {model: model.objects.count() for model in MODELS} == counts


def test_nothing_is_written_without_the_demonstration_group():
    assert demo.load_mapping()["mapping_profiles"] == 0
    assert not Term.objects.exists()


def test_loading_tells_nobody(loaded):
    assert not Event.objects.exists()
    assert mail.outbox == []


def test_every_term_has_its_three_labels_and_two_are_retired(loaded):
    terms = list(Term.objects.all())

    assert {t.taxonomy for t in terms} == set(Term.Taxonomy.values)
    assert all(t.label_en and t.label_fr and t.label_es for t in terms)
    retired = {(t.taxonomy, t.code) for t in terms if t.is_retired}
    assert retired == {("region", "mena"), ("form", "begging")}
    # The seeds' three forms of exploitation, and M49's codes where a region matches one.
    assert {"sexual", "labour", "children"} <= {t.code for t in terms if t.taxonomy == "form"}
    regions = {t.code: t for t in terms if t.taxonomy == "region"}
    assert regions["africa"].m49_code == "002"
    assert regions["global"].m49_code == "001"
    assert "EG" in {country.code for country in regions["arab-states"].countries}


def test_retired_terms_stay_on_the_revisions_that_chose_them(loaded):
    mena = Term.objects.get(taxonomy="region", code="mena")
    begging = Term.objects.get(taxonomy="form", code="begging")

    superseded = Revision.objects.get(
        profile__organisation__acronym="UNODC", state=Revision.State.SUPERSEDED
    )
    assert mena in superseded.regions.all() and begging in superseded.forms.all()
    # An older published profile still lists the retired region; none published since does.
    assert mena in _profile("CTED").published.regions.all()
    for revision in Revision.objects.filter(reviewed_at__gt=mena.retired_at):
        assert mena not in revision.regions.all() and begging not in revision.forms.all()


def test_every_member_has_a_published_profile_with_initiatives(loaded):
    members = {m.acronym for m in MEMBERS}
    profiles = Profile.objects.select_related("published", "organisation")

    assert {p.organisation.acronym for p in profiles} == members
    for profile in profiles:
        published = profile.published
        assert published is not None and published.state == Revision.State.PUBLISHED
        assert published.reviewed_by.email == demo_email("secretariat")
        assert published.reviewed_at < timezone.now()
        assert published.mandate and published.forms.exists() and published.regions.exists()
        assert published.initiatives.exists()
        # Member-only: the contact is the organisation's demo focal point.
        assert published.contact_email == demo_email("focal", profile.organisation.acronym)
    assert Partnership.objects.filter(revision__state=Revision.State.PUBLISHED).count() >= 15


def test_profiles_say_what_comes_from_the_seeds_and_what_is_illustrative(loaded):
    for profile in Profile.objects.select_related("published"):
        mandate = profile.published.mandate
        assert mandate.startswith(("Illustrative profile:", "From the group's public texts:"))
        if mandate.startswith("From the group's public texts:"):
            assert "other details of this profile are illustrative" in mandate
    assert "A/73/263" in _profile("UN Women").published.mandate
    assert "permanent coordinator" in _profile("UNODC").published.mandate


def test_some_profiles_are_out_of_date_and_others_recent(loaded):
    today = group_today()
    ages = {
        profile.organisation.acronym: months_between(
            timezone.localdate(profile.published.reviewed_at), today
        )
        for profile in Profile.objects.select_related("published", "organisation")
    }

    assert ages["IOM"] >= 12
    assert sum(age >= 12 for age in ages.values()) >= 5
    assert sum(age < 12 for age in ages.values()) >= 10


def test_one_revision_is_submitted_and_one_returned_with_a_comment(loaded):
    submitted = Revision.objects.get(state=Revision.State.SUBMITTED)
    returned = Revision.objects.get(state=Revision.State.RETURNED)

    assert submitted.profile.organisation.acronym == demo.SUBMITTED
    assert submitted.submitted_by.email == demo_email("focal", demo.SUBMITTED)
    assert submitted.number == submitted.profile.published.number + 1
    # What the secretariat will review: a new initiative beside the published ones.
    assert submitted.initiatives.count() == submitted.profile.published.initiatives.count() + 1
    assert returned.profile.organisation.acronym == demo.RETURNED
    assert returned.review_comment == demo.RETURN_COMMENT
    assert returned.reviewed_by.email == demo_email("secretariat")
    assert returned.reviewed_at > returned.submitted_at
    assert not Revision.objects.filter(state=Revision.State.DRAFT).exists()


def test_focal_iom_can_start_a_draft_of_a_published_profile(loaded, client):
    focal = Person.objects.select_related("organisation").get(email=demo_email("focal", "IOM"))
    iom = Organisation.objects.get(acronym="IOM")
    profile = _profile("IOM")

    assert permissions.can_edit_profile(focal, iom)
    assert profile.published is not None
    assert not profile.revisions.filter(
        state__in=[Revision.State.DRAFT, Revision.State.SUBMITTED, Revision.State.RETURNED]
    ).exists()
    client.force_login(focal)
    response = client.get(reverse("mapping:profile_edit", args=[iom.slug]))
    assert response.status_code == 200

    # Starting a draft copies the published revision; it can be submitted as it is.
    draft = services.draft_start(organisation=iom, actor=focal)
    assert draft.number == profile.published.number + 1
    assert set(draft.forms.all()) == set(profile.published.forms.all())
    assert draft.initiatives.count() == profile.published.initiatives.count()
    services.revision_submit(revision=draft, actor=focal)
    draft.refresh_from_db()
    assert draft.state == Revision.State.SUBMITTED


def test_the_demonstration_profiles_are_reviewed_through_the_services(loaded):
    secretariat = Person.objects.get(email=demo_email("secretariat"))
    submitted = Revision.objects.get(state=Revision.State.SUBMITTED)
    previous = submitted.profile.published

    services.revision_publish(revision=submitted, actor=secretariat)

    previous.refresh_from_db()
    assert _profile(demo.SUBMITTED).published == submitted
    assert previous.state == Revision.State.SUPERSEDED
