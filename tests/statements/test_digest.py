"""The digest's statement sections: the comment and endorsement deadlines of the next 14 days,
for the organisations that have not answered yet, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from coordination.models import Person
from notifications import digests
from notifications import services as notification_services
from notifications.models import Preference
from statements import digest
from statements.models import Comment, Endorsement, EndorsementRound, NoComments
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def member(acronym=None, roles=("focal_point",)):
    organisation = factories.OrganisationFactory(**({"acronym": acronym} if acronym else {}))
    people = [factories.PersonFactory(organisation=organisation, role=role) for role in roles]
    return organisation, people


def statement_with_text(lead, *, comment_deadline=None, versions=1):
    statement = factories.StatementFactory(
        lead_organisations=[lead], comment_deadline=comment_deadline
    )
    for number in range(1, versions + 1):
        version = factories.StatementVersionFactory(statement=statement, number=number)
        factories.ParagraphFactory(version=version)
    return statement, version


# --- Comment deadlines ---------------------------------------------------------------------------


def test_comment_deadlines_list_the_organisations_that_have_not_commented_on_the_latest_version():
    silent, (silent_focal, silent_principal) = member("SILENT", ("focal_point", "principal"))
    commented, (commenter,) = member("COMMENTED")
    declared, (declarer,) = member("NOCOMMENT")
    earlier, (earlier_commenter,) = member("EARLIER")
    gone, (gone_focal,) = member("GONE")
    gone.left_on = date(2026, 1, 1)
    gone.save()
    statement, latest = statement_with_text(
        silent, comment_deadline=NOW + timedelta(days=5), versions=2
    )
    first = statement.versions.get(number=1)
    Comment.objects.create(
        statement=statement,
        version=latest,
        paragraph_key="a",
        text="Yes.",
        author=commenter,
        organisation=commented,
    )
    # A comment on an earlier version does not answer for the latest one.
    Comment.objects.create(
        statement=statement,
        version=first,
        paragraph_key="a",
        text="Old.",
        author=earlier_commenter,
        organisation=earlier,
    )
    NoComments.objects.create(
        statement=statement, version=latest, organisation=declared, declared_by=declarer
    )
    # Beyond 14 days, passed, or in a round: not listed.
    statement_with_text(silent, comment_deadline=NOW + timedelta(days=15))
    statement_with_text(silent, comment_deadline=NOW - timedelta(hours=1))
    in_round, version = statement_with_text(silent, comment_deadline=NOW + timedelta(days=3))
    EndorsementRound.objects.create(
        statement=in_round,
        endorsed_version=version,
        procedure="explicit",
        deadline=NOW + timedelta(days=9),
    )
    # An observer reads published statements only, even if they chose these reminders.
    observer = factories.PersonFactory(organisation=silent, role="observer")
    people = [
        silent_focal,
        silent_principal,
        commenter,
        declarer,
        earlier_commenter,
        gone_focal,
        observer,
    ]
    lines = digest.COMMENT_DEADLINES.collect(people, NOW)
    assert set(lines) == {silent_focal.pk, silent_principal.pk, earlier_commenter.pk}
    [line] = lines[silent_focal.pk]
    assert line["title"] == statement.title and line["url"] == statement.get_absolute_url()
    # 8 June, 09:00 UTC on the reader's clock and in their language, when their email is
    # rendered (notifications.emails renders it in their zone and language).
    with timezone.override("Europe/Vienna"):
        assert str(line["detail"]) == (
            "comments on version 2 by June 8, 2026, 11 a.m. (Europe/Vienna)"
        )
    with timezone.override("America/Lima"), translation.override("es"):
        assert "8 de junio de 2026 a las 04:00 (America/Lima)" in str(line["detail"])


@pytest.mark.parametrize("size", [2, 10])
def test_comment_deadlines_cost_the_same_whatever_the_batch(size, django_assert_num_queries):
    lead, _ = member()
    for days in (2, 4, 6):
        statement_with_text(lead, comment_deadline=NOW + timedelta(days=days), versions=2)
    people = [member()[1][0] for _ in range(size)]
    with django_assert_num_queries(4):
        lines = digest.COMMENT_DEADLINES.collect(people, NOW)
    assert len(lines) == size and all(len(person_lines) == 3 for person_lines in lines.values())


# --- Endorsement deadlines -----------------------------------------------------------------------


def make_round(statement, version, addressed, *, days=5, procedure="explicit", **fields):
    round = EndorsementRound.objects.create(
        statement=statement,
        endorsed_version=version,
        procedure=procedure,
        deadline=NOW + timedelta(days=days),
        **fields,
    )
    round.addressed_organisations.set(addressed)
    return round


def test_endorsement_deadlines_list_the_addressed_organisations_that_have_not_answered():
    silent, (focal, principal) = member("SILENT", ("focal_point", "principal"))
    answered, (answered_principal,) = member("ANSWERED", ("principal",))
    _unaddressed, (newcomer,) = member("NEW")
    acting_for, (_absent_principal,) = member("ACTING", ("principal",))
    deputy = factories.PersonFactory(organisation=answered, role="focal_point")
    factories.ActingPrincipalFactory(
        organisation=acting_for,
        person=deputy,
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 10),
    )
    statement, version = statement_with_text(silent)
    round = make_round(statement, version, [silent, answered, acting_for], procedure="silence")
    Endorsement.objects.create(
        round=round, organisation=answered, answer="endorse", answered_by=answered_principal
    )
    # Closed, beyond 14 days, or passed: not listed.
    other, other_version = statement_with_text(silent)
    make_round(other, other_version, [silent], closed_at=NOW)
    third, third_version = statement_with_text(silent)
    make_round(third, third_version, [silent], days=15)
    fourth, fourth_version = statement_with_text(silent)
    make_round(fourth, fourth_version, [silent], days=-1)
    people = [focal, principal, answered_principal, newcomer, deputy]
    lines = digest.ENDORSEMENT_DEADLINES.collect(people, NOW)
    assert set(lines) == {focal.pk, principal.pk, deputy.pk}
    [line] = lines[principal.pk]
    assert line["title"] == statement.title
    with timezone.override("America/New_York"):
        assert str(line["detail"]) == (
            "version 1, silence procedure: no objection by June 8, 2026, 5 a.m. "
            "(America/New_York) counts as endorsement"
        )
    # Acting for another organisation's principal: the line says which one.
    [acting_line] = lines[deputy.pk]
    assert str(acting_line["detail"]).startswith("ACTING · ")


def test_once_silence_is_broken_the_line_asks_for_an_answer():
    organisation, (focal,) = member()
    statement, version = statement_with_text(organisation)
    make_round(statement, version, [organisation], procedure="silence", silence_broken_at=NOW)
    [line] = digest.ENDORSEMENT_DEADLINES.collect([focal], NOW)[focal.pk]
    with timezone.override("UTC"):
        assert str(line["detail"]) == "endorse version 1 by June 8, 2026, 9 a.m. (UTC)"


@pytest.mark.parametrize("size", [2, 10])
def test_endorsement_deadlines_cost_the_same_whatever_the_batch(size, django_assert_num_queries):
    members = [member(roles=("focal_point", "principal")) for _ in range(size)]
    organisations = [organisation for organisation, _ in members]
    for days in (2, 4, 6):
        statement, version = statement_with_text(organisations[0])
        make_round(statement, version, organisations, days=days)
    people = [person for _, pair in members for person in pair]
    with django_assert_num_queries(4):
        lines = digest.ENDORSEMENT_DEADLINES.collect(people, NOW)
    assert len(lines) == 2 * size and all(len(found) == 3 for found in lines.values())


# --- In the digest -------------------------------------------------------------------------------


def test_the_digest_carries_both_sections_to_the_people_whose_role_has_them():
    organisation, (focal, _observer_like) = member("UNICEF", ("focal_point", "observer"))
    statement, _version = statement_with_text(
        organisation, comment_deadline=NOW + timedelta(days=2)
    )
    other, other_version = statement_with_text(organisation)
    make_round(other, other_version, [organisation])
    notification_services.ensure_preferences(NOW)
    Preference.objects.update(next_digest_at=NOW - timedelta(minutes=1))
    result = digests.send_digest_batch(list(Person.objects.values_list("pk", flat=True)))
    assert result["sent"] == 1
    [message] = mail.outbox
    assert message.to == [focal.email]
    assert "COMMENTS YOUR ORGANISATION OWES" in message.body
    assert "ENDORSEMENTS YOUR ORGANISATION OWES" in message.body
    assert statement.get_absolute_url() in message.body and other.title in message.body
