"""The digest benchmark: build the digests of 10,000 people and hand them to the email backend."""

from __future__ import annotations

import os
import random
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
from notifications.models import Delivery, Preference, all_kinds
from workplans.models import WorkItem

PEOPLE = 1_000 if os.environ.get("BENCH_SIZE", "large") == "small" else 10_000


# The readers vary as the group's people do: their organisation, role, language, time zone and
# choices, so that their digests are mostly distinct (a benchmark of identical digests would
# measure a cache).
ROLES = [
    (Person.Role.FOCAL_POINT, 55),
    (Person.Role.ALTERNATE, 20),
    (Person.Role.PRINCIPAL, 10),
    (Person.Role.OBSERVER, 10),
    (Person.Role.SECRETARIAT, 5),
]
LANGUAGES = [("en", 60), ("fr", 25), ("es", 15)]
TIME_ZONES = [
    ("Europe/Vienna", 35),
    ("Europe/Zurich", 20),
    ("America/New_York", 20),
    ("Asia/Bangkok", 10),
    ("Africa/Nairobi", 10),
    ("America/Panama", 5),
]
# Of the work items, how many get a digest reader as owner: "your items due" differs per person.
OWNED_ITEMS = 3_000


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def run(organisations: list[Organisation]) -> None:
    rng = random.Random(16)
    password = make_password("bench-password")
    with disable_auditlog():
        people = Person.objects.bulk_create(
            (
                Person(
                    email=f"digest{n}@bench.example",
                    full_name=f"Digest reader {n}",
                    role=(role := pick(rng, ROLES)),
                    organisation=(
                        None if role == Person.Role.OBSERVER else rng.choice(organisations)
                    ),
                    password=password,
                    language=pick(rng, LANGUAGES),
                    time_zone=pick(rng, TIME_ZONES),
                )
                for n in range(PEOPLE)
            ),
            batch_size=2000,
        )
        EmailAddress.objects.bulk_create(
            (EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people),
            batch_size=2000,
        )
        owners = [p for p in people if p.role in (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE)]
        items = list(WorkItem.objects.order_by("?").only("pk")[:OWNED_ITEMS])
        for item in items:
            item.owner = rng.choice(owners)
        WorkItem.objects.bulk_update(items, ["owner"], batch_size=1000)
    now = timezone.now()
    services.ensure_preferences(now)
    preferences = list(Preference.objects.filter(person__in=people))
    kinds = all_kinds()
    for preference in preferences:
        preference.frequency = pick(
            rng, [(Preference.Frequency.DAILY, 75), (Preference.Frequency.WEEKLY, 25)]
        )
        if rng.random() < 0.3:  # some turn a kind of reminder off
            preference.kinds = [k for k in preference.kinds if k != rng.choice(kinds)]
    Preference.objects.bulk_update(preferences, ["frequency", "kinds"], batch_size=1000)
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
    # What differs between two readers' digests beyond their name and unsubscribe link.
    distinct = len({m.body.split("\n", 1)[1].rsplit("\n", 2)[0] for m in mail.outbox})
    print(
        f"\nDigests: {len(ids):,} people due, {sent:,} emails handed to the email backend in {elapsed:.1f} s "
        f"= {len(ids) / elapsed:,.0f} people per second ({distinct:,} distinct digests)"
    )
    print(
        f"Queries to build and record a batch of {digests.BATCH_SIZE}: min {min(recording)}, max {max(recording)} "
        f"over {len(recording)} batches (the last one smaller); sending: {sending / max(sent, 1):.2f} queries per email"
    )
    if Delivery.objects.filter(status="sent", key__startswith="digest:").count() != sent:
        raise SystemExit("the delivery log does not match what was handed to the backend")
