from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    """Joint statements, their versions, comments and endorsement rounds (the statements issue
    fills this app; its place in the layout and its allowed imports are set already)."""

    name = "statements"
    verbose_name = _("Joint statements")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from common import registry

        for handler in (
            "comment_period_opened",
            "round_opened",
            "round_reminded",
            "round_answer_refused",
            "statement_adopted",
        ):
            registry.event_handlers.add(f"statements.notify.{handler}")
        # The last reminders, 24 hours before a deadline (statements.reminders claims each).
        registry.event_handlers.add("statements.notify.comment_last_call")
        registry.event_handlers.add("statements.notify.comments_reminded")
        registry.event_handlers.add("statements.notify.round_last_call")
        for kind in (
            "COMMENTS_REQUESTED",
            "COMMENTS_LAST_CALL",
            "COMMENTS_REMINDER",
            "ENDORSEMENT_REQUESTED",
            "ENDORSEMENT_REMINDER",
            "ENDORSEMENT_REFUSED",
            "STATEMENT_ADOPTED",
        ):
            registry.email_kinds.add(f"statements.notify.{kind}")
        registry.digest_sections.add("statements.digest.COMMENT_DEADLINES")
        registry.digest_sections.add("statements.digest.ENDORSEMENT_DEADLINES")
        # What a principal's organisation is asked comes before every other block (the chairs'
        # is 5); the drafters' statements after the meetings (20).
        registry.dashboard_blocks.add("statements.dashboard.asked_of_my_organisation", order=1)
        registry.dashboard_blocks.add("statements.dashboard.my_statements", order=25)
        registry.search_sources.add("statements.search.statements")
        registry.handover_sources.add("statements.handover.statements_in_progress")
        registry.ownership_sources.add("statements.ownership.STATEMENTS_DRAFTED")
        # After the group (0), whose organisations and people the statements name, and after the
        # meetings (30) and the handover the demonstration opens (40).
        registry.demo_loaders.add("statements.demo.load_statements", order=50)

        from statements.models import Comment, NoComments, Paragraph, Statement, Version

        # Every change is in the audit history. A statement's `version` only counts saves.
        auditlog.register(
            Statement,
            exclude_fields=["version", "comment_last_call_for"],
            m2m_fields={"lead_organisations", "drafters", "endorsing_organisations"},
        )
        auditlog.register(Version)
        # Paragraphs are written with bulk_create (no row each: their version's row stands for
        # them); registered so that a change made anywhere else is still recorded.
        auditlog.register(Paragraph)
        auditlog.register(Comment)
        auditlog.register(NoComments)
