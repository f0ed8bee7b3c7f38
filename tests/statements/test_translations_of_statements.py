"""Language versions of an adopted statement: kept paragraph by paragraph under the adopted
version's keys, by the drafters and the secretariat only, never overwritten by a stale save."""

from __future__ import annotations

import uuid

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from common.versioning import ConflictError
from statements import markup, translations
from statements.models import LanguageVersion, Statement, TranslatedParagraph
from tests.statements.conftest import adopted_keys
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db

FRENCH = [
    "Protection des victimes",
    "Les États doivent agir <em>maintenant</em>.",
    "Identifier les victimes tôt.",
    "Leur donner une <strong>protection</strong>.",
    "Nous appelons tous les partenaires à se joindre à nous.",
]


def keys(statement: Statement) -> list[str]:
    return adopted_keys(statement)


def french(statement: Statement, **changed: str) -> dict[str, str]:
    texts = dict(zip(keys(statement), FRENCH, strict=True))
    return texts | changed


def save(statement: Statement, actor, *, expected_version: int | None = None, **kwargs):
    arguments = {
        "language": "fr",
        "title": "Déclaration commune",
        "paragraphs": french(statement),
    } | kwargs
    return translations.language_version_save(
        statement=statement, actor=actor, expected_version=expected_version, **arguments
    )


def edit_url(statement: Statement, language: str = "fr") -> str:
    return reverse("statements:language_version_edit", args=[statement.pk, language])


def form_data(statement: Statement, *, version: int | None = None, **texts: str) -> dict[str, str]:
    data = {
        "once": str(uuid.uuid4()),
        "version": "" if version is None else str(version),
        "title": "Déclaration commune",
    }
    for key, text in french(statement).items():
        data[f"paragraph-{key}"] = texts.get(key, text)
    return data


def stored(statement: Statement, language: str = "fr") -> dict[str, str]:
    return dict(
        TranslatedParagraph.objects.filter(
            language_version__statement=statement, language_version__language=language
        ).values_list("key", "text")
    )


# --- The service ---------------------------------------------------------------------------------


def test_a_drafter_keeps_the_french_version_under_the_adopted_keys(final_statement, focal_point):
    version = save(final_statement, focal_point)

    assert version.renders_id == final_statement.adopted_version_id
    assert version.title == "Déclaration commune"
    assert version.updated_by == focal_point
    assert stored(final_statement) == french(final_statement)


def test_the_secretariat_keeps_a_language_version(final_statement, secretariat):
    save(final_statement, secretariat, language="es", title="Declaración conjunta")

    assert LanguageVersion.objects.get(statement=final_statement).language == "es"


def test_the_text_is_cleaned_of_markup_not_allowed(final_statement, focal_point):
    first = keys(final_statement)[0]
    typed = 'Protection <script>x()</script><b onclick="y()">des</b> <em>victimes</em>'

    save(final_statement, focal_point, paragraphs=french(final_statement, **{first: typed}))

    kept = stored(final_statement)[first]
    assert kept == markup.clean(typed)
    assert "<script" not in kept and "<b " not in kept
    assert "<em>victimes</em>" in kept


def test_a_save_is_in_the_audit_history_with_who_saved(final_statement, focal_point):
    version = save(final_statement, focal_point)

    entry = LogEntry.objects.get_for_object(version).get()
    assert entry.actor == focal_point
    assert LogEntry.objects.filter(
        content_type__model="translatedparagraph", actor=focal_point
    ).count() == len(FRENCH)


def test_a_second_save_changes_only_what_changed(final_statement, focal_point):
    version = save(final_statement, focal_point)
    first = keys(final_statement)[0]
    before = LogEntry.objects.count()

    save(
        final_statement,
        focal_point,
        expected_version=version.version,
        paragraphs=french(final_statement, **{first: "La protection des victimes"}),
    )

    assert stored(final_statement)[first] == "La protection des victimes"
    assert LanguageVersion.objects.get().version == version.version + 1
    # The language version's row and the one paragraph's row.
    assert LogEntry.objects.count() == before + 2


@pytest.mark.parametrize(
    "role", ["colleague", "principal", "other_focal_point", "other_principal", "observer"]
)
def test_only_drafters_and_the_secretariat_keep_language_versions(final_statement, request, role):
    with pytest.raises(PermissionDenied):
        save(final_statement, request.getfixturevalue(role))

    assert not LanguageVersion.objects.exists()
    assert not TranslatedParagraph.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"paragraphs": {"000000000000": "Inconnu"}}, "no paragraph 000000000000"),
        ({"language": "en"}, "not one of them"),
        ({"language": "de"}, "not one of them"),
        ({"title": "   "}, "Give the title"),
        ({"title": "x" * 301}, "too long"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(final_statement, focal_point, change, message):
    if "paragraphs" in change:
        change = {"paragraphs": french(final_statement) | change["paragraphs"]}

    with pytest.raises(ValidationError) as refused:
        save(final_statement, focal_point, **change)

    assert message in " ".join(refused.value.messages)
    assert not LanguageVersion.objects.exists()
    assert not TranslatedParagraph.objects.exists()


def test_a_missing_paragraph_is_refused(final_statement, focal_point):
    texts = french(final_statement)
    del texts[keys(final_statement)[2]]

    with pytest.raises(ValidationError) as refused:
        save(final_statement, focal_point, paragraphs=texts)

    assert "Paragraph 3 has no text" in " ".join(refused.value.messages)
    assert not LanguageVersion.objects.exists()


def test_a_paragraph_of_markup_only_is_empty(final_statement, focal_point):
    first = keys(final_statement)[0]

    with pytest.raises(ValidationError) as refused:
        save(
            final_statement,
            focal_point,
            paragraphs=french(final_statement, **{first: "<em> </em><strong></strong>"}),
        )

    assert "Paragraph 1 has no text" in " ".join(refused.value.messages)


def test_a_statement_not_adopted_has_no_language_version(statement, focal_point):
    with pytest.raises(ValidationError) as refused:
        translations.language_version_save(
            statement=statement,
            actor=focal_point,
            language="fr",
            title="Déclaration",
            paragraphs={},
            expected_version=None,
        )

    assert "Only an adopted or published statement" in " ".join(refused.value.messages)
    assert not LanguageVersion.objects.exists()


def test_a_withdrawn_statement_keeps_no_new_language_version(final_statement, focal_point):
    Statement.objects.filter(pk=final_statement.pk).update(withdrawn_at=final_statement.adopted_at)
    final_statement.refresh_from_db()

    with pytest.raises(ValidationError):
        save(final_statement, focal_point)

    assert not LanguageVersion.objects.exists()


# --- Concurrency ---------------------------------------------------------------------------------


def test_a_stale_save_is_a_conflict_and_overwrites_nothing(
    final_statement, focal_point, secretariat
):
    opened = save(final_statement, focal_point).version
    first = keys(final_statement)[0]
    save(
        final_statement,
        secretariat,
        expected_version=opened,
        paragraphs=french(final_statement, **{first: "Texte de la secrétaire"}),
    )

    with pytest.raises(ConflictError) as conflict:
        save(
            final_statement,
            focal_point,
            expected_version=opened,
            paragraphs=french(final_statement, **{first: "Texte de la rédactrice"}),
        )

    assert conflict.value.current.updated_by == secretariat
    assert stored(final_statement)[first] == "Texte de la secrétaire"
    assert LanguageVersion.objects.get().version == opened + 1


def test_two_first_saves_of_a_language_do_not_both_win(final_statement, focal_point, secretariat):
    save(final_statement, secretariat, title="Première")

    with pytest.raises(ConflictError):
        save(final_statement, focal_point, title="Seconde", expected_version=None)

    assert LanguageVersion.objects.get().title == "Première"


# --- The page ------------------------------------------------------------------------------------


def test_the_page_puts_each_box_beside_its_original_paragraph(client, final_statement, focal_point):
    client.force_login(focal_point)

    response = client.get(edit_url(final_statement))

    assert response.status_code == 200
    html = response.content.decode()
    for key in keys(final_statement):
        row = html[html.index(f'id="p-{key}"') :]
        row = row[: row.index("</textarea>")]
        # The original (its markup shown as markup) then its box, under the same key.
        assert f'name="paragraph-{key}"' in row
        assert 'lang="fr"' in row and 'lang="en"' in row
    assert "<em>now</em>" in html
    assert "<script" not in html
    assert inline_problems(response) == []


def test_the_page_saves_the_french_version(client, final_statement, focal_point):
    client.force_login(focal_point)

    response = client.post(edit_url(final_statement), form_data(final_statement))

    assert response.status_code == 302
    assert response["Location"].endswith("#final")
    assert stored(final_statement) == french(final_statement)
    page = client.get(edit_url(final_statement)).content.decode()
    assert "Identifier les victimes tôt." in page


def test_a_double_submission_saves_once(client, final_statement, focal_point):
    client.force_login(focal_point)
    data = form_data(final_statement)

    client.post(edit_url(final_statement), data)
    second = client.post(edit_url(final_statement), data, follow=True)

    assert "This was saved already" in second.content.decode()
    assert LanguageVersion.objects.get().version == 1


def test_a_missing_paragraph_on_the_page_is_a_message(client, final_statement, focal_point):
    client.force_login(focal_point)
    key = keys(final_statement)[1]

    response = client.post(edit_url(final_statement), form_data(final_statement, **{key: "  "}))

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not LanguageVersion.objects.exists()


def test_markup_only_on_the_page_is_a_message(client, final_statement, focal_point):
    client.force_login(focal_point)
    key = keys(final_statement)[1]

    response = client.post(
        edit_url(final_statement), form_data(final_statement, **{key: "<em> </em>"})
    )

    assert response.status_code == 200
    assert "Paragraph 2 has no text" in response.content.decode()
    assert not LanguageVersion.objects.exists()


def test_a_stale_page_shows_the_other_save_and_keeps_both(
    client, final_statement, focal_point, secretariat
):
    opened = save(final_statement, secretariat).version
    first = keys(final_statement)[0]
    save(
        final_statement,
        secretariat,
        expected_version=opened,
        paragraphs=french(final_statement, **{first: "Texte enregistré entre-temps"}),
    )
    client.force_login(focal_point)

    response = client.post(
        edit_url(final_statement),
        form_data(final_statement, version=opened, **{first: "Mon texte"}),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Texte enregistré entre-temps" in html  # theirs, shown
    assert "Mon texte" in html  # mine, still in the box
    assert stored(final_statement)[first] == "Texte enregistré entre-temps"
    assert f'name="version" value="{opened + 1}"' in html
    assert inline_problems(response) == []

    # Saving again from that page is a deliberate choice to keep mine.
    again = client.post(
        edit_url(final_statement),
        form_data(final_statement, version=opened + 1, **{first: "Mon texte"}),
    )
    assert again.status_code == 302
    assert stored(final_statement)[first] == "Mon texte"


def test_the_page_of_a_statement_not_adopted_says_why(client, statement, focal_point):
    client.force_login(focal_point)

    response = client.post(edit_url(statement), {"title": "x"}, follow=True)

    assert "Only an adopted or published statement" in response.content.decode()
    assert not LanguageVersion.objects.exists()


@pytest.mark.parametrize("language", ["en", "de", "x" * 40])
def test_the_original_or_an_unknown_language_has_no_page(
    client, final_statement, focal_point, language
):
    client.force_login(focal_point)

    assert client.get(edit_url(final_statement, language)).status_code == 404
    assert client.post(edit_url(final_statement, language), {}).status_code == 404
    assert not LanguageVersion.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("colleague", 403),
        ("principal", 403),
        ("other_focal_point", 403),
        ("other_principal", 403),
        ("observer", 404),  # an unpublished statement is not announced to observers
    ],
)
def test_wrong_roles_are_refused_the_page_and_change_nothing(
    client, final_statement, request, role, status
):
    client.force_login(request.getfixturevalue(role))

    assert client.get(edit_url(final_statement)).status_code == status
    assert client.post(edit_url(final_statement), form_data(final_statement)).status_code == status
    assert not LanguageVersion.objects.exists()


def test_an_observer_is_refused_a_published_statements_page(client, published_statement, observer):
    client.force_login(observer)

    assert (
        client.post(edit_url(published_statement), form_data(published_statement)).status_code
        == 403
    )
    assert not LanguageVersion.objects.exists()


def test_the_secretariat_saves_on_the_page(client, final_statement, secretariat):
    client.force_login(secretariat)

    response = client.post(edit_url(final_statement, "es"), form_data(final_statement))

    assert response.status_code == 302
    assert LanguageVersion.objects.get().language == "es"
