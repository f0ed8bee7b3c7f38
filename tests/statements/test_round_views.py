"""The pages of endorsement rounds, of the statement's life and of acting principals."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import tablib
import time_machine
from django.test import Client
from django.urls import reverse

from common.models import Reminder
from coordination.models import Person
from notifications.models import Event
from statements import lifecycle, rounds, services
from statements.models import ActingPrincipal, Endorsement, EndorsementRound, Statement
from tests import factories
from tests.statements.conftest import TEXT
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=7)


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.GROUP_TIME_ZONE = "Europe/Vienna"
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def round(statement, focal_point, other_organisation, secretariat) -> EndorsementRound:
    """A silence procedure on version 1, open for a week, addressed to ILO, UNICEF and UNODC
    (the secretariat's organisation)."""
    return rounds.round_open(
        statement=statement,
        version=statement.versions.get(number=1),
        actor=focal_point,
        procedure="silence",
        deadline=DEADLINE,
    ).round


def as_(client: Client, person: Person | None) -> Client:
    client.logout()
    if person is not None:
        client.force_login(person)
    return client


def once() -> str:
    return str(uuid.uuid4())


def board(round: EndorsementRound) -> str:
    return reverse("statements:round_board", args=[round.pk])


def answer_url(round: EndorsementRound) -> str:
    return reverse("statements:round_answer", args=[round.pk])


def snapshot() -> tuple:
    """What a refused request must leave as it was."""
    return (
        list(EndorsementRound.objects.order_by("pk").values()),
        list(Endorsement.objects.order_by("pk").values()),
        list(
            Statement.objects.order_by("pk").values(
                "comment_deadline", "adopted_at", "withdrawn_at", "published_on", "version"
            )
        ),
        list(ActingPrincipal.objects.order_by("pk").values()),
        Reminder.objects.count(),
        Event.objects.count(),
    )


# --- The statement page's panel -------------------------------------------------------------------


def test_the_statement_page_offers_a_drafter_the_next_steps(client, statement, focal_point):
    response = as_(client, focal_point).get(
        reverse("statements:statement_detail", args=[statement.pk])
    )

    html = response.content.decode()
    assert reverse("statements:round_open", args=[statement.pk]) in html
    assert reverse("statements:comment_period", args=[statement.pk]) in html
    assert reverse("statements:statement_withdraw", args=[statement.pk]) in html
    assert reverse("statements:statement_adopt", args=[statement.pk]) not in html
    assert inline_problems(response) == []


def test_the_statement_page_shows_the_open_round_and_the_answer_button(
    client, statement, round, principal
):
    html = (
        as_(client, principal)
        .get(reverse("statements:statement_detail", args=[statement.pk]))
        .content.decode()
    )

    assert 'id="round"' in html
    assert board(round) in html
    assert f"{answer_url(round)}?organisation={principal.organisation_id}" in html
    assert reverse("statements:acting_principals") in html
    assert reverse("statements:round_open", args=[statement.pk]) not in html


# --- Opening a round ------------------------------------------------------------------------------


def open_data(statement: Statement, **extra: str) -> dict[str, str]:
    return {
        "version": "1",
        "procedure": "silence",
        "deadline": "2026-06-10T17:00",
        "once": once(),
        **extra,
    }


def test_the_open_page_lists_the_members_and_flags_those_without_a_principal(
    client, statement, focal_point, principal, other_organisation
):
    response = as_(client, focal_point).get(reverse("statements:round_open", args=[statement.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 organisations will be asked" in html
    assert "1 has no principal or acting principal today" in html
    assert html.count("no principal today") == 1
    assert "Europe/Vienna" in html
    assert inline_problems(response) == []


def test_opening_asks_for_confirmation_naming_the_organisations_without_principal(
    client, statement, focal_point, principal, other_organisation
):
    url = reverse("statements:round_open", args=[statement.pk])
    as_(client, focal_point)

    asked = client.post(url, open_data(statement))

    html = asked.content.decode()
    assert asked.status_code == 200
    assert "No principal or acting principal today: ILO." in html
    assert 'name="confirmed" value="yes"' in html
    assert not EndorsementRound.objects.exists()

    opened = client.post(url, open_data(statement, confirmed="yes"))

    round = EndorsementRound.objects.get()
    assert opened.status_code == 302 and opened.url == board(round)
    # 17:00 on the group's clock (Vienna, summer time) is 15:00 UTC.
    assert round.deadline == datetime(2026, 6, 10, 15, 0, tzinfo=UTC)
    assert round.procedure == "silence"
    assert Event.objects.filter(handler="statements.notify.round_opened").count() == 1


def test_a_round_on_a_version_that_is_not_the_latest_is_refused(client, statement, focal_point):
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=1,
        paragraphs=[(None, kind, text + " Edited.") for _key, kind, text in TEXT],
    )

    response = as_(client, focal_point).post(
        reverse("statements:round_open", args=[statement.pk]),
        open_data(statement, confirmed="yes"),
    )

    assert response.status_code == 200
    assert "the latest is version 2" in response.content.decode()
    assert not EndorsementRound.objects.exists()


def test_a_deadline_in_the_past_is_refused_before_confirming(client, statement, focal_point):
    response = as_(client, focal_point).post(
        reverse("statements:round_open", args=[statement.pk]),
        open_data(statement, deadline="2026-06-01T12:00"),
    )

    assert response.status_code == 200
    assert "The deadline must be in the future." in response.content.decode()
    assert 'name="confirmed"' not in response.content.decode()
    assert not EndorsementRound.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "other_focal_point", "principal", "observer"])
def test_only_drafters_chairs_and_the_secretariat_open_a_round(client, statement, who, request):
    person = request.getfixturevalue(who)
    url = reverse("statements:round_open", args=[statement.pk])
    as_(client, person)

    assert client.get(url).status_code in {403, 404}
    assert client.post(url, open_data(statement, confirmed="yes")).status_code in {403, 404}
    assert not EndorsementRound.objects.exists()


def test_a_chair_opens_a_round(client, statement, other_focal_point):
    factories.ChairTermFactory(organisations=[other_focal_point.organisation])

    response = as_(client, other_focal_point).post(
        reverse("statements:round_open", args=[statement.pk]),
        open_data(statement, confirmed="yes"),
    )

    assert response.status_code == 302
    assert EndorsementRound.objects.get().opened_by == other_focal_point


# --- The board ------------------------------------------------------------------------------------


def test_the_board_shows_each_organisation_in_words_with_who_answered_and_how(
    client, statement, round, principal, other_focal_point, secretariat
):
    deputy = factories.PersonFactory(organisation=principal.organisation, full_name="Dana Deputy")
    lifecycle.acting_principal_name(
        principal=principal, person=deputy, starts_on=date(2026, 6, 3), ends_on=date(2026, 6, 9)
    )
    rounds.round_answer(
        round=round,
        organisation=principal.organisation,
        actor=deputy,
        answer="endorse_with_reservation",
        text="Subject to the approval of our executive board, which meets in July.",
    )
    rounds.round_answer(
        round=round,
        organisation=other_focal_point.organisation,
        actor=other_focal_point,
        answer="endorse",
    )

    response = as_(client, secretariat).get(board(round))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Endorse with a reservation" in html
    assert "Subject to the approval of our executive board, which meets in July." in html
    assert f"by Dana Deputy, acting for {principal.full_name}" in html
    assert f"recorded by {other_focal_point.full_name} on behalf of the principal" in html
    assert '<span aria-hidden="true">…</span> Awaited</span>' in html  # UNODC has not answered
    assert "3 organisations asked" in html
    assert 'aria-hidden="true">✓*</span> Endorse with a reservation' in html
    assert "not sent" in html  # the requests' delivery, read from the delivery log
    assert html.count("answered: ") == 2  # the history
    assert inline_problems(response) == []


def test_after_the_deadline_silence_reads_deemed_endorsed(client, round, secretariat, _frozen):
    _frozen.move_to(DEADLINE)

    html = as_(client, secretariat).get(board(round)).content.decode()

    assert '<span aria-hidden="true">(✓)</span> Deemed endorsed</span>' in html
    assert "</span> Awaited</span>" not in html


def test_the_board_filters_by_result_and_ignores_an_unknown_filter(
    client, round, principal, secretariat
):
    rounds.round_answer(
        round=round, organisation=principal.organisation, actor=principal, answer="endorse"
    )
    as_(client, secretariat)

    endorsed = client.get(board(round), {"answer": "endorse"}).content.decode()
    unknown = client.get(board(round), {"answer": "<script>"})

    assert f'id="org-{principal.organisation_id}"' in endorsed
    assert f'id="org-{secretariat.organisation_id}"' not in endorsed
    assert unknown.status_code == 200
    assert "Select a valid choice" in unknown.content.decode()
    assert f'id="org-{secretariat.organisation_id}"' in unknown.content.decode()


def test_observers_do_not_see_boards(client, round, observer):
    as_(client, observer)
    assert client.get(board(round)).status_code == 404
    export = reverse("statements:round_export", args=[round.pk, "csv"])
    assert client.get(export).status_code == 404


def test_the_exports_parse_and_hold_the_rows(client, round, principal, secretariat):
    rounds.round_answer(
        round=round,
        organisation=principal.organisation,
        actor=principal,
        answer="endorse_with_reservation",
        text="=HYPERLINK(1)",
    )
    as_(client, secretariat)

    csv_response = client.get(reverse("statements:round_export", args=[round.pk, "csv"]))
    xlsx_response = client.get(reverse("statements:round_export", args=[round.pk, "xlsx"]))

    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert [row["Organisation"] for row in rows] == ["ILO", "UNICEF", "UNODC"]
    unicef = rows[1]
    assert unicef["Result"] == "Endorse with a reservation"
    assert unicef["Reservation or reason"] == "'=HYPERLINK(1)"
    assert unicef["How"] == "as principal"
    assert unicef["Answered at (Europe/Vienna)"] == "2026-06-03T11:00"
    book = tablib.Dataset().load(xlsx_response.content, format="xlsx")
    assert book.headers[0] == "Organisation"
    assert [row[0] for row in book] == ["ILO", "UNICEF", "UNODC"]
    assert client.get(reverse("statements:round_export", args=[round.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("size", [3, 15])
def test_the_board_queries_do_not_grow_with_organisations_and_answers(
    client, statement, focal_point, secretariat, size, django_assert_max_num_queries
):
    """Each size has answers of every kind (by the principal, by an acting principal, recorded
    on the principal's behalf), each changed once (two rows of history each)."""
    answerers = []
    for n in range(size):
        organisation = factories.OrganisationFactory(acronym=f"M{n:02}")
        chief = factories.PrincipalFactory(organisation=organisation)
        focal = factories.PersonFactory(organisation=organisation)
        deputy = factories.PersonFactory(organisation=organisation)
        ActingPrincipal.objects.create(
            organisation=organisation,
            person=deputy,
            principal=chief,
            starts_on=date(2026, 6, 1),
            ends_on=date(2026, 6, 30),
        )
        answerers.append((organisation, [chief, deputy, focal][n % 3]))
    round = rounds.round_open(
        statement=statement,
        version=statement.versions.get(number=1),
        actor=focal_point,
        procedure="explicit",
        deadline=DEADLINE,
    ).round
    for n, (organisation, actor) in enumerate(answerers):
        answer = ["decline", "endorse_with_reservation"][n % 2]
        for given in (answer, "endorse"):
            rounds.round_answer(
                round=round, organisation=organisation, actor=actor, answer=given, text="Because."
            )
    as_(client, secretariat)

    with django_assert_max_num_queries(17):
        response = client.get(board(round))

    html = response.content.decode()
    assert html.count('<tr id="org-') == size + 2  # with UNICEF and UNODC, who have not answered
    assert html.count("acting for") == len(range(1, size, 3))
    assert html.count("on behalf of the principal") == len(range(2, size, 3))


# --- Answering ------------------------------------------------------------------------------------


def test_a_principal_answers_for_their_organisation(client, round, principal):
    as_(client, principal)
    page = client.get(answer_url(round))
    assert page.status_code == 200
    assert "on behalf of the principal" not in page.content.decode()
    assert inline_problems(page) == []

    response = client.post(
        answer_url(round),
        {
            "organisation": principal.organisation_id,
            "answer": "endorse_with_reservation",
            "text": "Paragraph 2 only as a goal.",
            "once": once(),
        },
    )

    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert (endorsement.organisation, endorsement.answered_by, endorsement.on_behalf) == (
        principal.organisation,
        principal,
        False,
    )


def test_a_focal_point_records_on_behalf_and_the_secretariat_chooses_the_organisation(
    client, round, other_focal_point, secretariat, other_organisation
):
    as_(client, other_focal_point)
    page = client.get(answer_url(round)).content.decode()
    assert "on behalf of the principal" in page
    client.post(
        answer_url(round),
        {"organisation": other_organisation.pk, "answer": "endorse", "once": once()},
    )
    as_(client, secretariat)
    page = client.get(answer_url(round)).content.decode()
    assert 'name="organisation"' in page and "<select" in page
    client.post(
        answer_url(round),
        {
            "organisation": other_organisation.pk,
            "answer": "object",
            "text": "Our board objects.",
            "once": once(),
        },
    )

    endorsement = Endorsement.objects.get()
    assert (endorsement.answer, endorsement.answered_by, endorsement.on_behalf) == (
        "object",
        secretariat,
        True,
    )


def test_nobody_answers_for_another_organisation(
    client, round, organisation, other_focal_point, other_principal
):
    before = snapshot()
    for person in (other_focal_point, other_principal):
        response = as_(client, person).post(
            answer_url(round),
            {"organisation": organisation.pk, "answer": "endorse", "once": once()},
        )
        assert response.status_code in {200, 403}
        assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("who", ["observer", "colleague_elsewhere"])
def test_people_with_no_organisation_in_the_round_are_refused(client, round, who, request):
    person = (
        request.getfixturevalue("observer")
        if who == "observer"
        else factories.PersonFactory(
            organisation=factories.OrganisationFactory(acronym="GONE", left_on=date(2020, 1, 1))
        )
    )
    before = snapshot()
    as_(client, person)

    assert client.get(answer_url(round)).status_code in {403, 404}
    response = client.post(answer_url(round), {"answer": "endorse", "once": once()})
    assert response.status_code in {403, 404}
    assert snapshot() == before


def test_an_answer_after_the_deadline_is_refused_with_a_message(client, round, principal, _frozen):
    as_(client, principal)
    page = client.get(answer_url(round))
    _frozen.move_to(DEADLINE)
    as_(client, principal)  # the session idled out meanwhile

    response = client.post(
        answer_url(round),
        {"organisation": principal.organisation_id, "answer": "endorse", "once": once()},
    )

    assert page.status_code == 200
    assert response.status_code == 200
    assert "The deadline of this round has passed" in response.content.decode()
    assert not Endorsement.objects.exists()


def test_a_reservation_without_its_text_is_refused_on_the_form(client, round, principal):
    response = as_(client, principal).post(
        answer_url(round),
        {
            "organisation": principal.organisation_id,
            "answer": "endorse_with_reservation",
            "text": "  ",
            "once": once(),
        },
    )

    assert response.status_code == 200
    assert "Say what the reservation, refusal or objection is." in response.content.decode()
    assert not Endorsement.objects.exists()


def test_an_answer_the_procedure_does_not_allow_is_refused(client, round, principal):
    response = as_(client, principal).post(
        answer_url(round),
        {
            "organisation": principal.organisation_id,
            "answer": "decline",
            "text": "No.",
            "once": once(),
        },
    )

    assert response.status_code == 200
    assert not Endorsement.objects.exists()


# --- Running a round ------------------------------------------------------------------------------


def test_a_drafter_extends_the_deadline_but_never_shortens_it(client, round, focal_point):
    url = reverse("statements:round_extend", args=[round.pk])
    as_(client, focal_point)

    shorter = client.post(url, {"deadline": "2026-06-09T12:00", "once": once()}, follow=True)
    assert "never shortened" in shorter.content.decode()
    round.refresh_from_db()
    assert round.deadline == DEADLINE

    client.post(url, {"deadline": "2026-06-12T18:00", "once": once()})
    round.refresh_from_db()
    assert round.deadline == datetime(2026, 6, 12, 16, 0, tzinfo=UTC)


def test_turning_explicit_and_closing_ask_first(
    client, round, focal_point, principal, other_principal, secretariat, _frozen
):
    rounds.round_answer(
        round=round,
        organisation=other_principal.organisation,
        actor=other_principal,
        answer="object",
        text="Too far.",
    )
    as_(client, focal_point)
    explicit = reverse("statements:round_explicit", args=[round.pk])

    asked = client.post(explicit, {"once": once()})
    assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
    client.post(explicit, {"once": once(), "confirmed": "yes"})
    round.refresh_from_db()
    assert round.procedure == "explicit"

    _frozen.move_to(DEADLINE)
    as_(client, focal_point)  # the session idled out meanwhile
    client.post(
        reverse("statements:round_close", args=[round.pk]), {"confirmed": "yes", "once": once()}
    )
    round.refresh_from_db()
    assert round.closed_by == focal_point


def test_remind_at_most_once_a_day_from_the_board(client, round, focal_point, _frozen):
    as_(client, focal_point)
    url = reverse("statements:round_remind", args=[round.pk])
    page = client.get(board(round)).content.decode()
    assert f'action="{url}"' in page

    client.post(url, {"once": once()})
    again = client.post(url, {"once": once()}, follow=True).content.decode()

    assert "less than a day ago" in again
    assert f'action="{url}"' not in again
    assert "Last reminder sent" in again
    assert Reminder.objects.get().times == 1
    assert Event.objects.filter(handler="statements.notify.round_reminded").count() == 1
    _frozen.move_to(NOW + timedelta(days=1))
    as_(client, focal_point)  # the session idled out meanwhile
    client.post(url, {"once": once()})
    assert Reminder.objects.get().times == 2


@pytest.mark.parametrize("who", ["principal", "other_focal_point", "colleague", "observer"])
@pytest.mark.parametrize(
    "action", ["round_extend", "round_explicit", "round_close", "round_remind"]
)
def test_running_a_round_is_refused_to_every_other_role(client, round, who, action, request):
    person = request.getfixturevalue(who)
    before = snapshot()

    response = as_(client, person).post(
        reverse(f"statements:{action}", args=[round.pk]),
        {"deadline": "2026-06-20T12:00", "confirmed": "yes", "once": once()},
    )

    assert response.status_code in {403, 404}
    assert snapshot() == before


# --- The statement's life -------------------------------------------------------------------------


def test_a_drafter_asks_for_comments_on_the_groups_clock(client, statement, focal_point):
    Statement.objects.filter(pk=statement.pk).update(comment_deadline=None)
    url = reverse("statements:comment_period", args=[statement.pk])
    as_(client, focal_point)
    assert client.get(url).status_code == 200

    response = client.post(url, {"deadline": "2026-06-20T12:00", "once": once()})

    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.comment_deadline == datetime(2026, 6, 20, 10, 0, tzinfo=UTC)


def test_a_shorter_comment_period_is_refused_on_the_form(client, statement, focal_point):
    before = snapshot()

    response = as_(client, focal_point).post(
        reverse("statements:comment_period", args=[statement.pk]),
        {"deadline": "2026-06-04T12:00", "once": once()},
    )

    assert response.status_code == 200
    assert "never shortened" in response.content.decode()
    assert snapshot() == before


def test_adoption_is_prefilled_from_the_outcome_and_refuses_one_that_did_not_endorse(
    client, statement, round, focal_point, principal, other_principal, secretariat, _frozen
):
    rounds.round_answer(
        round=round, organisation=principal.organisation, actor=principal, answer="endorse"
    )
    rounds.round_answer(
        round=round,
        organisation=other_principal.organisation,
        actor=other_principal,
        answer="object",
        text="Too far.",
    )
    _frozen.move_to(DEADLINE)
    url = reverse("statements:statement_adopt", args=[statement.pk])
    as_(client, focal_point)

    page = client.get(url).content.decode()
    assert re.search(rf'name="endorsing" value="{principal.organisation_id}"[^>]*checked', page)
    assert f'name="endorsing" value="{other_principal.organisation_id}"' not in page
    before = snapshot()
    refused = client.post(
        url,
        {
            "round": round.pk,
            "endorsing": [principal.organisation_id, other_principal.organisation_id],
            "once": once(),
        },
    )
    assert refused.status_code == 200
    assert snapshot() == before

    adopted = client.post(
        url, {"round": round.pk, "endorsing": [principal.organisation_id], "once": once()}
    )

    assert adopted.status_code == 302
    statement.refresh_from_db()
    assert list(statement.endorsing_organisations.all()) == [principal.organisation]
    assert statement.stage == Statement.Stage.ADOPTED


def test_withdrawal_asks_first_and_needs_a_reason(client, statement, focal_point):
    url = reverse("statements:statement_withdraw", args=[statement.pk])
    as_(client, focal_point)

    empty = client.post(url, {"reason": "", "once": once()})
    asked = client.post(url, {"reason": "Overtaken by events.", "once": once()})
    statement.refresh_from_db()
    assert empty.status_code == 200 and asked.status_code == 200
    assert 'name="confirmed"' in asked.content.decode()
    assert statement.withdrawn_at is None

    done = client.post(url, {"reason": "Overtaken by events.", "once": once(), "confirmed": "yes"})

    statement.refresh_from_db()
    assert done.status_code == 302
    assert statement.withdrawal_reason == "Overtaken by events."


def test_publication_is_recorded_for_an_adopted_statement(
    client, statement, round, focal_point, principal, _frozen
):
    _frozen.move_to(DEADLINE)
    lifecycle.statement_adopt(
        statement=Statement.objects.get(pk=statement.pk),
        actor=focal_point,
        round=round,
        endorsing=[principal.organisation],
    )
    url = reverse("statements:statement_publish", args=[statement.pk])
    as_(client, focal_point)
    detail = client.get(
        reverse("statements:statement_detail", args=[statement.pk])
    ).content.decode()
    assert url in detail

    response = client.post(
        url, {"published_on": "2026-06-11", "public_url": "https://example.org/s", "once": once()}
    )

    statement.refresh_from_db()
    assert response.status_code == 302
    assert statement.published_on == date(2026, 6, 11)


@pytest.mark.parametrize("who", ["colleague", "other_focal_point", "principal", "observer"])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("comment_period", {"deadline": "2026-07-20T12:00"}),
        ("statement_adopt", {"endorsing": ["1"], "round": "1"}),
        ("statement_withdraw", {"reason": "No.", "confirmed": "yes"}),
        ("statement_publish", {"published_on": "2026-06-11"}),
    ],
)
def test_the_statements_life_is_refused_to_every_other_role(
    client, statement, round, who, action, data, request
):
    person = request.getfixturevalue(who)
    before = snapshot()
    url = reverse(f"statements:{action}", args=[statement.pk])
    as_(client, person)

    assert client.get(url).status_code in {403, 404}
    assert client.post(url, {**data, "once": once()}).status_code in {403, 404}
    assert snapshot() == before


# --- Acting principals ----------------------------------------------------------------------------


def test_a_principal_names_and_ends_an_acting_principal(client, principal, focal_point, _frozen):
    url = reverse("statements:acting_principals")
    as_(client, principal)
    page = client.get(url)
    assert page.status_code == 200
    assert inline_problems(page) == []

    named = client.post(
        url,
        {
            "person": focal_point.pk,
            "starts_on": "2026-06-03",
            "ends_on": "2026-06-10",
            "once": once(),
        },
    )
    acting = ActingPrincipal.objects.get()
    assert named.status_code == 302
    assert (acting.person, acting.principal) == (focal_point, principal)

    _frozen.move_to(NOW + timedelta(days=2))
    as_(client, principal)  # the session idled out meanwhile
    client.post(reverse("statements:acting_principal_end", args=[acting.pk]), {"once": once()})
    acting.refresh_from_db()
    assert acting.ends_on == date(2026, 6, 4)


def test_a_principal_names_only_people_of_their_own_organisation(
    client, principal, other_focal_point
):
    response = as_(client, principal).post(
        reverse("statements:acting_principals"),
        {
            "person": other_focal_point.pk,
            "starts_on": "2026-06-03",
            "ends_on": "2026-06-10",
            "once": once(),
        },
    )

    assert response.status_code == 200
    assert not ActingPrincipal.objects.exists()


@pytest.mark.parametrize("who", ["focal_point", "secretariat", "other_principal", "observer"])
def test_acting_principals_are_managed_by_their_principal_only(
    client, principal, focal_point, who, request
):
    acting = ActingPrincipal.objects.create(
        organisation=principal.organisation,
        person=focal_point,
        principal=principal,
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 30),
    )
    person = request.getfixturevalue(who)
    before = snapshot()
    as_(client, person)

    if who != "other_principal":
        assert client.get(reverse("statements:acting_principals")).status_code == 403
        named = client.post(
            reverse("statements:acting_principals"),
            {"person": focal_point.pk, "starts_on": "2026-07-03", "ends_on": "2026-07-10"},
        )
        assert named.status_code == 403
    ended = client.post(reverse("statements:acting_principal_end", args=[acting.pk]))
    assert ended.status_code in {403, 404}
    assert snapshot() == before


# --- Bad input ------------------------------------------------------------------------------------

HUGE = str(2**70)
MIXED = "Ω日本\u0000\u202e<script>alert(1)</script>\u0007\ufeffد"


@pytest.mark.parametrize(
    ("who", "action", "data"),
    [
        ("focal_point", "round_open", {"version": HUGE, "procedure": MIXED, "deadline": "x"}),
        # 02:30 on 29 March 2026 does not exist on the group's clock (summer time starts).
        (
            "focal_point",
            "round_open",
            {"version": "1", "procedure": "silence", "deadline": "2026-03-29T02:30"},
        ),
        (
            "focal_point",
            "round_open",
            {"version": "1", "procedure": "silence", "deadline": "99999-01-01T00:00"},
        ),
        ("principal", "round_answer", {"organisation": HUGE, "answer": MIXED, "text": MIXED}),
        (
            "principal",
            "round_answer",
            {"organisation": "x", "answer": "endorse", "text": "x" * 10_000},
        ),
        (
            "secretariat",
            "round_answer",
            {"organisation": ["1", "2"], "answer": "object", "text": MIXED},
        ),
        ("focal_point", "comment_period", {"deadline": MIXED}),
        ("focal_point", "statement_adopt", {"round": HUGE, "endorsing": [HUGE, "x"]}),
        ("focal_point", "statement_withdraw", {"reason": MIXED, "confirmed": "yes"}),
        (
            "focal_point",
            "statement_publish",
            {"published_on": "0000-00-00", "public_url": "javascript:alert(1)"},
        ),
        (
            "principal",
            "acting_principals",
            {"person": HUGE, "starts_on": MIXED, "ends_on": "2026-02-30"},
        ),
    ],
)
def test_bad_input_is_told_on_the_form_and_changes_nothing(
    client, statement, round, who, action, data, request, _frozen
):
    person = request.getfixturevalue(who)
    if action == "round_open":
        # A statement of its own: the fixture's has a round open already.
        target = services.statement_create(
            actor=request.getfixturevalue("focal_point"),
            title="Another",
            lead_organisations=[statement.lead_organisations.get()],
            paragraphs=TEXT,
        ).pk
    elif action == "statement_adopt":
        _frozen.move_to(DEADLINE)  # the adoption form shows once the round's deadline passed
        target = statement.pk
    else:
        target = {"round_answer": round.pk, "acting_principals": None}.get(action, statement.pk)
    before = snapshot()

    response = as_(client, person).post(
        reverse(f"statements:{action}", args=[] if target is None else [target]),
        {**data, "once": once()},
    )

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert snapshot() == before


def test_bad_input_on_the_board_and_its_buttons_is_refused_with_a_message(
    client, round, focal_point
):
    before = snapshot()
    as_(client, focal_point)

    assert client.get(board(round), {"answer": MIXED}).status_code == 200
    assert (
        client.get(reverse("statements:round_export", args=[round.pk, "x" * 300])).status_code
        == 404
    )
    extend = client.post(
        reverse("statements:round_extend", args=[round.pk]),
        {"deadline": MIXED, "once": once()},
        follow=True,
    )
    assert "The deadline was not moved" in extend.content.decode()
    assert client.get(answer_url(round), {"organisation": HUGE}).status_code == 200
    assert snapshot() == before
