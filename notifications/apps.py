from __future__ import annotations

from celery.signals import beat_init, before_task_publish
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common import registry


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Last in the digest: what happened, for those not emailed at once (notifications.news).
        registry.digest_sections.add("notifications.news.NEWS", order=900)
        # Only for those the delivery log readers rule lets in (the block asks it).
        registry.dashboard_blocks.add("notifications.dashboard.failed_deliveries", order=4)
        for check in ("broker", "worker", "beat_tick", "events", "deliveries", "digests"):
            registry.status_checks.add(f"notifications.status.{check}", order=20)
        # The beat records its tick from its own process, so that a stopped worker does not
        # hide a running beat (and the other way round).
        beat_init.connect(_beat_started, weak=False)
        before_task_publish.connect(_beat_ticked, weak=False)


_in_beat = False


def _beat_started(**kwargs: object) -> None:
    global _in_beat  # set once, in the beat's own process
    _in_beat = True
    # Imported here: models cannot be imported while the app registry loads.
    from notifications.status import beat

    # When the beat started: until it has had time for a first digest run, none is expected.
    beat("beat_started")


def _beat_ticked(**kwargs: object) -> None:
    if _in_beat:
        # Imported here: models cannot be imported while the app registry loads.
        from notifications.status import beat

        beat("beat")
