from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from common.versioning import ConflictError
from coordination import services
from coordination.models import ChairTerm, Invitation, Organisation, Person
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(organisation, django_capture_on_commit_callbacks):
    """Create an invitation and return it with the token taken from the email's link."""

    def invite(actor, email="new.person@example.org", **kwargs):
        kwargs.setdefault("role", Person.Role.FOCAL_POINT)
        kwargs.setdefault("organisation", organisation)
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(actor=actor, email=email, **kwargs)
        return invitation, token_from_last_email()

    return invite


def token_from_last_email() -> str:
    body = mail.outbox[-1].body
    link = next(line for line in body.splitlines() if "/join/" in line)
    return link.strip().rstrip("/").rsplit("/", 1)[-1]


class TestOrganisations:
    def test_secretariat_creates_an_organisation_with_a_unique_slug(self, secretariat):
        first = services.organisation_create(actor=secretariat, name="UN Women", acronym="UN Women")
        assert first.slug == "un-women"
        assert first.version == 1

    def test_focal_point_cannot_create_an_organisation(self, focal_point):
        with pytest.raises(PermissionDenied):
            services.organisation_create(actor=focal_point, name="X", acronym="X")
        assert not Organisation.objects.filter(acronym="X").exists()

    def test_update_is_recorded_in_the_audit_history_with_the_actor(
        self, secretariat, organisation
    ):
        services.organisation_update(
            organisation=organisation,
            actor=secretariat,
            version=organisation.version,
            headquarters_city="New York",
        )
        entry = (
            LogEntry.objects.get_for_object(organisation)
            .filter(action=LogEntry.Action.UPDATE)
            .get()
        )
        assert entry.actor == secretariat
        assert entry.changes_dict["headquarters_city"] == ["Vienna", "New York"]

    def test_stale_version_is_refused_and_nothing_is_written(self, secretariat, organisation):
        opened_at = organisation.version
        services.organisation_update(
            organisation=Organisation.objects.get(pk=organisation.pk),
            actor=secretariat,
            version=opened_at,
            headquarters_city="Geneva",
        )
        with pytest.raises(ConflictError) as conflict:
            services.organisation_update(
                organisation=Organisation.objects.get(pk=organisation.pk),
                actor=secretariat,
                version=opened_at,
                headquarters_city="Paris",
            )
        assert conflict.value.current.headquarters_city == "Geneva"
        assert Organisation.objects.get(pk=organisation.pk).headquarters_city == "Geneva"

    def test_naming_a_new_permanent_coordinator_stands_the_old_one_down(
        self, secretariat, organisation
    ):
        old = Organisation.objects.get(is_permanent_coordinator=True)
        services.organisation_update(
            organisation=organisation,
            actor=secretariat,
            version=organisation.version,
            is_permanent_coordinator=True,
        )
        old.refresh_from_db()
        assert not old.is_permanent_coordinator
        assert Organisation.objects.filter(is_permanent_coordinator=True).get() == organisation

    def test_invalid_dates_are_refused(self, secretariat, organisation):
        with pytest.raises(ValidationError):
            services.organisation_update(
                organisation=organisation,
                actor=secretariat,
                version=organisation.version,
                joined_on=timezone.localdate(),
                left_on=timezone.localdate() - timedelta(days=1),
            )
        organisation.refresh_from_db()
        assert organisation.left_on is None


class TestPeople:
    def test_secretariat_changes_a_persons_role(self, secretariat, focal_point):
        services.person_update(
            person=focal_point,
            actor=secretariat,
            version=focal_point.version,
            role=Person.Role.ALTERNATE,
        )
        focal_point.refresh_from_db()
        assert focal_point.role == Person.Role.ALTERNATE
        assert LogEntry.objects.get_for_object(focal_point).filter(actor=secretariat).exists()

    def test_focal_point_cannot_change_someone_elses_role(self, focal_point, principal):
        with pytest.raises(PermissionDenied):
            services.person_update(
                person=principal,
                actor=focal_point,
                version=principal.version,
                role=Person.Role.SECRETARIAT,
            )
        principal.refresh_from_db()
        assert principal.role == Person.Role.PRINCIPAL

    def test_secretariat_cannot_remove_their_own_access(self, secretariat):
        with pytest.raises(ValidationError):
            services.person_update(
                person=secretariat,
                actor=secretariat,
                version=secretariat.version,
                is_active=False,
            )

    def test_profile_update_changes_only_profile_fields(self, focal_point):
        services.profile_update(
            person=focal_point,
            version=focal_point.version,
            time_zone="America/New_York",
            language="fr",
        )
        focal_point.refresh_from_db()
        assert (focal_point.time_zone, focal_point.language) == ("America/New_York", "fr")
        with pytest.raises(TypeError):
            services.profile_update(
                person=focal_point, version=focal_point.version, role="secretariat"
            )

    def test_unknown_time_zone_is_refused(self, focal_point):
        with pytest.raises(ValidationError):
            services.profile_update(
                person=focal_point, version=focal_point.version, time_zone="Mars/Olympus"
            )


class TestInvitations:
    def test_invitation_emails_a_link_that_expires(
        self, invite, secretariat, organisation, django_capture_on_commit_callbacks
    ):
        invitation, token = invite(secretariat)
        message = mail.outbox[-1]
        assert message.to == ["new.person@example.org"]
        assert "UNICEF" in message.body or organisation.name in message.body
        assert message.alternatives and message.alternatives[0][1] == "text/html"
        invitation.refresh_from_db()
        assert invitation.sent_at is not None
        assert invitation.token_hash != token  # only the hash is stored
        assert invitation.expires_at > timezone.now() + timedelta(days=6)

    def test_accepting_creates_the_person_in_the_invited_organisation_and_role(
        self, invite, secretariat, organisation, django_capture_on_commit_callbacks
    ):
        invitation, token = invite(secretariat, role=Person.Role.PRINCIPAL)
        person = services.invitation_accept(
            token=token, full_name="Ada Lovelace", password="a-long-test-password"
        )
        assert (person.organisation, person.role) == (organisation, Person.Role.PRINCIPAL)
        assert person.check_password("a-long-test-password")
        assert person.emailaddress_set.get().verified
        invitation.refresh_from_db()
        assert invitation.accepted_at and invitation.person == person

    def test_a_used_link_is_refused(
        self, invite, secretariat, organisation, django_capture_on_commit_callbacks
    ):
        _, token = invite(secretariat)
        services.invitation_accept(token=token, full_name="Ada", password="a-long-test-password")
        with pytest.raises(services.InvitationInvalid, match="already been used"):
            services.invitation_accept(
                token=token, full_name="Eve", password="a-long-test-password"
            )
        assert Person.objects.filter(email="new.person@example.org").count() == 1

    def test_an_expired_link_is_refused(
        self, invite, secretariat, organisation, django_capture_on_commit_callbacks
    ):
        invitation, token = invite(secretariat)
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        with pytest.raises(services.InvitationInvalid, match="expired"):
            services.invitation_accept(
                token=token, full_name="Ada", password="a-long-test-password"
            )
        assert not Person.objects.filter(email="new.person@example.org").exists()

    def test_inviting_again_replaces_the_earlier_link(
        self, invite, secretariat, organisation, django_capture_on_commit_callbacks
    ):
        _, first_token = invite(secretariat)
        _, second_token = invite(secretariat)
        with pytest.raises(services.InvitationInvalid, match="withdrawn"):
            services.invitation_for_token(first_token)
        assert services.invitation_for_token(second_token).email == "new.person@example.org"

    def test_resend_issues_a_new_link_and_kills_the_old(
        self, invite, secretariat, organisation, django_capture_on_commit_callbacks
    ):
        invitation, old_token = invite(secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_resend(invitation=invitation, actor=secretariat)
        new_token = token_from_last_email()
        assert new_token != old_token
        with pytest.raises(services.InvitationInvalid):
            services.invitation_for_token(old_token)
        assert services.invitation_for_token(new_token).pk == invitation.pk

    def test_an_existing_account_cannot_be_invited(self, secretariat, focal_point):
        with pytest.raises(ValidationError):
            services.invitation_create(
                actor=secretariat,
                email=focal_point.email.upper(),
                role=Person.Role.PRINCIPAL,
                organisation=focal_point.organisation,
            )

    def test_focal_point_cannot_invite(self, invite, focal_point, organisation):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                actor=focal_point,
                email="x@example.org",
                role=Person.Role.FOCAL_POINT,
                organisation=organisation,
            )
        assert not Invitation.objects.exists()

    def test_a_weak_password_is_refused_and_the_invitation_stays_open(
        self, invite, secretariat, organisation, django_capture_on_commit_callbacks
    ):
        invitation, token = invite(secretariat)
        with pytest.raises(ValidationError):
            services.invitation_accept(token=token, full_name="Ada", password="123")
        invitation.refresh_from_db()
        assert invitation.accepted_at is None

    def test_an_invitation_recorded_while_the_broker_is_down_goes_with_the_next_sweep(
        self, secretariat, organisation, django_capture_on_commit_callbacks, monkeypatch
    ):
        from kombu.exceptions import OperationalError

        from notifications import delivery, tasks

        def broker_down(*args, **kwargs):
            raise OperationalError("Connection refused")

        monkeypatch.setattr(tasks.send_deliveries, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_create(
                actor=secretariat,
                email="new.person@example.org",
                role=Person.Role.FOCAL_POINT,
                organisation=organisation,
            )
        assert mail.outbox == []
        delivery.deliver()  # the beat's sweep
        assert mail.outbox[-1].to == ["new.person@example.org"]
        assert (
            "/join/" in mail.outbox[-1].body and "__invitation_link__" not in mail.outbox[-1].body
        )

    def test_an_invitation_withdrawn_before_its_email_went_is_not_sent(
        self, secretariat, organisation, django_capture_on_commit_callbacks, monkeypatch
    ):
        from notifications import delivery, tasks
        from notifications.models import Delivery

        monkeypatch.setattr(
            tasks.send_deliveries, "apply_async", lambda *a, **k: None
        )  # nothing sends yet
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                actor=secretariat,
                email="late@example.org",
                role=Person.Role.FOCAL_POINT,
                organisation=organisation,
            )
        services.invitation_revoke(invitation=invitation, actor=secretariat)
        delivery.deliver()
        assert mail.outbox == []
        assert Delivery.objects.get().status == "skipped"


class TestChairPredicate:
    def test_focal_point_of_a_chairing_organisation_is_chair(
        self, focal_point, organisation, principal
    ):
        from coordination.permissions import is_chair

        factories.ChairTermFactory(
            starts_on=timezone.localdate() - timedelta(days=10),
            ends_on=timezone.localdate() + timedelta(days=10),
            organisations=[organisation],
        )
        assert is_chair(focal_point)
        assert not is_chair(principal)  # principals endorse; they do not chair

    def test_chair_rights_end_with_the_term(self, focal_point, organisation):
        from coordination.permissions import is_chair

        factories.ChairTermFactory(
            starts_on=timezone.localdate() - timedelta(days=30),
            ends_on=timezone.localdate() - timedelta(days=1),
            organisations=[organisation],
        )
        assert not is_chair(focal_point)


class TestInvitationEmails:
    def test_a_resend_before_the_first_email_went_sends_one_working_link(
        self, secretariat, organisation, django_capture_on_commit_callbacks, monkeypatch
    ):
        from notifications import delivery, tasks

        monkeypatch.setattr(
            tasks.send_deliveries, "apply_async", lambda *a, **k: None
        )  # the broker is away
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                actor=secretariat,
                email="twice@example.org",
                role=Person.Role.FOCAL_POINT,
                organisation=organisation,
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_resend(invitation=invitation, actor=secretariat)
        delivery.deliver()
        assert len(mail.outbox) == 1
        token = token_from_last_email()
        assert services.invitation_for_token(token).pk == invitation.pk

    def test_an_expired_invitation_is_not_sent_again_and_sent_at_waits_for_success(
        self, secretariat, organisation, django_capture_on_commit_callbacks, monkeypatch, settings
    ):
        from notifications import delivery, tasks
        from notifications.models import Delivery

        monkeypatch.setattr(tasks.send_deliveries, "apply_async", lambda *a, **k: None)
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                actor=secretariat,
                email="late@example.org",
                role=Person.Role.FOCAL_POINT,
                organisation=organisation,
            )
        settings.EMAIL_BACKEND = "tests.notifications.test_digests.FlakyBackend"
        from tests.notifications.test_digests import FlakyBackend

        FlakyBackend.failures, FlakyBackend.sent = 1, []
        delivery.deliver()
        invitation.refresh_from_db()
        assert invitation.sent_at is None  # the send failed
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        Delivery.objects.update(next_attempt_at=timezone.now())
        delivery.deliver()
        assert FlakyBackend.sent == []
        assert Delivery.objects.get().status == "skipped"


class TestChairTerms:
    @pytest.fixture
    def term(self, secretariat, organisation):
        return services.chair_term_create(
            actor=secretariat,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            organisations=[organisation],
        )

    def test_secretariat_records_next_years_co_chairs_in_the_audit_history(
        self, secretariat, organisation, other_organisation
    ):
        term = services.chair_term_create(
            actor=secretariat,
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 12, 31),
            organisations=[organisation, other_organisation],
            note="Survivors' voices.",
        )
        term.refresh_from_db()
        assert term.version == 1
        assert term.note == "Survivors' voices."
        assert set(term.organisations.all()) == {organisation, other_organisation}
        entries = LogEntry.objects.get_for_object(term)
        assert entries.filter(action=LogEntry.Action.CREATE, actor=secretariat).exists()
        # The chairs are recorded too, with who named them.
        assert entries.filter(changes__icontains="organisations", actor=secretariat).exists()

    def test_update_moves_the_version_and_is_audited_with_the_actor(
        self, secretariat, term, other_organisation
    ):
        services.chair_term_update(
            term=term,
            actor=secretariat,
            version=1,
            ends_on=date(2026, 6, 30),
            organisations=[other_organisation],
        )
        term.refresh_from_db()
        assert (term.ends_on, term.version) == (date(2026, 6, 30), 2)
        assert list(term.organisations.all()) == [other_organisation]
        entry = (
            LogEntry.objects.get_for_object(term)
            .filter(action=LogEntry.Action.UPDATE, changes__icontains="ends_on")
            .get()
        )
        assert entry.actor == secretariat

    def test_a_change_of_chairs_alone_also_moves_the_version(
        self, secretariat, term, other_organisation
    ):
        services.chair_term_update(
            term=term, actor=secretariat, version=1, organisations=[other_organisation]
        )
        term.refresh_from_db()
        assert term.version == 2

    def test_a_term_cannot_end_before_it_starts(self, secretariat, organisation):
        with pytest.raises(ValidationError) as refused:
            services.chair_term_create(
                actor=secretariat,
                starts_on=date(2027, 1, 1),
                ends_on=date(2026, 12, 31),
                organisations=[organisation],
            )
        assert refused.value.message_dict == {
            "ends_on": ["A chair term cannot end before it starts."]
        }
        assert not ChairTerm.objects.exists()

    def test_a_term_has_one_chair_or_two_co_chairs_not_three(
        self, secretariat, organisation, other_organisation
    ):
        third = factories.OrganisationFactory(acronym="IOM")
        with pytest.raises(ValidationError) as refused:
            services.chair_term_create(
                actor=secretariat,
                starts_on=date(2027, 1, 1),
                ends_on=date(2027, 12, 31),
                organisations=[organisation, other_organisation, third],
            )
        assert refused.value.message_dict == {
            "organisations": ["A chair term has one chair or two co-chairs, not 3 organisations."]
        }
        assert not ChairTerm.objects.exists()

    def test_a_term_needs_a_chair(self, secretariat):
        with pytest.raises(ValidationError) as refused:
            services.chair_term_create(
                actor=secretariat,
                starts_on=date(2027, 1, 1),
                ends_on=date(2027, 12, 31),
                organisations=[],
            )
        assert "organisations" in refused.value.message_dict
        assert not ChairTerm.objects.exists()

    def test_terms_cannot_overlap(self, secretariat, term, other_organisation):
        with pytest.raises(ValidationError) as refused:
            services.chair_term_create(
                actor=secretariat,
                starts_on=date(2026, 12, 31),
                ends_on=date(2027, 12, 30),
                organisations=[other_organisation],
            )
        assert refused.value.messages == [
            "These dates overlap the chair term 2026 (Jan. 1, 2026 to Dec. 31, 2026); only one term "
            "may cover a day."
        ]
        assert ChairTerm.objects.count() == 1

    def test_the_next_term_may_start_the_day_after_the_last_one_ends(
        self, secretariat, term, other_organisation
    ):
        services.chair_term_create(
            actor=secretariat,
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 12, 31),
            organisations=[other_organisation],
        )
        assert ChairTerm.objects.count() == 2

    def test_an_update_cannot_stretch_a_term_over_the_next(
        self, secretariat, term, other_organisation
    ):
        services.chair_term_create(
            actor=secretariat,
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 12, 31),
            organisations=[other_organisation],
        )
        with pytest.raises(ValidationError, match="overlap the chair term 2027"):
            services.chair_term_update(
                term=term, actor=secretariat, version=1, ends_on=date(2027, 3, 31)
            )
        term.refresh_from_db()
        assert (term.ends_on, term.version) == (date(2026, 12, 31), 1)

    def test_a_stale_version_is_a_conflict_and_writes_nothing(
        self, secretariat, term, other_organisation
    ):
        services.chair_term_update(term=term, actor=secretariat, version=1, note="First.")
        stale = ChairTerm.objects.get(pk=term.pk)
        stale.version = 1  # as the second form read it, before the first save
        with pytest.raises(ConflictError):
            services.chair_term_update(
                term=stale, actor=secretariat, version=1, organisations=[other_organisation]
            )
        term.refresh_from_db()
        assert (term.note, term.version) == ("First.", 2)
        assert list(term.organisations.values_list("acronym", flat=True)) == ["UNICEF"]

    @pytest.mark.parametrize("role_fixture", ["focal_point", "principal", "observer"])
    def test_only_the_secretariat_manages_chair_terms(
        self, request, role_fixture, term, organisation
    ):
        person = request.getfixturevalue(role_fixture)
        with pytest.raises(PermissionDenied):
            services.chair_term_create(
                actor=person,
                starts_on=date(2027, 1, 1),
                ends_on=date(2027, 12, 31),
                organisations=[organisation],
            )
        with pytest.raises(PermissionDenied):
            services.chair_term_update(term=term, actor=person, version=1, note="Mine.")
        term.refresh_from_db()
        assert (ChairTerm.objects.count(), term.note, term.version) == (1, "", 1)

    def test_a_chair_cannot_extend_their_own_term(self, focal_point, organisation, term):
        from coordination.permissions import is_chair

        with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
            assert is_chair(focal_point)
            with pytest.raises(PermissionDenied):
                services.chair_term_update(
                    term=term, actor=focal_point, version=1, ends_on=date(2027, 12, 31)
                )
