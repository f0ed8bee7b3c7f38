"""The unaccent extension the global search reads text through on PostgreSQL (common.search).

CreateExtension does nothing on another database, so SQLite (the embedded mode) migrates past it.
On PostgreSQL it needs a role that may create extensions: the database's owner from version 13
on, since unaccent is a trusted extension.
"""

from __future__ import annotations

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("common", "0003_reminder_last_sent_to")]

    operations = [UnaccentExtension()]
