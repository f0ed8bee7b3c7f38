from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coordination.models import Organisation, Person
from coordination.services import organisation_create, person_create


class Command(BaseCommand):
    help = (
        "Create the first secretariat account, which then invites everyone else from the site. "
        "It must set up two-factor authentication at its first login."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument(
            "--organisation", help="Acronym of the permanent coordinator (created if missing)"
        )
        parser.add_argument(
            "--organisation-name", help="Full name, when the organisation is created"
        )
        parser.add_argument(
            "--staff", action="store_true", help="Also let this person into the Django admin"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if Person.objects.filter(email__iexact=email).exists():
            raise CommandError(f"{email} already has an account.")
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(
                acronym__iexact=options["organisation"]
            ).first()
            if organisation is None:
                try:
                    organisation = organisation_create(
                        actor=None,
                        acronym=options["organisation"],
                        name=options["organisation_name"] or options["organisation"],
                        is_permanent_coordinator=not Organisation.objects.filter(
                            is_permanent_coordinator=True
                        ).exists(),
                    )
                except ValidationError as error:
                    raise CommandError(" ".join(error.messages)) from error
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords are not the same.")
        try:
            validate_password(password, user=Person(email=email, full_name=options["name"]))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        person_create(
            actor=None,
            email=email,
            full_name=options["name"],
            role=Person.Role.SECRETARIAT,
            organisation=organisation,
            password=password,
            is_staff=options["staff"],
            is_superuser=options["staff"],
        )
        self.stdout.write(self.style.SUCCESS(f"{email} can now log in as secretariat."))
