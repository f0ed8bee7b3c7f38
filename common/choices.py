"""What many pages read and few changes touch, read once and kept in the cache.

A filter form's drop-downs (organisations, plans, owners) and the chair terms (from which every
page derives who chairs today) are the same for every reader and change rarely, yet each page
read them anew: a query each, and model instances to build. `Cached` keeps a value in the
default cache (shared by every process: Redis, or the database's cache table in the embedded
mode) and forgets it when a row of the models it reads is saved or deleted, or a many-to-many
link of theirs changes. `CachedChoices` keeps (value, label) pairs, one list per language.

Forgetting is by generation: a change writes a new generation token, and a value cached under an
older token is rebuilt when next read. The token is written when the change is made (so that
the transaction making it reads its own change) and again once it commits: between the two, a
page in another process may rebuild from the data as it was before the commit and keep it under
the first token, which the second then retires. A change that sends no signal
(`QuerySet.update`, `bulk_create`) is seen within `TIMEOUT` at most.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar, cast

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

T = TypeVar("T")
Choices = list[tuple[str, str]]

TIMEOUT = 10 * 60


class Cached(Generic[T]):
    """Calling the object returns the value `build` returns, from the cache while none of
    `models` (nor the many-to-many tables in `links`) has changed. `per_language`: one value per
    active language (for labels)."""

    def __init__(
        self,
        name: str,
        *,
        build: Callable[[], T],
        models: Sequence[type[models.Model]],
        links: Sequence[type[models.Model]] = (),
        per_language: bool = False,
    ) -> None:
        self.name = name
        self.build = build
        self.per_language = per_language
        self.generation_key = f"cached:{name}:generation"
        uid = f"cached:{name}"
        for model in models:
            post_save.connect(self._changed, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(self._changed, sender=model, weak=False, dispatch_uid=uid)
        for link in links:
            m2m_changed.connect(self._changed, sender=link, weak=False, dispatch_uid=uid)

    def _changed(self, **kwargs: Any) -> None:
        self.forget()
        transaction.on_commit(self.forget)

    def forget(self) -> None:
        cache.set(self.generation_key, uuid.uuid4().hex, None)

    def __call__(self) -> T:
        key = f"cached:{self.name}:{get_language() if self.per_language else '-'}"
        found = cache.get_many([self.generation_key, key])
        generation = found.get(self.generation_key)
        if generation is None:
            # First read since the cache was emptied: start a generation (or take the one
            # another process started at the same moment).
            cache.add(self.generation_key, uuid.uuid4().hex, None)
            generation = cache.get(self.generation_key)
        cached = found.get(key)
        if cached is not None and cached[0] == generation:
            return cast(T, cached[1])
        value = self.build()
        cache.set(key, (generation, value), TIMEOUT)
        return value


class CachedChoices(Cached[Choices]):
    """(value, label) pairs in the active language; can be given as a form field's `choices`,
    which Django calls at each form."""

    def __init__(
        self,
        name: str,
        *,
        build: Callable[[], Iterable[tuple[Any, Any]]],
        models: Sequence[type[models.Model]],
    ) -> None:
        super().__init__(
            name,
            build=lambda: [(str(value), str(label)) for value, label in build()],
            models=models,
            per_language=True,
        )
