"""Who the audit history names for a change made by a service."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from auditlog.context import auditlog_value, set_extra_data
from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from typing import TypeAlias

    from django.contrib.auth.models import AbstractBaseUser

    # A model field of any value type (Field is generic over what it sets and what it reads).
    AnyField: TypeAlias = Field[Any, Any]


@contextmanager
def acting_as(actor: AbstractBaseUser | None, **additional_data: Any) -> Iterator[None]:
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


def describe_changes(entries: Iterable[LogEntry]) -> None:
    """Set `entry.rows` to (field, before, after) for each change, for people to read.

    auditlog's own display looks up every foreign key one row at a time; here the values of a
    whole page are looked up with one query per related model. Many-to-many changes read as
    "added ICMPD, UNODC".
    """
    verbs = {"add": _("added"), "delete": _("removed"), "clear": _("cleared")}
    wanted: dict[type[Model], set[str]] = defaultdict(set)
    described = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for name, change in (entry.changes or {}).items():
            field = _field(model, name)
            changes.append((name, field, change))
            if field is not None and field.many_to_one and isinstance(change, list):
                wanted[_related(field)].update(v for v in change if v not in (None, "None"))
        described.append((entry, changes))
    names = {
        model: {str(obj.pk): str(obj) for obj in model._default_manager.filter(pk__in=pks)}
        for model, pks in wanted.items()
    }

    def show(field: AnyField | None, value: Any) -> str:
        if value in (None, "None", ""):
            return ""
        if field is not None and field.many_to_one:
            return names[_related(field)].get(str(value), str(value))
        if field is not None and field.choices:
            # A field whose choices are an iterable of its own (django-countries') has no
            # flatchoices; a multiple choice is stored as "FR, DE".
            labels = dict(field.flatchoices or list(field.choices))
            if isinstance(value, str) and "," in value and value not in labels:
                parts = [part.strip() for part in value.split(",")]
                return ", ".join(str(labels.get(part, part)) for part in parts)
            return str(labels.get(value, value))
        return str(value)

    for entry, changes in described:
        rows = []
        for name, field, change in changes:
            label = str(field.verbose_name) if field is not None else name
            if isinstance(change, dict):  # auditlog's shape for many-to-many fields
                objects = ", ".join(map(str, change.get("objects", [])))
                rows.append(
                    (label, "", f"{verbs.get(str(change.get('operation')), '')} {objects}".strip())
                )
            else:
                rows.append((label, show(field, change[0]), show(field, change[1])))
        entry.rows = rows


def _related(field: AnyField) -> type[Model]:
    related = field.related_model
    # Django resolves "self" to the model when the app registry is ready; a foreign key has one.
    assert isinstance(related, type) and issubclass(related, Model)  # noqa: S101
    return related


def _field(model: type[Model] | None, name: str) -> AnyField | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, Field) else None
