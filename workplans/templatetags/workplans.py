from __future__ import annotations

from django import template

register = template.Library()

STATUS_BADGES = {
    "not_started": "badge",
    "on_track": "badge badge-ok",
    "at_risk": "badge badge-warn",
    "off_track": "badge badge-bad",
    "done": "badge badge-brand",
    "cancelled": "badge badge-muted",
    "dropped": "badge badge-muted",  # a pledge's
}


@register.filter
def status_badge(status: str) -> str:
    """The badge classes of a work item or pledge status (colour is never the only signal: the label is
    always written out)."""
    return STATUS_BADGES.get(status, "badge")


@register.filter
def percent_of(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
