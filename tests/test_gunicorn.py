"""config/gunicorn.py: each worker, once forked, freezes what it loaded and collects less often
(the docstring there says why, with the figures)."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from config import gunicorn

ROOT = Path(__file__).resolve().parent.parent


def test_a_forked_worker_freezes_its_objects_and_raises_the_thresholds():
    before = gc.get_threshold()
    try:
        gunicorn.post_fork(server=None, worker=None)
        assert gc.get_threshold() == gunicorn.GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_gunicorn_reads_the_file_the_dockerfile_and_compose_name():
    for path in ("Dockerfile", "docker-compose.yml", "bench/load.py"):
        assert "config/gunicorn.py" in (ROOT / path).read_text(), path
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "config/gunicorn.py",
            "--check-config",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
