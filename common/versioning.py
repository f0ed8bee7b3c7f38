"""Optimistic concurrency: a save succeeds only if nobody saved the object since it was read.

Every versioned model has a `version` integer. A form carries the version it was opened at; the
service passes it here. No lock is held while someone edits.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


class ConflictError(Exception):
    """Someone else saved the object since the form was opened; nothing was written."""

    def __init__(self, current: models.Model) -> None:
        super().__init__(_("Someone else changed this since you opened it."))
        self.current = current


def save_versioned(instance: M, *, expected_version: int, changes: dict[str, Any]) -> M:
    """Apply `changes` (concrete fields only) if the stored version is still `expected_version`.

    The conditional UPDATE is the check: when two people save at once, exactly one of them
    moves the version on and the other gets a ConflictError instead of overwriting. Call it
    inside a transaction, so that a later failure rolls the version back too.
    """
    model = instance._meta.model  # not type(): request.user is a lazy wrapper
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.full_clean()
    claimed = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise ConflictError(model._default_manager.get(pk=instance.pk))
    instance.version = expected_version + 1  # type: ignore[attr-defined]
    instance.save(update_fields=[*changes, "version"])
    return instance


def bump_version(instance: models.Model) -> None:
    """Move the version on after a change made outside save_versioned (a progress update)."""
    model = instance._meta.model
    model._default_manager.filter(pk=instance.pk).update(version=F("version") + 1)
    instance.version = model._default_manager.values_list("version", flat=True).get(pk=instance.pk)  # type: ignore[attr-defined]


def reject_unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """A caller naming a field the service does not let it set is a programming error."""
    unknown = set(fields).difference(allowed)
    if unknown:
        raise TypeError(f"Fields this service does not set: {sorted(unknown)}")
