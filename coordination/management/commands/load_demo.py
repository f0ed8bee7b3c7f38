from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from common.dates import group_today
from coordination.demo import DEMO_PASSWORD, MEMBERS, demo_email, load_everything
from coordination.selectors import next_chair_term
from notifications import contract


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Command(BaseCommand):
    help = "Load the demonstration group (idempotent: running it again changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--logins", action="store_true", help="Print the demo logins afterwards"
        )
        parser.add_argument("--url", default="", help="The address to print with the logins")
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="Print the demo logins without loading anything (make run's banner)",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=0,
            metavar="SECONDS",
            help="First wait up to SECONDS for --url to answer, so that the logins are printed "
            "after the web server started",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins_only"]:
            if options["wait"]:
                self.wait_for(options["url"] or settings.SITE_URL, options["wait"])
            self.print_logins(options["url"])
            return
        # The demonstration's history is written, not announced: nobody is emailed about it.
        with contract.muted():
            written = load_everything()
        summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in written.items())
        self.stdout.write(self.style.SUCCESS(f"Demonstration group ready ({summary} written)."))
        if options["logins"]:
            self.print_logins(options["url"])

    def wait_for(self, url: str, seconds: float) -> None:
        """Until `url` answers (any HTTP status will do: the server is up) or `seconds` pass.
        A redirect is an answer too, not followed: one request in the server's log."""
        opener = urllib.request.build_opener(_NoRedirect)
        give_up = time.monotonic() + seconds
        while time.monotonic() < give_up:
            try:
                # The address make run gives, of the web server it starts beside this command.
                with opener.open(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.5)

    def print_logins(self, url: str) -> None:
        line = "=" * 72
        url = (url or settings.SITE_URL).rstrip("/") + "/"
        acronyms = ", ".join(m.acronym for m in MEMBERS)
        term = next_chair_term()
        incoming = (
            " or ".join(demo_email("focal", o.acronym) for o in term.organisations.all())
            if term
            else "—"
        )
        self.stdout.write(
            f"\n{line}\n"
            f"  {settings.GROUP_NAME} is running at  {url}\n"
            f"  Every demo login uses the password:  {DEMO_PASSWORD}\n\n"
            f"  secretariat   {demo_email('secretariat')}\n"
            f"  focal point   {demo_email('focal', 'UNICEF')}   (focal.<acronym>@demo.example)\n"
            f"  principal     {demo_email('principal', 'UNICEF')}   (principal.<acronym>@demo.example)\n"
            f"  chair ({group_today().year})  {demo_email('focal', 'ICMPD')} or {demo_email('focal', 'UNODC')}\n"
            f"  incoming chair  {incoming}   (the handover: Chairs → the next term)\n"
            f"  observer      {demo_email('observer')}\n\n"
            "  To try: principal.unicef answers the endorsement round on its dashboard;\n"
            "  focal.unodc comments on the World Day call; focal.iom updates IOM's profile\n"
            f"  in the mapping resource, open to everyone at {url}mapping/\n\n"
            f"  Organisations: {acronyms}\n"
            f"  (the acronym in lower case, letters and digits only: focal.unwomen@demo.example)\n\n"
            f"  Emails are written as files into {settings.EMAIL_FILE_PATH}\n"
            f"  The worker's and beat's logs: {settings.VAR_DIR / 'log'}\n"
            f"  Press Ctrl-C to stop the web server, the worker and beat.\n"
            f"{line}\n"
        )
