"""The history reads each change in words, whatever kind of field it was."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from common.audit import acting_as, describe_changes
from mapping.models import Term
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_change_of_countries_reads_as_their_names(secretariat):
    term = factories.term(taxonomy="region", code="sahel", label_en="Sahel")
    with acting_as(secretariat):
        term.countries = ["ML", "NE"]
        term.save()
    entries = list(LogEntry.objects.get_for_object(term).order_by("timestamp"))

    describe_changes(entries)

    rows = [row for entry in entries for row in entry.rows if row[0] == "countries"]
    assert rows and rows[-1][2] == "Mali, Niger"
    assert Term.objects.get(pk=term.pk).countries
