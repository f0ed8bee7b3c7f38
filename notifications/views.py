"""Notification preferences, the in-app list, one-click unsubscribe and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coordination.models import Person
from coordination.permissions import is_secretariat
from coordination.views import AuthenticatedRequest
from notifications import digests
from notifications.delivery import send_again
from notifications.forms import PreferenceForm
from notifications.models import Delivery, Notification, Preference
from notifications.unsubscribe import read_token


def preferences(request: AuthenticatedRequest) -> HttpResponse:
    preference = digests.preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        digests.preference_update(
            person=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("Your preferences were saved."))
        return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"form": form, "preference": preference}
    )


def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    notifications = Notification.objects.filter(person=request.user)
    if request.method == "POST":
        notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications:list")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def notification_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, person=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    return redirect(notification.url)


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST here with no form of ours; the signed token is the proof
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person_id, scope = read_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    preference = digests.preference_for(person)
    if request.method == "POST":
        # A one-click POST from a mail client (List-Unsubscribe=One-Click) carries no choice: stop.
        choice = request.POST.get("choice", Preference.Frequency.NEVER)
        if scope == "immediate":
            digests.preference_update(person=person, immediate=False)
            done = _(
                "You will no longer receive emails about meetings and assignments as they happen."
            )
        elif choice == Preference.Frequency.WEEKLY:
            digests.preference_update(person=person, frequency=Preference.Frequency.WEEKLY)
            done = _("You will now receive one digest a week, on %(day)s.") % {
                "day": preference.get_weekday_display()
            }
        else:
            digests.preference_update(person=person, frequency=Preference.Frequency.NEVER)
            done = _("You will no longer receive digests.")
        return render(request, "notifications/unsubscribed.html", {"done": done})
    return render(
        request,
        "notifications/unsubscribe.html",
        {"person": person, "scope": scope, "preference": preference},
    )


def delivery_log(request: AuthenticatedRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "failed")
    deliveries = Delivery.objects.select_related("person").order_by("-created_at")
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries.defer("text", "html", "ics"), 50).get_page(request.GET.get("page"))
    counts = {
        row: Delivery.objects.filter(status=row).count()
        for row in (Delivery.Status.FAILED, Delivery.Status.RETRY)
    }
    return render(
        request,
        "notifications/deliveries.html",
        {"page": page, "status": status, "statuses": Delivery.Status.choices, "counts": counts},
    )


@require_POST
def delivery_send_again(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not is_secretariat(request.user):
        raise PermissionDenied
    delivery = get_object_or_404(Delivery, pk=pk)
    if delivery.status != Delivery.Status.FAILED:
        messages.error(request, _("Only a failed email can be sent again."))
    else:
        send_again(delivery)
        from notifications.services import _queue_sending

        _queue_sending([delivery.pk])
        messages.success(request, _("The email to %(to)s is queued again.") % {"to": delivery.to})
    return redirect("notifications:deliveries")
