from __future__ import annotations

import uuid
from datetime import timedelta
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.models import Person
from statements import services
from statements.models import Comment, NoComments, Statement, Version
from tests import factories
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db


def detail(statement: Statement) -> str:
    return reverse("statements:statement_detail", args=[statement.pk])


def latest(statement: Statement) -> Version:
    return Version.objects.filter(statement=statement).latest("number")


def first_key(statement: Statement) -> str:
    return latest(statement).paragraphs.order_by("position")[0].key


def comment_data(statement: Statement, **extra: str) -> dict[str, str]:
    return {
        "version": str(latest(statement).number),
        "paragraph": first_key(statement),
        "text": "Which partners?",
        **extra,
    }


# --- Pages ---------------------------------------------------------------------------------------


def test_the_list_shows_the_statements_and_offers_to_start_one(client, statement, focal_point):
    client.force_login(focal_point)

    response = client.get(reverse("statements:statement_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert statement.title in html
    assert "Open for comments" in html
    assert "UNICEF" in html
    assert reverse("statements:statement_create") in html
    assert inline_problems(response) == []


def test_an_observer_sees_only_published_statements(client, statement, observer, focal_point):
    published = services.statement_create(
        actor=focal_point,
        title="Published one",
        lead_organisations=[focal_point.organisation],
        paragraphs=[(None, "paragraph", "Done.")],
    )
    Statement.objects.filter(pk=published.pk).update(
        published_on=timezone.now().date() - timedelta(days=1)
    )
    client.force_login(observer)

    listing = client.get(reverse("statements:statement_list")).content.decode()

    assert "Published one" in listing
    assert statement.title not in listing
    assert reverse("statements:statement_create") not in listing
    assert client.get(detail(published)).status_code == 200
    assert client.get(detail(statement)).status_code == 404
    compare = reverse("statements:version_diff", args=[statement.pk, 1, 1])
    assert client.get(compare).status_code == 404
    assert client.get(reverse("statements:statement_create")).status_code == 403


def test_a_focal_point_starts_a_statement_with_its_first_text(client, focal_point, organisation):
    client.force_login(focal_point)
    url = reverse("statements:statement_create")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "kind": "call_to_action",
            "title": "Protect victims",
            "lead_organisations": [organisation.pk],
            "target_date": "2030-07-30",
            "text": "First paragraph\non two lines.\n\n  \n\nSecond paragraph.",
            "once": str(uuid.uuid4()),
        },
    )

    statement = Statement.objects.get(title="Protect victims")
    assert response.status_code == 302
    assert response.url == detail(statement)
    assert [p.text for p in latest(statement).paragraphs.order_by("position")] == [
        "First paragraph on two lines.",
        "Second paragraph.",
    ]
    assert focal_point in statement.drafters.all()


def test_a_statement_refused_by_the_service_shows_the_form_again(
    client, focal_point, other_organisation
):
    client.force_login(focal_point)

    response = client.post(
        reverse("statements:statement_create"),
        {
            "kind": "joint_statement",
            "title": "Not ours",
            "lead_organisations": [other_organisation.pk],
        },
    )

    assert response.status_code == 200
    assert "must be among the lead organisations" in response.content.decode()
    assert not Statement.objects.exists()


def test_the_detail_shows_paragraphs_comments_and_forms(
    client, statement, focal_point, other_focal_point
):
    key = first_key(statement)
    services.comment_add(
        statement=statement,
        version=latest(statement),
        actor=other_focal_point,
        paragraph_key=key,
        text="<b>bold</b> question",
    )
    client.force_login(other_focal_point)

    response = client.get(detail(statement))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="p-{key}"' in html
    assert "&lt;b&gt;bold&lt;/b&gt; question" in html
    assert reverse("statements:comment_add", args=[statement.pk]) in html
    assert reverse("statements:proposal_add", args=[statement.pk]) in html
    assert "No comments from my organisation" in html
    answer_url = reverse("statements:comment_answer", args=[Comment.objects.get().pk])
    assert answer_url not in html  # only drafters answer
    assert inline_problems(response) == []

    client.force_login(focal_point)
    assert answer_url in client.get(detail(statement)).content.decode()


def test_an_outdated_comment_is_said_to_be_outdated(
    client, statement, focal_point, other_focal_point
):
    version = latest(statement)
    key = first_key(statement)
    services.comment_add(
        statement=statement,
        version=version,
        actor=other_focal_point,
        paragraph_key=key,
        text="Shorter?",
    )
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=version.number,
        paragraphs=[(p.key, p.kind, p.text + " Changed.") for p in version.paragraphs.all()],
    )
    client.force_login(focal_point)

    html = client.get(detail(statement)).content.decode()

    assert "outdated: the paragraph changed since" in html
    assert reverse("statements:version_diff", args=[statement.pk, 1, 2]) in html


def test_the_comparison_shows_the_marked_changes(client, statement, focal_point):
    version = latest(statement)
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=version.number,
        paragraphs=[
            (p.key, p.kind, p.text.replace("now", "<today>")) for p in version.paragraphs.all()
        ],
    )
    client.force_login(focal_point)

    response = client.get(reverse("statements:version_diff", args=[statement.pk, 1, 2]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<ins>" in html and "<del>" in html
    assert "&lt;today&gt;" in html and "<today>" not in html
    assert inline_problems(response) == []
    assert (
        client.get(reverse("statements:version_diff", args=[statement.pk, 1, 9])).status_code == 404
    )


# --- Posted forms --------------------------------------------------------------------------------


def test_a_member_comments_once_per_rendered_form(client, statement, other_focal_point):
    client.force_login(other_focal_point)
    data = comment_data(statement, once=str(uuid.uuid4()))
    url = reverse("statements:comment_add", args=[statement.pk])

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert first.url.endswith(f"#p-{data['paragraph']}")
    assert Comment.objects.count() == 1


def test_a_change_proposal_is_added(client, statement, other_focal_point):
    client.force_login(other_focal_point)

    client.post(
        reverse("statements:proposal_add", args=[statement.pk]),
        comment_data(statement, proposed_text="A new heading"),
    )

    assert Comment.objects.get().proposed_text == "A new heading"


def test_a_comment_on_a_replaced_version_is_told_to_reload(
    client, statement, focal_point, other_focal_point
):
    data = comment_data(statement)
    version = latest(statement)
    services.version_save(
        statement=statement,
        actor=focal_point,
        based_on=version.number,
        paragraphs=[(p.key, p.kind, p.text + " More.") for p in version.paragraphs.all()],
    )
    client.force_login(other_focal_point)

    response = client.post(
        reverse("statements:comment_add", args=[statement.pk]), data, follow=True
    )

    assert "the text changed since you opened it; reload" in response.content.decode().lower()
    assert not Comment.objects.exists()


def test_a_service_refusal_becomes_a_message(client, statement, other_focal_point):
    client.force_login(other_focal_point)

    response = client.post(
        reverse("statements:comment_add", args=[statement.pk]),
        comment_data(statement, quoted_passage="not in the text"),
        follow=True,
    )

    assert "The quoted passage is not in the paragraph" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("role", ["observer", "secretariat"])
@pytest.mark.parametrize("view", ["comment_add", "proposal_add", "no_comments"])
def test_only_members_comment(client, statement, request, role, view):
    """The secretariat drafts and answers; it does not comment for an organisation."""
    client.force_login(request.getfixturevalue(role))

    response = client.post(
        reverse(f"statements:{view}", args=[statement.pk]),
        comment_data(statement, proposed_text="Other"),
    )

    assert response.status_code == (404 if role == "observer" else 403)
    assert not Comment.objects.exists()
    assert not NoComments.objects.exists()


@pytest.mark.parametrize("view", ["comment_add", "proposal_add", "no_comments"])
def test_an_observer_who_may_read_may_not_comment(client, statement, observer, view):
    Statement.objects.filter(pk=statement.pk).update(
        published_on=timezone.now().date() - timedelta(days=1)
    )
    client.force_login(observer)

    response = client.post(
        reverse(f"statements:{view}", args=[statement.pk]),
        comment_data(statement, proposed_text="Other"),
    )

    assert response.status_code == 403
    assert not Comment.objects.exists()
    assert not NoComments.objects.exists()


def test_no_comments_is_declared(client, statement, other_focal_point):
    client.force_login(other_focal_point)

    client.post(
        reverse("statements:no_comments", args=[statement.pk]),
        {"version": str(latest(statement).number)},
    )

    assert NoComments.objects.get().organisation == other_focal_point.organisation
    html = client.get(detail(statement)).content.decode()
    assert "has said it has no comments" in html


def test_a_drafter_answers_and_others_may_not(
    client, statement, focal_point, other_focal_point, colleague
):
    comment = services.comment_add(
        statement=statement,
        version=latest(statement),
        actor=other_focal_point,
        paragraph_key=first_key(statement),
        text="Why?",
    )
    url = reverse("statements:comment_answer", args=[comment.pk])
    answer = {"status": "not_accepted", "reply": "Out of scope."}

    for refused in (other_focal_point, colleague):
        client.force_login(refused)
        assert client.post(url, answer).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.OPEN

    client.force_login(focal_point)
    client.post(url, answer)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.NOT_ACCEPTED
    html = client.get(detail(statement)).content.decode()
    assert "Out of scope." in html


def test_an_answer_without_the_reason_it_needs_is_refused(
    client, statement, focal_point, other_focal_point
):
    comment = services.comment_add(
        statement=statement,
        version=latest(statement),
        actor=other_focal_point,
        paragraph_key=first_key(statement),
        text="Why?",
    )
    client.force_login(focal_point)

    response = client.post(
        reverse("statements:comment_answer", args=[comment.pk]),
        {"status": "not_accepted"},
        follow=True,
    )

    assert "Say what was changed" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.OPEN


# --- Query counts --------------------------------------------------------------------------------


def _comment_from_new_members(statement: Statement, count: int, start: int) -> None:
    key = first_key(statement)
    for number in range(start, start + count):
        organisation = factories.OrganisationFactory(acronym=f"ORG{number}", name=f"Org {number}")
        person = cast(
            Person,
            factories.PersonFactory(organisation=organisation, email=f"p{number}@example.org"),
        )
        services.comment_add(
            statement=statement,
            version=latest(statement),
            actor=person,
            paragraph_key=key,
            text=f"Comment {number}",
        )


def test_the_detail_queries_do_not_grow_with_the_comments(
    client, statement, focal_point, django_assert_max_num_queries
):
    client.force_login(focal_point)
    _comment_from_new_members(statement, 2, 0)
    with django_assert_max_num_queries(40) as few:
        assert client.get(detail(statement)).status_code == 200
    _comment_from_new_members(statement, 12, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(detail(statement)).status_code == 200


def test_a_statement_started_without_text_has_a_page(client, secretariat, organisation):
    statement = services.statement_create(
        actor=secretariat, title="Started empty", lead_organisations=[organisation]
    )
    client.force_login(secretariat)
    response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    assert "No text has been saved yet." in response.content.decode()


def _grow(statement: Statement, drafter: Person, count: int, start: int) -> None:
    """`count` more versions, members who comment, and (re)open a round they all answer."""
    from statements import rounds

    for number in range(start, start + count):
        version = latest(statement)
        services.version_save(
            statement=statement,
            actor=drafter,
            based_on=version.number,
            paragraphs=[(p.key, p.kind, f"{p.text} ({number})") for p in version.paragraphs.all()],
        )
    _comment_from_new_members(statement, count, start + 100)
    opened = rounds.round_open(
        statement=statement,
        version=latest(statement),
        actor=drafter,
        procedure="explicit",
        deadline=timezone.now() + timedelta(days=3),
    )
    for organisation in opened.round.addressed_organisations.all()[: count + 1]:
        principal = cast(
            Person,
            factories.PrincipalFactory(
                organisation=organisation, email=f"head.{organisation.pk}.{start}@example.org"
            ),
        )
        rounds.round_answer(
            round=opened.round, organisation=organisation, actor=principal, answer="endorse"
        )


def test_the_statement_page_does_not_grow_with_versions_organisations_and_answers(
    client, statement, focal_point, django_assert_max_num_queries
):
    client.force_login(focal_point)
    _grow(statement, focal_point, 2, 0)
    with django_assert_max_num_queries(60) as few:
        assert client.get(detail(statement)).status_code == 200
    # A new version voids the open round: the page then shows the new round and the old one.
    _grow(statement, focal_point, 10, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(detail(statement)).status_code == 200
