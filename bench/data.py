"""A large group for the benchmark: 30 organisations and 300 people, written in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password

from coordination.models import ChairTerm, Organisation, Person

ORGANISATIONS = 30
PEOPLE = 300


@dataclass
class Group:
    organisation: Organisation
    focal_point: Person
    secretariat: Person
    summary: str


def build_group() -> Group:
    with disable_auditlog():
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench Organisation {n}",
                acronym=f"BO{n}",
                slug=f"bo{n}",
                is_working_group_member=n % 3 == 0,
                is_permanent_coordinator=n == 0,
                time_zone="Europe/Vienna",
            )
            for n in range(ORGANISATIONS)
        )
        roles = [
            Person.Role.FOCAL_POINT,
            Person.Role.ALTERNATE,
            Person.Role.PRINCIPAL,
            Person.Role.OBSERVER,
        ]
        password = make_password("bench-password")
        people = Person.objects.bulk_create(
            Person(
                email=f"person{n}@bench.example",
                full_name=f"Bench Person {n}",
                organisation=organisations[n % ORGANISATIONS],
                role=Person.Role.SECRETARIAT if n == 0 else roles[n % len(roles)],
                password=password,
            )
            for n in range(PEOPLE)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people
        )
        term = ChairTerm.objects.create(starts_on=date(2000, 1, 1), ends_on=date(2100, 12, 31))
        term.organisations.set(organisations[:2])
    # Some history for the audit page, written the normal way.
    from coordination.services import organisation_update

    secretariat = people[0]
    for organisation in organisations[:20]:
        organisation_update(
            organisation=organisation,
            actor=secretariat,
            version=organisation.version,
            headquarters_city="Geneva",
        )
    focal = next(p for p in people if p.role == Person.Role.FOCAL_POINT)
    return Group(
        organisation=organisations[1],
        focal_point=focal,
        secretariat=secretariat,
        summary=f"{ORGANISATIONS} organisations and {PEOPLE} people",
    )
