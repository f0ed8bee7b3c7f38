"""How a paragraph's text reaches a page: `{% load statement_text %}`."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from statements import markup
from statements.models import Paragraph
from statements.text_forms import MARKUP_HELP
from statements.text_forms import editable as editable_text

register = template.Library()


@register.filter
def paragraph_html(text: str) -> SafeString:
    """The stored text with its light markup (emphasis, strong emphasis, links), cleaned again
    on the way out: text written to the database by any other way is not trusted."""
    return markup.as_html(text)


@register.filter
def editable(text: str) -> str:
    """The stored text as a text box shows it (statements.text_forms.editable); the template
    escapes it."""
    return editable_text(text)


@register.simple_tag
def markup_help() -> str:
    """Which markup a paragraph may carry, for a form's help text (escaped: its tags are
    examples)."""
    return str(MARKUP_HELP)


@register.filter
def kind_label(kind: str) -> str:
    """A paragraph kind in words ("heading"), whatever the value stored."""
    try:
        return str(Paragraph.Kind(kind).label).lower()
    except ValueError:
        return kind
