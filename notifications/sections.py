"""The digest is made of sections that the other apps contribute.

An app that has deadlines to remind people of adds a module `digest.py` with a list
`DIGEST_SECTIONS`. Each section is an object with:

- `kind`: one of notifications.models.REMINDER_KINDS (people choose the kinds they want);
- `title`: the heading in the email;
- `collect(people, now)`: for a batch of people, a dict {person id: [line, ...]} where a line is
  a dict with "title", "url" (a path in the site) and "detail". It must run a fixed number of
  queries for the whole batch, however many people are in it.

No section imports this app, and this module imports none of them by name: it finds them.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any, Protocol

from django.apps import apps


class DigestSection(Protocol):
    kind: str
    title: Any

    def collect(self, people: list[Any], now: Any) -> dict[int, list[dict[str, Any]]]: ...


@cache
def digest_sections() -> tuple[DigestSection, ...]:
    sections: list[DigestSection] = []
    for app in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app.name}.digest")
        except ModuleNotFoundError as error:
            if error.name != f"{app.name}.digest":
                raise
            continue
        sections.extend(getattr(module, "DIGEST_SECTIONS", []))
    return tuple(sections)
