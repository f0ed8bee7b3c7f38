"""A real Celery worker, started as its own process, working over Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from coordination import services
from coordination.models import Invitation
from notifications import delivery, digests
from notifications import services as notification_services
from notifications.models import Delivery, Event, Preference
from tests import factories
from tests.conftest import redis_available, redis_url, require
from tests.notifications import smtp

pytestmark = pytest.mark.celery_worker


def database_url() -> str:
    """The test database, as a URL the worker process can read from its environment."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def start_workers(count: int, queue: str, extra_env: dict[str, str]) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_url(),
        "CELERY_RESULT_BACKEND": redis_url(),
        "DATABASE_URL": database_url(),
        "SITE_URL": "http://testserver",
        **extra_env,
    }
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--queues",
                queue,
                "--hostname",
                f"{queue}-{n}@%h",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        for n in range(count)
    ]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def worker(tmp_path: Path):
    """Start `celery worker` on a queue of its own; yield a client app and the mail folder."""
    require(redis_available(), "Redis")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    processes = start_workers(
        1, queue, {"EMAIL_URL": "filemail://", "EMAIL_FILE_PATH": str(mail_dir)}
    )
    client = Celery(broker=redis_url(), backend=redis_url(), set_as_current=False)
    client.conf.task_default_queue = queue
    try:
        yield client, mail_dir
    finally:
        stop(processes)
        client.close()


def test_a_real_worker_over_redis_runs_a_task_and_returns_its_result(worker):
    client, _ = worker
    result = client.send_task("notifications.tasks.ping", args=["hello from the test"])
    assert result.get(timeout=60) == "hello from the test"


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_an_invitation_from_the_database(
    worker, secretariat, organisation, monkeypatch
):
    in_memory = connection.vendor == "sqlite" and "memory" in str(
        settings.DATABASES["default"]["NAME"]
    )
    require(
        not in_memory, "a test database another process can open (set DATABASE_URL to PostgreSQL)"
    )
    client, mail_dir = worker
    from notifications import tasks

    monkeypatch.setattr(
        tasks.send_deliveries, "apply_async", lambda *a, **k: None
    )  # the worker sends it, not this process
    invitation = services.invitation_create(
        actor=secretariat,
        email="worker.test@example.org",
        role="focal_point",
        organisation=organisation,
    )
    recorded = Delivery.objects.get(
        subject_type="coordination.invitation", subject_id=invitation.pk
    )
    result = client.send_task("notifications.tasks.send_deliveries", args=[[recorded.pk]])
    assert result.get(timeout=60) == [1, 0]
    written = "".join(path.read_text() for path in mail_dir.iterdir())
    assert "worker.test@example.org" in written and "http://testserver/join/" in written
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


def people_due(count):
    """`count` focal points of as many organisations, each with an item due and a digest due now."""
    ids = []
    for n in range(count):
        organisation = factories.OrganisationFactory()
        person = factories.PersonFactory(organisation=organisation, email=f"due{n}@example.org")
        factories.WorkItemFactory(
            lead_organisation=organisation, due_on=timezone.localdate() + timedelta(days=2)
        )
        ids.append(person.pk)
    notification_services.ensure_preferences(timezone.now())
    Preference.objects.update(next_digest_at=timezone.now() - timedelta(minutes=1))
    return ids


@pytest.mark.django_db(transaction=True)
def test_two_workers_working_the_same_digests_send_one_email_per_person():
    """Two real workers over Redis get the same digests twice over (a duplicated beat tick and a
    repeated batch) while a real SMTP server receives: each person gets exactly one email."""
    require(redis_available(), "Redis")
    recorder = smtp.Recorder()
    server = smtp.start(recorder)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    ids = people_due(24)
    processes = start_workers(2, queue, {"EMAIL_URL": f"smtp://127.0.0.1:{server.port}"})
    client = Celery(broker=redis_url(), backend=redis_url(), set_as_current=False)
    client.conf.task_default_queue = queue
    try:
        results = [client.send_task("notifications.tasks.queue_due_digests") for _ in range(2)]
        results += [
            client.send_task("notifications.tasks.send_digest_batch", args=[ids]) for _ in range(4)
        ]
        for result in results:
            result.get(timeout=120)
        deadline = time.monotonic() + 60
        while Delivery.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # anything sent twice would have arrived by now
    finally:
        stop(processes)
        client.close()
        server.stop()
    received = recorder.recipients()
    assert sorted(received) == sorted(f"due{n}@example.org" for n in range(24))
    assert Delivery.objects.filter(status="sent").count() == 24


@pytest.mark.django_db(transaction=True)
def test_smtp_refusing_then_recovering_delivers_everything_once(settings):
    """A real SMTP server that answers 451 to the first messages: the retries deliver them all,
    none twice."""
    recorder = smtp.Recorder(refuse=3)
    server = smtp.start(recorder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        ids = people_due(6)
        result = digests.send_digest_batch(ids)
        assert result["recorded"] == 6 and result["failed"] >= 1
        moment = timezone.now()
        for _ in range(6):
            moment += timedelta(minutes=30)
            with time_machine.travel(moment, tick=False):
                delivery.deliver()
    finally:
        server.stop()
    assert sorted(recorder.recipients()) == sorted(f"due{n}@example.org" for n in range(6))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_an_invitation_sent_while_the_broker_is_down_arrives_once_when_it_is_back(
    secretariat, organisation, broker_unreachable
):
    """The page answers at once with the broker down; once it is back, the beat's relay and
    sweep (run here by a real worker over Redis) deliver the email to a real SMTP server, once."""
    require(redis_available(), "Redis")
    started = time.monotonic()
    invitation = services.invitation_create(
        actor=secretariat, email="away@example.org", role="focal_point", organisation=organisation
    )
    assert time.monotonic() - started < 1.0
    assert Event.objects.get().status == Event.Status.PENDING

    recorder = smtp.Recorder()
    server = smtp.start(recorder)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    processes = start_workers(1, queue, {"EMAIL_URL": f"smtp://127.0.0.1:{server.port}"})
    client = Celery(broker=redis_url(), backend=redis_url(), set_as_current=False)
    client.conf.task_default_queue = queue
    try:
        for _tick in range(2):  # two beat ticks: the second must find nothing left to do
            client.send_task("notifications.tasks.relay_events").get(timeout=60)
            client.send_task("notifications.tasks.sweep_deliveries").get(timeout=60)
        time.sleep(1)  # anything sent twice would have arrived by now
    finally:
        stop(processes)
        client.close()
        server.stop()
    assert recorder.recipients() == ["away@example.org"]
    assert Event.objects.get().status == Event.Status.DONE
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None
