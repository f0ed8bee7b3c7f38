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

        from common import registry

        # Submitting tells the secretariat; publishing and returning tell the focal points.
        for handler in ("profile_submitted", "profile_published", "profile_returned"):
            registry.event_handlers.add(f"mapping.notify.{handler}")
        for kind in ("PROFILE_SUBMITTED", "PROFILE_PUBLISHED", "PROFILE_RETURNED"):
            registry.email_kinds.add(f"mapping.notify.{kind}")
        # Keeping profiles current (mapping.digest): the stale profiles for their focal points,
        # the revisions waiting for review for the secretariat.
        registry.digest_sections.add("mapping.digest.STALE_PROFILE")
        registry.digest_sections.add("mapping.digest.REVIEWS")
        # After the drafters' statements (25).
        registry.dashboard_blocks.add("mapping.dashboard.reviews_waiting", order=30)
        registry.dashboard_blocks.add("mapping.dashboard.my_organisation_profile", order=30)
        registry.search_sources.add("mapping.search.profiles")
        registry.organisation_sections.add("mapping.organisation.profile_section")
        # After the group (0), whose organisations and people the profiles name, and after the
        # statements (50).
        registry.demo_loaders.add("mapping.demo.load_mapping", order=60)

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
