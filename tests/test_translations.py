"""People read their emails and digests in English, French or Spanish: the chair-term emails and
the handover's digest section are translated, and every text an email can show has a translation
in both catalogues (so that a new email text without one fails here, not in someone's inbox)."""

from __future__ import annotations

import ast
import gettext
import io
import tokenize
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation.template import templatize

from coordination import notify
from coordination.digest import HANDOVER_TASKS
from notifications.emails import render_parts
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = ("fr", "es")
BASE_DIR = Path(settings.BASE_DIR)
EMAIL_TEMPLATES = sorted(
    path for path in BASE_DIR.glob("*/templates/*/email/*") if path.suffix in {".txt", ".html"}
)
# The Python modules whose texts reach an email or a digest: titles and subjects, the digest
# sections' labels, titles and line details, the preference form.
EMAIL_MODULES = (
    "coordination/notify.py",
    "coordination/digest.py",
    "meetings/notify.py",
    "meetings/digest.py",
    "workplans/notify.py",
    "workplans/digest.py",
    "statements/notify.py",
    "statements/digest.py",
    "mapping/digest.py",
    "mapping/notify.py",
    "notifications/news.py",
    "notifications/forms.py",
)
GETTEXT_FUNCTIONS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


# --- The catalogues ------------------------------------------------------------------------------


def read_po(language: str) -> dict[tuple[str | None, str], dict]:
    """(msgctxt, msgid) -> {"strs": [msgstr...], "fuzzy": bool} of a language's catalogue, read
    with the standard library (the .po format as makemessages writes it)."""
    path = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    entries: dict[tuple[str | None, str], dict] = {}
    entry: dict = {}
    field = ""

    def finish() -> None:
        if entry.get("msgid"):
            strs = [v for k, v in sorted(entry.items()) if k.startswith("msgstr")]
            entries[(entry.get("msgctxt"), entry["msgid"])] = {
                "strs": strs,
                "fuzzy": entry.get("fuzzy", False),
            }

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if field.startswith("msgstr"):  # a comment opens the next entry
                finish()
                entry, field = {}, ""
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            continue
        if line.startswith('"'):
            entry[field] += ast.literal_eval(line)
            continue
        keyword, _space, value = line.partition(" ")
        if keyword in {"msgctxt", "msgid"} and field.startswith("msgstr"):
            finish()
            entry = {"fuzzy": entry.get("fuzzy", False)} if keyword == "msgid" else {}
        field = keyword
        entry[field] = ast.literal_eval(value)
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict]:
    return {language: read_po(language) for language in LANGUAGES}


# --- The texts of the emails -------------------------------------------------------------------


def template_msgids(path: Path) -> set[tuple[str | None, str]]:
    """The (context, msgid) of each text translated in a template, as makemessages sees them."""
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type not in {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT}
    ]
    found = set()
    for i, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in GETTEXT_FUNCTIONS:
            continue
        if tokens[i + 1].string != "(":
            continue
        args = []
        for arg in tokens[i + 2 :]:
            if arg.type == tokenize.STRING:
                args.append(ast.literal_eval(arg.string))
            elif arg.string != ",":
                break
        ctxt_index, msgid_index = GETTEXT_FUNCTIONS[token.string]
        found.add((args[ctxt_index] if ctxt_index is not None else None, args[msgid_index]))
    return found


def module_msgids(relative: str) -> set[tuple[str | None, str]]:
    """The (context, msgid) of each literal text marked for translation in a Python module."""
    found: set[tuple[str | None, str]] = set()
    for node in ast.walk(ast.parse((BASE_DIR / relative).read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id not in GETTEXT_FUNCTIONS:
            continue
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        ctxt_index, msgid_index = GETTEXT_FUNCTIONS[node.func.id]
        msgid = args[msgid_index] if len(args) > msgid_index else None
        context = args[ctxt_index] if ctxt_index is not None else None
        if isinstance(msgid, str) and (context is None or isinstance(context, str)):
            found.add((context, msgid))
    return found


def untranslated(catalogue: dict, msgids: set[tuple[str | None, str]]) -> list[str]:
    missing = []
    for key in sorted(msgids, key=lambda k: (k[0] or "", k[1])):
        entry = catalogue.get(key)
        if entry is None or entry["fuzzy"] or not all(s.strip() for s in entry["strs"]):
            missing.append(key[1] if key[0] is None else f"{key[0]}|{key[1]}")
    return missing


def test_the_email_templates_are_found():
    names = {p.name for p in EMAIL_TEMPLATES}
    assert {"term_recorded.txt", "term_handover_reminder.html", "digest.txt"} <= names
    msgids = set().union(*(template_msgids(p) for p in EMAIL_TEMPLATES))
    assert (None, "Incoming chairs") in msgids
    assert (None, "Dear %(name)s,") in msgids  # a blocktranslate, with its variable


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", EMAIL_TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_every_email_text_is_translated(catalogues, language, template):
    assert untranslated(catalogues[language], template_msgids(template)) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("module", EMAIL_MODULES)
def test_every_title_and_digest_text_is_translated(catalogues, language, module):
    msgids = module_msgids(module)
    assert msgids, f"no translatable text found in {module}"
    assert untranslated(catalogues[language], msgids) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po(catalogues, language):
    """Someone who edits a .po and forgets compilemessages is told here."""
    path = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    stale = []
    for (ctxt, msgid), entry in catalogues[language].items():
        if entry["fuzzy"] or not all(entry["strs"]):
            continue
        key = f"{ctxt}\x04{msgid}" if ctxt else msgid
        if len(entry["strs"]) == 1:
            if compiled.get(key) != entry["strs"][0]:
                stale.append(msgid)
        elif [compiled.get((key, i)) for i in range(len(entry["strs"]))] != entry["strs"]:
            stale.append(msgid)
    assert stale == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_spanish_and_french_plurals_have_every_form(language):
    """Spanish has three plural forms in its header (one, millions, other): a plural without
    the third reads in English for 2 and more."""
    with translation.override(language):
        for n in (1, 2, 5, 1_000_000):
            text = translation.ngettext("and %(counter)s more", "and %(counter)s more", n)
            assert "more" not in text, (n, text)


# --- The chair-term emails, rendered -----------------------------------------------------------


@pytest.fixture
def terms(organisation, other_organisation):
    current = factories.ChairTermFactory(
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), organisations=[other_organisation]
    )
    following = factories.ChairTermFactory(
        starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), organisations=[organisation]
    )
    return current, following


def render(template: str, language: str, **context) -> tuple[str, str, str]:
    rendered = render_parts(
        template,
        context={"url": "http://testserver/x", "unsubscribe_url": "http://testserver/u", **context},
        language=language,
    )
    return rendered.subject, rendered.text, rendered.html


EMAILS = {
    # template: (English words of the subject, an English sentence of the body)
    "coordination/email/term_recorded": (
        "Your organisation will chair",
        "What comes next:",
    ),
    "coordination/email/term_handover_reminder": (
        "the handover is not signed off",
        "The handover has not been opened yet.",
    ),
    "coordination/email/term_started": (
        "now chair",
        "The chairs schedule the group's meetings",
    ),
}


@pytest.mark.parametrize("template", EMAILS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_chair_term_emails_are_not_in_english(terms, focal_point, template, language):
    outgoing, term = terms
    chairs = list(term.organisations.all())
    context = {"person": focal_point, "term": term, "chairs": chairs, "outgoing": outgoing}
    english_subject, english_sentence = EMAILS[template]
    english = render(template, "en", **context)
    assert english_subject in english[0]  # the English texts this test looks for are right
    assert english_sentence in english[1]

    subject, text, html = render(template, language, **context)
    assert subject != english[0]
    assert english_subject not in subject
    assert english_sentence not in text
    assert english_sentence.replace("'", "&#x27;") not in html
    assert "Dear" not in text and "Dear" not in html
    assert f'lang="{language}"' in html
    assert "UNICEF" in text and "UNICEF" in html  # the chairs are named


def test_the_new_chairs_subject_names_the_chairs(terms):
    _outgoing, term = terms
    chairs = list(term.organisations.all())
    subject = render("coordination/email/term_started", "fr", term=term, chairs=chairs)[0]
    assert subject.endswith(": UNICEF"), subject


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("fr", "Votre organisation assurera la présidence", "Prochaines étapes"),
        ("es", "Su organización ejercerá la presidencia", "Próximos pasos"),
    ],
)
def test_the_term_recorded_email_reads_in_the_persons_language(
    terms, focal_point, django_capture_on_commit_callbacks, language, subject, sentence
):
    focal_point.language = language
    focal_point.save()
    _outgoing, term = terms
    with django_capture_on_commit_callbacks(execute=True):
        notify.term_recorded(term_id=term.pk)
    (message,) = [m for m in mail.outbox if focal_point.email in m.to]
    assert message.subject.startswith(subject)
    assert sentence in message.body
    assert f'lang="{language}"' in message.alternatives[0][0]
    # The in-app notification's title too.
    title = Notification.objects.get(person=focal_point, kind="term_recorded").title
    assert title.startswith(subject.split(" ")[0]) and "will chair" not in title


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "La passation n'a pas encore été ouverte."),
        ("es", "El traspaso aún no se ha abierto."),
    ],
)
def test_the_handover_reminder_reads_in_the_persons_language(
    terms, focal_point, django_capture_on_commit_callbacks, language, sentence
):
    focal_point.language = language
    focal_point.save()
    _outgoing, term = terms
    with django_capture_on_commit_callbacks(execute=True):
        notify.handover_reminder(term_id=term.pk)
    (message,) = [m for m in mail.outbox if focal_point.email in m.to]
    assert "handover" not in message.subject
    assert sentence in message.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_handover_digest_section_is_not_in_english(language):
    with translation.override(language):
        title, label = str(HANDOVER_TASKS.title), str(HANDOVER_TASKS.label)
    assert title != "Your handover tasks" and title
    assert label != "Handover tasks you own, due or overdue" and label
    with translation.override("en"):
        assert str(HANDOVER_TASKS.title) == "Your handover tasks"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_chair_term_email_kinds_are_translated(language):
    with translation.override(language):
        names = [
            str(k.label)
            for k in (notify.TERM_RECORDED, notify.HANDOVER_REMINDER, notify.NEW_CHAIRS)
        ]
    assert names != ["Chair term recorded", "Handover reminder", "New chairs announced"]
    assert all(names)
