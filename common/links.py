"""An object's address without a reverse() per object.

A list page links each of its rows (a person, a work item, a meeting): reverse() resolves the
pattern anew each time, a visible part of rendering a few hundred rows. The address of an
object named by its id differs from another's only by that id, so the pattern is reversed once
(per URL configuration and script prefix, both part of the key) with a marker id, and each
address is the marker replaced by the id.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Nineteen digits, as no real id has yet: it cannot appear in the rest of the path.
_MARKER = "9182736450918273645"


@lru_cache(maxsize=256)
def _around_id(name: str, prefix: str, urlconf: str) -> tuple[str, str]:
    address = reverse(name, kwargs={"pk": int(_MARKER)}, urlconf=urlconf)
    before, found, after = address.partition(_MARKER)
    if not found:  # pragma: no cover - a pattern that does not write its id as given
        raise ValueError(f"{name} does not write its id as given")
    return before, after


def url_with_id(name: str, pk: int) -> str:
    """reverse(name, kwargs={"pk": pk}), for a URL pattern whose only argument is an id."""
    before, after = _around_id(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{before}{pk}{after}"
