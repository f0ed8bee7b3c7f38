"""The digest benchmark: build the digests of 10,000 people and hand them to the email backend."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from coordination.models import Organisation, Person
from notifications import delivery, digests, services
from notifications.models import Delivery, Preference

PEOPLE = 1_000 if os.environ.get("BENCH_SIZE", "large") == "small" else 10_000


def run(organisations: list[Organisation]) -> None:
    password = make_password("bench-password")
    with disable_auditlog():
        people = Person.objects.bulk_create(
            (
                Person(
                    email=f"digest{n}@bench.example",
                    full_name=f"Digest reader {n}",
                    role=Person.Role.FOCAL_POINT,
                    organisation=organisations[n % len(organisations)],
                    password=password,
                    time_zone="Europe/Vienna",
                )
                for n in range(PEOPLE)
            ),
            batch_size=2000,
        )
        EmailAddress.objects.bulk_create(
            (EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people),
            batch_size=2000,
        )
    now = timezone.now()
    services.ensure_preferences(now)
    Preference.objects.update(next_digest_at=now - timedelta(minutes=1))
    ids = digests.due_person_ids(now)

    counter = {"queries": 0}

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counter["queries"] += 1
        return execute(sql, params, many, context)

    recording: list[int] = []
    sending = 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            for batch in digests.batches(ids):
                counter["queries"] = 0
                _, recorded = digests.record_digest_batch(batch, now)
                recording.append(counter["queries"])
                counter["queries"] = 0
                delivery.deliver(recorded)
                sending += counter["queries"]
        elapsed = time.perf_counter() - started
    sent = len(mail.outbox)
    print(
        f"\nDigests: {len(ids):,} people due, {sent:,} emails handed to the email backend in {elapsed:.1f} s "
        f"= {len(ids) / elapsed:,.0f} people per second"
    )
    print(
        f"Queries to build and record a batch of {digests.BATCH_SIZE}: min {min(recording)}, max {max(recording)} "
        f"over {len(recording)} batches (the last one smaller); sending: {sending / max(sent, 1):.2f} queries per email"
    )
    if Delivery.objects.filter(status="sent", key__startswith="digest:").count() != sent:
        raise SystemExit("the delivery log does not match what was handed to the backend")
