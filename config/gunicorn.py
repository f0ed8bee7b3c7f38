"""gunicorn's settings beside the command line's (`gunicorn -c config/gunicorn.py ...`): the
Dockerfile, docker-compose.yml and `make bench` all start it so.

The garbage collector. A request of a list page makes tens of thousands of short-lived objects;
with Python's default thresholds (700, 10, 10) that sets off a full collection every few
requests, and a full collection walks every object of the worker (Django, the app, its caches):
tens of milliseconds, paid by whichever request set it off. Measured with `make bench`'s load
client on the item list at two requests in flight: p99 98 to 114 ms against a p50 of 31 to 34
ms; with the collector off, p99 47 ms. So each worker, once forked, moves what it loaded at
start out of the collector's sight (gc.freeze: it is never garbage) and collects the young
objects less often. Reference cycles are still collected, later; memory stays flat under load.
"""

from __future__ import annotations

import gc
from typing import Any

# Young objects allocated before a collection of the youngest generation (default 700), and how
# many of those before the next generation is collected (defaults 10 and 10).
GC_THRESHOLDS = (50_000, 20, 100)


def post_fork(server: Any, worker: Any) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
