from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import template
from django.db.models import Model
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

from common.editing import ONCE_FIELD

register = template.Library()


@register.filter
def join_names(values: Iterable[object], separator: str = ", ") -> str:
    """Objects joined by their names: `join` gives up on objects that are not strings when
    autoescaping is off (the subjects and plain-text bodies of emails)."""
    return separator.join(str(value) for value in values)


# The choices of each field as a dict, built once per process: Django's get_FOO_display builds
# it again at each call, a visible part of a page that shows a label on each of its rows.
_CHOICES: dict[tuple[str, str], dict[Any, Any]] = {}


@register.filter
def label(instance: Model, field_name: str) -> Any:
    """`{{ item|label:"status" }}`: what `item.get_status_display` gives (the value itself when
    it is not one of the choices), in the reader's language."""
    meta = getattr(instance, "_meta", None)
    if meta is None:  # not a model (an anonymous user): as Django would, or nothing
        display = getattr(instance, f"get_{field_name}_display", None)
        return display() if callable(display) else getattr(instance, field_name, "")
    # Keyed by the model, not type(instance): request.user is a lazy object wrapping a person.
    key = (meta.label, field_name)
    choices = _CHOICES.get(key)
    if choices is None:
        field = meta.get_field(field_name)
        choices = _CHOICES[key] = dict(field.flatchoices)
    value = getattr(instance, field_name)
    return choices.get(value, value)


@register.simple_tag
def once_token() -> SafeString:
    """The hidden one-time token of a creating form (common.editing.once): rendered anew with
    each page, so a double click or a second submission of the same page creates once."""
    return format_html('<input type="hidden" name="{}" value="{}">', ONCE_FIELD, uuid.uuid4())


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    """The current address with another page number, every filter kept (lists included)."""
    query: QueryDict = context["request"].GET.copy()
    query["page"] = str(number)
    return "?" + query.urlencode()
