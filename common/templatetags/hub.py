from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import template
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
