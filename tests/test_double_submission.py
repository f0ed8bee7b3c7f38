"""A creating form posted twice (a double click, or back and submit again) creates once.

Each creating form carries a one-time token ({% once_token %}); common.editing.once claims it in
the service's transaction under a unique constraint. The forms are read from the pages as a
browser would send them, filled with valid values, and posted twice with the same token.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from common.editing import ONCE_FIELD
from common.models import Submission
from coordination.demo import load_everything
from coordination.models import Organisation, Person
from meetings.models import ActionItem, Meeting
from statements.models import EndorsementRound, Statement
from tests.test_bad_input import Form, PageReader, snapshot, snapshot_sql
from workplans.models import PriorityArea, WorkItem, WorkPlan

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    load_everything()
    secretariat = Person.objects.get(email="secretariat@demo.example")
    Authenticator.objects.create(
        user=secretariat, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client = Client()
    client.force_login(secretariat)
    plan = WorkPlan.objects.first()
    item = WorkItem.objects.first()
    meeting = Meeting.objects.filter(status="held").order_by("starts_at").last()
    action = ActionItem.objects.filter(work_item__isnull=True).first()
    assert plan and item and meeting and action
    return {"client": client, "plan": plan, "item": item, "meeting": meeting, "action": action}


def the_form(client: Client, page: str, action: str) -> Form:
    reader = PageReader("http://testserver" + page)
    response = client.get(page)
    assert response.status_code == 200, page
    reader.feed(response.content.decode())
    (form,) = [f for f in reader.forms if f.action.endswith(action) and f.method == "post"]
    assert ONCE_FIELD in form.values, f"the form posting to {action} carries no one-time token"
    return form


def filled(form: Form, overrides: dict[str, Any]) -> dict[str, Any]:
    """What a person would send: the rendered values, blanks filled with valid ones."""
    data: dict[str, Any] = {}
    for name, values in form.values.items():
        kind = form.kinds.get(name, "text")
        if kind in {"checkbox", "radio"} and not values:
            continue  # a browser sends nothing for a box nobody ticked
        value = values[0] if values else ""
        if kind == "textarea":
            value = value.strip()  # Django renders a textarea's value after a line break
        if not value:
            if kind == "select":
                value = next((o for o in form.options[name] if o), "")
            elif kind == "date":
                value = TODAY.isoformat()
            elif kind == "number":
                value = "30"
            elif kind in {"text", "textarea"}:
                value = "Sent twice by a double click"
        data[name] = values if kind == "checkbox" and len(values) > 1 else value
    data.update(overrides)
    return data


def creating_forms(world: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(name, page, form action, values a person chooses) for every creating form."""
    plan, item, meeting, action = world["plan"], world["item"], world["meeting"], world["action"]
    area = PriorityArea.objects.filter(plan=plan).first()
    organisation = Organisation.objects.get(acronym="UNICEF")
    lead = {"lead_organisation": str(organisation.pk)}
    pdf = lambda: SimpleUploadedFile("note.pdf", b"%PDF-1.4", content_type="application/pdf")  # noqa: E731
    meeting_page = meeting.get_absolute_url()
    draft = Statement.objects.filter(adopted_at__isnull=True, withdrawn_at__isnull=True).first()
    round = EndorsementRound.objects.filter(closed_at__isnull=True).first()
    assert draft and round
    answer_page = (
        reverse("statements:round_answer", args=[round.pk]) + f"?organisation={organisation.pk}"
    )
    return [
        (
            "organisation",
            reverse("coordination:organisation_create"),
            reverse("coordination:organisation_create"),
            {"name": "Double Click Agency", "acronym": "DCA", "website": ""},
        ),
        (
            "invitation",
            reverse("coordination:invitation_list"),
            reverse("coordination:invitation_list"),
            {"email": "twice@example.org", "organisation": str(organisation.pk)},
        ),
        (
            "work plan",
            reverse("workplans:plan_create"),
            reverse("workplans:plan_create"),
            {"title": "A plan sent twice", "first_year": "2027", "last_year": "2028"},
        ),
        (
            "priority area",
            reverse("workplans:area_create", args=[plan.pk]),
            reverse("workplans:area_create", args=[plan.pk]),
            {"title": "An area sent twice"},
        ),
        (
            "work item",
            reverse("workplans:item_create", args=[plan.pk]),
            reverse("workplans:item_create", args=[plan.pk]),
            {
                "title": "An item sent twice",
                "priority_area": str(area.pk) if area else "",
                **lead,
                "owner": "",
                "start_on": "",
                "due_on": "",
                "percent_complete": "0",
            },
        ),
        (
            "progress update",
            item.get_absolute_url(),
            reverse("workplans:item_progress", args=[item.pk]),
            {
                "reported_on": item.start_on.isoformat() if item.start_on else "2026-01-01",
                "status": "on_track",
                "percent_complete": str(min(item.percent_complete + 5, 95)),
            },
        ),
        (
            "milestone",
            item.get_absolute_url(),
            reverse("workplans:milestone_add", args=[item.pk]),
            {"title": "A milestone sent twice"},
        ),
        (
            "meeting",
            reverse("meetings:meeting_create"),
            reverse("meetings:meeting_create"),
            {
                "title": "A meeting sent twice",
                "kind": "video_call",
                "starts_at": "2027-03-01T10:00",
                "ends_at": "2027-03-01T11:00",
                "time_zone": "Europe/Vienna",
                "online_link": "https://meet.example.org/twice",
                "venue": "",
            },
        ),
        (
            "agenda item",
            meeting_page,
            reverse("meetings:agenda_add", args=[meeting.pk]),
            {"title": "An agenda item sent twice", "work_item": "", "presenter": ""},
        ),
        ("decision", meeting_page, reverse("meetings:decision_add", args=[meeting.pk]), {}),
        (
            "action",
            meeting_page,
            reverse("meetings:action_add", args=[meeting.pk]),
            {"owner": "", "due_on": ""},
        ),
        (
            "document",
            meeting_page,
            reverse("meetings:document_upload", args=[meeting.pk]),
            {"file": pdf, "agenda_item": ""},
        ),
        (
            "action to work item",
            meeting_page,
            reverse("meetings:action_to_work_item", args=[action.pk]),
            {},
        ),
        (
            "statement",
            reverse("statements:statement_create"),
            reverse("statements:statement_create"),
            {
                "title": "A statement sent twice",
                "lead_organisations": [str(organisation.pk)],
                "comment_deadline": "",
                "text": "One paragraph.",
            },
        ),
        (
            "version of a statement",
            reverse("statements:version_edit", args=[draft.pk]),
            reverse("statements:version_edit", args=[draft.pk]),
            {"p-0-text": "A first paragraph sent twice."},
        ),
        (
            "answer in an endorsement round",
            answer_page,
            answer_page,
            {"answer": "endorse", "text": ""},
        ),
    ]


def test_every_creating_form_posted_twice_creates_once(world: dict[str, Any]) -> None:
    client: Client = world["client"]
    sql = snapshot_sql()
    for name, page, action, overrides in creating_forms(world):
        form = the_form(client, page, action)
        data = filled(form, {k: v for k, v in overrides.items() if not callable(v)})
        files = {k: v() for k, v in overrides.items() if callable(v)}
        before = snapshot(sql)
        first = client.post(action, {**data, **files})
        errors = first.context["form"].errors if first.status_code == 200 else None
        assert first.status_code == 302, f"{name}: {errors}"
        after_first = snapshot(sql)
        created = {t for t in before if before[t] != after_first[t]}
        told = [str(m) for m in get_messages(first.wsgi_request)]
        assert created, f"{name}: the first submission created nothing: {told}"
        files = {k: v() for k, v in overrides.items() if callable(v)}
        second = client.post(action, {**data, **files})
        assert second.status_code == 302, name
        assert second["Location"] == first["Location"], name
        changed = {
            t
            for t, value in snapshot(sql).items()
            if after_first[t] != value and t not in {Submission._meta.db_table}
        }
        assert not changed - {"django_session"}, f"{name}: the second submission changed {changed}"
        said = [str(m) for m in get_messages(second.wsgi_request)]
        assert any("sent twice" in m for m in said), (name, said)


def test_a_refused_submission_leaves_the_token_for_the_corrected_form(
    world: dict[str, Any],
) -> None:
    client: Client = world["client"]
    page = reverse("workplans:plan_create")
    form = the_form(client, page, page)
    data = filled(form, {"title": "Corrected plan", "first_year": "2028"})
    refused = client.post(page, {**data, "last_year": "2027"})  # ends before it starts
    assert refused.status_code == 200 and not WorkPlan.objects.filter(title="Corrected plan")
    accepted = client.post(page, {**data, "last_year": "2029"})
    assert accepted.status_code == 302
    assert WorkPlan.objects.filter(title="Corrected plan").count() == 1
