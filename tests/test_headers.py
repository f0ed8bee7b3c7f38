"""Every page carries the security headers, and no page holds inline script or style that the
Content-Security-Policy would block (so a regression fails here, not silently in a browser)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coordination.demo import demo_email, load_everything
from coordination.models import ChairTerm, Invitation, Organisation, Person
from meetings.models import AgendaItem, Meeting
from workplans.models import PriorityArea, WorkItem, WorkPlan

pytestmark = pytest.mark.django_db

# The only sources a policy may name: this site, data: (allauth's QR code) and a nonce.
ALLOWED_SOURCES = re.compile(r"^('self'|'none'|data:|'nonce-[A-Za-z0-9+/=]+')$")
REQUIRED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}

# What the policy blocks in a page. A <script> that only carries JSON data is not run, so the
# policy allows it; every other <script> must load a file.
INLINE = {
    "style attribute": re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE),
    "<style> block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "inline <script>": re.compile(
        r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE
    ),
    "on* handler": re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: link": re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE),
}


def header_problems(response) -> list[str]:
    problems = []
    policy = response.headers.get("Content-Security-Policy")
    if not policy:
        return ["no Content-Security-Policy"]
    directives = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        directives[name] = sources
        problems += [f"{name} allows {s}" for s in sources if not ALLOWED_SOURCES.match(s)]
    problems += [
        f"{name} is not {source}"
        for name, source in REQUIRED_DIRECTIVES.items()
        if directives.get(name) != [source]
    ]
    for header in (
        "Permissions-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Cross-Origin-Opener-Policy",
    ):
        if not response.headers.get(header):
            problems.append(f"no {header}")
    if "camera=()" not in response.headers.get("Permissions-Policy", ""):
        problems.append("Permissions-Policy does not refuse the camera")
    return problems


def inline_problems(response) -> list[str]:
    if not response.headers.get("Content-Type", "").startswith("text/html"):
        return []
    html = response.content.decode()
    return [
        f"{what}: {match.group(0)[:80]!r}"
        for what, pattern in INLINE.items()
        if (match := pattern.search(html))
    ]


def routes(patterns=None, prefix: str = "") -> Iterator[str]:
    """Every route of the resolver, as written (`workplans/<int:pk>/`)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def pages_without_arguments() -> list[str]:
    return sorted("/" + route for route in set(routes()) if not re.search(r"[<>^$()\\]", route))


def pages_of_the_demo() -> list[str]:
    """The pages that take an object, one demo object each."""
    plan = WorkPlan.objects.get()
    item = WorkItem.objects.filter(status="at_risk").first()
    meeting = Meeting.objects.filter(status="scheduled").first()
    organisation = Organisation.objects.get(acronym="UNODC")
    person = Person.objects.get(email=demo_email("secretariat"))
    area = PriorityArea.objects.first()
    assert item and meeting and area, "the demo has an item at risk, a meeting and an area"
    agenda_item = AgendaItem.objects.first()
    invitation = Invitation.objects.first()
    chair_term = ChairTerm.objects.first()
    pages = [
        reverse("coordination:organisation_detail", args=[organisation.slug]),
        reverse("coordination:organisation_edit", args=[organisation.slug]),
        reverse("coordination:person_detail", args=[person.pk]),
        reverse("coordination:person_edit", args=[person.pk]),
        plan.get_absolute_url(),
        reverse("workplans:plan_edit", args=[plan.pk]),
        reverse("workplans:area_create", args=[plan.pk]),
        reverse("workplans:area_edit", args=[area.pk]),
        reverse("workplans:item_create", args=[plan.pk]),
        reverse("workplans:report", args=[plan.pk, plan.last_year - 1]),
        item.get_absolute_url(),
        reverse("workplans:item_edit", args=[item.pk]),
        reverse("meetings:month", args=[2025, 5]),
        meeting.get_absolute_url(),
        reverse("meetings:meeting_edit", args=[meeting.pk]),
        reverse("coordination:invitation_accept", args=["not-a-token"]),
        reverse("notifications:unsubscribe", args=["not-a-token"]),
        reverse("admin:app_list", args=["coordination"]),
        reverse("admin:coordination_organisation_change", args=[organisation.pk]),
        reverse("admin:coordination_person_change", args=[person.pk]),
        "/no-such-page/",
    ]
    if agenda_item:
        pages.append(reverse("meetings:agenda_edit", args=[agenda_item.pk]))
    if invitation:
        pages.append(reverse("admin:coordination_invitation_change", args=[invitation.pk]))
    if chair_term:
        pages.append(reverse("admin:coordination_chairterm_change", args=[chair_term.pk]))
    return pages


# Pages the secretariat must reach: if one stops answering 200, the test would check less.
MAIN_PAGES = [
    "/",
    "/members/",
    "/people/",
    "/invitations/",
    "/history/",
    "/profile/",
    "/workplans/",
    "/workplans/items/",
    "/meetings/",
    "/meetings/calendar/",
    "/notifications/",
    "/notifications/preferences/",
    "/notifications/deliveries/",
    "/admin/",
]


def check(client: Client, paths: list[str]) -> tuple[dict[str, list[str]], set[str]]:
    found, answered = {}, set()
    for path in paths:
        response = client.get(path)
        if response.status_code == 200:
            answered.add(path)
        problems = header_problems(response) + inline_problems(response)
        if problems:
            found[f"{path} ({response.status_code})"] = problems
    return found, answered


@pytest.fixture
def demo(settings):
    settings.MFA_REQUIRED_FOR = []  # the demo secretariat has no second factor
    load_everything()


def test_every_page_of_the_secretariat_has_the_headers_and_nothing_inline(client, demo):
    secretariat = Person.objects.get(email=demo_email("secretariat"))
    # The whole admin, not only what the demo's model permissions show.
    Person.objects.filter(pk=secretariat.pk).update(is_superuser=True)
    client.force_login(secretariat)
    paths = pages_without_arguments() + pages_of_the_demo()
    # Logging out last, so every other page is seen logged in.
    paths.sort(key=lambda path: "logout" in path)

    found, answered = check(client, paths)

    assert found == {}
    assert set(MAIN_PAGES) <= answered, set(MAIN_PAGES) - answered
    assert len(answered) >= 40


def test_every_page_seen_anonymously_has_the_headers_and_nothing_inline(client, demo):
    paths = pages_without_arguments() + pages_of_the_demo()

    found, answered = check(client, paths)

    assert found == {}
    # Most pages send an anonymous visitor to the login page; these answer themselves.
    assert {"/accounts/login/", "/accounts/password/reset/"} <= answered


def test_a_conflict_page_has_nothing_inline(client, demo):
    secretariat = Person.objects.get(email=demo_email("secretariat"))
    client.force_login(secretariat)
    organisation = Organisation.objects.get(acronym="UNODC")
    url = reverse("coordination:organisation_edit", args=[organisation.slug])
    opened = client.get(url).context["form"].initial
    Organisation.objects.filter(pk=organisation.pk).update(version=organisation.version + 1)
    data = {k: v for k, v in opened.items() if v is not None} | {"headquarters_city": "Paris"}

    response = client.post(url, data)

    assert "Someone else saved changes" in response.content.decode()
    assert header_problems(response) + inline_problems(response) == []


PAGE_TEMPLATES = [
    path
    for folder in [
        Path(django_settings.BASE_DIR) / "templates",
        *sorted(Path(django_settings.BASE_DIR).glob("*/templates")),
    ]
    for path in sorted(folder.rglob("*.html"))
    # Emails keep their inline styles (mail clients need them), and the annual report's PDF
    # source is read by the PDF renderer, never served as a page.
    if "email" not in path.parent.parts and path.name != "report_pdf.html"
]


@pytest.mark.parametrize(
    "template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(django_settings.BASE_DIR))
)
def test_no_page_template_holds_inline_script_or_style(template):
    """Catches what the pages above do not show: error and conflict states, rare branches."""
    source = template.read_text()
    found = [what for what, pattern in INLINE.items() if pattern.search(source)]
    assert found == []
