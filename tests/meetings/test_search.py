"""Meetings in the global search: meetings, agenda items, minutes, decisions and documents, each
found only where the meeting's page would show it to the person."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest
from django.utils import timezone

from common import registry
from meetings import search
from meetings.models import AgendaItem, Decision, Document, Meeting, Minutes
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair():
    chair_org = factories.OrganisationFactory(acronym="ICMPD")
    factories.ChairTermFactory(
        starts_on=timezone.localdate() - timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=5),
        organisations=[chair_org],
    )
    return factories.PersonFactory(organisation=chair_org, email="chair@example.org")


@pytest.fixture
def incoming_chair():
    incoming = factories.OrganisationFactory(acronym="OSCE")
    factories.ChairTermFactory(
        starts_on=timezone.localdate() + timedelta(days=30),
        ends_on=timezone.localdate() + timedelta(days=395),
        organisations=[incoming],
    )
    return factories.PersonFactory(organisation=incoming, email="incoming@example.org")


def titles(person, query: str) -> list[str]:
    return [r.title for r in search.meetings(person, query, 20)]


def kinds(person, query: str) -> list[str]:
    return [str(r.kind) for r in search.meetings(person, query, 20)]


def _document(meeting: Meeting, title: str, agenda_item: AgendaItem | None = None) -> Document:
    return Document.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        file=f"meetings/{meeting.pk}/{title}.pdf",
        size=100,
        content_type="application/pdf",
    )


def test_meetings_are_registered_as_a_search_source():
    assert "meetings.search.meetings" in registry.search_sources.paths()


def test_a_meeting_is_found_by_its_title_or_description(focal_point):
    meeting = factories.MeetingFactory(
        title="Working Group video call", description="Planning the World Day campaign."
    )

    (by_title,) = search.meetings(focal_point, "VIDEO call", 20)
    (by_description,) = search.meetings(focal_point, "world day", 20)

    assert by_title == by_description
    assert by_title.url == meeting.get_absolute_url()
    assert str(by_title.kind) == "Meeting"
    assert by_title.when == meeting.starts_at
    assert by_title.snippet == "Planning the World Day campaign."


@pytest.mark.parametrize("who", ["observer", "focal_point", "principal"])
def test_a_draft_meeting_and_all_it_holds_are_never_found_by_those_not_organising_it(request, who):
    draft = factories.MeetingFactory(
        title="Secret retreat", status=Meeting.Status.DRAFT, agenda_published_at=timezone.now()
    )
    item = AgendaItem.objects.create(meeting=draft, title="Secret agenda", position=1)
    Minutes.objects.create(meeting=draft, text="Secret minutes.", status="circulated")
    Decision.objects.create(meeting=draft, text="Secret decision.")
    _document(draft, "Secret paper")
    _document(draft, "Secret annex", agenda_item=item)

    assert search.meetings(request.getfixturevalue(who), "secret", 20) == []


@pytest.mark.parametrize("who", ["secretariat", "chair"])
def test_the_organisers_find_drafts_and_everything_in_them(request, who):
    draft = factories.MeetingFactory(title="Secret retreat", status=Meeting.Status.DRAFT)
    item = AgendaItem.objects.create(meeting=draft, title="Secret agenda", position=1)
    Minutes.objects.create(meeting=draft, text="Secret minutes.")
    Decision.objects.create(meeting=draft, text="Secret decision.")
    _document(draft, "Secret annex", agenda_item=item)

    found = kinds(request.getfixturevalue(who), "secret")

    assert sorted(found) == ["Agenda item", "Decision", "Document", "Meeting", "Minutes"]


def test_the_incoming_chairs_find_their_own_terms_drafts_only(incoming_chair):
    theirs = factories.MeetingFactory(
        title="Retreat of the new chairs",
        status=Meeting.Status.DRAFT,
        starts_at=timezone.now() + timedelta(days=60),
    )
    AgendaItem.objects.create(meeting=theirs, title="Retreat priorities", position=1)
    factories.MeetingFactory(
        title="Retreat before their term",
        status=Meeting.Status.DRAFT,
        starts_at=timezone.now() + timedelta(days=10),
    )

    assert sorted(titles(incoming_chair, "retreat")) == [
        "Retreat of the new chairs",
        "Retreat priorities",
    ]


def test_an_agenda_and_its_documents_are_found_once_published(focal_point, observer, chair):
    meeting = factories.MeetingFactory(title="Working Group")
    item = AgendaItem.objects.create(
        meeting=meeting, title="Toolkit review", notes="Chapter on data.", position=1
    )
    _document(meeting, "Toolkit draft", agenda_item=item)
    _document(meeting, "Toolkit background")  # the meeting's own: read with the meeting

    assert titles(focal_point, "toolkit") == ["Toolkit background"]
    assert titles(observer, "toolkit") == ["Toolkit background"]
    assert sorted(titles(chair, "toolkit")) == [
        "Toolkit background",
        "Toolkit draft",
        "Toolkit review",
    ]

    Meeting.objects.filter(pk=meeting.pk).update(agenda_published_at=timezone.now())

    assert sorted(titles(focal_point, "toolkit")) == [
        "Toolkit background",
        "Toolkit draft",
        "Toolkit review",
    ]
    (agenda,) = [r for r in search.meetings(focal_point, "chapter", 20)]
    assert agenda.url == f"{meeting.get_absolute_url()}#agenda-{item.pk}"
    assert agenda.snippet == "Chapter on data."


def test_minutes_are_found_by_the_members_once_circulated(focal_point, observer, secretariat):
    meeting = factories.MeetingFactory(
        title="Working Group", starts_at=timezone.now() - timedelta(days=3)
    )
    minutes = Minutes.objects.create(meeting=meeting, text="The members discussed the toolkit.")

    assert titles(focal_point, "toolkit") == []
    assert titles(observer, "toolkit") == []
    assert titles(secretariat, "toolkit") == ["Minutes of Working Group"]

    Minutes.objects.filter(pk=minutes.pk).update(
        status=Minutes.Status.CIRCULATED, circulated_at=timezone.now()
    )

    (found,) = search.meetings(focal_point, "toolkit", 20)
    assert found.title == "Minutes of Working Group"
    assert found.url == f"{meeting.get_absolute_url()}#minutes"
    assert found.snippet == "The members discussed the toolkit."
    # Circulated minutes are still a draft for approval: observers read them once approved.
    assert titles(observer, "toolkit") == []
    Minutes.objects.filter(pk=minutes.pk).update(status=Minutes.Status.APPROVED)
    assert titles(observer, "toolkit") == ["Minutes of Working Group"]


def test_a_decision_is_found_by_its_text(observer):
    meeting = factories.MeetingFactory(title="Principals")
    decision = Decision.objects.create(meeting=meeting, text="The principals endorse ICMPD.")

    (found,) = search.meetings(observer, "endorse", 20)

    assert found.title == "Decision of Principals"
    assert found.url == f"{meeting.get_absolute_url()}#decision-{decision.pk}"


def test_the_best_match_first_and_no_more_than_the_limit(focal_point):
    factories.MeetingFactory(title="Other", description="About the toolkit.")
    factories.MeetingFactory(title="Toolkit launch")
    for n in range(5):
        factories.MeetingFactory(title=f"Toolkit session {n}")

    found = search.meetings(focal_point, "toolkit", 3)

    assert len(found) == 3
    assert "Other" not in [r.title for r in found]


def test_the_search_costs_the_same_whatever_the_data(
    focal_point, chair, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for n in range(count):
            meeting = cast(
                Meeting,
                factories.MeetingFactory(title=f"Toolkit {n}", agenda_published_at=timezone.now()),
            )
            item = AgendaItem.objects.create(meeting=meeting, title="Toolkit", position=1)
            Minutes.objects.create(meeting=meeting, text="Toolkit.", status="circulated")
            Decision.objects.create(meeting=meeting, text="Toolkit adopted.")
            _document(meeting, "Toolkit", agenda_item=item)

    for person in (focal_point, chair):
        add(1)
        with django_assert_max_num_queries(10) as small:
            search.meetings(type(person).objects.get(pk=person.pk), "toolkit", 50)
        add(6)
        with django_assert_max_num_queries(len(small.captured_queries)):
            found = search.meetings(type(person).objects.get(pk=person.pk), "toolkit", 50)
        assert len(found) > 10
