from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common import registry


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        registry.dashboard_blocks.add("meetings.dashboard.my_organisation_meetings", order=20)
        for section in ("MEETINGS_SOON", "RSVPS", "MINUTES", "ACTION_ITEMS"):
            registry.digest_sections.add(f"meetings.digest.{section}")
        registry.demo_loaders.add("meetings.demo.load_meetings", order=30)
        registry.backlinks.add("meetings.selectors.work_item_origins")
        registry.backlinks.add("meetings.selectors.statement_agenda_items")
        registry.term_sections.add("meetings.chair_terms.endorsements")
        registry.handover_sources.add("meetings.handover.meetings_to_hand_over")
        registry.event_handlers.add("meetings.notify.meeting_event")
        for kind in ("MEETING_INVITATION", "AGENDA", "MEETING_CHANGED", "MEETING_CANCELLED"):
            registry.email_kinds.add(f"meetings.notify.{kind}")
