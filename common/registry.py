"""The one way an app contributes to what another app shows or sends.

Each extension point is a `Registry` declared here, in the kernel, so that the app that reads it
and the apps that fill it import only `common`. An app fills them in its `AppConfig.ready()`,
naming each entry by its dotted path:

    class WorkplansConfig(AppConfig):
        name = "workplans"

        def ready(self) -> None:
            registry.dashboard_blocks.add("workplans.dashboard.organisation_work", order=10)
            registry.digest_sections.add("workplans.digest.WORK_ITEMS")
            registry.demo_loaders.add("workplans.demo.load_work_plan", order=20)

An entry is imported the first time the registry is read, not at start-up: a web process that
never loads the demonstration never imports its data, and no app's `ready()` imports another
app's modules. Entries are read in `order`, then in the order they were added.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypedDict, TypeVar

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from datetime import date, datetime

    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from common.people import Recipient

T = TypeVar("T")


@dataclass(frozen=True)
class _Entry:
    path: str
    order: int
    sequence: int


def all_registries() -> list[Registry[Any]]:
    """Every extension point declared in this module (common.checks imports each entry)."""
    return [value for value in globals().values() if isinstance(value, Registry)]


class Registry(Generic[T]):
    """Entries named by dotted path, resolved once, on first read."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, _Entry] = {}
        self._resolved: tuple[T, ...] | None = None
        # Re-entrant: an entry's module may read its own registry while it is being imported.
        self._lock = threading.RLock()

    def add(self, path: str, *, order: int = 100) -> None:
        """Add the object at `path` (idempotent: adding a path again keeps the first)."""
        with self._lock:
            if path not in self._entries:
                self._entries[path] = _Entry(path, order, len(self._entries))
                self._resolved = None

    def remove(self, path: str) -> None:
        """Take an entry out again (tests that register a contribution of their own)."""
        with self._lock:
            self._entries.pop(path, None)
            self._resolved = None

    def entries(self) -> tuple[T, ...]:
        resolved = self._resolved
        if resolved is None:
            with self._lock:
                ordered = sorted(self._entries.values(), key=lambda e: (e.order, e.sequence))
                resolved = self._resolved = tuple(import_string(e.path) for e in ordered)
        return resolved

    def paths(self) -> list[str]:
        return list(self._entries)

    def __contains__(self, path: object) -> bool:
        return path in self._entries

    def named(self, path: str) -> T:
        """The entry added under `path`; LookupError for a path nobody added (a path read from
        the database is never imported unless an app registered it)."""
        if path not in self._entries:
            raise LookupError(f"{path} is not in the {self.name} registry")
        entry: T = import_string(path)
        return entry

    def __iter__(self) -> Iterator[T]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self)} entries>"


# --- What the extension points hold ------------------------------------------------------------


class DashboardBlock(Protocol):
    """Returns a block for the person's dashboard, or None when it has nothing to show them."""

    def __call__(self, person: Recipient) -> Block | None: ...


@dataclass
class Block:
    template: str
    context: dict[str, Any]


class DigestLine(TypedDict):
    """One line of a digest section: what needs the reader, a link to it, and why now."""

    title: str
    url: str
    detail: StrOrPromise


class DigestSection(Protocol):
    """A section of the digest email (see notifications.digests for how it is read).

    - `kind`: the reminder kind people switch on or off; `label` names it on the preferences page;
    - `roles`: the roles that get it until they choose (a new kind reaches them at once), or
      None for every role;
    - `title`: the heading in the email;
    - `collect(people, now)`: for a batch of people, {person id: [line, ...]}, each line a dict
      with "title", "url" (a path in the site) and "detail"; a fixed number of queries for the
      whole batch, however many people are in it.
    """

    kind: str
    label: StrOrPromise
    roles: frozenset[str] | None
    title: StrOrPromise

    def collect(
        self, people: Sequence[Recipient], now: datetime
    ) -> dict[int, list[DigestLine]]: ...


@dataclass(frozen=True)
class EmailKind:
    """A kind of email or in-app notification an app sends, with what people read for it."""

    code: str
    label: StrOrPromise


class SendHook(Protocol):
    """Finishes, at sending, an email about an object of `subject_type` ("app_label.model").

    `prepare` returns the text and HTML to send (an invitation's link is made only now), or
    raises notifications.contract.NothingToSend when the email lost its reason to go; `sent`
    runs once the mail server took it.
    """

    subject_type: str

    def prepare(self, subject_id: int, text: str, html: str) -> tuple[str, str]: ...

    def sent(self, subject_id: int) -> None: ...


@dataclass(frozen=True)
class Backlink:
    """Another app's object that refers to the one shown: "From: an action agreed at <meeting>"."""

    label: StrOrPromise
    text: StrOrPromise
    title: str
    url: str


BacklinkSource = Callable[[object], list[Backlink]]
"""For an object of another app (a work item), the objects of this app that refer to it; a fixed
number of queries."""


@dataclass(frozen=True)
class HandoverEntry:
    """One thing the outgoing chairs hand over, found in live data by an app's source.

    `reference` names the live object ("workplans.workitem:12") so that regenerating the
    checklist updates its task instead of adding another; `owner_id` and `due_on` are
    suggestions (the task's owner and date can be changed on the handover).
    """

    reference: str
    title: str
    detail: str
    url: str
    owner_id: int | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class SearchResult:
    """One thing a search found, as the results page lists it.

    - `title` and `url` (a path in the site): what it is and where to read it;
    - `snippet`: plain text around the match (the page escapes it), or the start of the text;
    - `kind`: what sort of thing it is, in words ("Call to action", "Meeting");
    - `when`: when it last changed, or the date it is about; the merged results put the newest
      first, and those without one last.
    """

    title: str
    url: str
    snippet: str
    kind: StrOrPromise
    when: datetime | None = None


class SearchSource(Protocol):
    """(person, query, limit) → at most `limit` results of this app, best first, among what
    `person` may read (the source applies its own app's rules: an observer finds only what
    observers read). `query` is already cleaned (common.search.clean_query): stripped, at least
    two characters, no control characters. A fixed number of queries, whatever the data."""

    def __call__(self, person: Recipient, query: str, limit: int) -> list[SearchResult]: ...


HandoverSource = Callable[[Any, Any], list[HandoverEntry]]
"""(incoming term, outgoing term or None) → what to hand over from this app, now; a fixed number
of queries. Each app's source is named by its path, which the tasks it generates keep."""

TermSection = Callable[[Any, Any], "Block | None"]
"""(chair term, viewer) → what this app shows on the term's page (pledges, meetings), or None."""

OrganisationSection = Callable[[Any, Any], "Block | None"]
"""(organisation, viewer) → what this app shows on a member organisation's page (its profile in
the mapping resource), or None; a fixed number of queries."""


@dataclass(frozen=True)
class ReportTable:
    """What an app adds to the annual report, after the plan's areas, alike on the page and in
    the PDF: a heading, a sentence saying what is counted, and a table of plain values (the
    templates escape them; a row's first value names it), or `empty` when it has no rows."""

    title: StrOrPromise
    headers: Sequence[StrOrPromise]
    rows: Sequence[Sequence[object]]
    note: StrOrPromise = ""
    empty: StrOrPromise = ""


class ReportSection(Protocol):
    """(year, organisations) → this app's section of the annual report of `year`, or None when
    it has nothing to say. `organisations` are the group's members that year (joined by its end,
    not left before its start), in acronym order; a fixed number of queries however many."""

    def __call__(self, year: int, organisations: Sequence[Any]) -> ReportTable | None: ...


DemoLoader = Callable[[], dict[str, int]]
"""Writes an app's part of the demonstration group, idempotently; returns counts written."""

PreferenceDefaults = Callable[["Recipient"], dict[str, Any]]
"""How a new person hears from the hub before choosing (frequency, immediate), by their role."""

AccessRule = Callable[["AbstractBaseUser | AnonymousUser"], bool]
"""A yes-or-no question about a person that one app asks and another app answers."""


dashboard_blocks: Registry[DashboardBlock] = Registry("dashboard blocks")
digest_sections: Registry[DigestSection] = Registry("digest sections")
demo_loaders: Registry[DemoLoader] = Registry("demo loaders")
backlinks: Registry[BacklinkSource] = Registry("backlinks")


def backlinks_to(obj: object) -> list[Backlink]:
    """What other apps' objects say of `obj` (each source answers [] for a type not its own)."""
    return [link for source in backlinks for link in source(obj)]


# The functions that turn an outbox event into notifications (notifications.contract.record).
event_handlers: Registry[Callable[..., object]] = Registry("event handlers")
handover_sources: Registry[HandoverSource] = Registry("handover sources")
# What the global search asks (common.search.search merges the answers).
search_sources: Registry[SearchSource] = Registry("search sources")
term_sections: Registry[TermSection] = Registry("chair term sections")
organisation_sections: Registry[OrganisationSection] = Registry("organisation sections")
# What the annual report shows after the plan's areas (workplans.selectors.report_sections).
report_sections: Registry[ReportSection] = Registry("annual report sections")
email_kinds: Registry[EmailKind] = Registry("email kinds")
send_hooks: Registry[SendHook] = Registry("send hooks")
preference_defaults: Registry[PreferenceDefaults] = Registry("preference defaults")
# Who may read the delivery log and send failed emails again (coordination knows the roles).
delivery_log_readers: Registry[AccessRule] = Registry("delivery log readers")


@dataclass(frozen=True)
class Holding:
    """What a person holds in one app, as the deactivation page lists it: `label` names the kind
    ("Work items they own"), `count` how many, `items` the titles of the first few."""

    label: StrOrPromise
    count: int
    items: list[str]


@dataclass(frozen=True)
class Orphan:
    """Something left without an owner: its owner's account is deactivated."""

    kind: StrOrPromise
    title: str
    url: str
    owner: str


class OwnershipSource(Protocol):
    """What a person owns in one app, and how the secretariat hands it to a colleague.

    - `held_by(person)`: what they hold that still needs someone (open items, tasks, drafts),
      or None when nothing; a fixed number of queries;
    - `hand_over(person, to, actor)`: give all of it to `to` (an active colleague of the same
      organisation), inside the caller's transaction, audited as `actor`; returns how many;
    - `orphans()`: what is held by a deactivated person; a fixed number of queries.
    """

    def held_by(self, person: Recipient) -> Holding | None: ...

    def hand_over(self, *, person: Recipient, to: Recipient, actor: Recipient) -> int: ...

    def orphans(self) -> list[Orphan]: ...


# What people own in each app: coordination's deactivation page asks each one.
ownership_sources: Registry[OwnershipSource] = Registry("ownership sources")


@dataclass(frozen=True)
class Status:
    """One line of the system status page: what is checked, whether it is well, what to do."""

    name: str
    ok: bool
    detail: str
    advice: str


StatusCheck = Callable[[], Status]
"""Checks one service the site relies on (cache, broker, mail), quickly: the page calls each."""

status_checks: Registry[StatusCheck] = Registry("status checks")
