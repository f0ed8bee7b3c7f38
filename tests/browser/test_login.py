from __future__ import annotations

import re

import pytest
from django.core import mail

from coordination import services
from coordination.demo import DEMO_PASSWORD, load_demo_group
from coordination.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_focal_point_logs_in_and_sees_the_dashboard(page, settings, tmp_path):
    load_demo_group()
    page.goto("/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Email").fill("focal.unwomen@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name="Welcome, UN Women Focal Point (demo)").is_visible()
    assert page.get_by_text(
        "United Nations Entity for Gender Equality and the Empowerment of Women"
    ).first.is_visible()
    assert page.get_by_role("heading", name="Current chair").is_visible()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)


def test_invitee_opens_the_emailed_link_sets_a_password_and_logs_in(
    page, django_capture_on_commit_callbacks
):
    load_demo_group()
    from coordination.models import Person

    secretariat = Person.objects.get(email="secretariat@demo.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=secretariat,
            email="new.focal@ilo.example",
            full_name="Nadia Invitee",
            role="focal_point",
            organisation=Organisation.objects.get(acronym="ILO"),
        )
    link = re.search(r"http://\S+/join/\S+", mail.outbox[-1].body).group(0)
    path = link.split("testserver", 1)[-1]

    page.goto(path)
    assert page.get_by_text("new.focal@ilo.example").is_visible()
    page.get_by_label("Your full name").fill("Nadia Invitee")
    page.get_by_label("Choose a password").fill("a-very-good-passphrase")
    page.get_by_label("Type the password again").fill("a-very-good-passphrase")
    page.get_by_role("button", name="Set my password and log in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name="Welcome, Nadia Invitee").is_visible()

    # Out, and back in with the new password.
    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("new.focal@ilo.example")
    page.get_by_label("Password").fill("a-very-good-passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name="Welcome, Nadia Invitee").is_visible()

    # The link works once.
    page.goto(path)
    assert page.get_by_role("heading", name="This invitation cannot be used").is_visible()
