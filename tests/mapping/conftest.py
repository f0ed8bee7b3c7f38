from __future__ import annotations

import pytest

from mapping.models import Initiative, Partnership, Revision, Term
from tests import factories

# --- Profiles and their revisions (p_: the profile slice's fixtures) -----------------------------


@pytest.fixture
def p_terms() -> dict[str, Term]:
    """A few terms of each taxonomy, and one retired form of exploitation."""
    from django.utils import timezone

    make = factories.term
    return {
        "africa": make(taxonomy="region", code="africa", label_en="Africa", label_fr="Afrique"),
        "europe": make(taxonomy="region", code="europe", label_en="Europe", label_fr="Europe"),
        "sexual": make(
            taxonomy="form",
            code="sexual-exploitation",
            label_en="Sexual exploitation",
            label_fr="Exploitation sexuelle",
        ),
        "labour": make(
            taxonomy="form",
            code="forced-labour",
            label_en="Forced labour",
            label_fr="Travail forcé",
        ),
        "organs": make(
            taxonomy="form",
            code="organ-removal",
            label_en="Organ removal",
            retired_at=timezone.now(),
        ),
        "prevention": make(taxonomy="intervention", code="prevention", label_en="Prevention"),
        "protection": make(taxonomy="intervention", code="protection", label_en="Protection"),
        "data": make(taxonomy="priority_area", code="research-data", label_en="Research and data"),
    }


@pytest.fixture
def p_published(organisation, p_terms) -> Revision:
    """UNICEF's published revision 1: terms (the retired one among them), levels, a contact,
    one initiative and one partnership."""
    revision = factories.published_profile(
        organisation,
        number=1,
        mandate="To protect children from trafficking.",
        expertise="Child protection systems.",
        levels=["global", "national"],
        contact_name="Ana Contact",
        contact_email="ana.contact@unicef.example",
    )
    revision.regions.set([p_terms["africa"]])
    revision.forms.set([p_terms["sexual"], p_terms["organs"]])
    revision.interventions.set([p_terms["prevention"]])
    revision.priority_areas.set([p_terms["data"]])
    initiative = Initiative.objects.create(
        revision=revision,
        title="Safe migration for children",
        start_year=2019,
        end_year=2022,
        status=Initiative.Status.PAST,
        countries="NE,ML",
        partners="IOM",
        link="https://example.org/safe",
    )
    initiative.regions.set([p_terms["africa"]])
    initiative.forms.set([p_terms["labour"]])
    Partnership.objects.create(
        revision=revision, name="Alliance 8.7", partners="ILO, IOM", role="Member"
    )
    return revision


@pytest.fixture
def p_other_focal_point(other_organisation):
    """A focal point of another member (ILO)."""
    return factories.PersonFactory(organisation=other_organisation, email="focal.ilo@example.org")


@pytest.fixture
def p_alternate(organisation):
    return factories.PersonFactory(
        organisation=organisation, role="alternate", email="alternate@example.org"
    )
