"""Choices that many pages offer and few changes touch, read once and kept in the cache.

A filter form's drop-downs (organisations, plans, owners) are the same for every reader and
change rarely, yet building them is a query each and rendering them from model instances is much
of a list page's time. `CachedChoices` keeps each list as (value, label) pairs in the default
cache (shared by every process: Redis, or the database's cache table in the embedded mode), per
language, and forgets it when a row of the models it reads is saved or deleted.

Forgetting is by generation: a change writes a new generation token, and a list cached under an
older token is rebuilt when next read. The token is written once the change's transaction
commits; written before, a page could read the new token, build the list from the data as it
was before the commit and keep it as new. A change that sends no signal (`QuerySet.update`,
`bulk_create`) is seen within `TIMEOUT` at most.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

Choices = list[tuple[str, str]]

TIMEOUT = 10 * 60


class CachedChoices:
    """`build` returns the (value, label) pairs in the current language; the list is rebuilt
    after any row of `models` is saved or deleted. Calling the object returns the list, so it
    can be given as a form field's `choices`, which Django calls at each form."""

    def __init__(
        self,
        name: str,
        *,
        build: Callable[[], Iterable[tuple[Any, Any]]],
        models: Sequence[type[models.Model]],
    ) -> None:
        self.name = name
        self.build = build
        self.generation_key = f"choices:{name}:generation"
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self._changed, sender=model, weak=False, dispatch_uid=f"choices:{name}"
                )

    def _changed(self, **kwargs: Any) -> None:
        transaction.on_commit(self.forget)

    def forget(self) -> None:
        cache.set(self.generation_key, uuid.uuid4().hex, None)

    def __call__(self) -> Choices:
        key = f"choices:{self.name}:{get_language()}"
        found = cache.get_many([self.generation_key, key])
        generation = found.get(self.generation_key)
        if generation is None:
            # First read since the cache was emptied: start a generation (or take the one
            # another process started at the same moment).
            cache.add(self.generation_key, uuid.uuid4().hex, None)
            generation = cache.get(self.generation_key)
        cached = found.get(key)
        if cached is not None and cached[0] == generation:
            return cast(Choices, cached[1])
        choices = [(str(value), str(label)) for value, label in self.build()]
        cache.set(key, (generation, choices), TIMEOUT)
        return choices
