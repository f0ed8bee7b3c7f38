"""The public page of a published statement (no login), its downloads, the members' downloads
of an adopted one, and the final-text panel of the statement page."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import cast

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from common.dates import group_today
from coordination.models import Organisation, Person
from statements import translations
from statements.models import (
    Endorsement,
    EndorsementRound,
    LanguageVersion,
    Paragraph,
    Statement,
    TranslatedParagraph,
    Version,
)
from tests import factories
from tests.statements.conftest import RESERVATION, adopted_keys
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db


def public(statement: Statement, language: str | None = None) -> str:
    if language is None:
        return reverse("statements:public_statement", args=[statement.pk])
    return reverse("statements:public_statement_language", args=[statement.pk, language])


def public_file(statement: Statement, language: str, extension: str) -> str:
    return reverse(f"statements:public_{extension}", args=[statement.pk, language])


def member_file(statement: Statement, language: str, extension: str) -> str:
    return reverse(f"statements:final_{extension}", args=[statement.pk, language])


def keep_in_french(statement: Statement, actor) -> None:
    keys = adopted_keys(statement)
    translations.language_version_save(
        statement=statement,
        actor=actor,
        language="fr",
        title="Déclaration commune",
        paragraphs={key: f"Paragraphe {n} en français." for n, key in enumerate(keys, 1)},
        expected_version=None,
    )


# --- The public page -----------------------------------------------------------------------------


def test_anyone_reads_a_published_statement_without_logging_in(client, published_statement):
    response = client.get(public(published_statement))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<article class="final-text" lang="en"' in html
    assert published_statement.title in html
    assert "States must act <em>now</em> to protect victims" in html
    assert '<a href="https://example.org/" rel="noopener noreferrer">the guide</a>' in html
    assert "International Labour Organization (ILO)" in html
    assert RESERVATION in html
    assert public_file(published_statement, "en", "pdf") in html
    assert public_file(published_statement, "en", "docx") in html
    assert inline_problems(response) == []


@pytest.mark.parametrize("state", ["draft", "adopted", "withdrawn", "published_tomorrow"])
def test_a_statement_not_published_has_no_public_page(
    client, statement, final_statement, state, focal_point
):
    target = statement if state == "draft" else final_statement
    if state == "withdrawn":
        Statement.objects.filter(pk=target.pk).update(
            published_on=group_today(), withdrawn_at=timezone.now(), withdrawn_by=focal_point
        )
    elif state == "published_tomorrow":
        Statement.objects.filter(pk=target.pk).update(
            published_on=group_today() + timedelta(days=1)
        )

    for url in (
        public(target),
        public_file(target, "en", "pdf"),
        public_file(target, "en", "docx"),
    ):
        assert client.get(url).status_code == 404, url
    # Logged in, a member is not shown it either: the public page is for published text.
    client.force_login(focal_point)
    assert client.get(public(target)).status_code == 404


def test_a_published_statement_without_an_adopted_text_has_no_public_page(client, statement):
    Statement.objects.filter(pk=statement.pk).update(published_on=group_today())

    assert client.get(public(statement)).status_code == 404


def test_the_page_shows_which_language_versions_exist(client, published_statement, focal_point):
    keep_in_french(published_statement, focal_point)

    html = client.get(public(published_statement)).content.decode()

    assert f'href="{public(published_statement, "fr")}" lang="fr" hreflang="fr"' in html
    assert ">français<" in html
    # No Spanish version is kept: none is offered.
    assert public(published_statement, "es") not in html
    assert client.get(public(published_statement, "es")).status_code == 404


def test_the_french_page_holds_the_french_text(client, published_statement, focal_point):
    from django.utils import translation
    from django.utils.translation import gettext

    keep_in_french(published_statement, focal_point)

    response = client.get(public(published_statement, "fr"))

    html = response.content.decode()
    assert '<article class="final-text" lang="fr"' in html
    assert "Déclaration commune" in html and "Paragraphe 3 en français." in html
    assert "States must act" not in html
    with translation.override("fr"):
        assert gettext("Endorsing organisations") in html
    # The page links back to the original, in its own language.
    assert f'href="{public(published_statement)}" lang="en" hreflang="en"' in html
    assert public_file(published_statement, "fr", "pdf") in html
    assert inline_problems(response) == []


def test_the_original_language_has_one_address(client, published_statement):
    response = client.get(public(published_statement, "en"))

    assert response.status_code == 302
    assert response["Location"] == public(published_statement)


@pytest.mark.parametrize("language", ["de", "xx", "x" * 50])
def test_an_unknown_language_is_not_found(client, published_statement, language):
    assert client.get(public(published_statement, language)).status_code == 404
    assert client.get(public_file(published_statement, language, "pdf")).status_code == 404


def test_an_unknown_statement_is_not_found(client):
    assert client.get("/statements/public/999999/").status_code == 404


# --- Downloads -----------------------------------------------------------------------------------


def test_anyone_downloads_a_published_statement(client, published_statement):
    pdf = client.get(public_file(published_statement, "en", "pdf"))
    word = client.get(public_file(published_statement, "en", "docx"))

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        'attachment; filename="joint-statement-on-the-proteccion-of-victims-en.pdf"'
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert published_statement.title in text
    assert word.status_code == 200
    assert word["Content-Disposition"].endswith('-en.docx"')
    document = docx.Document(io.BytesIO(word.content))
    assert document.paragraphs[0].text == published_statement.title


def test_the_french_download_has_its_own_name_and_text(client, published_statement, focal_point):
    keep_in_french(published_statement, focal_point)

    response = client.get(public_file(published_statement, "fr", "docx"))

    assert response["Content-Disposition"] == 'attachment; filename="declaration-commune-fr.docx"'
    texts = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert "Paragraphe 1 en français." in texts


@pytest.mark.parametrize("role", ["focal_point", "principal", "other_focal_point", "secretariat"])
@pytest.mark.parametrize("extension", ["pdf", "docx"])
def test_members_download_an_adopted_statement(client, final_statement, request, role, extension):
    client.force_login(request.getfixturevalue(role))

    response = client.get(member_file(final_statement, "en", extension))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")


def test_an_observer_downloads_only_once_published(client, final_statement, observer):
    client.force_login(observer)
    url = member_file(final_statement, "en", "pdf")

    assert client.get(url).status_code == 404
    Statement.objects.filter(pk=final_statement.pk).update(published_on=group_today())
    assert client.get(url).status_code == 200


def test_the_member_download_needs_a_login(client, final_statement):
    response = client.get(member_file(final_statement, "en", "pdf"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_nothing_is_downloaded_before_adoption_or_after_withdrawal(
    client, statement, final_statement, focal_point
):
    client.force_login(focal_point)
    assert client.get(member_file(statement, "en", "pdf")).status_code == 404

    Statement.objects.filter(pk=final_statement.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=focal_point
    )
    assert client.get(member_file(final_statement, "en", "docx")).status_code == 404


# --- The panel of the statement page -------------------------------------------------------------


def detail(statement: Statement) -> str:
    return reverse("statements:statement_detail", args=[statement.pk])


def test_a_drafter_sees_downloads_and_language_versions_to_add(
    client, final_statement, focal_point
):
    client.force_login(focal_point)

    response = client.get(detail(final_statement))

    html = response.content.decode()
    assert 'id="final"' in html
    assert member_file(final_statement, "en", "pdf") in html
    assert member_file(final_statement, "en", "docx") in html
    for language in ("fr", "es"):
        assert (
            reverse("statements:language_version_edit", args=[final_statement.pk, language]) in html
        )
        assert member_file(final_statement, language, "pdf") not in html
    assert "Missing" in html
    assert public(final_statement) not in html  # not published yet
    assert inline_problems(response) == []


def test_a_kept_language_version_is_offered_for_download(client, final_statement, focal_point):
    keep_in_french(final_statement, focal_point)
    client.force_login(focal_point)

    html = client.get(detail(final_statement)).content.decode()

    assert member_file(final_statement, "fr", "pdf") in html
    assert member_file(final_statement, "fr", "docx") in html
    assert "Kept" in html


def test_another_member_downloads_but_does_not_edit(client, final_statement, other_focal_point):
    client.force_login(other_focal_point)

    html = client.get(detail(final_statement)).content.decode()

    assert member_file(final_statement, "en", "pdf") in html
    assert "languages/fr/" not in html


def test_a_published_statement_links_its_public_pages(client, published_statement, focal_point):
    keep_in_french(published_statement, focal_point)
    client.force_login(focal_point)

    html = client.get(detail(published_statement)).content.decode()

    assert f'href="{public(published_statement)}"' in html
    assert f'href="{public(published_statement, "fr")}"' in html


def test_a_statement_in_drafting_has_no_final_text_panel(client, statement, focal_point):
    client.force_login(focal_point)

    html = client.get(detail(statement)).content.decode()

    assert 'id="final"' not in html


# --- Query counts --------------------------------------------------------------------------------


def published_of_size(size: int) -> Statement:
    """A published statement with `size` paragraphs, endorsing organisations and reservations,
    kept in French."""
    lead = cast(Organisation, factories.OrganisationFactory())
    statement = cast(
        Statement, factories.StatementFactory(lead_organisations=[lead], title=f"Of size {size}")
    )
    version = cast(Version, factories.StatementVersionFactory(statement=statement, number=1))
    keys: list[str] = []
    for position in range(1, size + 1):
        kind = ["heading", "paragraph", "list_item"][position % 3]
        paragraph = cast(
            Paragraph,
            factories.ParagraphFactory(
                version=version, position=position, kind=kind, text=f"Text <em>{position}</em>"
            ),
        )
        keys.append(paragraph.key)
    now = timezone.now()
    organisations = [cast(Organisation, factories.OrganisationFactory()) for _ in range(size)]
    person = cast(Person, factories.PrincipalFactory(organisation=lead))
    round = EndorsementRound.objects.create(
        statement=statement,
        endorsed_version=version,
        procedure="explicit",
        deadline=now,
        closed_at=now,
    )
    round.addressed_organisations.set(organisations)
    Endorsement.objects.bulk_create(
        Endorsement(
            round=round,
            organisation=organisation,
            answer="endorse_with_reservation",
            text=f"Reservation {n}",
            answered_by=person,
            on_behalf=True,
        )
        for n, organisation in enumerate(organisations)
    )
    Statement.objects.filter(pk=statement.pk).update(
        adopted_at=now,
        adopted_version=version,
        adopted_round=round,
        published_on=group_today(),
    )
    statement.endorsing_organisations.set(organisations)
    french = LanguageVersion.objects.create(
        statement=statement, language="fr", renders=version, title="En français"
    )
    TranslatedParagraph.objects.bulk_create(
        TranslatedParagraph(language_version=french, key=key, text=f"Texte {key}") for key in keys
    )
    return statement


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("language", [None, "fr"])
def test_the_public_page_reads_the_same_number_of_queries_whatever_its_size(client, language):
    small, large = published_of_size(2), published_of_size(20)

    counted = queries_of(client, public(small, language))

    assert queries_of(client, public(large, language)) == counted
    assert counted <= 6


def test_a_download_reads_the_same_number_of_queries_whatever_its_size(client):
    small, large = published_of_size(2), published_of_size(20)

    counted = queries_of(client, public_file(small, "fr", "pdf"))

    assert queries_of(client, public_file(large, "fr", "docx")) == counted
    html = client.get(public(large, "fr")).content.decode()
    assert "Reservation 19" in html and "Texte " in html
