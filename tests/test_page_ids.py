"""Every field has its own label: no page repeats an id (a page with several forms gives each
its own ids), every <label for> names an element of the page, and every scrolling table
wrapper can be reached by keyboard and is named.

The pages are found by following the links of the demonstration as each role would, from the
dashboard and the search, so a page added later is checked without being listed here. The
browser tests check the same on every page they visit (tests/browser/conftest.py)."""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import Resolver404, resolve

from coordination.demo import demo_email, load_everything
from coordination.models import Person

pytestmark = pytest.mark.django_db

# Never followed: what changes state on GET, the admin (Django's own markup), and the
# feeds and files, which are not pages.
SKIPPED_PREFIXES = ("/accounts/logout", "/admin/", "/static/", "/media/", "/i18n/")
# Where the crawl starts: the dashboard, and the search (a form, not a link, leads there).
START = ["/", "/search/?q=trafficking"]


class Page(HTMLParser):
    """The ids, the labels' targets, the links and the scrolling regions of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_targets: list[str] = []
        self.links: list[str] = []
        self.unnamed_regions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label" and "for" in attributes:
            self.label_targets.append(attributes["for"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        if "table-wrap" in attributes.get("class", "").split() and not (
            attributes.get("tabindex") == "0"
            and attributes.get("role") == "region"
            and (attributes.get("aria-label") or attributes.get("aria-labelledby"))
        ):
            self.unnamed_regions.append(self.get_starttag_text() or tag)


def problems_of(html: str) -> list[str]:
    page = Page()
    page.feed(html)
    ids = set(page.ids)
    found = [f"id {i!r} is used {n} times" for i, n in Counter(page.ids).items() if n > 1]
    found += [f"<label for={t!r}> names no element" for t in page.label_targets if t not in ids]
    found += [f"a scrolling region is not focusable or named: {r}" for r in page.unnamed_regions]
    return found


def links_of(html: str) -> list[str]:
    page = Page()
    page.feed(html)
    return page.links


def crawl(client: Client, per_kind: int) -> tuple[dict[str, list[str]], set[str]]:
    """Open the START pages, then every page they link to, breadth first:

    1. a link outside the site, to a fragment only, or under SKIPPED_PREFIXES is not followed;
    2. a path Django does not resolve is not followed, nor a kind (a URL name) already opened
       `per_kind` times: two show a page's variants (a meeting with minutes and one without)
       without opening all of the demonstration's hundreds;
    3. a file (a path with an extension: a calendar, an export) is not opened, and a page that
       is not HTML is not parsed.
    """
    queue, seen, opened = deque(START), set(START), Counter[str]()
    found: dict[str, list[str]] = {}
    kinds: set[str] = set()
    while queue:
        path = queue.popleft()
        try:
            kind = resolve(path).view_name
        except Resolver404:
            continue
        if opened[kind] >= per_kind:
            continue
        opened[kind] += 1
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        kinds.add(kind)
        html = response.content.decode()
        if problems := problems_of(html):
            found[path] = problems
        for link in links_of(html):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if (
                target not in seen
                and not target.startswith(SKIPPED_PREFIXES)
                and "." not in parts.path.rsplit("/", 1)[-1]
            ):
                seen.add(target)
                queue.append(target)
    return found, kinds


@pytest.fixture
def demo(settings):
    settings.MFA_REQUIRED_FOR = []  # the demo secretariat has no second factor
    load_everything()


def test_the_parser_finds_repeated_ids_and_labels_of_nothing():
    html = (
        '<label for="id_text">Minutes</label><textarea id="id_text"></textarea>'
        '<label for="id_title">Decision</label><textarea id="id_text"></textarea>'
        '<div class="table-wrap"><table></table></div>'
        '<div class="table-wrap" tabindex="0" role="region" aria-label="People"></div>'
    )
    assert problems_of(html) == [
        "id 'id_text' is used 2 times",
        "<label for='id_title'> names no element",
        """a scrolling region is not focusable or named: <div class="table-wrap">""",
    ]


@pytest.mark.slow
def test_no_page_repeats_an_id_or_labels_nothing(client, demo):
    """Each role sees other forms on the same pages; the secretariat opens two pages of each
    kind, the others one (the demonstration is loaded once, the slow part)."""
    found, kinds = {}, set()
    for email, per_kind in [
        (demo_email("secretariat"), 2),
        (demo_email("focal", "ICMPD"), 1),  # chairs this year in the demonstration
        (demo_email("focal", "UN Women"), 1),
        (demo_email("principal", "UNICEF"), 1),
        (demo_email("observer"), 1),
    ]:
        client.force_login(Person.objects.get(email=email))
        role_found, role_kinds = crawl(client, per_kind)
        found |= {f"{email} {path}": problems for path, problems in role_found.items()}
        kinds |= role_kinds

    assert found == {}
    assert len(kinds) >= 70, sorted(kinds)


TEMPLATES = sorted(
    path
    for folder in [
        Path(django_settings.BASE_DIR) / "templates",
        *Path(django_settings.BASE_DIR).glob("*/templates"),
    ]
    for path in folder.rglob("*.html")
)
TABLE_WRAP = re.compile(r"<div [^>]*class=\"table-wrap[^>]*>")


def unnamed_wrappers(source: str) -> list[str]:
    return [
        wrapper
        for wrapper in TABLE_WRAP.findall(source)
        if not (
            'role="region"' in wrapper
            and 'tabindex="0"' in wrapper
            and ("aria-label=" in wrapper or "aria-labelledby=" in wrapper)
        )
    ]


def test_every_scrolling_wrapper_of_the_templates_is_a_named_region_the_keyboard_reaches():
    """Catches the wrappers the demonstration does not show (a conflict, an empty board)."""
    assert unnamed_wrappers('<div class="table-wrap card"><table>') != []
    found = {
        str(template.relative_to(django_settings.BASE_DIR)): wrappers
        for template in TEMPLATES
        if (wrappers := unnamed_wrappers(template.read_text()))
    }
    assert found == {}
