"""Two-factor secrets are encrypted at rest (common/secrets.py, the MFA adapter, the data
migration and rotate_mfa_keys)."""

from __future__ import annotations

import importlib
import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from common import secrets
from coordination import checks
from coordination.adapters import RequiredTwoFactorMFAAdapter
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def current_code(secret: str) -> str:
    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def test_a_secret_round_trips_and_is_not_kept_in_clear():
    token = secrets.encrypt(SECRET)
    assert token != SECRET and SECRET not in token
    assert secrets.is_encrypted(token)
    assert secrets.decrypt(token) == SECRET


def test_the_embedded_key_is_derived_from_secret_key(settings):
    settings.MFA_ENCRYPTION_KEYS = []
    token = secrets.encrypt(SECRET)
    key = secrets.derived_key()
    assert secrets.derived_key() == key
    assert Fernet(key).decrypt(token.encode()).decode() == SECRET
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert secrets.derived_key() != key
    with pytest.raises(secrets.UndecryptableSecret):
        secrets.decrypt(token)


def test_a_value_written_in_clear_still_reads():
    # Rows from before encryption (and tests/conftest.py's secretariat, written with "x").
    adapter = RequiredTwoFactorMFAAdapter()
    assert adapter.decrypt("x") == "x"
    assert adapter.decrypt(SECRET) == SECRET


def test_activating_totp_stores_the_secret_encrypted_and_the_code_logs_in(client, focal_point):
    TOTP.activate(focal_point, SECRET)
    stored = Authenticator.objects.get(user=focal_point, type=Authenticator.Type.TOTP)
    assert stored.data["secret"] != SECRET and SECRET not in str(stored.data)

    response = client.post(
        reverse("account_login"), {"login": focal_point.email, "password": factories.PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(SECRET)})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_wrong_code_is_refused(client, focal_point):
    TOTP.activate(focal_point, SECRET)
    client.post(
        reverse("account_login"), {"login": focal_point.email, "password": factories.PASSWORD}
    )
    wrong = str((int(current_code(SECRET)) + 500_000) % 1_000_000).zfill(6)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302


def test_recovery_codes_seed_is_stored_encrypted_and_the_codes_work(focal_point):
    codes = RecoveryCodes.activate(focal_point)
    seed = Authenticator.objects.get(user=focal_point, type="recovery_codes").data["seed"]
    assert secrets.is_encrypted(seed)
    first = codes.generate_codes()[0]
    assert RecoveryCodes(codes.instance).validate_code(first)


def test_an_old_key_still_decrypts_and_rotation_moves_rows_to_the_new_key(settings, focal_point):
    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    TOTP.activate(focal_point, SECRET)
    RecoveryCodes.activate(focal_point)
    codes_before = RecoveryCodes(
        Authenticator.objects.get(user=focal_point, type="recovery_codes")
    ).generate_codes()

    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    totp = Authenticator.objects.get(user=focal_point, type=Authenticator.Type.TOTP)
    assert secrets.decrypt(totp.data["secret"]) == SECRET
    with pytest.raises(InvalidToken):  # the new key alone does not open it
        Fernet(NEW_KEY).decrypt(totp.data["secret"].encode())

    out = StringIO()
    call_command("rotate_mfa_keys", stdout=out)
    assert out.getvalue().startswith("2 of 2 ")
    totp.refresh_from_db()
    assert Fernet(NEW_KEY).decrypt(totp.data["secret"].encode()).decode() == SECRET

    # Running it again changes nothing; dropping the old key loses nothing.
    out = StringIO()
    call_command("rotate_mfa_keys", stdout=out)
    assert out.getvalue().startswith("0 of 2 ")
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    assert TOTP(totp).validate_code(current_code(SECRET))
    recovery = Authenticator.objects.get(user=focal_point, type="recovery_codes")
    assert RecoveryCodes(recovery).generate_codes() == codes_before


def test_rotation_refuses_when_a_needed_key_was_dropped(settings, focal_point):
    from django.core.management.base import CommandError

    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    TOTP.activate(focal_point, SECRET)
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(CommandError, match="MFA_ENCRYPTION_KEYS"):
        call_command("rotate_mfa_keys", stdout=StringIO())


def test_the_data_migration_encrypts_clear_rows_and_reverses(secretariat, focal_point):
    migration = importlib.import_module("coordination.migrations.0005_encrypt_mfa_secrets")
    Authenticator.objects.create(
        user=focal_point,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    already = secrets.encrypt(SECRET)
    other = factories.PersonFactory(organisation=focal_point.organisation)
    Authenticator.objects.create(user=other, type="totp", data={"secret": already})

    migration.encrypt_secrets(apps, None)

    totp = Authenticator.objects.get(user=secretariat)
    recovery = Authenticator.objects.get(user=focal_point)
    assert secrets.is_encrypted(totp.data["secret"])
    assert secrets.decrypt(totp.data["secret"]) == "x"
    assert secrets.decrypt(recovery.data["seed"]) == "ab" * 40
    assert [secrets.decrypt(c) for c in recovery.data["migrated_codes"]] == ["12345678"]
    assert recovery.data["used_mask"] == 0
    # A row already encrypted is left as it is (not encrypted twice).
    assert Authenticator.objects.get(user=other).data["secret"] == already

    migration.decrypt_secrets(apps, None)
    assert Authenticator.objects.get(user=secretariat).data["secret"] == "x"
    assert Authenticator.objects.get(user=focal_point).data["seed"] == "ab" * 40
    assert Authenticator.objects.get(user=other).data["secret"] == SECRET


def test_check_deploy_requires_keys_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.MFA_ENCRYPTION_KEYS = []
    assert [e.id for e in checks.check_mfa_encryption_keys()] == ["coordination.E001"]
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    assert checks.check_mfa_encryption_keys() == []
    settings.MFA_ENCRYPTION_KEYS = ["not-a-fernet-key", NEW_KEY]
    assert [e.id for e in checks.check_mfa_encryption_keys()] == ["coordination.E002"]
    # .env.example's placeholder passes the check as SECRET_KEY's does, but cannot be used.
    settings.MFA_ENCRYPTION_KEYS = ["REPLACE-ME-with-a-key"]
    assert checks.check_mfa_encryption_keys() == []
    with pytest.raises(ImproperlyConfigured):
        secrets.encrypt(SECRET)
    settings.DEBUG = True
    settings.MFA_ENCRYPTION_KEYS = []
    assert checks.check_mfa_encryption_keys() == []


def test_a_malformed_key_is_reported_clearly(settings):
    settings.MFA_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="MFA_ENCRYPTION_KEYS"):
        secrets.encrypt(SECRET)
