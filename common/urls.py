"""The path converter every app's URLs use for an object's id: `<id:pk>`; and the kernel's one page.

Django's `<int:...>` matches any run of digits, so `/meetings/1180591620717411303424/` reaches
the view with a number no database column can hold: SQLite's driver raises OverflowError on some
lookups and PostgreSQL rejects it, and either is a 500. An id is a positive 64-bit integer
(`DEFAULT_AUTO_FIELD` is BigAutoField), so anything else is not a match, and not a match is a 404
on every database, before the view runs.
"""

from __future__ import annotations

from django.urls import path, register_converter

from common import views

BIGGEST_ID = 2**63 - 1


class IdConverter:
    # Nineteen digits bound the work int() does on a hostile path; to_python bounds the value.
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGGEST_ID:
            # ValueError is how a converter says "no match": the resolver goes on and answers 404.
            raise ValueError(value)
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


# Registered when this module is imported: each app's urls.py imports it before its patterns,
# because a route is checked against the registered converters as it is built.
register_converter(IdConverter, "id")


# The kernel's own page: the global search, which asks every app through the registry
# (config/urls.py mounts it at /search/).
app_name = "common"

urlpatterns = [
    path("", views.search, name="search"),
]
