"""Helpers for the digest sections apps contribute (common.registry.DigestSection)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from common.people import Recipient

L = TypeVar("L")


def organisations_of(people: Sequence[Recipient]) -> set[int]:
    """The organisations a batch of readers belong to."""
    return {p.organisation_id for p in people if p.organisation_id is not None}


def lines_for_people(
    people: Sequence[Recipient], by_organisation: Mapping[int, list[L]]
) -> dict[int, list[L]]:
    """Each reader gets their organisation's lines (and is left out when there are none)."""
    return {
        p.pk: by_organisation[p.organisation_id]
        for p in people
        if p.organisation_id is not None and by_organisation.get(p.organisation_id)
    }
