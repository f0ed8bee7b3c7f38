"""Encrypt the two-factor secrets stored in clear before the MFA adapter encrypted them."""

from django.db import migrations

from common import secrets


def encrypt_secrets(apps, schema_editor):
    secrets.transform_authenticators(
        apps.get_model("mfa", "Authenticator"), secrets.encrypt_if_clear
    )


def decrypt_secrets(apps, schema_editor):
    secrets.transform_authenticators(apps.get_model("mfa", "Authenticator"), secrets.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0004_chairterm_version"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
