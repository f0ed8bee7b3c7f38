from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    """The member profiles of the mapping resource (the mapping issue fills this app; its place
    in the layout and its allowed imports are set already)."""

    name = "mapping"
    verbose_name = _("Mapping resource")
