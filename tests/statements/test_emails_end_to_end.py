"""Opening a round, all the way to a real SMTP server: the service records the event, a real
Celery worker over Redis runs the handler and sends the emails, each addressed person receives
the request once, and the board's delivery states say so."""

from __future__ import annotations

import time
import uuid
import zoneinfo
from datetime import timedelta

import pytest
from celery import Celery
from django.utils import timezone

from notifications.models import Delivery, Event, Preference
from statements import delivery, rounds
from tests import factories
from tests.conftest import redis_available, redis_url, require
from tests.notifications import smtp
from tests.notifications.test_worker import start_workers, stop

pytestmark = pytest.mark.celery_worker

ASKED = [
    "alt.ilo@example.org",
    "focal.ilo@example.org",
    "focal.unicef@example.org",
    "principal.ilo@example.org",
    "principal.unicef@example.org",
]


@pytest.mark.django_db(transaction=True)
def test_opening_a_round_emails_each_addressed_person_once_through_a_real_worker(
    broker_unreachable,
):
    """The broker is unreachable from this process, so the request answers at once and the
    event waits in the outbox; the worker's beat tasks (relay, then sweep), run twice as two
    ticks would, deliver every email once."""
    require(redis_available(), "Redis")
    unicef = factories.OrganisationFactory(acronym="UNICEF")
    ilo = factories.OrganisationFactory(acronym="ILO")
    drafter = factories.PersonFactory(organisation=unicef, email="focal.unicef@example.org")
    factories.PrincipalFactory(organisation=unicef, email="principal.unicef@example.org")
    factories.PersonFactory(organisation=ilo, email="focal.ilo@example.org")
    factories.PersonFactory(organisation=ilo, role="alternate", email="alt.ilo@example.org")
    ilo_principal = factories.PrincipalFactory(organisation=ilo, email="principal.ilo@example.org")
    # A service message: it reaches the principal who turned immediate emails off.
    Preference.objects.create(person=ilo_principal, immediate=False)
    factories.ObserverFactory(email="observer@example.org")
    statement = factories.StatementFactory(lead_organisations=[unicef], drafters=[drafter])
    version = factories.StatementVersionFactory(statement=statement, number=1)
    factories.ParagraphFactory(version=version)

    round = rounds.round_open(
        statement=statement,
        version=version,
        actor=drafter,
        procedure="silence",
        deadline=timezone.now() + timedelta(days=7),
    ).round
    assert Event.objects.get().status == Event.Status.PENDING
    assert set(delivery.round_deliveries(round).values()) == {"not_sent"}

    recorder = smtp.Recorder()
    server = smtp.start(recorder)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    processes = start_workers(1, queue, {"EMAIL_URL": f"smtp://127.0.0.1:{server.port}"})
    client = Celery(broker=redis_url(), backend=redis_url(), set_as_current=False)
    client.conf.task_default_queue = queue
    try:
        for _tick in range(2):  # the second tick must find nothing left to do
            client.send_task("notifications.tasks.relay_events").get(timeout=60)
            client.send_task("notifications.tasks.sweep_deliveries").get(timeout=60)
        time.sleep(1)  # anything sent twice would have arrived by now
    finally:
        stop(processes)
        client.close()
        server.stop()

    assert sorted(recorder.recipients()) == ASKED
    with recorder.lock:
        subjects = {" ".join(str(m["Subject"]).split()) for m in recorder.messages}
    assert subjects == {f"Endorsement asked: {statement.title}, by {_day(round.deadline)}"}
    assert Event.objects.get().status == Event.Status.DONE
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert delivery.round_deliveries(round) == {unicef.pk: "delivered", ilo.pk: "delivered"}


def _day(moment) -> str:
    """The deadline's day as the subject shows it to a reader in Vienna (the factories' zone)."""
    local = timezone.localtime(moment, timezone=zoneinfo.ZoneInfo("Europe/Vienna"))
    return f"{local.day} {local:%B}"
