"""Who the audit history names for a change made by a service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from auditlog.context import auditlog_value, set_extra_data

if TYPE_CHECKING:
    from coordination.models import Person


@contextmanager
def acting_as(actor: Person | None, **additional_data: Any) -> Iterator[None]:
    """Record `actor` (and any `additional_data`) on every audit row written inside the block.

    A web request already carries an actor (auditlog's middleware); services also run from
    Celery tasks and commands, where nothing does, so each one says who acts. auditlog's own
    context manager does not restore an outer context when it ends; this one does, keeping the
    request's remote address.
    """
    previous = auditlog_value.get(None)
    remote_addr = previous.get("remote_addr") if previous else None
    context: dict[str, Any] = {"actor": actor, "remote_addr": remote_addr}
    if additional_data:
        context["additional_data"] = additional_data
    with set_extra_data(context):
        yield
    if previous is not None:
        auditlog_value.set(previous)
