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
        for handler in ("term_recorded", "handover_reminder", "new_chairs"):
            registry.event_handlers.add(f"coordination.notify.{handler}")
        for kind in ("TERM_RECORDED", "HANDOVER_REMINDER", "NEW_CHAIRS"):
            registry.email_kinds.add(f"coordination.notify.{kind}")
        # Who chairs now and next comes before the apps' own blocks.
        registry.dashboard_blocks.add("coordination.dashboard.chairs", order=5)
        registry.dashboard_blocks.add(
            "coordination.dashboard_roles.published_for_observers", order=2
        )
        registry.dashboard_blocks.add(
            "coordination.dashboard_roles.organisations_without_focal_point", order=4
        )
        registry.dashboard_blocks.add("coordination.dashboard.left_without_owner", order=6)
        registry.ownership_sources.add("coordination.ownership.HANDOVER_TASKS")
        # The kernel's own line of the status page comes first (common.status).
        registry.status_checks.add("common.status.database", order=0)
        registry.send_hooks.add("coordination.send_hooks.INVITATION_LINK_HOOK")
        registry.handover_sources.add("coordination.handovers.contacts")
        registry.digest_sections.add("coordination.digest.HANDOVER_TASKS")
        # After the work plan (20) and the meetings (30): the handover lists their objects.
        registry.demo_loaders.add("coordination.demo_handover.load_handover", order=40)
        registry.search_sources.add("coordination.search.members")
        for handler in ("announcement_sent", "inputs_reminded"):
            registry.event_handlers.add(f"coordination.notify.{handler}")
        for kind in ("ANNOUNCEMENT", "CALL_FOR_INPUTS", "INPUTS_REMINDER"):
            registry.email_kinds.add(f"coordination.notify.{kind}")
        registry.dashboard_blocks.add("coordination.announcement_dashboard.calls_awaiting", order=7)
        # After the group (0): it writes to the demonstration's organisations.
        registry.demo_loaders.add("coordination.announcement_demo.load_call", order=45)
