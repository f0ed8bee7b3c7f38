from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth import authenticate
from django.core.management import call_command

from coordination import permissions
from coordination.demo import DEMO_PASSWORD, MEMBERS, email_key
from coordination.models import ChairTerm, Organisation, Person
from coordination.selectors import current_chair_term, next_chair_term

pytestmark = pytest.mark.django_db


def test_demo_group_matches_the_seeds():
    call_command("load_demo")
    assert Organisation.objects.count() == 23
    assert set(
        Organisation.objects.filter(is_working_group_member=True).values_list("acronym", flat=True)
    ) == {
        "CoE",
        "ILO",
        "ICMPD",
        "IOM",
        "OHCHR",
        "OSCE",
        "UNHCR",
        "UNICEF",
        "UNODC",
        "SRSG-SVC",
        "UN Women",
    }
    assert Organisation.objects.get(is_permanent_coordinator=True).acronym == "UNODC"
    term_2019 = ChairTerm.objects.get(starts_on__year=2019)
    assert sorted(o.acronym for o in term_2019.organisations.all()) == ["OSCE", "UN Women"]


def test_loading_twice_changes_nothing():
    call_command("load_demo")
    counts = (
        Organisation.objects.count(),
        Person.objects.count(),
        ChairTerm.objects.count(),
        LogEntry.objects.count(),
    )
    call_command("load_demo")
    assert (
        Organisation.objects.count(),
        Person.objects.count(),
        ChairTerm.objects.count(),
        LogEntry.objects.count(),
    ) == counts


def test_every_demo_login_works():
    call_command("load_demo")
    emails = ["secretariat@demo.example", "observer@demo.example"]
    for member in MEMBERS:
        emails += [
            f"focal.{email_key(member.acronym)}@demo.example",
            f"principal.{email_key(member.acronym)}@demo.example",
        ]
    assert "focal.unwomen@demo.example" in emails and "focal.srsgsvc@demo.example" in emails
    for email in emails:
        person = authenticate(email=email, password=DEMO_PASSWORD)
        assert person is not None, email
        assert person.emailaddress_set.get().verified
    assert Person.objects.get(email="secretariat@demo.example").role == Person.Role.SECRETARIAT
    assert Person.objects.get(email="focal.unodc@demo.example").role == Person.Role.FOCAL_POINT
    assert Person.objects.get(email="principal.ilo@demo.example").role == Person.Role.PRINCIPAL


@pytest.mark.parametrize("today", [date(2031, 6, 15), date(2026, 12, 31), date(2027, 1, 1)])
def test_the_demo_keeps_a_current_term_and_an_incoming_one_after_it(today):
    with time_machine.travel(datetime.combine(today, time(12), tzinfo=UTC), tick=False):
        call_command("load_demo")
        current = current_chair_term()
        upcoming = next_chair_term()
        assert current is not None and current.starts_on <= today <= current.ends_on
        assert upcoming is not None and upcoming.starts_on == current.ends_on + timedelta(days=1)
        chairs = sorted(o.acronym for o in upcoming.organisations.all())
        assert chairs == ["IOM", "UNHCR"]
        for acronym in chairs:
            focal = Person.objects.get(email=f"focal.{email_key(acronym)}@demo.example")
            assert permissions.is_incoming_chair(focal)
        assert "incoming" in upcoming.note
        assert "current year" in current.note and "IOM and UNHCR" in current.note
        counts = (ChairTerm.objects.count(), LogEntry.objects.count())
        call_command("load_demo")
        assert (ChairTerm.objects.count(), LogEntry.objects.count()) == counts
