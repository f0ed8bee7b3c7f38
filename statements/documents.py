"""The final text of an adopted statement, in its own language or one of its language versions:
the public page, the PDF (xhtml2pdf, like the annual report) and the DOCX (python-docx).

All three read one `FinalText`, fetched by `final_text` in a fixed number of queries, whose
fixed words (the kind, "Adopted on", the annex headings) are already in the document's language:
a French document says "Annexe" to every reader, whatever the reader's own language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from itertools import groupby

import docx
from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from common import exports
from common.dates import group_time_zone
from coordination.models import Organisation
from statements import markup
from statements.models import (
    Endorsement,
    LanguageVersion,
    Paragraph,
    Statement,
    TranslatedParagraph,
)

PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"pdf": PDF_CONTENT_TYPE, "docx": DOCX_CONTENT_TYPE}


class FinalTextMissing(LookupError):
    """No such statement, no adopted text, or no version in that language: a page's 404."""


@dataclass(frozen=True)
class FinalParagraph:
    key: str
    kind: str
    # Light markup, cleaned again on the way out (markup.as_html, markup.runs).
    text: str

    @property
    def html(self) -> SafeString:
        return markup.as_html(self.text)

    @property
    def runs(self) -> list[markup.Run]:
        return markup.runs(self.text)


@dataclass(frozen=True)
class Block:
    """What a document lays out: a heading, a paragraph, or a run of list items together."""

    kind: str
    paragraphs: list[FinalParagraph]


@dataclass(frozen=True)
class Words:
    """The document's fixed words, in the document's language."""

    kind: str
    adopted: str
    published: str
    annex: str
    endorsing: str
    no_endorsing: str
    reservations: str
    no_reservations: str


@dataclass(frozen=True)
class FinalText:
    statement: Statement
    language: str
    title: str
    paragraphs: list[FinalParagraph]
    endorsing: list[Organisation]
    # The reservations of the endorsing organisations, in full, in the round of the adoption.
    reservations: list[Endorsement]
    # The languages the text exists in: the original first, then its language versions.
    languages: list[str]
    words: Words

    @property
    def blocks(self) -> list[Block]:
        blocks = []
        for kind, paragraphs in groupby(self.paragraphs, key=lambda p: p.kind):
            if kind == Paragraph.Kind.LIST_ITEM:
                blocks.append(Block(kind=kind, paragraphs=list(paragraphs)))
            else:
                blocks.extend(Block(kind=kind, paragraphs=[p]) for p in paragraphs)
        return blocks

    def filename(self, extension: str) -> str:
        """An ASCII name a mail client or a file system will not mangle."""
        stem = slugify(self.title)[:80].strip("-") or f"statement-{self.statement.pk}"
        return f"{stem}-{self.language}.{extension}"


def current_language_versions(statement: Statement) -> list[LanguageVersion]:
    """The language versions of the adopted text, from the statement's prefetch when it has
    one. One that renders an older version (adopted again since) is out of date: not offered
    until it is saved again on the adopted text."""
    return [
        version
        for version in statement.language_versions.all()
        if version.renders_id == statement.adopted_version_id
    ]


def languages_of(statement: Statement) -> list[str]:
    """The original language first, then the others the text exists in, in the site's order."""
    translated = {version.language for version in current_language_versions(statement)}
    return [statement.language] + [
        code for code, _name in settings.LANGUAGES if code in translated - {statement.language}
    ]


def final_text(*, statement_id: int, language: str | None = None) -> FinalText:
    """The adopted text in `language` (the statement's own by default), its endorsing
    organisations and reservations: six queries at most, whatever the number of paragraphs,
    language versions and endorsements. Raises FinalTextMissing.

    It does not check who may read it, nor the stage: the caller does (permissions)."""
    statement = (
        Statement.objects.filter(pk=statement_id)
        .with_round_state()
        .prefetch_related(
            Prefetch("endorsing_organisations", queryset=Organisation.objects.order_by("name")),
            "language_versions",
        )
        .first()
    )
    if statement is None or statement.adopted_version_id is None:
        raise FinalTextMissing
    language = language or statement.language
    if language not in languages_of(statement):
        raise FinalTextMissing
    paragraphs = list(
        Paragraph.objects.filter(version_id=statement.adopted_version_id).order_by("position")
    )
    title = statement.title
    texts = {paragraph.key: paragraph.text for paragraph in paragraphs}
    if language != statement.language:
        version = next(v for v in current_language_versions(statement) if v.language == language)
        title = version.title
        texts.update(
            TranslatedParagraph.objects.filter(language_version=version).values_list("key", "text")
        )
    endorsing = list(statement.endorsing_organisations.all())
    endorsing_ids = {organisation.pk for organisation in endorsing}
    reservations = (
        [
            endorsement
            for endorsement in Endorsement.objects.filter(
                round_id=statement.adopted_round_id,
                answer=Endorsement.Answer.ENDORSE_WITH_RESERVATION,
            )
            .select_related("organisation")
            .order_by("organisation__name")
            if endorsement.organisation_id in endorsing_ids
        ]
        if statement.adopted_round_id is not None
        else []
    )
    return FinalText(
        statement=statement,
        language=language,
        title=title,
        paragraphs=[FinalParagraph(key=p.key, kind=p.kind, text=texts[p.key]) for p in paragraphs],
        endorsing=endorsing,
        reservations=reservations,
        languages=languages_of(statement),
        words=_words(statement, language),
    )


def _words(statement: Statement, language: str) -> Words:
    with translation.override(language):
        adopted = ""
        if statement.adopted_at is not None:
            day = timezone.localdate(statement.adopted_at, timezone=group_time_zone())
            adopted = _("Adopted on %(date)s") % {"date": formats.date_format(day, "DATE_FORMAT")}
        published = ""
        if statement.published_on is not None:
            published = _("Published on %(date)s") % {
                "date": formats.date_format(statement.published_on, "DATE_FORMAT")
            }
        return Words(
            kind=str(statement.get_kind_display()),
            adopted=adopted,
            published=published,
            annex=_("Annex"),
            endorsing=_("Endorsing organisations"),
            no_endorsing=_("No endorsing organisation is recorded."),
            reservations=_("Reservations"),
            no_reservations=_("No organisation made a reservation."),
        )


# --- PDF -----------------------------------------------------------------------------------------

# Given to xhtml2pdf rather than written in the template: pages must hold no <style> (the
# Content-Security-Policy test reads every template). Helvetica, as in the annual report: the
# PDF's standard font, whose encoding has the accented letters of English, French and Spanish.
PDF_CSS = """
@page { size: a4 portrait; margin: 2cm 2cm 2.2cm 2cm;
        @frame footer { -pdf-frame-content: footer; bottom: 0.8cm; margin-left: 2cm;
                        margin-right: 2cm; height: 0.8cm; } }
body { font-family: Helvetica; font-size: 10.5pt; color: #1b1f23; line-height: 1.4; }
h1 { font-size: 18pt; color: #0b4f8a; margin: 0 0 6pt 0; }
h2 { font-size: 13pt; color: #0b4f8a; margin: 14pt 0 6pt 0; }
h3 { font-size: 11.5pt; margin: 10pt 0 4pt 0; }
p { margin: 0 0 6pt 0; }
ul { margin: 0 0 6pt 0; }
a { color: #0b4f8a; text-decoration: underline; }
.meta { color: #4d5661; font-size: 9.5pt; margin-bottom: 12pt; }
.organisation { font-weight: bold; margin: 8pt 0 2pt 0; }
#footer { font-size: 8pt; color: #4d5661; }
"""


def pdf_of(final: FinalText) -> bytes:
    html = render_to_string(
        "statements/document_pdf.html", {"final": final, "GROUP_NAME": settings.GROUP_NAME}
    )
    return exports.html_to_pdf(html, css=PDF_CSS)


def statement_pdf(statement: Statement, language: str) -> bytes:
    """The adopted text in `language` as a PDF, the annex included."""
    return pdf_of(final_text(statement_id=statement.pk, language=language))


# --- DOCX ----------------------------------------------------------------------------------------

LINK_COLOUR = RGBColor(0x0B, 0x4F, 0x8A)

# What XML 1.0 cannot hold: python-docx refuses such a string, and a stray control character
# typed or pasted into a paragraph or a reservation must not stop the download.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _add_link(paragraph: DocxParagraph, text: str, href: str, *, italic: bool, bold: bool) -> None:
    """A hyperlink run: python-docx reads links but has no call to write one, so the element is
    built as Word writes it (w:hyperlink around a run, pointing to an external relationship)."""
    relationship = paragraph.part.relate_to(
        _xml(href), RELATIONSHIP_TYPE.HYPERLINK, is_external=True
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = paragraph.add_run(_xml(text))
    run.italic = italic or None
    run.bold = bold or None
    run.underline = True
    run.font.color.rgb = LINK_COLOUR
    link.append(run._r)  # moves the run from the paragraph into the link
    paragraph._p.append(link)


def _add_runs(paragraph: DocxParagraph, runs: list[markup.Run]) -> None:
    for piece in runs:
        if piece.href:
            _add_link(paragraph, piece.text, piece.href, italic=piece.italic, bold=piece.bold)
        else:
            run = paragraph.add_run(_xml(piece.text))
            run.italic = piece.italic or None
            run.bold = piece.bold or None


def docx_of(final: FinalText) -> bytes:
    document = docx.Document()
    properties = document.core_properties
    properties.title = _xml(final.title)
    properties.language = final.language
    properties.author = settings.GROUP_NAME
    # The language Word spell-checks and reads aloud in; headings inherit it from Normal.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), final.language)
    document.styles["Normal"].element.get_or_add_rPr().append(language)
    document.add_heading(_xml(final.title), level=0)
    document.add_paragraph(" · ".join(filter(None, [final.words.kind, final.words.adopted])))
    for paragraph in final.paragraphs:
        if paragraph.kind == Paragraph.Kind.HEADING:
            target = document.add_heading(level=1)
        elif paragraph.kind == Paragraph.Kind.LIST_ITEM:
            target = document.add_paragraph(style="List Bullet")
        else:
            target = document.add_paragraph()
        _add_runs(target, paragraph.runs)

    # The annex starts on a page of its own.
    document.add_page_break()
    document.add_heading(final.words.annex, level=1)
    document.add_heading(final.words.endorsing, level=2)
    for organisation in final.endorsing:
        document.add_paragraph(_xml(_organisation_name(organisation)), style="List Bullet")
    if not final.endorsing:
        document.add_paragraph(final.words.no_endorsing)
    document.add_heading(final.words.reservations, level=2)
    for reservation in final.reservations:
        name = _xml(_organisation_name(reservation.organisation))
        document.add_paragraph().add_run(name).bold = True
        for line in filter(None, (line.strip() for line in _xml(reservation.text).splitlines())):
            document.add_paragraph(line)
    if not final.reservations:
        document.add_paragraph(final.words.no_reservations)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _organisation_name(organisation: Organisation) -> str:
    if organisation.acronym and organisation.acronym != organisation.name:
        return f"{organisation.name} ({organisation.acronym})"
    return organisation.name


def statement_docx(statement: Statement, language: str) -> bytes:
    """The adopted text in `language` as a Word document, the annex included."""
    return docx_of(final_text(statement_id=statement.pk, language=language))
