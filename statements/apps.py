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
