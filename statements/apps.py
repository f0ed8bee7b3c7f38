from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    """Joint statements, their versions, comments and endorsement rounds (the statements issue
    fills this app; its place in the layout and its allowed imports are set already)."""

    name = "statements"
    verbose_name = _("Joint statements")
