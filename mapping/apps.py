from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    """The member profiles of the mapping resource: revisions reviewed by the secretariat,
    taxonomies kept as data, the public overview, charts and exports."""

    name = "mapping"
    verbose_name = _("Mapping resource")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from mapping.models import Initiative, Partnership, Profile, Revision, Term

        # Every change is in the audit history; `version` only counts saves.
        auditlog.register(Term, exclude_fields=["version"])
        auditlog.register(Profile)
        auditlog.register(
            Revision,
            exclude_fields=["version"],
            m2m_fields={"regions", "forms", "interventions", "priority_areas"},
        )
        auditlog.register(Initiative, m2m_fields={"regions", "forms", "interventions"})
        auditlog.register(Partnership)
