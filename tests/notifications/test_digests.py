from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import delivery, digests, services
from notifications.models import Delivery, Preference
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY_0700_UTC = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 08:00 in Vienna, 02:00 in New York


def person_with_work(time_zone, email, *, frequency="daily", due_in_days=3):
    organisation = factories.OrganisationFactory()
    person = factories.PersonFactory(organisation=organisation, time_zone=time_zone, email=email)
    factories.WorkItemFactory(
        lead_organisation=organisation,
        title=f"Brief of {email}",
        due_on=timezone.localdate() + timedelta(days=due_in_days),
    )
    Preference.objects.filter(person=person).delete()
    preference = Preference(
        person=person, frequency=frequency, hour=8, kinds=services.role_defaults(person)["kinds"]
    )
    return person, preference


class TestSchedule:
    def test_eight_oclock_is_local_for_each_person(self):
        preference = Preference(frequency="daily", hour=8)
        start = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
        vienna = preference.compute_next_digest_at(start, "Europe/Vienna")
        new_york = preference.compute_next_digest_at(start, "America/New_York")
        assert vienna == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
        assert new_york == datetime(2026, 11, 22, 13, 0, tzinfo=UTC)

    def test_the_hour_stays_local_across_daylight_saving(self):
        preference = Preference(frequency="daily", hour=8)
        # Vienna's clocks go back on 25 October 2026.
        before = preference.compute_next_digest_at(
            datetime(2026, 10, 23, 12, 0, tzinfo=UTC), "Europe/Vienna"
        )
        after = preference.compute_next_digest_at(
            datetime(2026, 10, 25, 12, 0, tzinfo=UTC), "Europe/Vienna"
        )
        assert before.hour == 6 and after.hour == 7  # 08:00 CEST, then 08:00 CET
        assert (
            before.astimezone(zoneinfo.ZoneInfo("Europe/Vienna")).hour
            == 8
            == after.astimezone(zoneinfo.ZoneInfo("Europe/Vienna")).hour
        )

    def test_weekly_falls_on_the_chosen_day_and_never_is_never(self):
        weekly = Preference(frequency="weekly", weekday=Preference.Weekday.THURSDAY, hour=9)
        due = weekly.compute_next_digest_at(
            datetime(2026, 11, 22, 12, 0, tzinfo=UTC), "Europe/Vienna"
        )
        assert (
            due.astimezone(zoneinfo.ZoneInfo("Europe/Vienna")).strftime("%A %H:%M")
            == "Thursday 09:00"
        )
        assert Preference(frequency="never").compute_next_digest_at(due, "UTC") is None

    def test_new_york_and_vienna_at_the_same_instant(self):
        with time_machine.travel(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), tick=False):
            vienna, vienna_pref = person_with_work("Europe/Vienna", "vienna@example.org")
            new_york, new_york_pref = person_with_work("America/New_York", "newyork@example.org")
            for person, preference in ((vienna, vienna_pref), (new_york, new_york_pref)):
                preference.next_digest_at = preference.compute_next_digest_at(
                    timezone.now(), person.time_zone
                )
                preference.save()
        both = [vienna.pk, new_york.pk]
        with time_machine.travel(datetime(2026, 11, 22, 13, 30, tzinfo=UTC), tick=False):
            # 08:30 in New York, 14:30 in Vienna (whose 08:00 has passed for today).
            assert digests.due_person_ids(timezone.now()) == [new_york.pk]
            digests.send_digest_batch(both)
            assert [m.to for m in mail.outbox] == [["newyork@example.org"]]
        with time_machine.travel(MONDAY_0700_UTC, tick=False):
            # 08:00 in Vienna, 02:00 in New York.
            assert digests.due_person_ids(timezone.now()) == [vienna.pk]
            digests.send_digest_batch(both)
            assert [m.to for m in mail.outbox] == [["newyork@example.org"], ["vienna@example.org"]]


class TestSending:
    def due_people(self, n):
        people = []
        for i in range(n):
            person, preference = person_with_work(
                "Europe/Vienna", f"p{i}-{timezone.now().timestamp()}@example.org"
            )
            preference.next_digest_at = timezone.now() - timedelta(minutes=1)
            preference.save()
            people.append(person)
        return people

    def test_each_due_person_gets_one_digest_with_their_items(self):
        people = self.due_people(3)
        result = digests.send_digest_batch([p.pk for p in people])
        assert result == {"people": 3, "recorded": 3, "sent": 3, "failed": 0}
        message = next(m for m in mail.outbox if m.to == [people[0].email])
        assert f"Brief of {people[0].email}" in message.body
        assert f"Brief of {people[1].email}" not in message.body
        assert message.alternatives[0][1] == "text/html"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.extra_headers["List-Unsubscribe"].startswith(
            "<http://testserver/notifications/unsubscribe/"
        )
        for person in people:
            assert Preference.objects.get(person=person).next_digest_at > timezone.now()

    def test_running_twice_sends_once(self):
        people = self.due_people(2)
        ids = [p.pk for p in people]
        digests.send_digest_batch(ids)
        # A repeated tick, or a retried task: the people are no longer due...
        assert digests.send_digest_batch(ids)["recorded"] == 0
        # ...and even forced back to due for the same period, the unique key holds.
        Preference.objects.filter(person__in=people).update(
            next_digest_at=timezone.now() - timedelta(minutes=5)
        )
        digests.send_digest_batch(ids)
        assert len(mail.outbox) == 2

    def test_nothing_to_say_sends_nothing_but_the_schedule_moves_on(self):
        person, preference = person_with_work("Europe/Vienna", "quiet@example.org", due_in_days=60)
        preference.next_digest_at = timezone.now() - timedelta(minutes=1)
        preference.save()
        assert digests.send_digest_batch([person.pk])["recorded"] == 0
        assert mail.outbox == []
        assert Preference.objects.get(person=person).next_digest_at > timezone.now()

    def test_only_the_kinds_chosen(self):
        (person,) = self.due_people(1)
        Preference.objects.filter(person=person).update(kinds=["meetings"])
        assert digests.send_digest_batch([person.pk])["recorded"] == 0

    def test_queries_per_batch_do_not_grow_with_recipients(self):
        """Recording a batch costs the same whatever its size; sending then costs exactly one
        UPDATE per email (each is marked sent as soon as the server took it)."""
        small = [p.pk for p in self.due_people(3)]
        large = [p.pk for p in self.due_people(30)]
        with CaptureQueriesContext(connection) as few:
            _, few_ids = digests.record_digest_batch(small)
        with CaptureQueriesContext(connection) as many:
            _, many_ids = digests.record_digest_batch(large)
        assert len(many) == len(few)
        with CaptureQueriesContext(connection) as sending_few:
            delivery.deliver(few_ids)
        with CaptureQueriesContext(connection) as sending_many:
            delivery.deliver(many_ids)
        assert len(sending_many) - len(sending_few) == len(many_ids) - len(few_ids) == 27
        assert len(mail.outbox) == 33

    def test_send_now_for_everyone_skips_those_who_unsubscribed(self):
        people = self.due_people(2)
        Preference.objects.filter(person=people[0]).update(frequency="never", next_digest_at=None)
        digests.send_digest_batch([p.pk for p in people], period="now-test")
        assert [m.to for m in mail.outbox] == [[people[1].email]]

    def test_a_preference_saved_during_a_batch_keeps_its_new_time(self, monkeypatch):
        (person,) = self.due_people(1)
        saved = {}
        original = digests.collect

        def person_saves_while_the_batch_reads(people, now):
            # The batch has claimed the person; they change their preferences now.
            services.preference_update(person=person, frequency="weekly", weekday=4)
            saved["at"] = Preference.objects.get(person=person).next_digest_at
            return original(people, now)

        monkeypatch.setattr(digests, "collect", person_saves_while_the_batch_reads)
        digests.send_digest_batch([person.pk])
        assert Preference.objects.get(person=person).next_digest_at == saved["at"]

    def test_changing_time_zone_moves_the_next_digest(self, secretariat):
        from coordination.services import profile_update

        (person,) = self.due_people(1)
        services.preference_update(person=person)
        before = Preference.objects.get(person=person).next_digest_at
        profile_update(person=person, version=person.version, time_zone="Pacific/Auckland")
        after = Preference.objects.get(person=person).next_digest_at
        assert after != before
        assert after.astimezone(zoneinfo.ZoneInfo("Pacific/Auckland")).hour == 8

    def test_preferences_are_made_for_new_people_with_role_defaults(
        self, focal_point, principal, observer
    ):
        services.ensure_preferences(timezone.now())
        assert Preference.objects.get(person=focal_point).frequency == "daily"
        assert Preference.objects.get(person=principal).frequency == "weekly"
        # Observers take no immediate emails by default: what happened reaches them in the
        # digest (notifications.news, a kind every role has).
        assert Preference.objects.get(person=observer).kinds == ["meetings", "news"]
        assert Preference.objects.get(person=focal_point).next_digest_at is not None


class FlakyBackend:
    """An email backend whose server refuses the first `failures` messages."""

    failures = 0
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        import smtplib

        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FlakyBackend.sent.extend(messages)
        return len(messages)


class TestRetries:
    def make_delivery(self, person, key="k"):
        return Delivery.objects.create(
            key=key,
            kind="digest",
            person=person,
            to=person.email,
            subject="S",
            text="T",
            html="<p>T</p>",
        )

    def test_a_failed_send_is_retried_with_backoff_until_it_goes(self, settings, focal_point):
        settings.EMAIL_BACKEND = "tests.notifications.test_digests.FlakyBackend"
        FlakyBackend.failures, FlakyBackend.sent = 2, []
        row = self.make_delivery(focal_point)
        start = timezone.now()
        assert delivery.deliver() == (0, 1)
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("retry", 1)
        assert "SMTPServerDisconnected" in row.last_error
        assert delivery.deliver() == (0, 0)  # not yet: it waits a minute
        with time_machine.travel(start + timedelta(minutes=1, seconds=5), tick=False):
            assert delivery.deliver() == (0, 1)
        with time_machine.travel(start + timedelta(minutes=4), tick=False):
            assert delivery.deliver() == (1, 0)
        row.refresh_from_db()
        assert row.status == "sent" and len(FlakyBackend.sent) == 1

    def test_after_the_last_attempt_it_is_failed_and_shown(self, settings, focal_point):
        settings.EMAIL_BACKEND = "tests.notifications.test_digests.FlakyBackend"
        FlakyBackend.failures, FlakyBackend.sent = 100, []
        row = self.make_delivery(focal_point)
        moment = timezone.now()
        for _ in range(delivery.MAX_ATTEMPTS):
            with time_machine.travel(moment, tick=False):
                delivery.deliver()
            moment += timedelta(hours=3)
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
        FlakyBackend.failures = 0
        delivery.send_again(row)
        assert delivery.deliver() == (1, 0)

    def test_backoff_is_bounded(self):
        assert [delivery.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
        assert delivery.backoff(30) == delivery.LONGEST_RETRY_AFTER

    def test_two_claims_never_take_the_same_row(self, focal_point):
        rows = [self.make_delivery(focal_point, key=f"k{i}") for i in range(5)]
        first = delivery.claim()
        second = delivery.claim()
        assert {r.pk for r in first} == {r.pk for r in rows} and second == []

    def test_a_worker_killed_mid_batch_resends_only_what_it_had_not_sent(
        self, settings, focal_point
    ):
        class DiesAfterTwo(FlakyBackend):
            def send_messages(self, messages):
                if len(FlakyBackend.sent) == 2:
                    raise SystemExit("killed")  # not an Exception: the loop does not catch it
                FlakyBackend.sent.extend(messages)
                return len(messages)

        settings.EMAIL_BACKEND = f"{__name__}.DiesAfterTwo"
        globals()["DiesAfterTwo"] = DiesAfterTwo
        FlakyBackend.failures, FlakyBackend.sent = 0, []
        rows = [self.make_delivery(focal_point, key=f"k{i}") for i in range(5)]
        with pytest.raises(SystemExit):
            delivery.deliver()
        assert Delivery.objects.filter(status="sent").count() == 2
        settings.EMAIL_BACKEND = "tests.notifications.test_digests.FlakyBackend"
        with time_machine.travel(
            timezone.now() + delivery.ABANDONED_AFTER + timedelta(minutes=1), tick=False
        ):
            delivery.release_abandoned()
            assert delivery.deliver() == (3, 0)
        assert len(FlakyBackend.sent) == 5 == len(rows)  # five emails, none twice

    def test_a_row_left_half_sent_by_a_dead_worker_goes_out_later(self, focal_point):
        row = self.make_delivery(focal_point)
        delivery.claim()  # ...and the worker dies
        assert delivery.deliver() == (0, 0)
        with time_machine.travel(
            timezone.now() + delivery.ABANDONED_AFTER + timedelta(minutes=1), tick=False
        ):
            delivery.release_abandoned()
            assert delivery.deliver() == (1, 0)
        row.refresh_from_db()
        assert row.status == "sent"


def test_overdue_is_judged_by_the_readers_own_date():
    """At 11:00 UTC on 22 November it is already 23 November in Auckland: an item due on the
    22nd is overdue there, and still due today in Vienna."""
    with time_machine.travel(datetime(2026, 11, 22, 11, 0, tzinfo=UTC), tick=False):
        organisation = factories.OrganisationFactory()
        factories.WorkItemFactory(
            lead_organisation=organisation, title="Brief", due_on=date(2026, 11, 22)
        )
        auckland = factories.PersonFactory(
            organisation=organisation, time_zone="Pacific/Auckland", email="akl@example.org"
        )
        vienna = factories.PersonFactory(
            organisation=organisation, time_zone="Europe/Vienna", email="vie@example.org"
        )
        services.ensure_preferences(timezone.now())
        Preference.objects.update(next_digest_at=timezone.now() - timedelta(minutes=1))
        digests.send_digest_batch([auckland.pk, vienna.pk])
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "overdue since Nov. 22, 2026" in bodies["akl@example.org"]
    assert (
        "due Nov. 22, 2026" in bodies["vie@example.org"]
        and "overdue" not in bodies["vie@example.org"]
    )


def test_a_section_shared_by_an_organisations_people_is_rendered_once_per_language_and_zone():
    organisation = factories.OrganisationFactory()
    factories.WorkItemFactory(
        lead_organisation=organisation,
        title="Shared brief",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    readers = [
        factories.PersonFactory(organisation=organisation, language=language, time_zone=zone)
        for language, zone in [
            ("en", "Europe/Vienna"),
            ("en", "Europe/Vienna"),
            ("fr", "Europe/Vienna"),
            ("en", "America/New_York"),
        ]
    ]
    services.ensure_preferences(timezone.now(), people=readers)
    Preference.objects.filter(person__in=readers).update(
        next_digest_at=timezone.now() - timedelta(minutes=1)
    )
    rendered = []
    original = digests.Fragments.__call__

    def counting(self, section, language, zone):
        before = len(self.done)
        result = original(self, section, language, zone)
        rendered.extend([(section["kind"], language, zone)] * (len(self.done) - before))
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(digests.Fragments, "__call__", counting)
        digests.send_digest_batch([p.pk for p in readers])
    assert sorted(rendered) == sorted(
        [
            ("work_items", "en", "Europe/Vienna"),
            ("work_items", "fr", "Europe/Vienna"),
            ("work_items", "en", "America/New_York"),
        ]
    )
    # Each reader still has their own digest: their name, their language.
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert len(bodies) == 4
    for reader in readers:
        assert reader.full_name in bodies[reader.email] and "Shared brief" in bodies[reader.email]
    assert "LES ACTIVITÉS DE VOTRE ORGANISATION" in bodies[readers[2].email]
    assert "YOUR ORGANISATION'S WORK ITEMS" in bodies[readers[0].email]


def test_a_lines_text_and_html_entries_escape_what_they_show(settings):
    settings.SITE_URL = "https://hub.example"
    fragments = digests.Fragments()
    section = {
        "kind": "work_items",
        "title": "Items",
        "lines": [
            {"title": "Plan <b>&</b> act", "url": "/workplans/items/1/", "detail": "due <soon>"},
            {"title": "No detail", "url": "/workplans/items/2/", "detail": ""},
        ],
        "more": 2,
    }
    shown = fragments(section, "en", "Europe/Vienna")
    assert (
        "- Plan <b>&</b> act (due <soon>)\n  https://hub.example/workplans/items/1/\n"
        "- No detail\n  https://hub.example/workplans/items/2/\n  and 2 more\n"
    ) in shown["text"]
    assert (
        '<li style="margin:0 0 6px"><a href="https://hub.example/workplans/items/1/" '
        'style="color:#0b4f8a">Plan &lt;b&gt;&amp;&lt;/b&gt; act</a><br><span '
        'style="font-size:13px;color:#4d5661">due &lt;soon&gt;</span></li>'
    ) in shown["html"]
    assert "and 2 more in the site" in shown["html"]
    # The same section for a reader in the same language and zone is not rendered again.
    assert fragments(section, "en", "Europe/Vienna")["html"] is shown["html"]


def test_a_batch_larger_than_a_claim_is_sent_whole(monkeypatch):
    """send_digest_batch sends every digest it recorded, however many claims that takes."""
    monkeypatch.setattr(delivery, "BATCH", 2)
    people = TestSending().due_people(5)
    result = digests.send_digest_batch([p.pk for p in people])
    assert result == {"people": 5, "recorded": 5, "sent": 5, "failed": 0}
    assert len(mail.outbox) == 5
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
