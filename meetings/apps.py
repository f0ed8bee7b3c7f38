from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common import registry


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        registry.dashboard_blocks.add("meetings.dashboard.my_organisation_meetings", order=20)
        # What each role sees first (before the organisation's blocks): statements' rounds
        # asked (1), then a principal's invitations, a chair's meetings to prepare (2).
        registry.dashboard_blocks.add("meetings.dashboard.principal_invitations", order=2)
        registry.dashboard_blocks.add("meetings.dashboard.meetings_to_prepare", order=2)
        registry.dashboard_blocks.add("meetings.dashboard.meetings_for_observers", order=3)
        registry.dashboard_blocks.add("meetings.dashboard.rsvps_missing_by_meeting", order=4)
        for section in ("MEETINGS_SOON", "RSVPS", "MINUTES", "ACTION_ITEMS"):
            registry.digest_sections.add(f"meetings.digest.{section}")
        registry.demo_loaders.add("meetings.demo.load_meetings", order=30)
        registry.backlinks.add("meetings.selectors.work_item_origins")
        registry.backlinks.add("meetings.selectors.statement_agenda_items")
        registry.term_sections.add("meetings.chair_terms.endorsements")
        registry.handover_sources.add("meetings.handover.meetings_to_hand_over")
        registry.ownership_sources.add("meetings.ownership.ACTION_ITEMS")
        registry.event_handlers.add("meetings.notify.meeting_event")
        registry.event_handlers.add("meetings.notify.series_event")
        registry.event_handlers.add("meetings.notify.rsvp_reminded")
        # Minutes approved by the members (their answers, the chair's replies).
        registry.event_handlers.add("meetings.notify.minutes_circulated")
        registry.event_handlers.add("meetings.notify.minutes_replied")
        registry.email_kinds.add("meetings.notify.MINUTES_CIRCULATED")
        registry.email_kinds.add("meetings.notify.MINUTES_REPLY")
        registry.dashboard_blocks.add("meetings.dashboard.minutes_to_answer", order=21)
        registry.demo_loaders.add("meetings.minutes_demo.load_minutes_answers", order=33)
        # Before the minutes' loader, which records who attended the meetings held.
        registry.demo_loaders.add("meetings.series_demo.load_series", order=32)
        for kind in (
            "MEETING_INVITATION",
            "AGENDA",
            "MEETING_CHANGED",
            "MEETING_CANCELLED",
            "RSVP_REMINDER",
        ):
            registry.email_kinds.add(f"meetings.notify.{kind}")
        registry.search_sources.add("meetings.search.meetings")
        registry.report_sections.add("meetings.report.attendance")
