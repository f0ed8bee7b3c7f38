"""System checks of what every app relies on.

- Every registry entry can be imported. Entries are imported on first read (common.registry);
  without this check a mistyped path would only fail then, as an error on the dashboard or in the
  digest. `manage.py check`, which runs before the server and the tests start, finds it first.
- `SITE_URL` is where people reach the site. Emails build their links from it whichever process
  sends them (the web server, the Celery worker, `manage.py send_digests`), so a production site
  still on the embedded default would mail links to the reader's own machine.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from common import registry


@register()
def registry_entries_import(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for point in registry.all_registries():
        for path in point.paths():
            try:
                point.named(path)
            except ImportError as error:
                errors.append(
                    Error(
                        f"{path} (in the {point.name} registry) cannot be imported: {error}",
                        hint="Correct the dotted path where the app adds it in AppConfig.ready().",
                        id="common.E001",
                    )
                )
    return errors


# Addresses that only ever reach the machine the reader sits at.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 -- compared, not bound


@register()
def site_url_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Run by every `manage.py` command that checks (migrate among them, as the production web
    container starts), not only by `check --deploy`: in production (DEBUG off) a local address
    fails; in the embedded mode of `make run` it is the right one."""
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return [
            Error(
                f"SITE_URL ({settings.SITE_URL!r}) is not an http or https address: the links in "
                "emails would not open.",
                hint="Set SITE_URL to the address people reach the site at, with its scheme, "
                "e.g. https://hub.example.org.",
                id="common.E002",
            )
        ]
    host = parts.hostname
    if not settings.DEBUG and (host in LOCAL_HOSTS or host.endswith(".localhost")):
        return [
            Error(
                f"SITE_URL is {settings.SITE_URL}: links in emails would point at each reader's "
                "own machine.",
                hint="Set SITE_URL in the environment or in .env to the address people reach the "
                "site at, e.g. https://hub.example.org (see .env.example).",
                id="common.E003",
            )
        ]
    return []
