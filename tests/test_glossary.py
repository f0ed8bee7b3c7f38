"""The catalogues follow the glossary (locale/GLOSSARY.md): each text whose English uses one of
the group's terms says it with the established French and Spanish term, and no text keeps a
translation the glossary retired ("approbation tacite" for the silence procedure)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GLOSSARY = BASE_DIR / "locale" / "GLOSSARY.md"
LANGUAGES = ("fr", "es")
# Placeholders name a value, not a word of the text: "acting for %(principal)s".
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdif]|\{[^}]*\}")


@dataclass
class Term:
    english: list[str]
    translations: dict[str, list[str]]
    retired: dict[str, list[str]] = field(default_factory=dict)
    exceptions: list[re.Pattern[str]] = field(default_factory=list)

    def pattern(self) -> re.Pattern[str]:
        forms = sorted(self.english, key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b", re.I)


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row (a `\\|` is a pipe inside a cell)."""
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [c.strip().replace("\\|", "|") for c in cells]


def _forms(cell: str) -> list[str]:
    return [form.strip() for form in cell.split(";") if form.strip()]


def read_glossary() -> list[Term]:
    """The terms of the glossary's first table, with the exceptions of its second."""
    tables: list[list[list[str]]] = []
    rows: list[list[str]] | None = None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            rows = None
            continue
        if rows is None:  # the header row opens a table
            rows = []
            tables.append(rows)
            continue
        if set(line) <= {"|", "-", " ", ":"}:
            continue
        rows.append(_cells(line))
    terms_table, exceptions_table = tables
    terms = []
    for english, french, spanish, retired, _notes in terms_table:
        retired_by_language: dict[str, list[str]] = {}
        for part in _forms(retired):
            language, _colon, form = part.partition(":")
            retired_by_language.setdefault(language.strip(), []).append(form.strip())
        terms.append(
            Term(
                english=_forms(english),
                translations={"fr": _forms(french), "es": _forms(spanish)},
                retired=retired_by_language,
            )
        )
    for english, pattern, _why in exceptions_table:
        for term in terms:
            if english in term.english:
                term.exceptions.append(re.compile(pattern.strip("`"), re.I))
    return terms


def read_po(language: str) -> list[tuple[str, list[str]]]:
    """(msgid, [msgstr, ...]) of each entry of a language's catalogue, read with the standard
    library (the .po format as gettext writes it); the header and obsolete entries left out."""
    path = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    entries: list[tuple[str, list[str]]] = []
    entry: dict[str, str] = {}
    key = ""

    def finish() -> None:
        if entry.get("msgid"):
            entries.append(
                (entry["msgid"], [v for k, v in sorted(entry.items()) if k.startswith("msgstr")])
            )

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            if key.startswith("msgstr"):
                finish()
                entry, key = {}, ""
            continue
        if line.startswith('"'):
            entry[key] += ast.literal_eval(line)
            continue
        keyword, _space, value = line.partition(" ")
        if keyword in {"msgctxt", "msgid"} and key.startswith("msgstr"):
            finish()
            entry = {}
        key = keyword
        entry[key] = ast.literal_eval(value)
    finish()
    return entries


@pytest.fixture(scope="module")
def terms() -> list[Term]:
    return read_glossary()


def test_the_glossary_is_read(terms):
    english = {form for term in terms for form in term.english}
    for required in ("focal point", "silence procedure", "chair", "co-chairs", "Member States"):
        assert required in english
    silence = next(t for t in terms if "silence procedure" in t.english)
    assert silence.translations["fr"][0] == "procédure d'accord tacite"
    assert silence.translations["es"][0] == "procedimiento de acuerdo tácito"
    assert silence.retired == {"fr": ["approbation tacite"], "es": ["aprobación tácita"]}
    minutes = next(t for t in terms if "minutes" in t.english)
    assert any(p.search("Duration (minutes)") for p in minutes.exceptions)


def test_a_text_that_misses_the_term_is_found(terms):
    """The check itself: the old French of the silence procedure would fail it."""
    silence = next(t for t in terms if "silence procedure" in t.english)
    assert silence.pattern().search("Silence procedure: an organisation that has not objected")
    assert not any(
        form.lower() in "procédure d'approbation tacite" for form in silence.translations["fr"]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_uses_the_glossarys_terms(terms, language):
    missing = []
    for msgid, msgstrs in read_po(language):
        english = PLACEHOLDER.sub(" ", msgid)
        for term in terms:
            if not term.pattern().search(english):
                continue
            if any(exception.search(msgid) for exception in term.exceptions):
                continue
            accepted = [form.lower() for form in term.translations[language]]
            for msgstr in msgstrs:
                if msgstr and not any(form in msgstr.lower() for form in accepted):
                    missing.append(f"{term.english[0]!r}: {msgid!r} -> {msgstr!r}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_keeps_a_retired_term(terms, language):
    retired = [(form, term.english[0]) for term in terms for form in term.retired.get(language, [])]
    found = [
        f"{form!r} (for {english!r}): {msgid!r} -> {msgstr!r}"
        for msgid, msgstrs in read_po(language)
        for msgstr in msgstrs
        for form, english in retired
        if form.lower() in msgstr.lower()
    ]
    assert not found, "\n".join(found)
