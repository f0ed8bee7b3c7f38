"""A system check that every registry entry can be imported.

Entries are imported on first read (common.registry); without this check a mistyped path would
only fail then, as an error on the dashboard or in the digest. `manage.py check`, which runs
before the server and the tests start, finds it first.
"""

from __future__ import annotations

from typing import Any

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
