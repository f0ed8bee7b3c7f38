"""Every email by the standards, read from the bytes that go out: sent by a program
(`Auto-Submitted: auto-generated`, RFC 3834), from an address whose display name is the group's
whatever it holds, and a calendar attached as text/calendar whose method is its body's."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coordination import services as coordination_services
from meetings import services as meeting_services
from notifications import delivery, digests
from notifications.models import Delivery
from tests.notifications.test_digests import person_with_work

pytestmark = pytest.mark.django_db

GROUP_NAMES = [
    "Coordination Group",
    "ICAT (demonstration)",
    'Grupo, "Coordinación"',
    "Groupe de coordination : l'ICAT; <test> @ 2026",
    "Межучрежденческая группа",
]


def parsed(message: Any) -> EmailMessage:
    raw = message.message().as_bytes()
    return email.message_from_bytes(raw, policy=policy.default)


def test_every_kind_of_email_says_it_was_sent_by_a_program(
    client, secretariat, organisation, focal_point, django_capture_on_commit_callbacks
):
    """A meeting invitation with its calendar, an invitation to join, a digest, and allauth's
    own emails (a password reset, and one to an address without an account)."""
    start = timezone.now() + timedelta(days=10)
    meeting = meeting_services.meeting_create(
        actor=secretariat,
        kind="working_group",
        title="Working Group meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="Europe/Vienna",
        venue="Vienna",
        invite=[organisation],
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_publish(meeting=meeting, actor=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        coordination_services.invitation_create(
            actor=secretariat,
            email="new.person@example.org",
            role="focal_point",
            organisation=organisation,
        )
    person, preference = person_with_work("Europe/Vienna", "digest@example.org")
    preference.next_digest_at = timezone.now() - timedelta(minutes=1)
    preference.save()
    digests.send_digest_batch([person.pk])
    client.post(reverse("account_reset_password"), {"email": focal_point.email})
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    recipients = {m.to[0] for m in mail.outbox}
    assert {
        focal_point.email,
        "new.person@example.org",
        "digest@example.org",
        "nobody@example.org",
    } <= recipients
    assert len(mail.outbox) >= 5
    for message in mail.outbox:
        headers = parsed(message)
        assert headers["Auto-Submitted"] == "auto-generated", headers["Subject"]
        [sender] = headers["From"].addresses
        assert sender.display_name == django_settings.GROUP_NAME


def test_the_default_sender_is_well_formed_whatever_the_groups_name(settings):
    """The settings' default From, made in a fresh process for each name (as the server, the
    worker and the commands read it), goes out and parses back to the group's name and the
    address."""
    script = (
        "import importlib, json, os, sys\n"
        "import environ\n"
        # Whatever a .env beside manage.py says: the default is what is tested.
        "environ.Env.read_env = classmethod(lambda cls, *a, **k: None)\n"
        "import config.settings as s\n"
        "found = {}\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    os.environ['GROUP_NAME'] = name\n"
        "    found[name] = importlib.reload(s).DEFAULT_FROM_EMAIL\n"
        "print(json.dumps(found))\n"
    )
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DEFAULT_FROM_EMAIL", "GROUP_NAME"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(GROUP_NAMES)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(django_settings.BASE_DIR),
        env=environment,
    )
    senders = json.loads(result.stdout)
    for name in GROUP_NAMES:
        settings.GROUP_NAME = name
        settings.DEFAULT_FROM_EMAIL = senders[name]
        message = delivery.message_for(
            Delivery(to="someone@example.org", subject="Subject", text="Text", html="<p>HTML</p>")
        )
        [sender] = parsed(message)["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (name, "hub@localhost"), senders[name]


def calendar_delivery(ics: str) -> Delivery:
    return Delivery(
        to="someone@example.org", subject="Invitation", text="Text", html="<p>HTML</p>", ics=ics
    )


def calendar_parts(message: Any) -> list[EmailMessage]:
    return [p for p in parsed(message).walk() if p.get_content_type() == "text/calendar"]


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL", "PUBLISH"])
def test_a_calendar_part_names_its_bodys_method_and_one_charset(method):
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
        f"METHOD:{method}\r\nEND:VCALENDAR\r\n"
    )
    message = delivery.message_for(calendar_delivery(ics))
    raw = message.message().as_bytes()
    assert f'Content-Type: text/calendar; method={method}; charset="utf-8"'.encode() in raw
    [part] = calendar_parts(message)
    assert part.get_param("method") == method and part.get_content_charset() == "utf-8"
    assert part.get_filename() == "meeting.ics"
    assert part.get_content() == ics.replace("\r\n", "\n")


def test_several_calendars_go_as_several_parts_and_none_without_a_calendar():
    request = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    published = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"  # no METHOD, no method
    parts = calendar_parts(delivery.message_for(calendar_delivery(request + published)))
    assert [p.get_param("method") for p in parts] == ["REQUEST", None]
    assert [p.get_filename() for p in parts] == ["meeting.ics", "meeting-2.ics"]
    assert calendar_parts(delivery.message_for(calendar_delivery(""))) == []
