"""What the system status page shows of the background work (common.registry.status_checks).

Each check is quick and answers even when what it checks is down: it never raises.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.registry import Status
from notifications import outbox
from notifications.models import Delivery, Heartbeat

# Beyond this, a process that should beat every minute is taken for stopped.
SILENT_AFTER = timedelta(minutes=5)


def beat(name: str) -> None:
    """Record that `name` is alive now (one UPDATE, or one INSERT the first time)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def _last(name: str) -> datetime | None:
    return Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()


def _when(moment: datetime | None) -> str:
    if moment is None:
        return _("never")
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def broker() -> Status:
    try:
        with current_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=1)
    except Exception as error:  # any failure to connect is the answer
        return Status(
            _("Message broker"),
            False,
            str(error)[:200],
            _(
                "Emails and events wait in the database and go out once the broker is back. "
                "Start the broker (Redis) or check CELERY_BROKER_URL."
            ),
        )
    return Status(_("Message broker"), True, _("reachable"), "")


def _alive(name: str, label: str, advice: str) -> Status:
    last = _last(name)
    ok = last is not None and timezone.now() - last < SILENT_AFTER
    return Status(label, ok, _("last seen %(when)s") % {"when": _when(last)}, "" if ok else advice)


def worker() -> Status:
    return _alive(
        "worker",
        _("Celery worker"),
        _(
            "No worker has run a task for five minutes: nothing is being sent. Start a worker "
            "(the worker service of docker-compose.yml) and look at its log."
        ),
    )


def beat_tick() -> Status:
    return _alive(
        "beat",
        _("Celery beat"),
        _(
            "The beat has not ticked for five minutes: digests, retries and the relay of waiting "
            "events stop. Start exactly one beat (the beat service of docker-compose.yml)."
        ),
    )


def events() -> Status:
    waiting, oldest = outbox.backlog()
    late = oldest is not None and timezone.now() - oldest.created_at > SILENT_AFTER
    if oldest is None:
        detail = _("nothing waiting")
    else:
        detail = _("%(count)s waiting; the oldest since %(when)s") % {
            "count": waiting,
            "when": _when(oldest.created_at),
        }
    advice = _(
        "Events are not being processed: check the worker and the broker above. Nothing is "
        "lost: they are processed once both are running."
    )
    return Status(_("Outbox"), not late, detail, advice if late else "")


def deliveries() -> Status:
    failed = Delivery.objects.filter(status=Delivery.Status.FAILED).count()
    return Status(
        _("Emails"),
        failed == 0,
        _("%(count)s failed for good") % {"count": failed},
        _(
            "Open Emails to read each error and send them again once the mail server "
            "(EMAIL_URL) answers."
        )
        if failed
        else "",
    )


def digests() -> Status:
    last = _last("digests")
    allowed = timedelta(seconds=3 * settings.DIGEST_CHECK_SECONDS)
    started = _last("beat_started")
    if last is None and (started is None or timezone.now() - started < allowed):
        # A site just started: the beat's first look comes after DIGEST_CHECK_SECONDS (and a
        # beat that never ticks is the beat's own red line above).
        return Status(
            _("Digest run"),
            True,
            _("not run yet: the beat looks every %(minutes)s minutes")
            % {"minutes": max(1, settings.DIGEST_CHECK_SECONDS // 60)},
            "",
        )
    # The beat asks for due digests every DIGEST_CHECK_SECONDS; allow for two missed runs.
    ok = last is not None and timezone.now() - last < allowed
    return Status(
        _("Digest run"),
        ok,
        _("last run %(when)s") % {"when": _when(last)},
        "" if ok else _("Digests are not being looked at: check the beat and the worker above."),
    )
