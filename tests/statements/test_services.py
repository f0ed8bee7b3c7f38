from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from common.versioning import ConflictError
from statements import selectors, services
from statements.models import Comment, NoComments, Statement, Version
from tests import factories


def latest(statement: Statement) -> Version:
    version = selectors.latest_version(statement)
    assert version is not None
    return version


def texts(version: Version) -> list[tuple[str, str, str]]:
    return [(p.key, p.kind, p.text) for p in version.paragraphs.order_by("position")]


def as_input(version: Version) -> list[tuple[str | None, str, str]]:
    return [(key, kind, text) for key, kind, text in texts(version)]


# --- Creating a statement ------------------------------------------------------------------------


@pytest.mark.django_db
def test_focal_point_creating_a_statement_drafts_it_and_gets_version_one(statement, focal_point):
    assert list(statement.drafters.all()) == [focal_point]
    first = latest(statement)
    assert first.number == 1
    keys = [key for key, _, _ in texts(first)]
    assert len(set(keys)) == 3
    assert all(len(key) == 12 for key in keys)
    assert statement.stage == Statement.Stage.OPEN_FOR_COMMENTS


@pytest.mark.django_db
def test_focal_point_cannot_start_a_statement_their_organisation_does_not_lead(
    focal_point, other_organisation
):
    with pytest.raises(ValidationError):
        services.statement_create(
            actor=focal_point, title="Not ours", lead_organisations=[other_organisation]
        )
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_drafters_must_be_people_of_the_lead_organisations(
    focal_point, organisation, other_focal_point
):
    with pytest.raises(ValidationError):
        services.statement_create(
            actor=focal_point,
            title="Brief",
            lead_organisations=[organisation],
            drafters=[other_focal_point],
        )
    assert not Statement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["observer", "principal"])
def test_observers_and_principals_cannot_start_a_statement(request, who, organisation):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.statement_create(actor=actor, title="X", lead_organisations=[organisation])
    assert not Statement.objects.exists()


# --- Saving versions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_edited_paragraphs_keep_their_keys_and_new_ones_get_new_keys(statement, focal_point):
    first = latest(statement)
    (heading, _, _), (body, _, _), (closing, _, _) = texts(first)
    second = services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[
            (heading, "heading", "A joint call to action"),
            (None, "paragraph", "Trafficking thrives where no one looks."),
            (body, "paragraph", "States must act now to protect every victim."),
            # The closing paragraph is left out: removed.
        ],
    )
    assert second.number == 2
    saved = texts(second)
    assert saved[0][0] == heading
    assert saved[2] == (body, "paragraph", "States must act now to protect every victim.")
    assert saved[1][0] not in {heading, body, closing}
    assert closing not in {key for key, _, _ in saved}
    # Version 1 is untouched.
    assert texts(first)[2][2] == "We call on all partners to join us."


@pytest.mark.django_db
def test_a_split_paragraph_keeps_its_key_on_the_first_part(statement, focal_point):
    heading, body, closing = as_input(latest(statement))
    second = services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[
            heading,
            (body[0], "paragraph", "States must act now."),
            (None, "paragraph", "They must protect victims."),
            closing,
        ],
    )
    saved = texts(second)
    assert saved[1][0] == body[0]
    assert saved[2][0] not in {heading[0], body[0], closing[0]}
    assert saved[3][0] == closing[0]


@pytest.mark.django_db
@pytest.mark.parametrize("problem", ["duplicate", "unknown", "empty", "kind"])
def test_bad_paragraphs_are_refused_and_nothing_is_saved(statement, focal_point, problem):
    heading, body, _closing = as_input(latest(statement))
    paragraphs = {
        "duplicate": [heading, (body[0], "paragraph", "One"), (body[0], "paragraph", "Two")],
        "unknown": [heading, ("0123456789ab", "paragraph", "Where from?")],
        "empty": [heading, (body[0], "paragraph", "   ")],
        "kind": [heading, (body[0], "table", "A table")],
    }[problem]
    with pytest.raises(ValidationError):
        services.version_save(
            statement=statement, actor=focal_point, based_on=1, paragraphs=paragraphs
        )
    assert statement.versions.count() == 1


@pytest.mark.django_db
def test_saving_unchanged_text_makes_no_version(statement, focal_point):
    with pytest.raises(ValidationError):
        services.version_save(
            statement=statement,
            actor=focal_point,
            based_on=1,
            paragraphs=as_input(latest(statement)),
        )
    assert statement.versions.count() == 1


@pytest.mark.django_db
def test_a_concurrent_save_is_refused_and_loses_nothing(statement, focal_point, secretariat):
    """Two editors open version 1; the first to save makes version 2; the second is told, with
    version 2 in hand, and writes nothing over it."""
    heading, body, closing = as_input(latest(statement))
    mine = services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[heading, (body[0], "paragraph", "Mine."), closing],
    )
    with pytest.raises(ConflictError) as refused:
        services.version_save(
            statement=statement,
            actor=secretariat,
            based_on=1,
            paragraphs=[heading, (body[0], "paragraph", "Theirs."), closing],
        )
    assert refused.value.current.pk == mine.pk
    assert statement.versions.count() == 2
    assert texts(latest(statement))[1][2] == "Mine."


@pytest.mark.django_db
def test_two_saves_racing_for_the_same_number_give_a_conflict(statement, focal_point, monkeypatch):
    """The unique version number is the check: even when both saves read version 1 as the
    latest, only one becomes version 2."""
    heading, body, closing = as_input(latest(statement))
    stale = latest(statement)
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[heading, (body[0], "paragraph", "First."), closing],
    )
    real = services.latest_version
    calls = []

    def read_before_the_other_save(statement):
        calls.append(1)
        return stale if len(calls) == 1 else real(statement)

    monkeypatch.setattr(services, "latest_version", read_before_the_other_save)
    with pytest.raises(ConflictError) as refused:
        services.version_save(
            statement=statement,
            actor=focal_point,
            based_on=1,
            paragraphs=[heading, (body[0], "paragraph", "Second."), closing],
        )
    assert refused.value.current.number == 2
    assert texts(real(statement))[1][2] == "First."
    assert statement.versions.count() == 2


@pytest.mark.django_db
def test_adopted_text_no_longer_changes(statement, focal_point):
    Statement.objects.filter(pk=statement.pk).update(adopted_at=timezone.now())
    statement.refresh_from_db()
    heading, body, closing = as_input(latest(statement))
    with pytest.raises(ValidationError):
        services.version_save(
            statement=statement,
            actor=focal_point,
            based_on=1,
            paragraphs=[heading, (body[0], "paragraph", "Late."), closing],
        )
    assert statement.versions.count() == 1


# --- Comments and change proposals ---------------------------------------------------------------


@pytest.mark.django_db
def test_members_comment_on_a_paragraph_of_the_open_version(statement, other_principal):
    version = latest(statement)
    key = texts(version)[1][0]
    comment = services.comment_add(
        statement=statement,
        version=version,
        actor=other_principal,
        paragraph_key=key,
        text="Name the victims' rights.",
        quoted_passage="protect victims",
    )
    assert comment.organisation == other_principal.organisation
    assert comment.status == Comment.Status.OPEN


@pytest.mark.django_db
def test_a_quoted_passage_must_be_in_the_paragraph(statement, other_focal_point):
    version = latest(statement)
    with pytest.raises(ValidationError):
        services.comment_add(
            statement=statement,
            version=version,
            actor=other_focal_point,
            paragraph_key=texts(version)[1][0],
            text="?",
            quoted_passage="not there",
        )
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_comment_on_a_paragraph_the_version_has_not_got_is_refused(statement, other_focal_point):
    with pytest.raises(ValidationError):
        services.comment_add(
            statement=statement,
            version=latest(statement),
            actor=other_focal_point,
            paragraph_key="0123456789ab",
            text="?",
        )
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_comments_after_the_deadline_are_refused(statement, other_focal_point):
    version = latest(statement)
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        assert statement.stage == Statement.Stage.DRAFTING
        with pytest.raises(ValidationError):
            services.comment_add(
                statement=statement,
                version=version,
                actor=other_focal_point,
                paragraph_key=texts(version)[1][0],
                text="Too late.",
            )
        with pytest.raises(ValidationError):
            services.no_comments_declare(
                statement=statement, version=version, actor=other_focal_point
            )
    assert not Comment.objects.exists()
    assert not NoComments.objects.exists()


@pytest.mark.django_db
def test_a_comment_on_a_replaced_version_gets_the_current_one(
    statement, focal_point, other_focal_point
):
    first = latest(statement)
    heading, body, closing = as_input(first)
    second = services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[heading, (body[0], "paragraph", "Changed."), closing],
    )
    with pytest.raises(ConflictError) as refused:
        services.comment_add(
            statement=statement,
            version=first,
            actor=other_focal_point,
            paragraph_key=body[0],
            text="On the old text.",
        )
    assert refused.value.current.pk == second.pk
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_accepting_a_change_proposal_makes_the_next_version(
    statement, focal_point, other_focal_point
):
    first = latest(statement)
    keys = [key for key, _, _ in texts(first)]
    proposal = services.change_proposal_add(
        statement=statement,
        version=first,
        actor=other_focal_point,
        paragraph_key=keys[1],
        proposed_text="States must act now to protect and assist victims.",
        text="Assistance matters as much as protection.",
    )
    answered = services.comment_answer(
        comment=proposal, actor=focal_point, status=Comment.Status.ACCEPTED
    )
    second = latest(statement)
    assert second.number == 2
    assert answered.applied_in == second
    assert answered.status == Comment.Status.ACCEPTED
    assert answered.answered_by == focal_point
    assert [key for key, _, _ in texts(second)] == keys
    assert texts(second)[1][2] == "States must act now to protect and assist victims."
    assert texts(second)[0] == texts(first)[0]


@pytest.mark.django_db
def test_a_proposal_on_a_since_edited_paragraph_cannot_be_applied_as_it_is(
    statement, focal_point, other_focal_point
):
    first = latest(statement)
    heading, body, closing = as_input(first)
    proposal = services.change_proposal_add(
        statement=statement,
        version=first,
        actor=other_focal_point,
        paragraph_key=body[0],
        proposed_text="Proposed.",
    )
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[heading, (body[0], "paragraph", "Edited meanwhile."), closing],
    )
    with pytest.raises(ValidationError):
        services.comment_answer(comment=proposal, actor=focal_point, status=Comment.Status.ACCEPTED)
    proposal.refresh_from_db()
    assert proposal.status == Comment.Status.OPEN
    assert statement.versions.count() == 2
    assert texts(latest(statement))[1][2] == "Edited meanwhile."


@pytest.mark.django_db
def test_a_comment_is_answered_once(statement, focal_point, secretariat, other_focal_point):
    version = latest(statement)
    comment = services.comment_add(
        statement=statement,
        version=version,
        actor=other_focal_point,
        paragraph_key=texts(version)[0][0],
        text="Shorter heading?",
    )
    services.comment_answer(
        comment=comment, actor=focal_point, status=Comment.Status.NOT_ACCEPTED, reply="We keep it."
    )
    with pytest.raises(ConflictError):
        services.comment_answer(comment=comment, actor=secretariat, status=Comment.Status.ACCEPTED)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.NOT_ACCEPTED
    assert comment.answered_by == focal_point


@pytest.mark.django_db
def test_not_accepting_needs_a_reply(statement, focal_point, other_focal_point):
    version = latest(statement)
    comment = services.comment_add(
        statement=statement,
        version=version,
        actor=other_focal_point,
        paragraph_key=texts(version)[0][0],
        text="Shorter heading?",
    )
    with pytest.raises(ValidationError):
        services.comment_answer(comment=comment, actor=focal_point, status="not_accepted")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.OPEN


@pytest.mark.django_db
def test_no_comments_is_declared_once_and_a_later_comment_takes_it_back(
    statement, other_focal_point, other_principal
):
    version = latest(statement)
    first = services.no_comments_declare(
        statement=statement, version=version, actor=other_focal_point
    )
    again = services.no_comments_declare(
        statement=statement, version=version, actor=other_principal
    )
    assert again.pk == first.pk
    services.comment_add(
        statement=statement,
        version=version,
        actor=other_principal,
        paragraph_key=texts(version)[0][0],
        text="On reflection, one comment.",
    )
    assert not NoComments.objects.exists()
    with pytest.raises(ValidationError):
        services.no_comments_declare(statement=statement, version=version, actor=other_focal_point)


# --- Who may: each service refuses each wrong role, and changes nothing -------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["observer", "other_principal", "other_focal_point", "colleague"])
def test_only_drafters_and_the_secretariat_save_versions(request, statement, who):
    actor = request.getfixturevalue(who)
    heading, body, closing = as_input(latest(statement))
    with pytest.raises(PermissionDenied):
        services.version_save(
            statement=statement,
            actor=actor,
            based_on=1,
            paragraphs=[heading, (body[0], "paragraph", "Not mine to change."), closing],
        )
    assert statement.versions.count() == 1


@pytest.mark.django_db
def test_the_secretariat_saves_versions_without_being_named(statement, secretariat):
    heading, body, closing = as_input(latest(statement))
    version = services.version_save(
        statement=statement,
        actor=secretariat,
        based_on=1,
        paragraphs=[heading, (body[0], "paragraph", "Edited by the secretariat."), closing],
    )
    assert version.number == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["observer", "other_principal", "other_focal_point", "colleague"])
def test_only_drafters_and_the_secretariat_answer_comments(
    request, statement, other_focal_point, who
):
    version = latest(statement)
    proposal = services.change_proposal_add(
        statement=statement,
        version=version,
        actor=other_focal_point,
        paragraph_key=texts(version)[0][0],
        proposed_text="A better heading",
    )
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.comment_answer(comment=proposal, actor=actor, status=Comment.Status.ACCEPTED)
    proposal.refresh_from_db()
    assert proposal.status == Comment.Status.OPEN
    assert statement.versions.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["observer", "secretariat", "former_member"])
def test_only_members_focal_points_and_principals_comment(request, statement, who):
    if who == "former_member":
        organisation = factories.OrganisationFactory(acronym="GONE", left_on=date(2000, 1, 1))
        actor = factories.PersonFactory(organisation=organisation)
    else:
        actor = request.getfixturevalue(who)
    version = latest(statement)
    key = texts(version)[0][0]
    with pytest.raises(PermissionDenied):
        services.comment_add(
            statement=statement, version=version, actor=actor, paragraph_key=key, text="Hi"
        )
    with pytest.raises(PermissionDenied):
        services.change_proposal_add(
            statement=statement, version=version, actor=actor, paragraph_key=key, proposed_text="X"
        )
    with pytest.raises(PermissionDenied):
        services.no_comments_declare(statement=statement, version=version, actor=actor)
    assert not Comment.objects.exists()
    assert not NoComments.objects.exists()


@pytest.mark.django_db
def test_a_saved_version_is_in_the_audit_history_with_who_saved_it(statement, focal_point):
    from auditlog.models import LogEntry

    heading, body, closing = as_input(latest(statement))
    version = services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[heading, (body[0], "paragraph", "Audited."), closing],
    )
    entry = LogEntry.objects.get_for_object(version).get()
    assert entry.actor == focal_point
    assert LogEntry.objects.get_for_object(statement).filter(actor=focal_point).exists()
