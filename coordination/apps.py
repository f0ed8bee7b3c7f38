from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common import registry


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from coordination import checks  # noqa: F401 - importing it registers the system checks

        # The group first: every other app's demonstration refers to its organisations and people.
        registry.demo_loaders.add("coordination.demo.load_demo_group", order=0)
        registry.delivery_log_readers.add("coordination.permissions.is_secretariat")
        registry.preference_defaults.add("coordination.notify.preference_defaults")
        registry.email_kinds.add("coordination.notify.INVITATION")
        registry.event_handlers.add("coordination.notify.invitation_email")
        # The kernel's own line of the status page comes first (common.status).
        registry.status_checks.add("common.status.database", order=0)
        registry.send_hooks.add("coordination.send_hooks.INVITATION_LINK_HOOK")
