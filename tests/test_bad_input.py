"""No input gives a 500, and an input that is refused changes nothing.

The walk takes its pages from the URL resolver and its forms from the pages themselves, so a new
page or a new form field is covered without editing this file:

1. Load the demonstration group (every kind of object) and add what it lacks: a document, a
   pending invitation, a failed email, an in-app notification, a calendar feed.
2. For each role, and anonymously, crawl the site from the dashboard: every link and form action
   that resolves to one of the walked patterns is a concrete URL of that pattern, with the ids of
   objects that role sees. A few patterns only ever appear in emails; their links are made here.
3. GET every concrete URL found by any role, as every role: a page of another organisation's
   object answers 403/404 or shows it, never 500. GET each pattern once more with an id beyond
   64 bits and with garbage in each parameter.
4. POST to every form action. The forms a role was shown get one payload per kind of bad value,
   built on the values the form was rendered with (so the other fields are valid and the bad
   value reaches the deepest code); the forms it was not shown get an empty and a garbage POST,
   the refused-role check. Each POST runs in a savepoint that is rolled back, so every payload
   meets the same data, and is framed by a snapshot of every table's row count and highest id:
   an answer that is not a redirect (an error, or a form shown again) must leave both unchanged.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from coordination import services as coordination_services
from coordination.demo import load_everything
from coordination.models import Invitation, Organisation, Person
from coordination.permissions import chair_organisation_ids
from mapping import services as mapping_services
from meetings import services as meeting_services
from meetings.models import CalendarFeed, Meeting
from notifications.models import Delivery, Notification
from notifications.unsubscribe import make_token
from statements import services as statement_services
from tests import factories

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**70
# How many concrete URLs of one pattern the walk keeps: one of the viewer's own organisation and
# one of another is what permission bugs need; more only makes the walk slower.
URLS_PER_PATTERN = 2
MIXED = "Ω日本\u0000\u202e<script>alert(1)</script>\u0007\ufeffد"


# --- The patterns walked -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name"
    route: str  # the whole route, converters included: "meetings/<id:pk>/"


def walked(pattern: URLPattern, namespace: str) -> bool:
    """Skip what this site does not own: Django's admin (its forms are Django's, tested upstream,
    and only staff reach it) and allauth's account and two-factor pages, which are allauth's
    code and ruin the walk when followed (logout ends the session, the two-factor pages change
    the secretariat's authenticators). Allauth's login page stays: it is everyone's way in."""
    module = getattr(pattern.callback, "__module__", "")
    if namespace == "admin" or module.startswith("django.contrib.admin"):
        return False
    if module.startswith("allauth."):
        return pattern.name == "account_login"
    # Static and media files are served by whitenoise or the web server, not by a view.
    return not module.startswith(("django.views.static", "django.contrib.staticfiles"))


def site_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Pattern]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from site_patterns(entry, prefix + str(entry.pattern), inner)
        elif walked(entry, namespace):
            name = ":".join(filter(None, [namespace, entry.name or ""]))
            yield Pattern(name=name, route=prefix + str(entry.pattern))


CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")


def filled(route: str, value_for: dict[str, str]) -> str:
    """The route with each parameter replaced: value_for maps a converter kind to its value."""
    return "/" + CONVERTER.sub(lambda m: value_for.get(m["kind"] or "str", "x"), route)


# --- Reading forms from pages --------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    # name → the value the form was rendered with (a list for a field sent more than once)
    values: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # name → input type, "select", "textarea"
    options: dict[str, list[str]] = field(default_factory=dict)


class PageReader(HTMLParser):
    """The links and forms of a page, as a browser would submit them."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            self._form = Form(
                action=urljoin(self.url, a.get("action") or self.url),
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
        elif self._form is None or (not a.get("name") and tag != "option"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            self._form.kinds[a["name"]] = kind
            values = self._form.values.setdefault(a["name"], [])
            if kind not in {"checkbox", "radio"} or "checked" in a:
                values.append(a.get("value", "on" if kind == "checkbox" else ""))
            self._form.options.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
            self._form.kinds[a["name"]] = "select"
            self._form.values.setdefault(a["name"], [])
            self._form.options.setdefault(a["name"], [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form.options[self._select].append(value)
            if "selected" in a:
                self._form.values[self._select].append(value)
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.kinds[a["name"]] = "textarea"
            self._form.values[a["name"]] = [""]

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.values[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._form is not None and self._select and not self._form.values[self._select]:
                # A select with nothing marked sends its first option, as a browser does.
                first = self._form.options[self._select][:1]
                self._form.values[self._select] = first
            self._select = None
        elif tag == "textarea":
            self._textarea = None


# --- Bad values ----------------------------------------------------------------------------------

TEXT_KINDS = {"text", "textarea", "email", "url", "search", "password", "tel"}
DATE_KINDS = {"date", "datetime-local", "time", "month", "week"}


def is_date(name: str, kind: str) -> bool:
    return kind in DATE_KINDS or bool(re.search(r"date|_on$|_at$|start|end|due|_0$|_1$", name))


def bad_payloads(form: Form, *, each_missing: bool) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """One payload per kind of bad value; each keeps the rendered values of the fields it does
    not aim at, so that the form is otherwise valid and the bad value is what it meets. With
    `each_missing`, also one payload per field left out."""
    fields = {name: kind for name, kind in form.kinds.items() if name != "csrfmiddlewaretoken"}
    rendered = {name: list(form.values.get(name, [])) for name in fields}

    def aimed(label: str, value: str, at: set[str]) -> tuple[str, dict[str, list[str]]]:
        at = at or set(fields)  # nothing aimed at: every field gets it
        return label, {name: [value] if name in at else rendered[name] for name in fields}

    yield "empty", {}
    yield "as rendered", rendered
    if each_missing:
        for name in fields:
            yield f"without {name}", {k: v for k, v in rendered.items() if k != name}
    texts = {n for n, k in fields.items() if k in TEXT_KINDS}
    yield aimed("10,000 characters", "x" * 10_000, texts)
    yield aimed("mixed scripts and control characters", MIXED, texts)
    numbers = {
        n
        for n, k in fields.items()
        if k in {"number", "select", "radio", "checkbox", "range"}
        or (k == "hidden" and all(v.isdigit() for v in rendered[n]))
    }
    yield aimed("2**70", str(BEYOND_64_BITS), numbers)
    yield aimed("wrong type", "not-a-number", numbers)
    yield aimed("not-a-date", "not-a-date", {n for n, k in fields.items() if is_date(n, k)})
    yield aimed("Mars/Olympus", "Mars/Olympus", {n for n in fields if "zone" in n})
    # An id that exists but that the form did not offer: another organisation's object, or one
    # the viewer may not choose.
    offered_ids = {
        n: {int(v) for v in form.options.get(n, []) if v.isdigit()}
        for n, k in fields.items()
        if k in {"select", "checkbox", "radio"}
    }
    payload = dict(rendered)
    for name, offered in offered_ids.items():
        if offered:
            payload[name] = [str(next(i for i in range(1, 10_000) if i not in offered))]
    if payload != rendered:
        yield "an id not offered", payload


# --- Data ----------------------------------------------------------------------------------------


def snapshot_sql() -> str:
    """One query for every table's row count and highest id: once per POST on each side."""
    quote = connection.ops.quote_name
    parts, seen = [], set()
    for model in apps.get_models():
        table = model._meta.db_table
        if not model._meta.managed or model._meta.proxy or table in seen:
            continue
        seen.add(table)
        pk = quote(model._meta.pk.column or "id")
        parts.append(
            # Names from the models' metadata, quoted by the backend: no input reaches this SQL.
            f"SELECT '{table}', COUNT(*), CAST(MAX({pk}) AS VARCHAR(200)) FROM {quote(table)}"  # noqa: S608
        )
    return " UNION ALL ".join(parts)


def snapshot(sql: str) -> dict[str, tuple[int, str | None]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {table: (count, highest) for table, count, highest in cursor.fetchall()}


@dataclass
class World:
    roles: dict[str, Person | None]
    email_links: list[str]


def build_world(tmp_path: Any, settings: Any) -> World:
    settings.MEDIA_ROOT = tmp_path
    load_everything()
    chairs = chair_organisation_ids()
    secretariat = Person.objects.get(role=Person.Role.SECRETARIAT, email__startswith="secretariat")
    Authenticator.objects.create(
        user=secretariat, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    focal = Person.objects.filter(role=Person.Role.FOCAL_POINT)
    chair = focal.filter(organisation_id__in=chairs).first()
    member = focal.exclude(organisation_id__in=chairs).first()
    principal = Person.objects.filter(role=Person.Role.PRINCIPAL).first()
    observer = Person.objects.filter(role=Person.Role.OBSERVER).first()
    assert chair and member and principal and observer, "the demonstration lacks a role"

    # What the demonstration does not create, so that every page has an object to show.
    meeting = Meeting.objects.order_by("starts_at").last()
    assert meeting is not None
    meeting_services.document_upload(
        meeting=meeting,
        actor=secretariat,
        upload=SimpleUploadedFile("agenda.pdf", b"%PDF-1.4", content_type="application/pdf"),
    )
    unwritten = Meeting.objects.filter(minutes__isnull=True).order_by("starts_at").first()
    assert unwritten is not None
    meeting_services.minutes_save(meeting=unwritten, actor=secretariat, text="Draft minutes.")
    # A statement open for comments, in two versions, with a comment waiting for its answer.
    assert chair.organisation is not None
    statement = statement_services.statement_create(
        actor=secretariat,
        title="A joint statement",
        lead_organisations=[chair.organisation],
        comment_deadline=timezone.now() + timedelta(days=7),
        paragraphs=[(None, "paragraph", "States must act now."), (None, "paragraph", "Join us.")],
    )
    second = statement_services.version_save(
        statement=statement,
        actor=secretariat,
        based_on=1,
        paragraphs=[(None, "paragraph", "States must act today.")],
    )
    statement_services.comment_add(
        statement=statement,
        version=second,
        actor=member,
        paragraph_key=second.paragraphs.get().key,
        text="Which states?",
    )
    # A draft of the member's mapping profile (copied from the published one, with its
    # initiatives and partnerships), so that the draft's pages and buttons are walked.
    assert member.organisation is not None
    draft = mapping_services.draft_start(organisation=member.organisation, actor=member)
    assert draft.is_editable and draft.initiatives.exists() and draft.partnerships.exists()
    invitation = coordination_services.invitation_create(
        actor=secretariat,
        email="newcomer@example.org",
        role=Person.Role.FOCAL_POINT,
        organisation=Organisation.objects.exclude(people=member).first(),
    )
    issued = coordination_services.invitation_issue_link(invitation_id=invitation.pk)
    assert issued is not None
    for person in (secretariat, chair, member, principal, observer):
        CalendarFeed.objects.get_or_create(person=person)
        Notification.objects.create(person=person, kind="test", title="Hello", url="/")
        Delivery.objects.create(
            key=f"walk-{person.pk}",
            kind="test",
            person=person,
            to=person.email,
            subject="Hello",
            text="Hello",
            html="<p>Hello</p>",
            status=Delivery.Status.FAILED,
        )
    # Links that only ever arrive by email: the crawl cannot find them on a page.
    email_links = [
        urlsplit(issued[1]).path,
        f"/notifications/unsubscribe/{make_token(member, 'digest')}/",
        f"/notifications/unsubscribe/{make_token(member, 'immediate')}/",
        *(f"/meetings/feed/{feed.token}.ics" for feed in CalendarFeed.objects.all()[:2]),
        # The minutes and agenda emails link to their meetings (among a series' many meetings,
        # the crawl would not reach every one of them in its share of meeting pages).
        *(
            m.get_absolute_url()
            for m in Meeting.objects.filter(
                Q(minutes__isnull=False) | Q(documents__isnull=False)
            ).distinct()
        ),
    ]
    assert Invitation.objects.filter(revoked_at__isnull=True).exists()
    return World(
        roles={
            "anonymous": None,
            "secretariat": secretariat,
            "chair": chair,
            "focal point": member,
            "principal": principal,
            "observer": observer,
        },
        email_links=email_links,
    )


# --- The walk ------------------------------------------------------------------------------------


@dataclass
class Walk:
    patterns: list[Pattern]
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    # pattern name → concrete URLs found (any role)
    urls: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # role → form action's pattern name → forms shown to that role
    forms: dict[str, dict[str, list[Form]]] = field(default_factory=dict)
    fetched: dict[str, set[str]] = field(default_factory=dict)

    def pattern_of(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.netloc not in {"", "testserver"}:
            return None
        try:
            match = resolve(parts.path)
        except Resolver404:
            return None
        names = {p.name for p in self.patterns}
        return match.view_name if match.view_name in names else None

    def call(self, client: Client, method: str, url: str, data: Any = None, why: str = "") -> Any:
        self.requests += 1
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {method.upper()} {url} {why}")
        return response

    def crawl(self, role: str, client: Client, start: list[str], *, per_pattern: int) -> None:
        """Breadth first from `start`, visiting `per_pattern` concrete URLs of each pattern."""
        forms: dict[str, list[Form]] = defaultdict(list)
        seen: set[str] = set()
        mine: dict[str, list[str]] = defaultdict(list)
        queue = list(start)
        while queue:
            url = queue.pop(0)
            name = self.pattern_of(url)
            if url in seen or name is None or len(mine[name]) >= per_pattern:
                continue
            seen.add(url)
            mine[name].append(url)
            if url not in self.urls[name] and len(self.urls[name]) < URLS_PER_PATTERN:
                self.urls[name].append(url)
            response = self.call(client, "get", url, why=f"as {role}")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            page = PageReader(url)
            page.feed(response.content.decode())
            for form in page.forms:
                target = self.pattern_of(form.action)
                # One form per pattern and set of fields: the same form for another object
                # meets the same code.
                if target and not any(set(f.kinds) == set(form.kinds) for f in forms[target]):
                    forms[target].append(form)
                    if form.method == "get":
                        queue.append(form.action)
            queue.extend(link.split("#")[0] for link in page.links)
        self.forms[role] = forms
        self.fetched[role] = seen


def client_for(person: Person | None) -> Client:
    client = Client(raise_request_exception=False)
    if person is not None:
        client.force_login(person)
    return client


def post_checked(walk: Walk, client: Client, form: Form, label: str, data: Any, sql: str) -> None:
    """POST in a savepoint that is then rolled back; an error answer must change no table."""
    with transaction.atomic():
        before = snapshot(sql)
        walk.requests += 1
        if form.method == "get":
            response = client.get(form.action.split("?")[0] + "?" + urlencode(data, doseq=True))
        else:
            response = client.post(form.action, data)
        where = f"{form.method.upper()} {form.action} [{label}]"
        if response.status_code >= 500:
            walk.failures.append(f"{response.status_code} {where}")
        elif response.status_code not in {301, 302, 303} and form.method == "post":
            try:
                after = snapshot(sql)
            except DatabaseError as error:  # a view left the transaction broken
                walk.failures.append(f"broken transaction after {where}: {error}")
            else:
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                if changed:
                    walk.failures.append(
                        f"{response.status_code} {where} changed rows on an error: {changed}"
                    )
        transaction.set_rollback(True)


# Patterns no page of this world offers, and why (each is still sent ids beyond 64 bits and
# garbage as every pattern is, and its own tests post to it).
NOT_OFFERED = {
    # The button shows on the next term's page while it has no handover; the demonstration opens
    # that handover, so the walk sees the handover's own pages instead
    # (tests/coordination/test_handovers.py opens one, with each role).
    "coordination:handover_open": "the demonstration's handover is open already",
    # A round's board offers these buttons only in states the demonstration's open round is not
    # in (tests/statements/test_round_views.py reaches each): closing, once every organisation
    # has answered or the deadline has passed; asking for explicit answers, once an objection
    # broke the silence; ending an acting principal's period, once a principal named one.
    "statements:round_close": "the demonstration's open round is still waiting for answers",
    "statements:round_explicit": "no objection has broken the demonstration round's silence",
    "statements:acting_principal_end": "no principal of the demonstration named an acting one",
    # The demonstration's recurring meeting is published; a draft series offers the button
    # (tests/meetings/test_series.py posts to it with each role).
    "meetings:series_publish": "the demonstration's series is published already",
}


@pytest.mark.slow
def test_no_input_gives_a_server_error_or_changes_data_when_refused(tmp_path, settings):
    started = time.monotonic()
    world = build_world(tmp_path, settings)
    walk = Walk(patterns=list(site_patterns()))
    clients = {role: client_for(person) for role, person in world.roles.items()}
    # Refusals and 404s are expected by the thousand; their log lines only slow the walk down.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    try:
        run(walk, world, clients)
    finally:
        request_log.setLevel(level)

    reached = set(walk.urls) | {name for forms in walk.forms.values() for name in forms}
    unreached = sorted({p.name for p in walk.patterns} - reached - set(NOT_OFFERED))
    sys.stdout.write(
        f"\nbad-input walk: {len(walk.patterns)} patterns, {walk.requests} requests, "
        f"{sum(f[0] == '5' for f in walk.failures)} 5xx, {len(walk.failures)} failures, "
        f"{time.monotonic() - started:.0f}s; not reached: {unreached}\n"
    )
    assert not walk.failures, "\n".join(walk.failures)
    # A page that no link or form reaches is not walked: say so rather than pass in silence.
    assert not unreached, f"no link or form reaches {unreached}: add an email-only link above"


def run(walk: Walk, world: World, clients: dict[str, Client]) -> None:
    # 2. Crawl as each role, from the dashboard and every page that takes no parameter.
    plain = ["/" + p.route for p in walk.patterns if "<" not in p.route]
    for role, client in clients.items():
        # The secretariat is shown every form, but some only on some objects (minutes to
        # approve, a document to remove): it visits more of each pattern to find them all.
        per_pattern = 10 if role == "secretariat" else URLS_PER_PATTERN
        walk.crawl(role, client, ["/", *plain, *world.email_links], per_pattern=per_pattern)

    for link in world.email_links:
        name = walk.pattern_of(link)
        if name and link not in walk.urls[name]:
            walk.urls[name].append(link)

    # 3. Every concrete URL as every role (another organisation's objects included), then ids
    # beyond 64 bits and garbage in every parameter.
    for role, client in clients.items():
        for urls in walk.urls.values():
            for url in urls:
                if url not in walk.fetched[role]:
                    walk.call(client, "get", url, why=f"as {role}")
    garbage = {
        "int": str(BEYOND_64_BITS),
        "id": str(BEYOND_64_BITS),
        "slug": "x" * 10_000,
        "str": "%E2%80%AE%00Mars%2FOlympus" + "x" * 300,
        "path": "..%2F..%2Fetc%2Fpasswd",
    }
    for pattern in walk.patterns:
        if "<" not in pattern.route:
            continue
        for values in (garbage, {**garbage, "int": "-1", "id": "0", "str": "not-a-token"}):
            url = filled(pattern.route, values)
            walk.call(clients["anonymous"], "get", url, why="as anonymous")
            walk.call(clients["secretariat"], "get", url, why="as secretariat")
            walk.call(clients["secretariat"], "post", url, {"x": "y"}, why="as secretariat")

    # 4. Bad payloads to every form action: every kind of bad value from the roles shown the
    # form (each field left out only from the first of them: the form is the same), and an
    # empty and a garbage POST from the others, who must be refused.
    sql = snapshot_sql()
    one_per_pattern: dict[str, Form] = {}
    for forms in walk.forms.values():
        for name, shown in forms.items():
            one_per_pattern.setdefault(name, shown[0])
    tried_missing: set[tuple[str, frozenset[str]]] = set()
    for role, client in clients.items():
        for name, form in one_per_pattern.items():
            for own in walk.forms[role].get(name, []):
                key = (name, frozenset(own.kinds))
                each_missing = key not in tried_missing
                tried_missing.add(key)
                for label, data in bad_payloads(own, each_missing=each_missing):
                    post_checked(walk, client, own, f"{label} as {role}", data, sql)
            if name not in walk.forms[role]:
                refused: list[tuple[str, dict[str, list[str]]]] = [
                    ("empty", {}),
                    ("garbage", {"x": [MIXED]}),
                ]
                for label, data in refused:
                    post_checked(walk, client, form, f"{label}, refused, as {role}", data, sql)


# --- The ones found before the walk existed ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/{id}/",
        "/meetings/{id}.ics",
        "/meetings/{id}/edit/",
        "/meetings/agenda/{id}/edit/",
        "/meetings/documents/{id}/",
        "/workplans/{id}/",
        "/workplans/items/{id}/",
        "/workplans/{id}/report/2024/",
        "/people/{id}/",
        "/notifications/{id}/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_id_beyond_64_bits_in_a_url_is_not_found(path, method, secretariat):
    client = client_for(secretariat)
    factories.MeetingFactory()
    url = path.format(id=BEYOND_64_BITS)
    assert getattr(client, method)(url).status_code == 404
    # The largest id a column holds is still an id: looked up, and not found.
    assert client.get(path.format(id=2**63 - 1)).status_code == 404


def test_the_id_converter_refuses_what_no_column_holds():
    from common.urls import IdConverter

    converter = IdConverter()
    assert converter.to_python("42") == 42
    assert converter.to_python(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(ValueError):
        converter.to_python(str(2**63))
    assert re.fullmatch(converter.regex, "1" * 20) is None
