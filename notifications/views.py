"""Notification preferences, the in-app list, one-click unsubscribe and the delivery log."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common.editing import apply_errors
from common.http import AuthenticatedRequest
from common.people import Recipient
from common.permissions import require
from notifications import permissions, selectors, services
from notifications.forms import PreferenceForm
from notifications.models import Delivery, Notification, Preference
from notifications.tasks import queue_sending
from notifications.unsubscribe import read_token

Request = AuthenticatedRequest[AbstractBaseUser]


def reader(request: Request) -> Recipient:
    """The logged-in person, as notifications reads people: through the user model setting and
    common.people.Recipient, never an app's model by name."""
    return cast(Recipient, request.user)


def preferences(request: Request) -> HttpResponse:
    preference = services.preference_for(reader(request))
    form = PreferenceForm(
        request.POST or None,
        instance=preference,
        initial={"kinds": sorted(services.wanted_kinds(preference, reader(request).role))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_update(
                person=reader(request),
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            # The service checks the whole row (full_clean); what the form could not see is
            # still said on the form, never a 500.
            apply_errors(form, error)
        else:
            messages.success(request, _("Your preferences were saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        # The profile belongs to the app that owns people; config names its page.
        {"form": form, "preference": preference, "profile_url": reverse(settings.PROFILE_URL_NAME)},
    )


def notification_list(request: Request) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(person=reader(request))
        return redirect("notifications:list")
    page = Paginator(selectors.notifications_of(reader(request)), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


def notification_open(request: Request, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, person_id=reader(request).pk)
    return redirect(services.notification_open(notification=notification).url)


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST here with no form of ours; the signed token is the proof
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person_id, scope = read_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    person = get_user_model()._default_manager.filter(pk=person_id, is_active=True).first()
    if person is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    preference = services.preference_for(person)
    if request.method == "POST":
        # A one-click POST from a mail client (List-Unsubscribe=One-Click) carries no choice: stop.
        choice = request.POST.get("choice", Preference.Frequency.NEVER)
        if scope == "immediate":
            services.preference_update(person=person, immediate=False)
            done = _(
                "You will no longer receive emails about meetings and assignments as they happen."
            )
        elif choice == Preference.Frequency.WEEKLY:
            services.preference_update(person=person, frequency=Preference.Frequency.WEEKLY)
            done = _("You will now receive one digest a week, on %(day)s.") % {
                "day": preference.get_weekday_display()
            }
        else:
            services.preference_update(person=person, frequency=Preference.Frequency.NEVER)
            done = _("You will no longer receive digests.")
        return render(request, "notifications/unsubscribed.html", {"done": done})
    return render(
        request,
        "notifications/unsubscribe.html",
        {"person": person, "scope": scope, "preference": preference},
    )


def delivery_log(request: Request) -> HttpResponse:
    require(permissions.can_read_delivery_log(request.user))
    status = request.GET.get("status", "failed")
    page = Paginator(selectors.delivery_log(status=status), 50).get_page(request.GET.get("page"))
    counts = selectors.deliveries_needing_attention()
    return render(
        request,
        "notifications/deliveries.html",
        {"page": page, "status": status, "statuses": Delivery.Status.choices, "counts": counts},
    )


@require_POST
def delivery_send_again(request: Request, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk)
    require(permissions.can_read_delivery_log(request.user))
    if not services.delivery_send_again(delivery=delivery, actor=request.user):
        messages.error(request, _("Only a failed email can be sent again."))
    else:
        queue_sending([delivery.pk])
        messages.success(request, _("The email to %(to)s is queued again.") % {"to": delivery.to})
    return redirect("notifications:deliveries")
