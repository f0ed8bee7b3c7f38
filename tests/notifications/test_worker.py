"""A real Celery worker, started as its own process, working over Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from coordination import services
from coordination.models import Invitation
from tests.conftest import redis_available, redis_url, require

pytestmark = pytest.mark.celery_worker


def database_url() -> str:
    """The test database, as a URL the worker process can read from its environment."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.fixture
def worker(tmp_path: Path):
    """Start `celery worker` on a queue of its own; yield a client app and the mail folder."""
    require(redis_available(), "Redis")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_url(),
        "CELERY_RESULT_BACKEND": redis_url(),
        "DATABASE_URL": database_url(),
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SITE_URL": "http://testserver",
    }
    process = subprocess.Popen(
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
            f"{queue}@%h",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    client = Celery(broker=redis_url(), backend=redis_url())
    client.conf.task_default_queue = queue
    try:
        yield client, mail_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        client.close()


def test_a_real_worker_over_redis_runs_a_task_and_returns_its_result(worker):
    client, _ = worker
    result = client.send_task("notifications.tasks.ping", args=["hello from the test"])
    assert result.get(timeout=60) == "hello from the test"


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_an_invitation_from_the_database(worker, secretariat, organisation):
    in_memory = connection.vendor == "sqlite" and "memory" in str(
        settings.DATABASES["default"]["NAME"]
    )
    require(
        not in_memory, "a test database another process can open (set DATABASE_URL to PostgreSQL)"
    )
    client, mail_dir = worker
    invitation = services.invitation_create(
        actor=secretariat,
        email="worker.test@example.org",
        role="focal_point",
        organisation=organisation,
    )
    result = client.send_task(
        "notifications.tasks.send_invitation_email",
        kwargs={"invitation_id": invitation.pk},
    )
    assert result.get(timeout=60) is True
    written = "".join(path.read_text() for path in mail_dir.iterdir())
    assert "worker.test@example.org" in written and "http://testserver/join/" in written
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None
