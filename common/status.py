"""The kernel's own line of the system status page: the database."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from common.registry import Status


def database() -> Status:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # the page must still say what is wrong
        return Status(
            _("Database"),
            False,
            str(error)[:200],
            _("Nothing works without it: check that the database server runs and DATABASE_URL."),
        )
    return Status(_("Database"), True, connection.vendor, "")
