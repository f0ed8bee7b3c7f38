"""Throughput under gunicorn: the application served as in production (gunicorn, DEBUG off, the
production settings) and a small closed-loop asyncio HTTP client holding a fixed number of
requests in flight, each repeated as soon as it is answered.

Two workers share the machine's two cores with the client and the database: the figures compare
pages with each other and with the bare view of the same run, not with other machines.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

from django.conf import settings
from django.db import connection

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "4"))


@dataclass
class Load:
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: dict[int, int]  # status (0: no answer) -> how many, for answers that were not 200


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "127.0.0.1"
        return f"postgres://{user}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn with two workers on a free port of this machine, on the benchmark's database."""

    def __init__(self, static_root: Path, workers: int = 2) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": _database_url(),
            "DEBUG": "False",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "SECURE_SSL_REDIRECT": "False",
            "SESSION_COOKIE_SECURE": "False",
            "CSRF_COOKIE_SECURE": "False",
            "MFA_REQUIRED_FOR": "",
            # Production serves hashed static files (whitenoise reads the manifest).
            "STATIC_ROOT": str(static_root),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            check=True,
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--config",
                "config/gunicorn.py",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urlopen(f"http://127.0.0.1:{self.port}/bench/bare/", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer within a minute")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def _one(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    """One request on a connection of its own (gunicorn's sync workers close it after each)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        "Accept: text/html\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    body = await reader.read()
    writer.close()
    status = int(body.split(b" ", 2)[1]) if body.startswith(b"HTTP/") else 0
    return status, body


# Requests sent before the measured ones, at the same concurrency, so that the figures are of
# workers in their steady state: each worker's first requests of a page compile its templates,
# fill its caches and open its database connection.
WARM_SECONDS = min(1.0, SECONDS / 4)


async def _closed_loop(port: int, path: str, cookie: str, concurrency: int) -> Load:
    latencies: list[float] = []
    errors: dict[int, int] = {}

    async def client(stop_at: float, record: bool) -> None:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status, _ = await _one(port, path, cookie)
            if not record:
                continue
            if status != 200:
                errors[status] = errors.get(status, 0) + 1
            latencies.append((time.perf_counter() - started) * 1000)

    warm_until = time.perf_counter() + WARM_SECONDS
    await asyncio.gather(*(client(warm_until, False) for _ in range(concurrency)))
    began = time.perf_counter()
    await asyncio.gather(*(client(began + SECONDS, True) for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return Load(
        per_second=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        errors=errors,
    )


def measure(server: Server, path: str, cookie: str, concurrency: int) -> Load:
    return asyncio.run(_closed_loop(server.port, path, cookie, concurrency))
