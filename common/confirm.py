"""The confirmation page every app uses before what cannot be undone.

A button posts to its view as usual; the view asks `confirmed(request)` and, until the person has
confirmed, answers with `confirmation(...)`: a page that says what will happen and posts the same
fields back with the confirmation. Without JavaScript, and the view still checks permission
first, so the page is never shown to someone who may not act.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

CONFIRM_FIELD = "confirmed"


def confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation(
    request: HttpRequest,
    *,
    title: str | Promise,
    consequences: Sequence[str | Promise],
    action_label: str | Promise,
    cancel_url: str,
    fields: Mapping[str, str] | None = None,
    undoable: bool = False,
) -> HttpResponse:
    """The page asking "are you sure?", which posts back to the same address with the
    confirmation and `fields` (what the first form carried, the one-time token included: the
    confirmed post is the one the token guards against a double click)."""
    carried = dict(fields if fields is not None else request.POST.items())
    carried.pop("csrfmiddlewaretoken", None)
    carried.pop(CONFIRM_FIELD, None)
    return render(
        request,
        "common/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "action_label": action_label,
            "cancel_url": cancel_url,
            "fields": carried,
            "confirm_field": CONFIRM_FIELD,
            # Most confirmed actions cannot be taken back; an email sent cannot be either, but
            # the change itself (a publication, a new time) can be changed again.
            "undoable": undoable,
        },
    )
