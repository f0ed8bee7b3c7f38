from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from config.placeholders import refuse_placeholder_secret  # noqa: E402 - needs settings loaded

refuse_placeholder_secret()
