from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from notifications import delivery, digests, services


class Command(BaseCommand):
    help = (
        "Send the digests that are due now, in this process (the beat's work, without waiting). "
        "With --everyone, send every active person their digest now, whatever their schedule: for trying."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--everyone", action="store_true", help="Everyone with something to read, now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        services.ensure_preferences(now)
        if options["everyone"]:
            people = get_user_model()._default_manager.filter(is_active=True)
            ids = list(people.values_list("pk", flat=True))
            period = f"now-{now:%Y%m%dT%H%M}"
        else:
            ids, period = digests.due_person_ids(now), None
        totals = {"people": 0, "recorded": 0, "sent": 0, "failed": 0}
        for batch in digests.batches(ids):
            for key, value in digests.send_digest_batch(batch, now, period=period).items():
                totals[key] += value
        swept = delivery.deliver()
        self.stdout.write(
            self.style.SUCCESS(
                f"{totals['people']} people looked at, {totals['recorded']} digests recorded, "
                f"{totals['sent']} sent, {totals['failed']} failed; {swept[0]} other emails sent."
            )
        )
