"""Handovers: the checklist generated from live data, who may change what, sign-off and its frozen
snapshot, the page's query count, the digest section, the demonstration."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common import registry
from common.dates import group_today
from common.registry import HandoverEntry
from coordination import handovers, permissions
from coordination.digest import HANDOVER_TASKS
from coordination.models import Handover, HandoverComment, HandoverSignature, HandoverTask
from meetings.models import ActionItem, Document, Meeting, Minutes
from tests import factories

pytestmark = pytest.mark.django_db

Side = HandoverSignature.Side

# What the test source returns; each test sets it.
ENTRIES: list[HandoverEntry] = []
SOURCE = "tests.coordination.test_handovers.test_source"


def test_source(term, outgoing):  # registered by the `source` fixture, not a test
    return list(ENTRIES)


test_source.__test__ = False  # type: ignore[attr-defined]  # pytest: a function, not a test


@pytest.fixture
def source():
    ENTRIES.clear()
    registry.handover_sources.add(SOURCE)
    yield ENTRIES
    registry.handover_sources.remove(SOURCE)
    ENTRIES.clear()


def entry(n: int, **kwargs) -> HandoverEntry:
    return HandoverEntry(
        reference=f"test.thing:{n}",
        title=kwargs.pop("title", f"Thing {n}"),
        detail=kwargs.pop("detail", f"About thing {n}"),
        url=kwargs.pop("url", f"/things/{n}/"),
        **kwargs,
    )


class World:
    """An outgoing term (covering today) and the incoming one after it, one chair each."""

    def __init__(self, secretariat):
        today = group_today()
        self.today = today
        self.out_org = factories.OrganisationFactory(acronym="OUT")
        self.in_org = factories.OrganisationFactory(acronym="INC")
        self.other_org = factories.OrganisationFactory(acronym="OTHER")
        self.outgoing = factories.ChairTermFactory(
            starts_on=today - timedelta(days=300),
            ends_on=today + timedelta(days=20),
            organisations=[self.out_org],
        )
        self.incoming = factories.ChairTermFactory(
            starts_on=today + timedelta(days=21),
            ends_on=today + timedelta(days=385),
            organisations=[self.in_org],
        )
        self.out_focal = factories.PersonFactory(organisation=self.out_org, full_name="Olga Out")
        self.in_focal = factories.PersonFactory(organisation=self.in_org, full_name="Ines In")
        self.other_focal = factories.PersonFactory(organisation=self.other_org)
        self.out_principal = factories.PrincipalFactory(organisation=self.out_org)
        self.observer = factories.ObserverFactory()
        self.secretariat = secretariat

    def open(self) -> Handover:
        return handovers.handover_open(term=self.incoming, actor=self.secretariat)


@pytest.fixture
def world(secretariat):
    return World(secretariat)


def login(client, person):
    client.force_login(person)
    return client


# --- The checklist -----------------------------------------------------------------------------


def test_opening_generates_the_checklist_from_every_source(world, source):
    source += [entry(1), entry(2, owner_id=world.in_focal.pk, due_on=world.today)]
    handover = world.open()
    tasks = {t.reference: t for t in handover.tasks.all()}
    # coordination's own source: the contacts of both sides and the secretariat.
    for person in (world.out_focal, world.in_focal, world.secretariat):
        contact = tasks[f"coordination.person:{person.pk}"]
        assert contact.owner == person and contact.source == "coordination.handovers.contacts"
    assert f"coordination.person:{world.other_focal.pk}" not in tasks
    assert f"coordination.person:{world.out_principal.pk}" not in tasks
    assert "Introduce the incoming chairs to Olga Out" in (
        tasks[f"coordination.person:{world.out_focal.pk}"].detail
    )
    first, second = tasks["test.thing:1"], tasks["test.thing:2"]
    assert (first.title, first.source, first.owner) == ("Thing 1", SOURCE, None)
    assert first.due_on == world.incoming.starts_on - timedelta(days=1)
    assert (second.owner, second.due_on) == (world.in_focal, world.today)
    assert LogEntry.objects.filter(object_repr=str(handover)).exists()


def test_refresh_updates_marks_gone_and_keeps_what_people_changed(world, source):
    source += [entry(1), entry(2)]
    handover = world.open()
    task = handover.tasks.get(reference="test.thing:1")
    later = world.today + timedelta(days=3)
    handovers.handover_task_update(
        task=task,
        actor=world.secretariat,
        version=task.version,
        owner=world.in_focal,
        due_on=later,
        note="Call them first.",
    )
    source[:] = [entry(1, title="Thing 1, renamed", owner_id=world.out_focal.pk), entry(3)]
    assert handovers.handover_refresh(handover=handover) == 3  # renamed, added, gone
    task.refresh_from_db()
    assert (task.title, task.owner, task.due_on, task.note) == (
        "Thing 1, renamed",
        world.in_focal,
        later,
        "Call them first.",
    )
    gone = handover.tasks.get(reference="test.thing:2")
    assert gone.gone  # kept, shown struck through
    assert handover.tasks.filter(reference="test.thing:3").exists()
    assert handovers.handover_refresh(handover=handover) == 0  # nothing changed: nothing written
    source.append(entry(2))
    handovers.handover_refresh(handover=handover)
    gone.refresh_from_db()
    assert not gone.gone  # it came back


def test_the_page_brings_the_checklist_up_to_date_at_most_once_a_minute(client, world, source):
    source.append(entry(1))
    handover = world.open()
    login(client, world.in_focal)
    opened = Handover.objects.get().refreshed_at
    source[:] = [entry(1, title="Thing 1, renamed")]
    with time_machine.travel(opened + timedelta(seconds=30), tick=False):
        assert "Thing 1, renamed" not in client.get(handover.get_absolute_url()).content.decode()
    with time_machine.travel(opened + timedelta(seconds=61), tick=False):
        assert "Thing 1, renamed" in client.get(handover.get_absolute_url()).content.decode()
        assert Handover.objects.get().refreshed_at == timezone.now()
        # Claimed by a conditional update: a second page at the same moment does not run the
        # sources again.
        assert not handovers.handover_refresh_if_stale(handover=handover)


def test_the_last_signature_freezes_the_live_data_not_the_last_page_shown(world, source):
    source.append(entry(1))
    handover = world.open()
    source[:] = [entry(1, title="Thing 1, as it is at sign-off")]
    handovers.handover_sign(handover=handover, actor=world.out_focal, side="outgoing")
    handovers.handover_sign(handover=handover, actor=world.in_focal, side="incoming")
    handovers.handover_sign(handover=handover, actor=world.secretariat, side="secretariat")
    handover.refresh_from_db()
    assert handover.is_signed_off
    titles = [t["title"] for g in handover.snapshot["groups"] for t in g["tasks"]]
    assert "Thing 1, as it is at sign-off" in titles


def test_only_the_secretariat_or_the_outgoing_chairs_open_the_next_terms_handover(world, source):
    for person in (world.in_focal, world.other_focal, world.observer, world.out_principal):
        with pytest.raises(PermissionDenied):
            handovers.handover_open(term=world.incoming, actor=person)
    with pytest.raises(ValidationError, match="next chair term"):
        handovers.handover_open(term=world.outgoing, actor=world.secretariat)
    handovers.handover_open(term=world.incoming, actor=world.out_focal)
    with pytest.raises(ValidationError, match="open already"):
        world.open()


def test_a_task_is_added_and_commented_on_by_either_side(world, source):
    handover = world.open()
    task = handovers.handover_task_add(
        handover=handover, actor=world.in_focal, title="  Meet the donors  ", owner=world.out_focal
    )
    assert task.title == "Meet the donors" and task.reference == ""
    assert task.due_on == world.incoming.starts_on - timedelta(days=1)
    with pytest.raises(ValidationError):
        handovers.handover_task_add(handover=handover, actor=world.in_focal, title="  ")
    handovers.handover_comment_add(
        handover=handover, actor=world.out_focal, text="Done soon", task=task
    )
    assert HandoverComment.objects.get().task == task
    with pytest.raises(ValidationError):
        handovers.handover_comment_add(handover=handover, actor=world.out_focal, text=" ")


def test_a_tasks_status_is_changed_by_its_owner_or_the_secretariat_only(world, source):
    source.append(entry(1, owner_id=None))
    handover = world.open()
    task = handover.tasks.get(reference="test.thing:1")
    handovers.handover_task_update(
        task=task, actor=world.in_focal, version=task.version, owner=world.out_focal
    )
    with pytest.raises(PermissionDenied):
        handovers.handover_task_update(
            task=task, actor=world.in_focal, version=task.version, status="done"
        )
    handovers.handover_task_update(
        task=task, actor=world.out_focal, version=task.version, status="done"
    )
    handovers.handover_task_update(
        task=task, actor=world.secretariat, version=task.version, status="not_needed"
    )
    task.refresh_from_db()
    assert task.status == "not_needed"
    # A generated task's title follows its object.
    with pytest.raises(ValidationError, match="follows"):
        handovers.handover_task_update(
            task=task, actor=world.secretariat, version=task.version, title="Mine"
        )


# --- Views: who may do what ------------------------------------------------------------------


def _posts(world, handover, task):
    term = world.incoming.pk
    return [
        (reverse("coordination:handover_task_add", args=[term]), {"title": "Sneaky"}),
        (reverse("coordination:handover_comment_add", args=[term]), {"text": "Sneaky"}),
        (
            reverse("coordination:handover_task_update", args=[task.pk]),
            {"version": task.version, "status": "done", "note": "Sneaky", "owner": ""},
        ),
        (
            reverse("coordination:handover_sign", args=[term]),
            {"side": "outgoing", "confirmed": "yes"},
        ),
        (
            reverse("coordination:handover_sign", args=[term]),
            {"side": "incoming", "confirmed": "yes"},
        ),
    ]


@pytest.mark.parametrize("who", ["observer", "out_principal", "other_focal"])
def test_people_without_a_side_are_refused_and_nothing_changes(client, world, source, who):
    source.append(entry(1))
    handover = world.open()
    task = handover.tasks.get(reference="test.thing:1")
    before = (HandoverTask.objects.count(), HandoverComment.objects.count())
    login(client, getattr(world, who))
    assert client.get(handover.get_absolute_url()).status_code == 403
    assert (
        client.get(reverse("coordination:handover_task_update", args=[task.pk])).status_code == 403
    )
    for url, data in _posts(world, handover, task):
        assert client.post(url, data).status_code == 403, url
    # Opening: a person without the right gets 403 on another term's handover too.
    other_term = factories.ChairTermFactory(
        starts_on=world.today + timedelta(days=400),
        ends_on=world.today + timedelta(days=700),
        organisations=[world.other_org],
    )
    assert (
        client.post(reverse("coordination:handover_open", args=[world.incoming.pk])).status_code
        == 403
    )
    assert client.post(reverse("coordination:handover_open", args=[other_term.pk])).status_code in {
        403
    }
    task.refresh_from_db()
    assert (task.status, task.note) == ("open", "")
    assert (HandoverTask.objects.count(), HandoverComment.objects.count()) == before
    assert not HandoverSignature.objects.exists()


def test_a_term_without_a_handover_is_404_with_the_button_for_those_who_may_open(client, world):
    url = reverse("coordination:handover_detail", args=[world.incoming.pk])
    response = login(client, world.in_focal).get(url)
    assert response.status_code == 404 and b"Open the handover" not in response.content
    response = login(client, world.out_focal).get(url)
    assert response.status_code == 404 and b"Open the handover" in response.content
    response = client.post(reverse("coordination:handover_open", args=[world.incoming.pk]))
    assert response.status_code == 302
    assert Handover.objects.get().term == world.incoming


def test_work_on_a_task_through_the_page(client, world, source):
    source.append(entry(1, owner_id=None))
    handover = world.open()
    task = handover.tasks.get(reference="test.thing:1")
    login(client, world.in_focal)
    page = client.get(handover.get_absolute_url())
    assert page.status_code == 200
    assert b"Thing 1" in page.content
    url = reverse("coordination:handover_task_update", args=[task.pk])
    # Not its owner: a status change is refused in words, and nothing is saved.
    client.post(url, {"version": task.version, "status": "done", "owner": world.in_focal.pk})
    task.refresh_from_db()
    assert (task.status, task.owner) == ("open", None)
    # Taking the task on (either side may give it an owner), then marking it done as its owner.
    client.post(url, {"version": task.version, "owner": world.in_focal.pk})
    task.refresh_from_db()
    assert (task.status, task.owner) == ("open", world.in_focal)
    client.post(url, {"version": task.version, "status": "done", "owner": world.in_focal.pk})
    task.refresh_from_db()
    assert task.status == "done"
    # A stale version: nothing saved, both versions shown.
    response = client.post(
        url, {"version": task.version - 1, "status": "open", "owner": "", "note": "Old"}
    )
    assert response.status_code == 200
    assert "Someone else saved changes" in response.content.decode()
    task.refresh_from_db()
    assert (task.status, task.note) == ("done", "")


def test_an_added_task_or_comment_sent_twice_is_saved_once(client, world, source):
    handover = world.open()
    login(client, world.in_focal)
    url = reverse("coordination:handover_task_add", args=[world.incoming.pk])
    data = {"title": "Book the venue", "once": "8b0c3c52-6c55-4a39-9d3b-1e2f4f3c2a10"}
    client.post(url, data)
    client.post(url, data)
    assert handover.tasks.filter(title="Book the venue").count() == 1
    bad = client.post(url, {"title": ""}, follow=True)
    assert "Nothing was saved" in bad.content.decode()
    comments = reverse("coordination:handover_comment_add", args=[world.incoming.pk])
    data = {"text": "Welcome!", "once": "1b0c3c52-6c55-4a39-9d3b-1e2f4f3c2a10"}
    client.post(comments, data)
    client.post(comments, data)
    assert HandoverComment.objects.filter(text="Welcome!").count() == 1


# --- Sign-off ----------------------------------------------------------------------------------


def test_sign_off_asks_first_needs_every_organisation_and_freezes_the_checklist(
    client, world, source
):
    second_out = factories.OrganisationFactory(acronym="OUT2")
    world.outgoing.organisations.add(second_out)
    second_out_focal = factories.PersonFactory(organisation=second_out)
    meeting = factories.MeetingFactory(
        title="Working Group, spring",
        starts_at=timezone.now() + timedelta(days=40),
        ends_at=timezone.now() + timedelta(days=40, hours=2),
    )
    handover = world.open()
    sign = reverse("coordination:handover_sign", args=[world.incoming.pk])

    login(client, world.out_focal)
    asked = client.post(sign, {"side": "outgoing"})
    assert asked.status_code == 200 and b"Sign off the handover" in asked.content
    assert not HandoverSignature.objects.exists()
    client.post(sign, {"side": "outgoing", "confirmed": "yes"})
    client.post(sign, {"side": "incoming", "confirmed": "yes"})  # not their side: refused
    assert list(HandoverSignature.objects.values_list("side", "organisation__acronym")) == [
        ("outgoing", "OUT")
    ]
    again = client.post(sign, {"side": "outgoing", "confirmed": "yes"}, follow=True)
    assert "signed this side already" in again.content.decode()

    login(client, world.in_focal)
    client.post(sign, {"side": "incoming", "confirmed": "yes"})
    login(client, world.secretariat)
    client.post(sign, {"side": "secretariat", "confirmed": "yes"})
    handover.refresh_from_db()
    assert not handover.is_signed_off  # OUT2 has not signed
    login(client, second_out_focal)
    client.post(sign, {"side": "outgoing", "confirmed": "yes"})
    handover.refresh_from_db()
    assert handover.is_signed_off and handover.snapshot is not None
    assert {s["organisation"] for s in handover.snapshot["signatures"]} == {
        "OUT",
        "OUT2",
        "INC",
        "",
    }

    # The live objects go on changing; the snapshot stays as it was.
    Meeting.objects.filter(pk=meeting.pk).update(title="Working Group, renamed")
    login(client, world.in_focal)
    page = client.get(handover.get_absolute_url()).content.decode()
    assert "Working Group, spring" in page and "Working Group, renamed" not in page
    assert "frozen on" in page
    task = handover.tasks.get(reference=f"meetings.meeting:{meeting.pk}")
    assert task.title == "Working Group, spring"  # no refresh after sign-off

    # Read-only: the views say so and change nothing; the services refuse.
    response = client.post(
        reverse("coordination:handover_task_add", args=[world.incoming.pk]),
        {"title": "Late"},
        follow=True,
    )
    assert "signed off" in response.content.decode()
    assert not handover.tasks.filter(title="Late").exists()
    with pytest.raises(ValidationError):
        handovers.handover_task_update(
            task=task, actor=world.secretariat, version=task.version, status="done"
        )
    with pytest.raises(ValidationError):
        handovers.handover_comment_add(handover=handover, actor=world.in_focal, text="Late")
    assert handovers.handover_refresh(handover=handover) == 0


# --- Pages stay fast ---------------------------------------------------------------------------


def _queries_of_the_page(client, world, source, n: int) -> int:
    source[:] = [entry(i, owner_id=world.in_focal.pk) for i in range(n)]
    handover = Handover.objects.filter(term=world.incoming).first() or world.open()
    handovers.handover_refresh(handover=handover)
    for task in handover.tasks.all()[:n]:
        HandoverComment.objects.create(
            handover=handover, task=task, author=world.out_focal, text="x"
        )
    login(client, world.in_focal)
    client.get(handover.get_absolute_url())  # the first view writes nothing new either way
    with CaptureQueriesContext(connection) as queries:
        assert client.get(handover.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_handover_page_does_not_query_per_task(
    client, world, source, django_assert_max_num_queries
):
    few = _queries_of_the_page(client, world, source, 10)
    source[:] = [entry(i, owner_id=world.in_focal.pk) for i in range(60)]
    handover = Handover.objects.get()
    handovers.handover_refresh(handover=handover)
    for task in handover.tasks.all():
        HandoverComment.objects.create(
            handover=handover, task=task, author=world.out_focal, text="y"
        )
    assert handover.tasks.count() > 60
    client.get(handover.get_absolute_url())
    with django_assert_max_num_queries(few):
        client.get(handover.get_absolute_url())


def test_the_checklist_is_paged_with_each_parts_counts_and_filters(client, world, source):
    source[:] = [entry(i) for i in range(60)]
    handover = world.open()
    first = handover.tasks.get(reference="test.thing:0")
    first.status, first.due_on = "open", world.today - timedelta(days=1)
    first.save()
    handover.tasks.filter(reference="test.thing:1").update(status="done")
    login(client, world.in_focal)
    url = handover.get_absolute_url()

    page = client.get(url)
    text = page.content.decode()
    # The parts' counts cover every task; the tasks are fifty to a page, in the checklist's
    # order (the registered sources, then the tasks added by hand).
    part = page.context["page"]
    counts = {g.source: (g.total, g.open, g.overdue) for g in part.groups}
    assert counts[SOURCE] == (60, 59, 1)
    assert part.task_count == handover.tasks.count() > 60
    assert len(part.tasks) == handovers.TASKS_PER_PAGE
    assert "Page 1 of 2" in text
    second = client.get(url, {"page": 2}).context["page"].tasks
    assert {t.pk for t in part.tasks}.isdisjoint(t.pk for t in second)
    assert len(part.tasks) + len(second) == part.task_count

    # One part, one status.
    done = client.get(url, {"group": SOURCE, "status": "done"}).context["page"].tasks
    assert [t.reference for t in done] == ["test.thing:1"]
    contacts = client.get(url, {"group": "coordination.handovers.contacts"}).content.decode()
    assert "Ines In" in contacts and "Thing 5" not in contacts
    # Each task links to its own page, where it is worked on and commented.
    assert f'href="{first.get_absolute_url()}"' in text


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "999"},
        {"group": "no.such.source"},
        {"status": "bogus"},
        {"group": "contacts\x00\u202e", "status": "open\x00"},
    ],
)
def test_the_checklist_shows_a_page_whatever_the_filters_say(client, world, source, query):
    handover = world.open()
    login(client, world.in_focal)
    assert client.get(handover.get_absolute_url(), query).status_code == 200


def test_a_task_page_shows_its_comments_and_a_comment_goes_back_to_it(client, world, source):
    source.append(entry(1))
    handover = world.open()
    task = handover.tasks.get(reference="test.thing:1")
    login(client, world.out_focal)
    url = reverse("coordination:handover_comment_add", args=[world.incoming.pk])
    response = client.post(url, {"text": "Booked the room.", "task": task.pk})
    assert response.url == task.get_absolute_url()
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Booked the room." in page and "Save the task" in page
    # The checklist shows it under the task too.
    assert "Booked the room." in client.get(handover.get_absolute_url()).content.decode()


# --- The digest --------------------------------------------------------------------------------


def test_the_digest_lists_each_owners_open_tasks_due_soon_or_overdue(world, source):
    handover = world.open()
    add = handovers.handover_task_add
    add(
        handover=handover,
        actor=world.secretariat,
        title="Overdue",
        owner=world.in_focal,
        due_on=world.today - timedelta(days=2),
    )
    add(
        handover=handover,
        actor=world.secretariat,
        title="Soon",
        owner=world.in_focal,
        due_on=world.today + timedelta(days=5),
    )
    add(
        handover=handover,
        actor=world.secretariat,
        title="Later",
        owner=world.in_focal,
        due_on=world.today + timedelta(days=40),
    )
    done = add(
        handover=handover,
        actor=world.secretariat,
        title="Done",
        owner=world.in_focal,
        due_on=world.today,
    )
    handovers.handover_task_update(
        task=done, actor=world.secretariat, version=done.version, status="done"
    )
    add(
        handover=handover,
        actor=world.secretariat,
        title="Theirs",
        owner=world.out_focal,
        due_on=world.today,
    )
    lines = HANDOVER_TASKS.collect(
        [world.in_focal, world.out_focal, world.other_focal], timezone.now()
    )
    assert [line["title"] for line in lines[world.in_focal.pk]] == ["Overdue", "Soon"]
    assert str(lines[world.in_focal.pk][0]["detail"]).startswith("overdue since")
    assert world.other_focal.pk not in lines
    assert HANDOVER_TASKS.kind == "handover"
    Handover.objects.update(signed_off_at=timezone.now())
    assert HANDOVER_TASKS.collect([world.in_focal], timezone.now()) == {}


# --- meetings' source -------------------------------------------------------------------------


def test_meetings_hand_over_what_comes_after_the_start_and_what_is_still_open(
    world, settings, tmp_path
):
    from meetings.handover import meetings_to_hand_over

    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    after = factories.MeetingFactory(
        title="After", starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=1)
    )
    factories.MeetingFactory(
        title="Before the start",
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=5, hours=1),
    )
    unapproved = factories.MeetingFactory(
        title="Unapproved",
        status="held",
        starts_at=now - timedelta(days=10),
        ends_at=now - timedelta(days=10) + timedelta(hours=1),
    )
    Minutes.objects.create(meeting=unapproved, text="Draft", status="circulated")
    settled = factories.MeetingFactory(
        title="Settled",
        status="held",
        starts_at=now - timedelta(days=20),
        ends_at=now - timedelta(days=20) + timedelta(hours=1),
    )
    Minutes.objects.create(meeting=settled, text="Done", status="approved")
    with_action = factories.MeetingFactory(
        title="With action",
        status="held",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=30) + timedelta(hours=1),
    )
    Minutes.objects.create(meeting=with_action, text="Done", status="approved")
    ActionItem.objects.create(
        meeting=with_action, text="Draft a brief", owner_organisation=world.in_org
    )
    factories.MeetingFactory(
        title="Long ago",
        status="held",
        starts_at=now - timedelta(days=90),
        ends_at=now - timedelta(days=90) + timedelta(hours=1),
    )
    Document.objects.create(
        meeting=settled, title="Notes", file="x/notes.pdf", size=3, content_type="application/pdf"
    )
    entries = {e.reference: e for e in meetings_to_hand_over(world.incoming, world.outgoing)}
    assert set(entries) == {
        f"meetings.meeting:{after.pk}",
        f"meetings.meeting:{unapproved.pk}",
        f"meetings.meeting:{with_action.pk}",
        f"meetings.documents:{settled.pk}",
    }
    assert (
        "1 action item not yet a work item" in entries[f"meetings.meeting:{with_action.pk}"].detail
    )
    assert "minutes" in entries[f"meetings.meeting:{unapproved.pk}"].detail


# --- The demonstration -------------------------------------------------------------------------


def test_the_demonstration_handover_is_in_progress_and_loading_twice_writes_nothing():
    from coordination.demo import load_demo_group
    from coordination.demo_handover import load_handover
    from coordination.models import ChairTerm
    from coordination.selectors import next_chair_term

    load_demo_group()
    if next_chair_term() is None:  # until the demonstration records an incoming term
        from coordination.models import Organisation

        this_year = group_today().year
        term = ChairTerm.objects.create(
            starts_on=group_today().replace(year=this_year + 1, month=1, day=1),
            ends_on=group_today().replace(year=this_year + 1, month=12, day=31),
        )
        term.organisations.set(Organisation.objects.filter(acronym__in=["IOM", "UNHCR"]))
    written = load_handover()
    handover = Handover.objects.get()
    assert written["handover_tasks"] == handover.tasks.count() > 3
    assert handover.tasks.filter(status="done").count() >= 2
    overdue = handover.tasks.filter(status="open", due_on__lt=group_today())
    assert overdue.count() >= 2
    assert handover.tasks.filter(reference="").count() == 1
    assert handover.comments.count() == 1
    assert handover.signatures.count() == 1 and not handover.is_signed_off
    counts = (
        HandoverTask.objects.count(),
        LogEntry.objects.count(),
        HandoverComment.objects.count(),
    )
    assert load_handover() == {"handover_tasks": 0}
    assert (
        HandoverTask.objects.count(),
        LogEntry.objects.count(),
        HandoverComment.objects.count(),
    ) == counts


def test_a_suggested_owner_who_is_not_on_the_handover_is_not_given_the_task(world, source):
    source += [entry(1, owner_id=world.other_focal.pk), entry(2, owner_id=world.out_focal.pk)]
    tasks = {t.reference: t for t in world.open().tasks.all()}
    assert tasks["test.thing:1"].owner is None  # OTHER cannot open the handover
    assert tasks["test.thing:2"].owner == world.out_focal


def test_the_chairs_rights_on_a_handover_end_with_their_roles(world, settings):
    """Outgoing chairs act on it until OUTGOING_CHAIR_DAYS after their term; incoming chairs until
    their own term ends; then only the secretariat."""
    handover = world.open()
    settings.OUTGOING_CHAIR_DAYS = 90
    just_within = world.outgoing.ends_on + timedelta(days=90)
    with time_machine.travel(datetime.combine(just_within, time(12), tzinfo=UTC), tick=False):
        assert permissions.can_change_handover(world.out_focal, handover)
    past = world.outgoing.ends_on + timedelta(days=91)
    with time_machine.travel(datetime.combine(past, time(12), tzinfo=UTC), tick=False):
        assert not permissions.can_see_handover(world.out_focal, handover)
        assert permissions.can_change_handover(world.in_focal, handover)
        assert permissions.can_change_handover(world.secretariat, handover)
    after_incoming = world.incoming.ends_on + timedelta(days=1)
    with time_machine.travel(datetime.combine(after_incoming, time(12), tzinfo=UTC), tick=False):
        assert not permissions.can_see_handover(world.in_focal, handover)
        assert permissions.can_change_handover(world.secretariat, handover)


def test_a_term_whose_handover_someone_signed_keeps_its_chairs_and_dates(world):
    from coordination import services as coordination_services

    handover = world.open()
    handovers.handover_sign(handover=handover, actor=world.out_focal, side=Side.OUTGOING)
    for term in (world.incoming, world.outgoing):
        term.refresh_from_db()
        with pytest.raises(ValidationError):
            coordination_services.chair_term_update(
                term=term,
                actor=world.secretariat,
                version=term.version,
                organisations=[world.other_org],
            )
        updated = coordination_services.chair_term_update(
            term=term, actor=world.secretariat, version=term.version, note="Still editable."
        )
        assert updated.note == "Still editable."


def test_an_organisation_chairing_both_terms_signs_once_for_both_sides(world):
    world.incoming.organisations.add(world.out_org)
    handover = world.open()
    needed = handovers.needed_signatures(handover, world.outgoing)
    assert [(n.side, n.organisation) for n in needed] == [
        (Side.OUTGOING, world.out_org),
        (Side.INCOMING, world.in_org),
        (Side.SECRETARIAT, None),
    ]
    with pytest.raises(ValidationError):
        handovers.handover_sign(handover=handover, actor=world.out_focal, side=Side.INCOMING)
    handovers.handover_sign(handover=handover, actor=world.out_focal, side=Side.OUTGOING)
    handovers.handover_sign(handover=handover, actor=world.in_focal, side=Side.INCOMING)
    handovers.handover_sign(handover=handover, actor=world.secretariat, side=Side.SECRETARIAT)
    handover.refresh_from_db()
    assert handover.is_signed_off


def test_a_status_change_by_someone_not_allowed_is_refused_in_words(client, world, source):
    source += [entry(1, owner_id=world.in_focal.pk)]
    handover = world.open()
    task = handover.tasks.get(reference="test.thing:1")
    response = login(client, world.out_focal).post(
        reverse("coordination:handover_task_update", args=[task.pk]),
        {"status": "done", "owner": world.in_focal.pk, "note": "", "version": task.version},
    )
    task.refresh_from_db()
    assert task.status == "open" and task.owner == world.in_focal
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("owner or the secretariat" in m for m in said)
