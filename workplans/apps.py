from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common import registry


class WorkplansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Work plans")

    def ready(self) -> None:
        registry.dashboard_blocks.add("workplans.dashboard.my_organisation_work", order=10)
        # The secretariat's first block, a chair's after the meetings to prepare.
        registry.dashboard_blocks.add("workplans.dashboard.items_at_risk", order=3)
        registry.dashboard_blocks.add("workplans.dashboard.organisations_without_updates", order=4)
        registry.dashboard_blocks.add("workplans.dashboard.term_pledges", order=4)
        registry.digest_sections.add("workplans.digest.WORK_ITEMS")
        registry.demo_loaders.add("workplans.demo.load_work_plan", order=20)
        # After the plan (same order, added later): the pledges name its areas and items.
        registry.demo_loaders.add("workplans.demo.load_pledges", order=20)
        registry.term_sections.add("workplans.terms.pledges_section", order=20)
        registry.handover_sources.add("workplans.handover.work_items", order=20)
        registry.email_kinds.add("workplans.notify.ITEM_ASSIGNED")
        registry.event_handlers.add("workplans.notify.item_assigned")
        registry.ownership_sources.add("workplans.ownership.WORK_ITEMS")
        registry.email_kinds.add("workplans.notify.LEAD_TOLD")
        registry.event_handlers.add("workplans.notify.lead_told")
        registry.digest_sections.add("workplans.digest.LEAD_TOLD")
        registry.search_sources.add("workplans.search.work_items")
