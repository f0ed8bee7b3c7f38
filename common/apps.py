from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common import registry


class CommonConfig(AppConfig):
    """The shared kernel: no models, only what every app uses (and its templates and tags)."""

    name = "common"
    verbose_name = _("Shared kernel")

    def ready(self) -> None:
        from common import checks  # noqa: F401 - importing it registers the system check

        registry.status_checks.add("common.cache.cache_status", order=10)
