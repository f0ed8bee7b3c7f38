"""`make bench`: the server time and query count of each page against a bare Django view.

It builds a large group in a database of its own (a temporary SQLite file, or a fresh test_<name>
beside the PostgreSQL database that BENCH_DATABASE_URL names), then requests each page through Django's test client many times and prints the
median time, its ratio to the bare view measured in the same run, and the number of queries.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TEMP = Path(tempfile.mkdtemp(prefix="coordination-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{TEMP / 'unused.sqlite3'}"
)
os.environ.setdefault("CACHE_URL", "locmemcache://")
os.environ.setdefault("MFA_REQUIRED_FOR", "")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("SESSION_COOKIE_SECURE", "False")
os.environ.setdefault("CSRF_COOKIE_SECURE", "False")

import warnings  # noqa: E402

import django  # noqa: E402 - the environment above must be set before Django starts

# whitenoise warns that nothing was collected; the benchmark does not serve static files.
warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench import load  # noqa: E402
from bench.capabilities import build_capabilities  # noqa: E402
from bench.data import build_group  # noqa: E402
from coordination.models import Organisation  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def measure(client: Client, url: str) -> tuple[float, int]:
    """Median server time in milliseconds over REPEAT requests, and the queries of one request."""
    client.get(url)  # warm caches and templates
    executed: list[str] = []

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    # Counted with a wrapper: Django empties connection.queries when each request starts.
    with connection.execute_wrapper(count):
        response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), len(executed)


def main() -> None:
    # A database of its own, made and dropped like a test database (test_<name> on PostgreSQL),
    # so the benchmark never writes into a real one and always starts empty.
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(TEMP / "bench.sqlite3")
    original_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    print(f"Database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    try:
        run()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


# The pages whose throughput is measured under gunicorn, and at which concurrencies.
LOADED = ("bare Django view", "dashboard", "work item list", "meeting page", "statement board")
CONCURRENCY = (2, 8)


def run() -> None:
    started = time.perf_counter()
    group = build_group()
    print(f"Built {group.summary} in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    more = build_capabilities(group)
    print(f"Built the newer capabilities' data in {time.perf_counter() - started:.1f} s\n")

    pages: list[tuple[str, Callable[[], str]]] = [
        ("bare Django view", lambda: "/bench/bare/"),
        ("dashboard", lambda: "/"),
        ("members directory", lambda: "/members/"),
        ("organisation page", lambda: group.organisation.get_absolute_url()),
        ("people (secretariat)", lambda: "/people/"),
        ("history (secretariat)", lambda: "/history/"),
        ("work plan overview", lambda: group.plan.get_absolute_url()),
        ("work item list", lambda: "/workplans/items/?ordering=due"),
        (
            "work item list, filtered",
            lambda: (
                f"/workplans/items/?organisation={group.focal_point.organisation_id}&status=at_risk&status=off_track"
            ),
        ),
        # The same rows as the admin changelist's filter below, for the ratio of the two.
        (
            "work item list, admin's filter",
            lambda: (
                f"/workplans/items/?lead_organisation={group.focal_point.organisation_id}&status=at_risk&ordering=due"
            ),
        ),
        ("work item page", lambda: group.item.get_absolute_url()),
        ("meeting list", lambda: "/meetings/"),
        ("month calendar", lambda: "/meetings/calendar/"),
        ("meeting page", lambda: group.meeting.get_absolute_url()),
        *((name, (lambda url=url: url)) for name, url in more.items()),
        # Django's own admin changelist of the same work items (bench/admin.py): the yardstick
        # for list pages, unfiltered and with the same filter.
        ("admin changelist", lambda: "/bench/admin/workplans/workitem/?o=5.-8"),
        (
            "admin changelist, filtered",
            lambda: (
                f"/bench/admin/workplans/workitem/?lead_organisation__id__exact={group.focal_point.organisation_id}&status__exact=at_risk"
            ),
        ),
    ]
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    measured: dict[str, tuple[float, int]] = {}
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"], STORAGES=plain_static):
        focal = Client()
        focal.force_login(group.focal_point)
        # The yardstick goes through the same middleware as a logged-in person's page (session,
        # user, preferences): the ratio is what a page costs beyond being a Django page at all.
        secretariat = Client()
        secretariat.force_login(group.secretariat)
        for name, url in pages:
            client = secretariat if "secretariat" in name else focal
            measured[name] = measure(client, url())

    loads: dict[tuple[str, int], load.Load] = {}
    if os.environ.get("BENCH_LOAD", "1") != "0":
        cookie = f"sessionid={focal.cookies['sessionid'].value}"
        urls = dict(pages)
        server = load.Server(static_root=TEMP / "static")
        try:
            for name in LOADED:
                for concurrency in CONCURRENCY:
                    loads[name, concurrency] = load.measure(
                        server, urls[name](), cookie, concurrency
                    )
        finally:
            server.stop()

    bare_ms = measured["bare Django view"][0]
    header = f"{'page':<34}{'ms':>8}{'ratio':>7}{'queries':>8}"
    for concurrency in CONCURRENCY:
        header += f"{f'req/s c={concurrency}':>12}{'p50':>7}{'p99':>7}"
    print(header)
    for name, (ms, queries) in measured.items():
        line = f"{name:<34}{ms:>8.2f}{ms / bare_ms:>7.1f}{queries:>8}"
        for concurrency in CONCURRENCY:
            found = loads.get((name, concurrency))
            line += (
                f"{found.per_second:>12.1f}{found.p50_ms:>7.0f}{found.p99_ms:>7.0f}"
                if found
                else f"{'':>12}{'':>7}{'':>7}"
            )
        print(line)
    for page, admin in (
        ("work item list", "admin changelist"),
        ("work item list, admin's filter", "admin changelist, filtered"),
    ):
        print(
            f"{page} / {admin}: {measured[page][0] / measured[admin][0]:.2f}x "
            "(the aim: at most 0.8x)"
        )
    for (name, concurrency), found in loads.items():
        if found.errors:
            print(f"! {name} at c={concurrency}: answers that were not 200: {found.errors}")
        if found.p99_ms > 3 * found.p50_ms:
            print(f"! {name} at c={concurrency}: p99 {found.p99_ms:.0f} ms > 3x p50")

    from bench import digests

    digests.run(list(Organisation.objects.all()))
    if any(found.errors for found in loads.values()):
        sys.exit("some pages did not answer 200 under gunicorn (above)")


if __name__ == "__main__":
    if "--profile" in sys.argv:
        import cProfile

        cProfile.run("main()", sort="cumulative")
    else:
        main()
