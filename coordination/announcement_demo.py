"""The demonstration's call for inputs: open for two more weeks, one organisation answered (with
a file attached)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from coordination import announcements
from coordination.demo import demo_email
from coordination.models import Announcement, Organisation, Person

TITLE = "Inputs for the annual report: your organisation's highlights"


@transaction.atomic
def load_call() -> dict[str, int]:
    """Send the call once (nothing when it exists: people may have answered since)."""
    if Announcement.objects.filter(title=TITLE).exists():
        return {"announcements": 0}
    secretariat = Person.objects.filter(email=demo_email("secretariat")).first()
    members = list(Organisation.objects.current().order_by("acronym"))
    if secretariat is None or not members:
        return {"announcements": 0}
    call = announcements.announcement_send(
        actor=secretariat,
        title=TITLE,
        body=(
            "Please send three highlights of your organisation's work for the group this year, "
            "with one figure each where you have one."
        ),
        kind=Announcement.Kind.CALL_FOR_INPUTS,
        deadline=timezone.now() + timedelta(days=14),
        organisations=members,
        roles=list(announcements.DEFAULT_ROLES),
    )
    announcements.input_save(
        announcement=call,
        organisation=members[0],
        actor=secretariat,
        text="Demonstration answer, recorded by the secretariat on the organisation's behalf.",
        files=[
            SimpleUploadedFile(
                "highlights.txt",
                b"1. Joint training for 120 labour inspectors.\n"
                b"2. A guide on child trafficking, in three languages.\n"
                b"3. Support to 4 national referral mechanisms.\n",
                content_type="text/plain",
            )
        ],
    )
    return {"announcements": 1}
