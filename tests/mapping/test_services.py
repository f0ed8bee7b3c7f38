from __future__ import annotations

from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from common.versioning import ConflictError
from mapping import selectors, services
from mapping.models import Initiative, Partnership, Profile, Revision
from notifications.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def events(handler: str) -> list[dict]:
    return list(
        Event.objects.filter(handler=f"mapping.notify.{handler}").values_list("payload", flat=True)
    )


@pytest.fixture
def draft(p_published, focal_point) -> Revision:
    return services.draft_start(organisation=p_published.profile.organisation, actor=focal_point)


def submitted(draft: Revision, actor) -> Revision:
    return services.revision_submit(revision=draft, actor=actor)


# --- Starting a draft ----------------------------------------------------------------------------


def test_a_draft_is_a_copy_of_the_published_revision_with_its_own_items(
    p_published, draft, p_terms
):
    assert (draft.number, draft.state) == (2, Revision.State.DRAFT)
    copy = selectors.revision_with_everything(draft.pk)
    for name in ("mandate", "expertise", "levels", "contact_name", "contact_email"):
        assert getattr(copy, name) == getattr(p_published, name)
    assert set(copy.forms.all()) == {p_terms["sexual"], p_terms["organs"]}
    assert list(copy.regions.all()) == [p_terms["africa"]]
    assert list(copy.priority_areas.all()) == [p_terms["data"]]
    [initiative] = copy.initiatives.all()
    [original] = p_published.initiatives.all()
    assert initiative.pk != original.pk
    assert (initiative.title, initiative.start_year, initiative.status) == (
        "Safe migration for children",
        2019,
        Initiative.Status.PAST,
    )
    assert sorted(str(c) for c in initiative.countries) == ["ML", "NE"]
    assert list(initiative.forms.all()) == [p_terms["labour"]]
    [partnership] = copy.partnerships.all()
    assert partnership.name == "Alliance 8.7"
    assert partnership.pk != p_published.partnerships.get().pk


def test_the_draft_changes_its_copies_never_the_published_revision(p_published, draft, focal_point):
    initiative = draft.initiatives.get()
    services.initiative_update(
        initiative=initiative,
        actor=focal_point,
        expected_version=draft.version,
        title="Safe migration, phase 2",
    )
    assert p_published.initiatives.get().title == "Safe migration for children"
    p_published.refresh_from_db()
    assert p_published.state == Revision.State.PUBLISHED


def test_starting_again_returns_the_open_revision(organisation, draft, p_alternate):
    again = services.draft_start(organisation=organisation, actor=p_alternate)
    assert again.pk == draft.pk
    assert Revision.objects.filter(profile=draft.profile).count() == 2


def test_a_first_draft_starts_empty_and_makes_the_profile(organisation, focal_point):
    draft = services.draft_start(organisation=organisation, actor=focal_point)
    assert (draft.number, draft.mandate, draft.initiatives.count()) == (1, "", 0)
    assert Profile.objects.get(organisation=organisation).published is None


def test_two_drafts_started_at_once_are_one(organisation, p_published, focal_point, p_alternate):
    """The second starter read "no open revision" before the first one's draft existed: the
    unique constraint on open revisions refuses its INSERT, and it gets the first one's draft."""
    first = services.draft_start(organisation=organisation, actor=focal_point)
    real = selectors.open_revision
    with mock.patch.object(selectors, "open_revision", side_effect=[None, real(first.profile)]):
        second = services.draft_start(organisation=organisation, actor=p_alternate)
    assert second.pk == first.pk
    assert first.profile.revisions.count() == 2


def test_the_secretariat_may_start_any_organisations_draft(organisation, secretariat):
    draft = services.draft_start(organisation=organisation, actor=secretariat)
    assert draft.created_by == secretariat


@pytest.mark.parametrize("who", ["p_other_focal_point", "principal", "observer"])
def test_only_the_organisations_focal_points_and_the_secretariat_start_a_draft(
    request, organisation, who
):
    with pytest.raises(PermissionDenied):
        services.draft_start(organisation=organisation, actor=request.getfixturevalue(who))
    assert not Revision.objects.exists()


# --- Editing the draft ---------------------------------------------------------------------------


def test_an_edit_moves_the_version_on_and_is_in_the_audit_history(draft, focal_point, p_terms):
    version = draft.version
    services.draft_update(
        revision=draft,
        actor=focal_point,
        expected_version=version,
        mandate="  A new mandate.  ",
        interventions=[p_terms["prevention"], p_terms["protection"].pk],
        levels=["national", "global"],
    )
    draft.refresh_from_db()
    assert draft.version == version + 1
    assert draft.mandate == "A new mandate."
    assert set(draft.interventions.all()) == {p_terms["prevention"], p_terms["protection"]}
    # Stored in the order of Level, whatever the order chosen.
    assert draft.levels == ["global", "national"]
    entry = LogEntry.objects.get_for_object(draft).filter(changes__icontains="mandate").first()
    assert entry is not None and entry.actor == focal_point


def test_two_edits_from_the_same_version_the_second_is_refused_and_nothing_lost(
    draft, focal_point, p_alternate
):
    opened_at = draft.version
    services.draft_update(
        revision=draft, actor=focal_point, expected_version=opened_at, mandate="First edit."
    )
    stale = Revision.objects.get(pk=draft.pk)
    with pytest.raises(ConflictError) as conflict:
        services.draft_update(
            revision=stale, actor=p_alternate, expected_version=opened_at, mandate="Second edit."
        )
    assert conflict.value.current.mandate == "First edit."
    draft.refresh_from_db()
    assert (draft.mandate, draft.version) == ("First edit.", opened_at + 1)


def test_a_retired_term_already_chosen_may_stay_but_is_never_chosen_anew(
    draft, focal_point, p_terms, organisation
):
    services.draft_update(
        revision=draft,
        actor=focal_point,
        expected_version=draft.version,
        forms=[p_terms["sexual"], p_terms["organs"]],
    )
    assert p_terms["organs"] in draft.forms.all()
    services.draft_update(
        revision=draft, actor=focal_point, expected_version=draft.version, forms=[]
    )
    # Dropped once, it cannot come back.
    with pytest.raises(ValidationError) as refused:
        services.draft_update(
            revision=draft,
            actor=focal_point,
            expected_version=draft.version,
            forms=[p_terms["organs"]],
        )
    assert "retired" in refused.value.message_dict["forms"][0]
    assert not draft.forms.exists()


def test_terms_of_another_taxonomy_unknown_terms_and_unknown_levels_are_refused(
    draft, focal_point, p_terms
):
    version, mandate = draft.version, draft.mandate
    with pytest.raises(ValidationError) as refused:
        services.draft_update(
            revision=draft,
            actor=focal_point,
            expected_version=version,
            mandate="Never saved.",
            regions=[p_terms["prevention"]],
            forms=[987654],
            levels=["galactic"],
        )
    assert set(refused.value.message_dict) == {"regions", "forms", "levels"}
    draft.refresh_from_db()
    assert (draft.version, draft.mandate) == (version, mandate)


def test_a_bad_contact_email_is_a_field_error(draft, focal_point):
    with pytest.raises(ValidationError) as refused:
        services.draft_update(
            revision=draft,
            actor=focal_point,
            expected_version=draft.version,
            contact_email="not an address",
        )
    assert "contact_email" in refused.value.message_dict


def test_a_field_the_service_does_not_set_is_a_programming_error(draft, focal_point):
    with pytest.raises(TypeError):
        services.draft_update(
            revision=draft, actor=focal_point, expected_version=draft.version, state="published"
        )


@pytest.mark.parametrize("who", ["p_other_focal_point", "principal", "observer"])
def test_nobody_else_edits_the_draft(request, draft, who):
    with pytest.raises(PermissionDenied):
        services.draft_update(
            revision=draft,
            actor=request.getfixturevalue(who),
            expected_version=draft.version,
            mandate="Hijacked.",
        )
    draft.refresh_from_db()
    assert draft.mandate == "To protect children from trafficking."


def test_a_published_or_submitted_revision_is_not_edited(p_published, draft, focal_point):
    with pytest.raises(ValidationError):
        services.draft_update(
            revision=p_published,
            actor=focal_point,
            expected_version=p_published.version,
            mandate="Rewritten history.",
        )
    submitted(draft, focal_point)
    with pytest.raises(ValidationError):
        services.draft_update(
            revision=draft, actor=focal_point, expected_version=draft.version, mandate="Late."
        )
    draft.refresh_from_db()
    assert draft.mandate == "To protect children from trafficking."


def test_an_edit_from_a_form_opened_before_the_submission_is_refused(draft, focal_point):
    """The form was read while the draft was editable; a colleague submitted meanwhile."""
    opened = Revision.objects.get(pk=draft.pk)
    submitted(draft, focal_point)
    with pytest.raises(ConflictError) as conflict:
        services.draft_update(
            revision=opened, actor=focal_point, expected_version=opened.version, mandate="Late."
        )
    assert conflict.value.current.state == Revision.State.SUBMITTED


# --- Initiatives and partnerships ----------------------------------------------------------------


def test_adding_an_initiative_moves_the_drafts_version_on(draft, focal_point, p_terms):
    version = draft.version
    initiative = services.initiative_add(
        revision=draft,
        actor=focal_point,
        title="  Child helplines ",
        start_year=2024,
        status=Initiative.Status.ONGOING,
        regions=[p_terms["europe"]],
        countries=["FR"],
        interventions=[p_terms["protection"]],
    )
    draft.refresh_from_db()
    assert draft.version == version + 1
    assert initiative.title == "Child helplines"
    assert initiative.position == 1  # after the copied one
    assert list(initiative.regions.all()) == [p_terms["europe"]]
    # The form of the draft opened before the addition is told.
    with pytest.raises(ConflictError):
        services.draft_update(
            revision=draft, actor=focal_point, expected_version=version, mandate="Stale."
        )


def test_an_initiatives_bad_input_is_field_errors_and_changes_nothing(draft, focal_point, p_terms):
    version = draft.version
    with pytest.raises(ValidationError) as refused:
        services.initiative_add(
            revision=draft,
            actor=focal_point,
            title="  ",
            start_year=2024,
            end_year=2020,
            forms=[p_terms["organs"]],
        )
    assert set(refused.value.message_dict) == {"title", "end_year", "forms"}
    with pytest.raises(ValidationError) as refused:
        services.initiative_add(
            revision=draft, actor=focal_point, title="Somewhere", countries=["XX"]
        )
    assert "countries" in refused.value.message_dict
    draft.refresh_from_db()
    assert (draft.version, draft.initiatives.count()) == (version, 1)


def test_a_copied_initiative_keeps_its_retired_term_when_changed(draft, focal_point, p_terms):
    initiative = draft.initiatives.get()
    initiative.forms.add(p_terms["organs"])
    services.initiative_update(
        initiative=initiative,
        actor=focal_point,
        expected_version=draft.version,
        forms=[p_terms["labour"], p_terms["organs"]],
    )
    assert set(initiative.forms.all()) == {p_terms["labour"], p_terms["organs"]}


def test_two_changes_of_an_initiative_from_the_same_version_the_second_is_refused(
    draft, focal_point, p_alternate
):
    initiative = draft.initiatives.get()
    opened_at = draft.version
    services.initiative_update(
        initiative=initiative, actor=focal_point, expected_version=opened_at, partners="UNHCR"
    )
    stale = Initiative.objects.get(pk=initiative.pk)
    with pytest.raises(ConflictError):
        services.initiative_update(
            initiative=stale, actor=p_alternate, expected_version=opened_at, partners="UNDP"
        )
    with pytest.raises(ConflictError):
        services.initiative_remove(initiative=stale, actor=p_alternate, expected_version=opened_at)
    assert Initiative.objects.get(pk=initiative.pk).partners == "UNHCR"


def test_an_initiative_removed_meanwhile_is_not_put_back(draft, focal_point, p_alternate):
    initiative = draft.initiatives.get()
    kept = Initiative.objects.get(pk=initiative.pk)
    services.initiative_remove(
        initiative=initiative, actor=focal_point, expected_version=draft.version
    )
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        services.initiative_update(
            initiative=kept, actor=p_alternate, expected_version=draft.version, title="Back?"
        )
    assert not draft.initiatives.exists()


def test_partnerships_are_added_changed_and_removed_with_the_version_check(draft, focal_point):
    version = draft.version
    added = services.partnership_add(
        revision=draft, actor=focal_point, name="Blue Heart", role="Co-lead"
    )
    draft.refresh_from_db()
    assert draft.version == version + 1
    with pytest.raises(ValidationError) as refused:
        services.partnership_update(
            partnership=added, actor=focal_point, expected_version=draft.version, name=" "
        )
    assert "name" in refused.value.message_dict
    added.refresh_from_db()
    services.partnership_update(
        partnership=added,
        actor=focal_point,
        expected_version=draft.version,
        link="https://example.org/blue",
    )
    with pytest.raises(ConflictError):
        services.partnership_remove(partnership=added, actor=focal_point, expected_version=version)
    draft.refresh_from_db()
    services.partnership_remove(
        partnership=added, actor=focal_point, expected_version=draft.version
    )
    assert list(draft.partnerships.values_list("name", flat=True)) == ["Alliance 8.7"]


def test_items_of_a_submitted_revision_do_not_change(draft, focal_point):
    submitted(draft, focal_point)
    with pytest.raises(ValidationError):
        services.initiative_add(revision=draft, actor=focal_point, title="Late")
    with pytest.raises(ValidationError):
        services.partnership_remove(
            partnership=draft.partnerships.get(), actor=focal_point, expected_version=draft.version
        )
    assert draft.initiatives.count() == 1 and draft.partnerships.count() == 1


@pytest.mark.parametrize("who", ["p_other_focal_point", "principal", "observer"])
def test_nobody_else_changes_the_drafts_items(request, draft, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.initiative_add(revision=draft, actor=actor, title="Intruder")
    with pytest.raises(PermissionDenied):
        services.partnership_remove(
            partnership=draft.partnerships.get(), actor=actor, expected_version=draft.version
        )
    assert draft.initiatives.count() == 1 and draft.partnerships.count() == 1


# --- Submitting, publishing, returning -----------------------------------------------------------


def test_submitting_tells_the_secretariat(draft, focal_point):
    submitted(draft, focal_point)
    draft.refresh_from_db()
    assert draft.state == Revision.State.SUBMITTED
    assert (draft.submitted_by, draft.submitted_at is not None) == (focal_point, True)
    assert events("profile_submitted") == [{"revision_id": draft.pk}]


def test_a_profile_without_a_mandate_is_not_submitted(organisation, focal_point):
    draft = services.draft_start(organisation=organisation, actor=focal_point)
    with pytest.raises(ValidationError) as refused:
        submitted(draft, focal_point)
    assert "mandate" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.state == Revision.State.DRAFT and not events("profile_submitted")


def test_submitting_what_one_has_not_read_is_refused(draft, focal_point, p_alternate):
    read_at = draft.version
    services.draft_update(
        revision=draft, actor=p_alternate, expected_version=read_at, expertise="Changed."
    )
    with pytest.raises(ConflictError):
        services.revision_submit(revision=draft, actor=focal_point, expected_version=read_at)
    draft.refresh_from_db()
    assert draft.state == Revision.State.DRAFT


def test_publishing_supersedes_the_published_revision_and_tells_the_focal_points(
    p_published, draft, focal_point, secretariat
):
    submitted(draft, focal_point)
    services.revision_publish(revision=draft, actor=secretariat)
    draft.refresh_from_db()
    p_published.refresh_from_db()
    profile = Profile.objects.get(pk=draft.profile_id)
    assert draft.state == Revision.State.PUBLISHED
    assert (draft.reviewed_by, draft.reviewed_at is not None) == (secretariat, True)
    assert p_published.state == Revision.State.SUPERSEDED
    assert (profile.published_id, profile.published_at) == (draft.pk, draft.reviewed_at)
    assert events("profile_published") == [{"revision_id": draft.pk}]
    # Every revision is kept; the superseded one with its own initiatives.
    assert p_published.initiatives.count() == 1 and profile.revisions.count() == 2


def test_only_a_submitted_revision_is_published_and_only_once(draft, focal_point, secretariat):
    with pytest.raises(ValidationError):
        services.revision_publish(revision=draft, actor=secretariat)
    submitted(draft, focal_point)
    stale = Revision.objects.get(pk=draft.pk)
    services.revision_publish(revision=draft, actor=secretariat)
    with pytest.raises(ValidationError):
        services.revision_publish(revision=stale, actor=secretariat)
    assert len(events("profile_published")) == 1


@pytest.mark.parametrize("who", ["focal_point", "principal", "observer", "p_other_focal_point"])
def test_only_the_secretariat_publishes_or_returns(request, p_published, draft, focal_point, who):
    submitted(draft, focal_point)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.revision_publish(revision=draft, actor=actor)
    with pytest.raises(PermissionDenied):
        services.revision_return(revision=draft, actor=actor, comment="No.")
    draft.refresh_from_db()
    assert draft.state == Revision.State.SUBMITTED
    assert Profile.objects.get(pk=draft.profile_id).published_id == p_published.pk


def test_returning_needs_a_comment(draft, focal_point, secretariat):
    submitted(draft, focal_point)
    with pytest.raises(ValidationError) as refused:
        services.revision_return(revision=draft, actor=secretariat, comment="  \n ")
    assert "comment" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.state == Revision.State.SUBMITTED and not events("profile_returned")


def test_a_returned_revision_is_edited_again_and_resubmitted(
    p_published, draft, focal_point, secretariat
):
    submitted(draft, focal_point)
    services.revision_return(
        revision=draft, actor=secretariat, comment="Please add your 2024 initiatives."
    )
    draft.refresh_from_db()
    assert draft.state == Revision.State.RETURNED
    assert draft.review_comment == "Please add your 2024 initiatives."
    assert events("profile_returned") == [{"revision_id": draft.pk}]
    # The published revision stays what everyone reads.
    assert Profile.objects.get(pk=draft.profile_id).published_id == p_published.pk
    services.initiative_add(revision=draft, actor=focal_point, title="Helplines 2024")
    draft.refresh_from_db()
    submitted(draft, focal_point)
    services.revision_publish(revision=draft, actor=secretariat)
    assert Profile.objects.get(pk=draft.profile_id).published_id == draft.pk
    assert len(events("profile_submitted")) == 2


def test_after_publishing_the_next_draft_copies_the_new_revision(
    organisation, draft, focal_point, secretariat
):
    services.partnership_add(revision=draft, actor=focal_point, name="Blue Heart")
    draft.refresh_from_db()
    submitted(draft, focal_point)
    services.revision_publish(revision=draft, actor=secretariat)
    following = services.draft_start(organisation=organisation, actor=focal_point)
    assert following.number == 3
    assert sorted(following.partnerships.values_list("name", flat=True)) == [
        "Alliance 8.7",
        "Blue Heart",
    ]
    assert Partnership.objects.filter(name="Blue Heart").count() == 2


def test_the_secretariat_edits_and_submits_for_an_organisation(organisation, secretariat):
    draft = services.draft_start(organisation=organisation, actor=secretariat)
    services.draft_update(
        revision=draft, actor=secretariat, expected_version=draft.version, mandate="Set."
    )
    services.revision_submit(revision=draft, actor=secretariat)
    services.revision_publish(revision=draft, actor=secretariat)
    assert Profile.objects.get(organisation=organisation).published_id == draft.pk


def test_a_former_revision_number_is_never_reused(organisation, focal_point):
    factories.RevisionFactory(
        profile=services.profile_for(organisation), number=7, state=Revision.State.SUPERSEDED
    )
    assert services.draft_start(organisation=organisation, actor=focal_point).number == 8
