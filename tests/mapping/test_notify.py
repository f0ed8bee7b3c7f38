from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from mapping import notify, services
from mapping.models import Revision
from notifications.models import Notification, Preference
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(organisation, other_organisation, focal_point, p_alternate, principal, secretariat):
    """Who could be told: UNICEF's focal point, alternate and principal, ILO's focal point, the
    secretariat (and a former colleague of theirs), an observer, someone inactive."""
    return {
        "focal": focal_point,
        "alternate": p_alternate,
        "principal": principal,
        "secretariat": secretariat,
        "secretariat_gone": factories.SecretariatFactory(
            organisation=secretariat.organisation, email="gone@example.org", is_active=False
        ),
        "ilo": factories.PersonFactory(organisation=other_organisation, email="ilo@example.org"),
        "observer": factories.ObserverFactory(email="observer@example.org"),
        "inactive": factories.PersonFactory(
            organisation=organisation, email="left@example.org", is_active=False
        ),
    }


@pytest.fixture
def draft(p_published, focal_point) -> Revision:
    return services.draft_start(organisation=p_published.profile.organisation, actor=focal_point)


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_a_submission_tells_the_secretariat_at_once(
    draft, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_submit(revision=draft, actor=people["focal"])
    assert recipients() == ["sec@example.org"]
    [message] = mail.outbox
    assert "UNICEF" in message.subject
    assert f"/mapping/revisions/{draft.pk}/" in message.body
    assert "revision 2" in message.body
    # Not a service message: it respects preferences and can be unsubscribed from.
    assert message.extra_headers.get("List-Unsubscribe")


def test_a_resubmission_tells_again_and_a_retried_event_does_not(
    draft, people, django_capture_on_commit_callbacks, _frozen
):
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_submit(revision=draft, actor=people["focal"])
        notify.profile_submitted(revision_id=draft.pk)
        services.revision_return(revision=draft, actor=people["secretariat"], comment="More.")
    _frozen.shift(3600)
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_submit(revision=draft, actor=people["focal"])
    assert [m.to[0] for m in mail.outbox if "review" in m.subject.lower()] == [
        "sec@example.org",
        "sec@example.org",
    ]


def test_a_submission_already_reviewed_tells_nobody(draft, people):
    services.revision_submit(revision=draft, actor=people["focal"])
    services.revision_publish(revision=draft, actor=people["secretariat"])
    assert notify.profile_submitted(revision_id=draft.pk) == 0
    assert not Notification.objects.filter(kind="profile_submitted").exists()


def test_publishing_tells_the_organisations_focal_points_and_alternates_only(
    draft, people, django_capture_on_commit_callbacks
):
    Preference.objects.create(person=people["alternate"], immediate=False)
    services.revision_submit(revision=draft, actor=people["focal"])
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_publish(revision=draft, actor=people["secretariat"])
    # The alternate turned immediate emails off: told in the hub only.
    assert recipients() == ["focal@example.org"]
    told = set(
        Notification.objects.filter(kind="profile_published").values_list(
            "person__email", flat=True
        )
    )
    assert told == {"focal@example.org", "alternate@example.org"}
    [message] = mail.outbox
    assert "/mapping/unicef/" in message.body
    assert "2 March 2026" in message.body


def test_a_revision_superseded_before_the_worker_ran_tells_nobody(draft, people):
    services.revision_submit(revision=draft, actor=people["focal"])
    services.revision_publish(revision=draft, actor=people["secretariat"])
    Revision.objects.filter(pk=draft.pk).update(state=Revision.State.SUPERSEDED)
    assert notify.profile_published(revision_id=draft.pk) == 0


def test_returning_tells_the_focal_points_the_comment(
    draft, people, django_capture_on_commit_callbacks
):
    services.revision_submit(revision=draft, actor=people["focal"])
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_return(
            revision=draft, actor=people["secretariat"], comment="Add the 2025 initiatives."
        )
    assert recipients() == ["alternate@example.org", "focal@example.org"]
    message = mail.outbox[0]
    assert "Add the 2025 initiatives." in message.body
    assert "/mapping/unicef/edit/" in message.body
    assert "Add the 2025 initiatives." in message.alternatives[0][0]
