"""The demonstration statements: the four the seeds name, each in its stage, loaded idempotently,
with the round UNICEF's principal answers and the comment period UNODC's focal point joins."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from common.dates import group_today
from coordination.demo import demo_email
from coordination.models import Organisation, Person
from statements import demo, permissions, rounds, services
from statements.models import (
    Comment,
    Endorsement,
    EndorsementRound,
    LanguageVersion,
    NoComments,
    Paragraph,
    Statement,
    TranslatedParagraph,
    Version,
)

pytestmark = pytest.mark.django_db

MODELS = [
    Statement,
    Version,
    Paragraph,
    Comment,
    NoComments,
    EndorsementRound,
    Endorsement,
    LanguageVersion,
    TranslatedParagraph,
]


@pytest.fixture
def loaded():
    call_command("load_demo")


def _person(kind: str, acronym: str) -> Person:
    return Person.objects.select_related("organisation").get(email=demo_email(kind, acronym))


def _organisation(acronym: str) -> Organisation:
    return Organisation.objects.get(acronym=acronym)


def _world_day() -> Statement:
    return Statement.objects.get(title=demo.world_day_title(demo.world_day_year(group_today())))


def _silence_round() -> EndorsementRound:
    return EndorsementRound.objects.get(
        statement__title=demo.LASTING_CRISES_TITLE, closed_at__isnull=True
    )


def test_loading_twice_writes_nothing(loaded):
    counts = {model: model.objects.count() for model in MODELS}

    assert demo.load_statements() == {
        "statements": 0,
        "statement_versions": 0,
        "statement_comments": 0,
        "endorsements": 0,
    }
    assert {model: model.objects.count() for model in MODELS} == counts
    assert counts[Statement] == 4


def test_nothing_is_written_without_the_demonstration_group():
    assert demo.load_statements()["statements"] == 0
    assert not Statement.objects.exists()


def test_the_2021_joint_statement_is_adopted_published_and_in_french(loaded):
    statement = Statement.objects.get(title=demo.GA_2021_TITLE)

    assert statement.stage == Statement.Stage.PUBLISHED
    assert statement.published_on == date(2021, 11, 18)
    assert statement.public_url
    assert statement.versions.count() == 3
    assert statement.adopted_version == statement.versions.get(number=3)
    round = statement.adopted_round
    assert round is not None and not round.is_open
    assert round.procedure == EndorsementRound.Procedure.EXPLICIT
    assert round.endorsed_version == statement.adopted_version
    assert timezone.localdate(statement.adopted_at, timezone=demo.VIENNA) == date(2021, 11, 15)
    members = set(Organisation.objects.current())
    assert set(statement.endorsing_organisations.all()) == members
    assert set(round.addressed_organisations.all()) == members
    # Comments and proposals were answered; one proposal, accepted, made version 2.
    assert not statement.comments.filter(status=Comment.Status.OPEN).exists()
    assert statement.comments.get(applied_in__number=2).kind == Comment.Kind.CHANGE_PROPOSAL
    french = statement.language_versions.get(language="fr")
    assert french.renders == statement.adopted_version
    assert set(french.paragraphs.values_list("key", flat=True)) == set(
        statement.adopted_version.paragraphs.values_list("key", flat=True)
    )
    assert "traite des personnes" in french.paragraphs.first().text


def test_the_2022_call_to_action_is_adopted_with_one_reservation(loaded):
    statement = Statement.objects.get(title=demo.CRISES_2022_TITLE)

    assert statement.kind == Statement.Kind.CALL_TO_ACTION
    assert statement.stage == Statement.Stage.ADOPTED
    assert statement.adopted_at.year == 2022 and statement.adopted_at.month == 12
    (reservation,) = statement.adopted_round.endorsements.filter(
        answer=Endorsement.Answer.ENDORSE_WITH_RESERVATION
    )
    assert reservation.organisation.acronym == "World Bank"
    assert reservation.text == demo.CRISES_2022_RESERVATION
    endorsing = set(statement.endorsing_organisations.values_list("acronym", flat=True))
    assert "World Bank" in endorsing and "ICAO" not in endorsing
    assert statement.versions.count() == 3


def test_the_world_day_call_is_open_for_comments_from_several_organisations(loaded):
    statement = _world_day()

    assert statement.stage == Statement.Stage.OPEN_FOR_COMMENTS
    assert statement.comment_deadline > timezone.now() + timedelta(days=5)
    assert statement.target_date.month == 7 and statement.target_date.day == 30
    comments = statement.comments.all()
    assert {c.organisation.acronym for c in comments} >= {"UNICEF", "OHCHR", "ILO", "OSCE"}
    assert {c.kind for c in comments} == {Comment.Kind.COMMENT, Comment.Kind.CHANGE_PROPOSAL}
    assert comments.filter(status=Comment.Status.OPEN).exists()
    assert comments.exclude(status=Comment.Status.OPEN).exists()
    accepted = comments.get(applied_in__isnull=False)
    assert accepted.applied_in == statement.versions.latest("number")
    assert statement.versions.count() == 3
    (no_comments,) = NoComments.objects.filter(statement=statement)
    assert no_comments.organisation.acronym == "UNHCR"
    assert all(c.created_at < timezone.now() - timedelta(hours=12) for c in comments)


def test_the_issue_brief_is_in_a_silence_round_with_a_reservation_and_no_objection(loaded):
    round = _silence_round()
    statement = round.statement

    assert statement.stage == Statement.Stage.IN_ENDORSEMENT
    assert round.procedure == EndorsementRound.Procedure.SILENCE
    assert round.silence_broken_at is None
    assert timezone.now() < round.deadline < timezone.now() + timedelta(days=5)
    assert round.endorsed_version == statement.versions.latest("number")
    answers = list(round.endorsements.values_list("organisation__acronym", "answer"))
    assert len(answers) >= 5
    assert [a for _, a in answers].count(Endorsement.Answer.ENDORSE_WITH_RESERVATION) == 1
    assert Endorsement.Answer.OBJECT not in {a for _, a in answers}
    assert "UNICEF" not in {acronym for acronym, _ in answers}
    assert round.endorsements.filter(on_behalf=True).exists()
    assert round.opened_at < timezone.now() - timedelta(days=1)


def test_unicefs_principal_can_answer_the_open_round(loaded):
    principal = _person("principal", "UNICEF")
    unicef = _organisation("UNICEF")
    round = _silence_round()

    assert permissions.can_answer_round(principal, unicef, group_today())
    endorsement = rounds.round_answer(
        round=round, organisation=unicef, actor=principal, answer=Endorsement.Answer.ENDORSE
    )
    assert endorsement.on_behalf is False


def test_unodcs_focal_point_can_comment_on_the_world_day_call(loaded):
    focal = _person("focal", "UNODC")
    statement = _world_day()
    version = statement.versions.latest("number")

    assert focal.organisation.is_current_member
    assert permissions.can_comment(focal, statement)
    comment = services.comment_add(
        statement=statement,
        version=version,
        actor=focal,
        paragraph_key=version.paragraphs.order_by("position")[1].key,
        text="UNODC supports the call.",
    )
    assert comment.organisation.acronym == "UNODC"


def test_the_logins_of_the_demonstration_see_what_they_are_asked(client, loaded):
    client.force_login(_person("principal", "UNICEF"))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Waiting for your answer" in html
    assert demo.LASTING_CRISES_TITLE in html

    client.force_login(_person("focal", "UNODC"))
    html = client.get(reverse("dashboard")).content.decode()
    assert _world_day().title in html


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2027, 3, 1), 2027),
        (date(2027, 6, 18), 2027),  # six weeks before: still this year's
        (date(2027, 6, 19), 2028),
        (date(2027, 7, 30), 2028),
        (date(2027, 11, 29), 2028),
    ],
)
def test_the_world_day_call_is_for_the_next_day_that_leaves_time_to_consult(today, year):
    assert demo.world_day_year(today) == year


def test_loaded_in_spring_the_call_is_for_this_years_world_day():
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        call_command("load_demo")
        statement = Statement.objects.get(title__startswith="Call to action for the World Day")

        assert statement.title.endswith("30 July 2027")
        assert statement.target_date == date(2027, 7, 30)
        assert statement.stage == Statement.Stage.OPEN_FOR_COMMENTS
