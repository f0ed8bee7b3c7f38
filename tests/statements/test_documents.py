"""The final text as PDF and DOCX: parsed back, they hold the title, every paragraph, the annex
(endorsing organisations, reservations in full), accents intact, in the document's language."""

from __future__ import annotations

import io

import docx
import pytest
from django.utils import translation
from django.utils.translation import gettext
from docx.opc.constants import RELATIONSHIP_TYPE
from pypdf import PdfReader

from statements import documents, markup, translations
from statements.models import Statement
from tests.statements.conftest import FINAL_TEXT, RESERVATION, adopted_keys

pytestmark = pytest.mark.django_db

FRENCH = [
    "Protection des victimes",
    "Les États doivent agir <em>maintenant</em> pour protéger les victimes.",
    "Identifier les victimes tôt.",
    'Leur donner une <strong>protection</strong> : voir <a href="https://example.org/fr/">le guide</a>.',
    "Nous appelons tous les partenaires à se joindre à nous.",
]


def pdf_text(body: bytes) -> str:
    """The PDF's words, spaces normalised (a long line may be wrapped anywhere)."""
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def docx_paragraphs(body: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(body))
    return [(p.style.name if p.style else "", p.text) for p in document.paragraphs]


def keep_in_french(statement: Statement, actor) -> None:
    keys = adopted_keys(statement)
    translations.language_version_save(
        statement=statement,
        actor=actor,
        language="fr",
        title="Déclaration commune sur la protection des victimes",
        paragraphs=dict(zip(keys, FRENCH, strict=True)),
        expected_version=None,
    )


def texts_of(paragraphs: list[str]) -> list[str]:
    return [markup.plain(text) for text in paragraphs]


# --- PDF -----------------------------------------------------------------------------------------


def test_the_pdf_holds_the_title_every_paragraph_and_the_annex(final_statement):
    text = pdf_text(documents.statement_pdf(final_statement, "en"))

    assert final_statement.title in text
    assert "Joint statement" in text
    for paragraph in texts_of([t for _key, _kind, t in FINAL_TEXT]):
        assert paragraph in text
    assert gettext("Annex") in text and gettext("Endorsing organisations") in text
    assert "International Labour Organization (ILO)" in text
    assert "United Nations Children's Fund (UNICEF)" in text
    assert gettext("Reservations") in text
    assert RESERVATION in text


def test_the_pdf_keeps_accents(final_statement):
    text = pdf_text(documents.statement_pdf(final_statement, "en"))

    assert "Protección de las víctimas" in text
    assert "Comité" in text
    assert "émettons une réserve" in text and "señal" in text


def test_the_pdf_annex_follows_the_text(final_statement):
    reader = PdfReader(io.BytesIO(documents.statement_pdf(final_statement, "en")))
    pages = [page.extract_text() for page in reader.pages]

    # The annex starts on a page of its own, after the last paragraph.
    assert "We call on all partners to join us." in pages[0]
    assert "Annex" not in pages[0]
    assert pages[-1].index("Annex") < pages[-1].index(RESERVATION[:20])


def test_the_french_pdf_holds_the_french_text_and_annex(final_statement, focal_point):
    keep_in_french(final_statement, focal_point)

    text = pdf_text(documents.statement_pdf(final_statement, "fr"))

    assert "Déclaration commune sur la protection des victimes" in text
    for paragraph in texts_of(FRENCH):
        assert paragraph in text
    assert "States must act" not in text
    with translation.override("fr"):
        assert gettext("Annex") in text
        assert gettext("Endorsing organisations") in text
        assert gettext("Reservations") in text
        assert str(Statement.Kind.JOINT_STATEMENT.label) in text
    # The reservation is published as it was written.
    assert RESERVATION in text


# --- DOCX ----------------------------------------------------------------------------------------


def test_the_docx_holds_the_title_every_paragraph_by_kind_and_the_annex(final_statement):
    paragraphs = docx_paragraphs(documents.statement_docx(final_statement, "en"))

    assert ("Title", final_statement.title) in paragraphs
    assert ("Heading 1", "Protección de las víctimas") in paragraphs
    assert ("Normal", markup.plain(FINAL_TEXT[1][2])) in paragraphs
    assert ("List Bullet", "Identify victims early.") in paragraphs
    assert ("List Bullet", "Give them protection: see the guide.") in paragraphs
    assert ("Normal", "We call on all partners to join us.") in paragraphs
    texts = [text for _style, text in paragraphs]
    annex = texts.index(gettext("Annex"))
    assert texts.index("We call on all partners to join us.") < annex
    assert ("Heading 2", gettext("Endorsing organisations")) in paragraphs[annex:]
    assert ("List Bullet", "International Labour Organization (ILO)") in paragraphs[annex:]
    assert ("List Bullet", "United Nations Children's Fund (UNICEF)") in paragraphs[annex:]
    assert ("Heading 2", gettext("Reservations")) in paragraphs[annex:]
    assert ("Normal", RESERVATION) in paragraphs[annex:]


def test_the_docx_keeps_the_emphasis_and_the_link(final_statement):
    document = docx.Document(io.BytesIO(documents.statement_docx(final_statement, "en")))
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]

    assert any(run.text == "now" and run.italic for run in runs)
    assert any(run.text == "protection" and run.bold for run in runs)
    links = [link for paragraph in document.paragraphs for link in paragraph.hyperlinks]
    assert [(link.text, link.address) for link in links] == [("the guide", "https://example.org/")]
    assert [
        rel.target_ref
        for rel in document.part.rels.values()
        if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK
    ] == ["https://example.org/"]
    assert document.core_properties.title == final_statement.title
    assert document.core_properties.language == "en"


def test_the_french_docx_holds_the_french_text_and_annex(final_statement, focal_point):
    keep_in_french(final_statement, focal_point)

    document = docx.Document(io.BytesIO(documents.statement_docx(final_statement, "fr")))
    texts = [paragraph.text for paragraph in document.paragraphs]

    assert texts[0] == "Déclaration commune sur la protection des victimes"
    for paragraph in texts_of(FRENCH):
        assert paragraph in texts
    assert not any("States must act" in text for text in texts)
    with translation.override("fr"):
        assert gettext("Annex") in texts
        assert gettext("Endorsing organisations") in texts
        assert gettext("Reservations") in texts
    assert RESERVATION in texts
    assert document.core_properties.language == "fr"


def test_a_statement_without_reservations_says_so(final_statement):
    final_statement.adopted_round.endorsements.update(answer="endorse", text="")

    text = pdf_text(documents.statement_pdf(final_statement, "en"))
    paragraphs = [
        t for _style, t in docx_paragraphs(documents.statement_docx(final_statement, "en"))
    ]

    assert gettext("No organisation made a reservation.") in text
    assert gettext("No organisation made a reservation.") in paragraphs
    assert RESERVATION not in text


def test_a_reservation_of_an_organisation_not_recorded_as_endorsing_is_not_in_the_annex(
    final_statement, other_organisation
):
    final_statement.endorsing_organisations.remove(other_organisation)

    final = documents.final_text(statement_id=final_statement.pk)

    assert [o.acronym for o in final.endorsing] == ["UNICEF"]
    assert final.reservations == []


def test_a_control_character_in_the_text_does_not_stop_the_documents(final_statement):
    """XML cannot hold it: the DOCX leaves it out rather than fail the download."""
    final_statement.adopted_version.paragraphs.filter(position=5).update(text="Bell\x07 rings.")
    final_statement.adopted_round.endorsements.filter(text=RESERVATION).update(
        text="Réserve\x1b faite."
    )

    paragraphs = [
        t for _style, t in docx_paragraphs(documents.statement_docx(final_statement, "en"))
    ]
    text = pdf_text(documents.statement_pdf(final_statement, "en"))

    assert "Bell rings." in paragraphs and "Réserve faite." in paragraphs
    assert "rings." in text and "faite." in text


# --- What there is to render ---------------------------------------------------------------------


def test_a_statement_not_adopted_has_no_final_text(statement):
    with pytest.raises(documents.FinalTextMissing):
        documents.final_text(statement_id=statement.pk)


def test_a_language_without_a_version_has_no_final_text(final_statement):
    with pytest.raises(documents.FinalTextMissing):
        documents.final_text(statement_id=final_statement.pk, language="es")
    with pytest.raises(documents.FinalTextMissing):
        documents.final_text(statement_id=final_statement.pk, language="xx")


def test_a_language_version_of_an_earlier_text_is_not_offered(final_statement, focal_point):
    keep_in_french(final_statement, focal_point)
    earlier = final_statement.versions.create(number=99)
    final_statement.language_versions.update(renders=earlier)

    with pytest.raises(documents.FinalTextMissing):
        documents.final_text(statement_id=final_statement.pk, language="fr")
    assert documents.final_text(statement_id=final_statement.pk).languages == ["en"]


def test_the_final_text_lists_its_languages_original_first(final_statement, focal_point):
    keep_in_french(final_statement, focal_point)

    final = documents.final_text(statement_id=final_statement.pk, language="fr")

    assert final.languages == ["en", "fr"]
    assert [p.key for p in final.paragraphs] == adopted_keys(final_statement)


def test_list_items_in_a_row_make_one_list(final_statement):
    blocks = documents.final_text(statement_id=final_statement.pk).blocks

    assert [(block.kind, len(block.paragraphs)) for block in blocks] == [
        ("heading", 1),
        ("paragraph", 1),
        ("list_item", 2),
        ("paragraph", 1),
    ]


def test_the_file_name_is_a_slug_of_the_title_and_language(final_statement):
    final = documents.final_text(statement_id=final_statement.pk)

    assert final.filename("pdf") == "joint-statement-on-the-proteccion-of-victims-en.pdf"


def test_the_final_text_is_read_in_six_queries(
    final_statement, focal_point, django_assert_num_queries
):
    keep_in_french(final_statement, focal_point)

    with django_assert_num_queries(6):
        documents.final_text(statement_id=final_statement.pk, language="fr")
