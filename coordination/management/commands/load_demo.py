from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coordination.demo import load_demo_group


class Command(BaseCommand):
    help = "Load the demonstration group (idempotent: running it again changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        written = load_demo_group()
        summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in written.items())
        self.stdout.write(self.style.SUCCESS(f"Demonstration group ready ({summary} written)."))
