"""The production settings, with the benchmark's yardsticks mounted (bench/urls.py): what
gunicorn serves in `make bench`'s throughput runs."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
