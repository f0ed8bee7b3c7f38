from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.models import Invitation, Organisation, Person
from tests import factories

pytestmark = pytest.mark.django_db


def login(client, person):
    client.force_login(person)
    return client


# --- Who may do what ------------------------------------------------------------------------------

MEMBER_MANAGEMENT_PAGES: list[tuple[str, dict[str, object]]] = [
    ("coordination:organisation_create", {}),
    ("coordination:person_list", {}),
    ("coordination:invitation_list", {}),
    ("coordination:audit_log", {}),
]


@pytest.mark.parametrize("role_fixture", ["focal_point", "principal", "observer"])
@pytest.mark.parametrize(("name", "kwargs"), MEMBER_MANAGEMENT_PAGES)
def test_member_management_pages_refuse_everyone_but_the_secretariat(
    client, request, role_fixture, name, kwargs
):
    login(client, request.getfixturevalue(role_fixture))
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize("role_fixture", ["focal_point", "principal", "observer"])
def test_only_the_secretariat_may_edit_an_organisation(client, request, role_fixture, organisation):
    login(client, request.getfixturevalue(role_fixture))
    url = reverse("coordination:organisation_edit", args=[organisation.slug])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "name": "Hijacked",
            "acronym": "UNICEF",
            "kind": "other",
            "time_zone": "UTC",
            "version": organisation.version,
        },
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "United Nations Children's Fund"


def test_focal_point_cannot_add_an_organisation(client, focal_point):
    login(client, focal_point)
    response = client.post(
        reverse("coordination:organisation_create"),
        {
            "name": "Intruder",
            "acronym": "INT",
            "kind": "other",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(acronym="INT").exists()


@pytest.mark.parametrize("role_fixture", ["focal_point", "principal", "observer"])
def test_only_the_secretariat_may_edit_people(client, request, role_fixture, principal):
    login(client, request.getfixturevalue(role_fixture))
    url = reverse("coordination:person_edit", args=[principal.pk])
    response = client.post(
        url,
        {
            "full_name": "Changed",
            "role": "secretariat",
            "time_zone": "UTC",
            "language": "en",
            "is_active": "on",
            "version": principal.version,
        },
    )
    assert response.status_code == 403
    principal.refresh_from_db()
    assert (principal.full_name, principal.role) != ("Changed", "secretariat")


@pytest.mark.parametrize("role_fixture", ["focal_point", "principal", "observer"])
def test_only_the_secretariat_may_invite(client, request, role_fixture, organisation):
    login(client, request.getfixturevalue(role_fixture))
    response = client.post(
        reverse("coordination:invitation_list"),
        {
            "email": "friend@example.org",
            "organisation": organisation.pk,
            "role": "focal_point",
        },
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_focal_point_cannot_resend_or_withdraw_an_invitation(
    client, secretariat, focal_point, organisation
):
    invitation = services.invitation_create(
        actor=secretariat, email="x@example.org", role="focal_point", organisation=organisation
    )
    login(client, focal_point)
    for name in ("coordination:invitation_resend", "coordination:invitation_revoke"):
        assert client.post(reverse(name, args=[invitation.pk])).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_pages_need_a_login(client, organisation):
    for url in (
        reverse("dashboard"),
        reverse("coordination:organisation_list"),
        organisation.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


# --- Pages as their users see them ----------------------------------------------------------------


def test_dashboard_shows_organisation_role_and_current_chair(
    client, focal_point, organisation, other_organisation
):
    factories.ChairTermFactory(
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=300),
        organisations=[other_organisation],
    )
    response = login(client, focal_point).get(reverse("dashboard"))
    content = response.content.decode()
    assert response.status_code == 200
    assert organisation.name in content.replace("&#x27;", "'")
    assert "Focal point" in content
    assert other_organisation.name in content


def test_directory_lists_focal_points_and_principals(client, focal_point, principal, organisation):
    content = (
        login(client, focal_point).get(reverse("coordination:organisation_list")).content.decode()
    )
    assert focal_point.full_name in content and principal.full_name in content


def test_directory_queries_do_not_grow_with_members(
    client, focal_point, django_assert_max_num_queries
):
    login(client, focal_point)
    url = reverse("coordination:organisation_list")
    client.get(url)  # warm up the session

    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    factories.PersonFactory.create_batch(3)
    small = queries_for_page()
    for _ in range(30):
        org = factories.OrganisationFactory()
        factories.PersonFactory(organisation=org)
        factories.PrincipalFactory(organisation=org)
    assert queries_for_page() == small


def test_secretariat_edits_an_organisation(client, secretariat, organisation):
    login(client, secretariat)
    url = reverse("coordination:organisation_edit", args=[organisation.slug])
    form = client.get(url).context["form"]
    data = {
        **{k: v for k, v in form.initial.items() if v is not None},
        "headquarters_city": "New York",
        "is_working_group_member": "on",
    }
    data.pop("is_permanent_coordinator", None)
    response = client.post(url, data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.headquarters_city == "New York"


def test_edit_conflict_shows_both_versions_and_saves_nothing(client, secretariat, organisation):
    login(client, secretariat)
    url = reverse("coordination:organisation_edit", args=[organisation.slug])
    opened = client.get(url).context["form"].initial
    # Someone else saves first.
    services.organisation_update(
        organisation=organisation,
        actor=secretariat,
        version=organisation.version,
        headquarters_city="Geneva",
    )
    data = {
        **{k: v for k, v in opened.items() if v is not None},
        "headquarters_city": "Paris",
        "is_working_group_member": "on",
    }
    data.pop("is_permanent_coordinator", None)
    response = client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else saved changes" in content
    assert "Paris" in content and "Geneva" in content
    organisation.refresh_from_db()
    assert organisation.headquarters_city == "Geneva"


def test_bad_input_gets_a_message_not_an_error(client, secretariat, organisation):
    login(client, secretariat)
    response = client.post(
        reverse("coordination:organisation_create"),
        {
            "name": "",
            "acronym": "UNICEF",
            "kind": "nonsense",
            "time_zone": "Nowhere/Land",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"name", "acronym", "kind", "time_zone"}


def test_profile_changes_time_zone_and_language(client, focal_point):
    login(client, focal_point)
    response = client.post(
        reverse("coordination:profile"),
        {
            "full_name": "Renamed Person",
            "job_title": "Adviser",
            "time_zone": "America/New_York",
            "language": "fr",
            "version": focal_point.version,
        },
    )
    assert response.status_code == 302
    focal_point.refresh_from_db()
    assert (focal_point.full_name, focal_point.time_zone, focal_point.language) == (
        "Renamed Person",
        "America/New_York",
        "fr",
    )


def test_profile_cannot_change_role(client, focal_point):
    login(client, focal_point)
    client.post(
        reverse("coordination:profile"),
        {
            "full_name": "Me",
            "time_zone": "UTC",
            "language": "en",
            "role": "secretariat",
            "version": focal_point.version,
        },
    )
    focal_point.refresh_from_db()
    assert focal_point.role == Person.Role.FOCAL_POINT


def test_secretariat_reads_the_audit_history(client, secretariat, organisation):
    services.organisation_update(
        organisation=organisation,
        actor=secretariat,
        version=organisation.version,
        headquarters_city="Geneva",
    )
    response = login(client, secretariat).get(
        reverse("coordination:audit_log") + "?model=organisation"
    )
    content = response.content.decode()
    assert "Geneva" in content and secretariat.full_name in content


# --- Login, sign-up, two-factor ---------------------------------------------------------------------


def test_open_sign_up_is_refused(client):
    response = client.get(reverse("account_signup"))
    assert "by invitation only" in response.content.decode()
    client.post(
        reverse("account_signup"),
        {
            "email": "stranger@example.org",
            "password1": "a-long-test-password",
            "password2": "a-long-test-password",
        },
    )
    assert not Person.objects.filter(email="stranger@example.org").exists()


def test_focal_point_logs_in_with_email_and_password(client, focal_point):
    response = client.post(
        reverse("account_login"), {"login": focal_point.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_repeated_failed_logins_are_rate_limited(client, focal_point):
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": focal_point.email, "password": "wrong-password"})
        assert response.status_code == 200
        assert "too many" not in response.content.decode().lower()
    response = client.post(url, {"login": focal_point.email, "password": factories.PASSWORD})
    # Even the right password is refused until the limit expires.
    assert "too many failed login attempts" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_the_rate_limited_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_secretariat_without_two_factor_is_sent_to_set_it_up(client, organisation):
    person = factories.SecretariatFactory(organisation=organisation)
    client.post(reverse("account_login"), {"login": person.email, "password": factories.PASSWORD})
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # The way to the setup page stays open (allauth first asks for the password again).
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


def test_chairs_must_use_two_factor_when_the_setting_says_so(
    client, settings, focal_point, organisation
):
    factories.ChairTermFactory(
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=1),
        organisations=[organisation],
    )
    login(client, focal_point)
    assert client.get(reverse("dashboard")).status_code == 200
    settings.MFA_REQUIRED_FOR = ["secretariat", "chair"]
    assert client.get(reverse("dashboard")).url == reverse("mfa_activate_totp")


def test_idle_timeout_settings(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 3600


# --- Invitation links -------------------------------------------------------------------------------


@pytest.fixture
def invitation_token(secretariat, organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=secretariat,
            email="invitee@example.org",
            role="focal_point",
            organisation=organisation,
        )
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/join/" in line).strip()
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_invitee_sets_a_password_and_is_logged_in(client, invitation_token):
    url = reverse("coordination:invitation_accept", args=[invitation_token])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "full_name": "New Colleague",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(email="invitee@example.org")
    assert int(client.session["_auth_user_id"]) == person.pk


def test_a_reused_invitation_link_is_refused_with_a_clear_message(client, invitation_token):
    url = reverse("coordination:invitation_accept", args=[invitation_token])
    data = {
        "full_name": "New Colleague",
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
    }
    client.post(url, data)
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    response = client.post(url, data)
    assert response.status_code == 410
    assert Person.objects.filter(email="invitee@example.org").count() == 1


def test_an_expired_invitation_link_is_refused_with_a_clear_message(client, invitation_token):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("coordination:invitation_accept", args=[invitation_token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_made_up_invitation_link_is_refused(client):
    response = client.get(reverse("coordination:invitation_accept", args=["not-a-real-token"]))
    assert response.status_code == 410


def test_mismatched_passwords_are_explained(client, invitation_token):
    url = reverse("coordination:invitation_accept", args=[invitation_token])
    response = client.post(
        url,
        {
            "full_name": "X",
            "password1": "correct-horse-battery",
            "password2": "other-horse-battery",
        },
    )
    assert response.status_code == 200
    assert "not the same" in response.content.decode()
    assert not Person.objects.filter(email="invitee@example.org").exists()


def test_health_answers_without_login(client):
    assert client.get(reverse("health")).json() == {"status": "ok"}


# --- Found in review ------------------------------------------------------------------------------


def test_secretariat_names_a_new_permanent_coordinator_from_the_form(
    client, secretariat, organisation
):
    login(client, secretariat)
    url = reverse("coordination:organisation_edit", args=[organisation.slug])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update({"is_permanent_coordinator": "on", "is_working_group_member": "on"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Organisation.objects.get(is_permanent_coordinator=True) == organisation


def test_an_address_added_to_an_account_cannot_be_invited(secretariat, focal_point, organisation):
    from allauth.account.models import EmailAddress
    from django.core.exceptions import ValidationError

    EmailAddress.objects.create(user=focal_point, email="second@example.org", verified=False)
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=secretariat,
            email="second@example.org",
            role="principal",
            organisation=organisation,
        )


def test_people_cannot_manage_their_own_login_addresses(client, focal_point):
    response = login(client, focal_point).post(
        reverse("account_email"), {"email": "other@example.org", "action_add": ""}
    )
    assert response.status_code == 404
    assert list(focal_point.emailaddress_set.values_list("email", flat=True)) == [focal_point.email]


def test_without_two_factor_the_secretariat_reaches_only_its_setup(client, organisation):
    person = factories.SecretariatFactory(organisation=organisation)
    client.post(reverse("account_login"), {"login": person.email, "password": factories.PASSWORD})
    for url in (reverse("account_change_password"), reverse("coordination:invitation_list")):
        assert client.get(url).url == reverse("mfa_activate_totp")


def test_a_focal_point_cannot_be_left_without_an_organisation(secretariat, focal_point):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.person_update(
            person=focal_point, actor=secretariat, version=focal_point.version, organisation=None
        )


def test_session_ends_after_the_idle_time(client, focal_point, settings):
    import time_machine

    client.post(
        reverse("account_login"), {"login": focal_point.email, "password": factories.PASSWORD}
    )
    start = timezone.now()
    with time_machine.travel(
        start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60), tick=False
    ):
        assert client.get(reverse("dashboard")).status_code == 200  # active: the clock starts again
    with time_machine.travel(
        start + timedelta(seconds=2 * settings.SESSION_COOKIE_AGE - 120), tick=False
    ):
        assert client.get(reverse("dashboard")).status_code == 200
    with time_machine.travel(
        start + timedelta(seconds=3 * settings.SESSION_COOKIE_AGE), tick=False
    ):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "grow"),
    [
        ("coordination:audit_log", "changes"),
        ("coordination:person_list", "people"),
        ("dashboard", "organisations"),
    ],
)
def test_page_queries_do_not_grow_with_rows(client, secretariat, name, grow):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, secretariat)
    url = reverse(name)

    def add_rows(n):
        for _ in range(n):
            org = factories.OrganisationFactory()
            person = factories.PersonFactory(organisation=org)
            services.person_update(
                person=person,
                actor=secretariat,
                version=person.version,
                role=Person.Role.ALTERNATE,
                organisation=factories.OrganisationFactory(),
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_rows(2)
    client.get(url)
    small = count()
    add_rows(25)
    client.get(url)  # what the new rows made the cache forget (common.choices) read anew
    assert count() == small


def test_organisation_page_queries_do_not_grow_with_people(client, focal_point, organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, focal_point)
    client.get(organisation.get_absolute_url())
    with CaptureQueriesContext(connection) as small:
        client.get(organisation.get_absolute_url())
    factories.PersonFactory.create_batch(20, organisation=organisation)
    with CaptureQueriesContext(connection) as large:
        client.get(organisation.get_absolute_url())
    assert len(large) == len(small)


def test_a_persons_language_and_time_zone_last_for_their_request_only(client, focal_point):
    from django.utils import timezone, translation

    focal_point.language = "fr"
    focal_point.time_zone = "America/New_York"
    focal_point.save()
    client.force_login(focal_point)
    response = client.get("/")
    assert response["Content-Language"] == "fr"
    # What runs next in this thread (another request, a rendering, a task) starts afresh.
    assert translation.get_language() == "en"
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_visitor_of_a_public_page_is_offered_to_log_in(client):
    page = client.get("/mapping/").content.decode()
    assert 'href="/accounts/login/?next=/mapping/"' in page
    # Not on the login page itself.
    assert "?next=" not in client.get("/accounts/login/").content.decode().split("</header>")[0]
