from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Work plans")

    def ready(self) -> None:
        from workplans import dashboard, demo  # noqa: F401 - register the dashboard panel and demo data
