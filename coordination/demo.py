"""The demonstration group, built from the public texts in shared/seeds.

ICAT's 23 member organisations as listed in April 2018 (the overview prepared for the first
meeting of principals, 2 May 2018), its Working Group as listed there, UNODC as permanent
coordinator, and the chair terms the seeds name. Loading is idempotent: a second run finds every
row as it should be and writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from common import registry
from common.dates import group_today
from coordination.models import ChairTerm, Organisation, Person
from coordination.services import (
    chair_term_create,
    chair_term_update,
    person_create,
    unique_slug_for,
)

DEMO_PASSWORD = "coordination-demo"  # noqa: S105 - printed in the README, for the demo only
DEMO_DOMAIN = "demo.example"

K = Organisation.Kind


@dataclass(frozen=True)
class Member:
    acronym: str
    name: str
    kind: str
    city: str
    time_zone: str
    website: str
    working_group: bool = False


# The footnotes of the overview of 2 May 2018 name these 23 organisations, and these 11 as the
# Working Group. Where the list gives no acronym, the organisation's usual short name is used.
MEMBERS = [
    Member(
        "CoE",
        "Council of Europe",
        K.REGIONAL,
        "Strasbourg",
        "Europe/Paris",
        "https://www.coe.int",
        True,
    ),
    Member(
        "CTED",
        "Counter-Terrorism Committee Executive Directorate",
        K.UN_ENTITY,
        "New York",
        "America/New_York",
        "https://www.un.org/securitycouncil/ctc/",
    ),
    Member(
        "DPA",
        "United Nations Department of Political Affairs",
        K.UN_ENTITY,
        "New York",
        "America/New_York",
        "https://dppa.un.org",
    ),
    Member(
        "DPKO",
        "United Nations Department of Peacekeeping Operations",
        K.UN_ENTITY,
        "New York",
        "America/New_York",
        "https://peacekeeping.un.org",
    ),
    Member(
        "ICAO",
        "International Civil Aviation Organization",
        K.UN_ENTITY,
        "Montréal",
        "America/Toronto",
        "https://www.icao.int",
    ),
    Member(
        "ICMPD",
        "International Centre for Migration Policy Development",
        K.INTERNATIONAL,
        "Vienna",
        "Europe/Vienna",
        "https://www.icmpd.org",
        True,
    ),
    Member(
        "INTERPOL",
        "International Police Cooperation Organisation",
        K.INTERNATIONAL,
        "Lyon",
        "Europe/Paris",
        "https://www.interpol.int",
    ),
    Member(
        "ILO",
        "International Labour Organization",
        K.UN_ENTITY,
        "Geneva",
        "Europe/Zurich",
        "https://www.ilo.org",
        True,
    ),
    Member(
        "IOM",
        "International Organization for Migration",
        K.UN_ENTITY,
        "Geneva",
        "Europe/Zurich",
        "https://www.iom.int",
        True,
    ),
    Member(
        "OHCHR",
        "Office of the High Commissioner for Human Rights",
        K.UN_ENTITY,
        "Geneva",
        "Europe/Zurich",
        "https://www.ohchr.org",
        True,
    ),
    Member(
        "OSAPG",
        "Office on Genocide Prevention and the Responsibility to Protect",
        K.UN_ENTITY,
        "New York",
        "America/New_York",
        "https://www.un.org/en/genocideprevention/",
    ),
    Member(
        "OSCE",
        "Organization for Security and Cooperation in Europe",
        K.REGIONAL,
        "Vienna",
        "Europe/Vienna",
        "https://www.osce.org",
        True,
    ),
    Member(
        "UNAIDS",
        "United Nations Joint Programme on HIV/AIDS",
        K.UN_ENTITY,
        "Geneva",
        "Europe/Zurich",
        "https://www.unaids.org",
    ),
    Member(
        "UNDP",
        "United Nations Development Programme",
        K.UN_ENTITY,
        "New York",
        "America/New_York",
        "https://www.undp.org",
    ),
    Member(
        "UNESCO",
        "United Nations Educational, Scientific and Cultural Organization",
        K.UN_ENTITY,
        "Paris",
        "Europe/Paris",
        "https://www.unesco.org",
    ),
    Member(
        "UNFPA",
        "United Nations Population Fund",
        K.UN_ENTITY,
        "New York",
        "America/New_York",
        "https://www.unfpa.org",
    ),
    Member(
        "UNHCR",
        "United Nations High Commissioner for Refugees",
        K.UN_ENTITY,
        "Geneva",
        "Europe/Zurich",
        "https://www.unhcr.org",
        True,
    ),
    Member(
        "UNICEF",
        "United Nations Children's Fund",
        K.UN_ENTITY,
        "New York",
        "America/New_York",
        "https://www.unicef.org",
        True,
    ),
    Member(
        "UNICRI",
        "United Nations Interregional Crime and Justice Research Institute",
        K.UN_ENTITY,
        "Turin",
        "Europe/Rome",
        "https://unicri.org",
    ),
    Member(
        "UNODC",
        "United Nations Office on Drugs and Crime",
        K.UN_ENTITY,
        "Vienna",
        "Europe/Vienna",
        "https://www.unodc.org",
        True,
    ),
    Member(
        "SRSG-SVC",
        "Special Representative of the Secretary-General on Sexual Violence in Conflict",
        K.UN_ENTITY,
        "New York",
        "America/New_York",
        "https://www.un.org/sexualviolenceinconflict/",
        True,
    ),
    Member(
        "UN Women",
        "United Nations Entity for Gender Equality and the Empowerment of Women",
        K.UN_ENTITY,
        "New York",
        "America/New_York",
        "https://www.unwomen.org",
        True,
    ),
    Member(
        "World Bank",
        "World Bank",
        K.INTERNATIONAL,
        "Washington, D.C.",
        "America/New_York",
        "https://www.worldbank.org",
    ),
]

PERMANENT_COORDINATOR = "UNODC"

# The chairs the seeds name. The seeds stop at 2022; so that the chair's pages have someone to
# show, the demonstration carries the last recorded co-chairs into the current year and says so.
CHAIR_TERMS: list[tuple[int, list[str], str]] = [
    (2011, ["OHCHR"], ""),
    (2012, ["UNICEF"], ""),
    (2018, ["UNICEF"], ""),
    (2019, ["OSCE", "UN Women"], ""),
    (2021, ["UNODC"], ""),
    (
        2022,
        ["ICMPD", "UNODC"],
        "Inclusion of survivors' voices; multi-stakeholder collaboration; knowledge production and "
        "dissemination; preventing trafficking in persons in procurement; reinforcing existing "
        "partnerships; closer coordination with and at the field level; continuing to shape the "
        "development of multilateral policy on trafficking in persons.",
    ),
]
# The demonstration's incoming chairs, whose focal points (focal.iom@demo.example and
# focal.unhcr@demo.example, named in the README) see the handover and draft the next term.
INCOMING_CHAIRS = ["IOM", "UNHCR"]
DEMONSTRATION_TERM_NOTE = (
    "Demonstration term: the public record stops at the 2022 co-chairs, ICMPD and UNODC, whom the "
    "demonstration keeps in the chair for the current year ({year}), whatever year it is. "
    "IOM and UNHCR follow as the incoming co-chairs from {next_start}."
)
INCOMING_TERM_NOTE = (
    "Demonstration term: the incoming co-chairs, IOM and UNHCR, from the day after the current "
    "demonstration term ends ({current_end}). No public record names them: the demonstration "
    "needs incoming chairs to show the handover and the drafting of the next term."
)


def load_everything() -> dict[str, int]:
    """Each app's part of the demonstration, the group first (see CoordinationConfig.ready)."""
    written: dict[str, int] = {}
    for loader in registry.demo_loaders:
        written |= loader()
    return written


def email_key(acronym: str) -> str:
    """`UN Women` → `unwomen`: the acronym in lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", acronym.lower())


def demo_email(kind: str, acronym: str | None = None) -> str:
    return f"{kind}.{email_key(acronym)}@{DEMO_DOMAIN}" if acronym else f"{kind}@{DEMO_DOMAIN}"


def _sync(instance: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; True if anything did (only then is it saved)."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(update_fields=changed)
    return bool(changed)


@transaction.atomic
def load_demo_group() -> dict[str, int]:
    """Create or bring back to the demonstration state; returns how many rows were written."""
    written = {"organisations": 0, "people": 0, "chair_terms": 0}
    organisations: dict[str, Organisation] = {}
    for member in MEMBERS:
        values = {
            "name": member.name,
            "kind": member.kind,
            "headquarters_city": member.city,
            "time_zone": member.time_zone,
            "website": member.website,
            "is_working_group_member": member.working_group,
            "is_permanent_coordinator": member.acronym == PERMANENT_COORDINATOR,
        }
        organisation = Organisation.objects.filter(acronym=member.acronym).first()
        if organisation is None:
            organisation = Organisation.objects.create(
                acronym=member.acronym, slug=unique_slug_for(member.acronym), **values
            )
            written["organisations"] += 1
        elif _sync(organisation, values):
            written["organisations"] += 1
        organisations[member.acronym] = organisation

    # Hashing is slow on purpose; every demo account shares one password, so hash it once.
    password_hash = make_password(DEMO_PASSWORD)

    def person(email: str, full_name: str, role: str, organisation: Organisation | None) -> None:
        if Person.objects.filter(email=email).exists():
            return
        created = person_create(
            actor=None,
            email=email,
            full_name=full_name,
            role=role,
            organisation=organisation,
            time_zone=organisation.time_zone if organisation else "UTC",
        )
        Person.objects.filter(pk=created.pk).update(password=password_hash)
        written["people"] += 1

    coordinator = organisations[PERMANENT_COORDINATOR]
    person(
        demo_email("secretariat"),
        "Secretariat Officer (demo)",
        Person.Role.SECRETARIAT,
        coordinator,
    )
    # The demo secretariat also reaches the Django admin (chair terms can be corrected there);
    # without Django model permissions it sees only what the secretariat's rules allow there.
    written["people"] += Person.objects.filter(
        email=demo_email("secretariat"), is_staff=False
    ).update(is_staff=True)
    person(demo_email("observer"), "Observer (demo)", Person.Role.OBSERVER, None)
    for acronym, organisation in organisations.items():
        person(
            demo_email("focal", acronym),
            f"{acronym} Focal Point (demo)",
            Person.Role.FOCAL_POINT,
            organisation,
        )
        person(
            demo_email("principal", acronym),
            f"{acronym} Principal (demo)",
            Person.Role.PRINCIPAL,
            organisation,
        )

    # The group's year, as the chair's rights read it (common.dates): a term covering today,
    # and an incoming one starting the day after it ends, whatever today is.
    this_year = group_today().year
    terms = list(CHAIR_TERMS)
    seed_years = {year for year, _, _ in terms}
    if this_year not in seed_years:
        terms.append(
            (
                this_year,
                ["ICMPD", "UNODC"],
                DEMONSTRATION_TERM_NOTE.format(
                    year=this_year, next_start=date(this_year + 1, 1, 1).isoformat()
                ),
            )
        )
    if this_year + 1 not in seed_years:
        terms.append(
            (
                this_year + 1,
                INCOMING_CHAIRS,
                INCOMING_TERM_NOTE.format(current_end=date(this_year, 12, 31).isoformat()),
            )
        )
    for year, acronyms, note in terms:
        written["chair_terms"] += int(
            _load_chair_term(
                starts_on=date(year, 1, 1),
                ends_on=date(year, 12, 31),
                chairs=[organisations[a] for a in acronyms],
                note=note,
            )
        )
    return written


def _load_chair_term(
    *, starts_on: date, ends_on: date, chairs: list[Organisation], note: str
) -> bool:
    """Create the term or bring it back to these values, through the services (so that the
    rules and the audit history hold for the demonstration too); True if anything was written."""
    term = ChairTerm.objects.filter(starts_on=starts_on).first()
    if term is None:
        chair_term_create(
            actor=None, starts_on=starts_on, ends_on=ends_on, organisations=chairs, note=note
        )
        return True
    changes: dict[str, Any] = {
        name: value
        for name, value in {"ends_on": ends_on, "note": note}.items()
        if getattr(term, name) != value
    }
    if set(term.organisations.values_list("pk", flat=True)) != {o.pk for o in chairs}:
        changes["organisations"] = chairs
    if changes:
        chair_term_update(term=term, actor=None, version=term.version, **changes)
    return bool(changes)
