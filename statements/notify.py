"""Whom statements tell of what, through notifications' contract.

Each handler runs in a worker after the commit of the change it announces (services record the
event with `contract.record(handler, **ids)`); it reads the objects as they are then.
"""

from __future__ import annotations


def comment_period_opened(*, statement_id: int, deadline: str) -> int:
    """A comment period opened (or its deadline moved): a service message to every current
    member organisation's focal points and principals."""
    raise NotImplementedError  # filled in by the notifications work of issue 12


def round_opened(*, round_id: int) -> int:
    """An endorsement round opened: a service message to the focal points, principals and acting
    principals of every addressed organisation."""
    raise NotImplementedError


def round_reminded(*, round_id: int, reminder: str) -> int:
    """A drafter reminded the organisations that have not answered (service message)."""
    raise NotImplementedError


def round_answer_refused(*, endorsement_id: int) -> int:
    """An organisation objected (silence broken) or declined: the drafters and the secretariat
    are told at once."""
    raise NotImplementedError


def statement_adopted(*, statement_id: int) -> int:
    """A statement was adopted: everyone is told."""
    raise NotImplementedError
