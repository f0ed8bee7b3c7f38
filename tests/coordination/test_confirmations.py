"""Withdrawing an invitation asks first: the first post shows what will happen and changes
nothing; the post from that page withdraws it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from coordination import services
from coordination.models import Invitation

pytestmark = pytest.mark.django_db

CONFIRM_PAGE = "common/confirm.html"


@pytest.fixture
def invitation(secretariat, organisation):
    invitation = services.invitation_create(
        actor=secretariat, email="new@example.org", role="focal_point", organisation=organisation
    )
    mail.outbox.clear()
    return invitation


def test_withdrawing_an_invitation_asks_first_then_withdraws_it(
    client, secretariat, invitation, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("coordination:invitation_revoke", args=[invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 200
    assert CONFIRM_PAGE in [t.name for t in response.templates]
    page = response.content.decode()
    assert "The link sent to new@example.org stops working" in page
    assert "Nobody is emailed." in page
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    assert mail.outbox == []


def test_a_focal_point_is_refused_before_the_confirmation(client, focal_point, invitation):
    client.force_login(focal_point)
    url = reverse("coordination:invitation_revoke", args=[invitation.pk])
    for data in ({}, {"confirmed": "yes"}):
        response = client.post(url, data)
        assert response.status_code == 403
        assert CONFIRM_PAGE not in [t.name for t in response.templates]
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
