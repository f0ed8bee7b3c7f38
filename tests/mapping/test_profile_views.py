from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from mapping import services
from mapping.models import Initiative, Partnership, Revision, Term
from tests import factories
from tests.test_headers import inline_problems

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"mapping:{name}", args=args)


def token() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def draft(p_published, focal_point) -> Revision:
    return services.draft_start(organisation=p_published.profile.organisation, actor=focal_point)


@pytest.fixture
def submitted(draft, focal_point) -> Revision:
    return services.revision_submit(revision=draft, actor=focal_point)


def draft_data(revision: Revision, **changes: object) -> dict[str, object]:
    """The draft's form as the page shows it, with `changes`."""
    data: dict[str, object] = {
        "version": revision.version,
        "mandate": revision.mandate,
        "expertise": revision.expertise,
        "contact_name": revision.contact_name,
        "contact_email": revision.contact_email,
        "levels": list(revision.levels),
        "once": token(),
    }
    for name in ("regions", "forms", "interventions", "priority_areas"):
        data[name] = [term.pk for term in getattr(revision, name).all()]
    data.update(changes)
    return data


def snapshot(revision: Revision) -> tuple:
    """What a refused request must leave as it was."""
    revision.refresh_from_db()
    return (
        revision.state,
        revision.version,
        revision.mandate,
        sorted(revision.initiatives.values_list("title", flat=True)),
        sorted(revision.partnerships.values_list("name", flat=True)),
        revision.profile.published_id,
    )


# --- Starting and editing the draft --------------------------------------------------------------


def test_edit_our_profile_offers_to_start_a_draft_and_starts_it_once(
    client, p_published, focal_point
):
    client.force_login(focal_point)
    page = client.get(url("profile_edit", "unicef"))
    assert page.status_code == 200
    assert "Start a draft" in page.content.decode()
    assert inline_problems(page) == []
    once = token()
    first = client.post(url("profile_edit", "unicef"), {"once": once})
    again = client.post(url("profile_edit", "unicef"), {"once": once})
    draft = Revision.objects.get(state=Revision.State.DRAFT)
    assert first.status_code == 302 and first["Location"] == url("revision_edit", draft.pk)
    assert again.status_code == 302
    assert p_published.profile.revisions.count() == 2
    # Once there is a draft, "Edit our profile" continues it.
    assert client.get(url("profile_edit", "unicef"))["Location"] == url("revision_edit", draft.pk)


def test_a_submitted_revision_is_shown_waiting_and_cannot_be_edited(client, submitted, focal_point):
    client.force_login(focal_point)
    page = client.get(url("profile_edit", "unicef")).content.decode()
    assert "submitted for review" in page
    assert url("revision_detail", submitted.pk) in page
    response = client.get(url("revision_edit", submitted.pk))
    assert response.status_code == 302
    assert response["Location"] == url("revision_detail", submitted.pk)


def test_the_draft_form_offers_active_terms_in_the_readers_language_and_keeps_retired_ones(
    client, draft, focal_point, p_terms
):
    factories.TermFactory(
        taxonomy="form", code="begging", label_en="Forced begging", retired_at=draft.created_at
    )
    focal_point.language = "fr"
    focal_point.save()
    client.force_login(focal_point)
    response = client.get(url("revision_edit", draft.pk))
    html = response.content.decode()
    assert response.status_code == 200 and inline_problems(response) == []
    assert "Exploitation sexuelle" in html and "Travail forcé" in html
    # English when no French label was given.
    assert "Prevention" in html
    # The retired term already chosen stays, checked and said to be retired; another retired
    # term is not offered.
    assert re.search(rf'value="{p_terms["organs"].pk}"[^>]*checked', html)
    assert "Organ removal" in html and "Forced begging" not in html
    assert 'name="version"' in html and f'value="{draft.version}"' in html
    assert "<script" not in html


def test_saving_the_draft(client, draft, focal_point, p_terms):
    client.force_login(focal_point)
    data = draft_data(
        draft,
        mandate="A sharper mandate.",
        regions=[p_terms["africa"].pk, p_terms["europe"].pk],
        levels=["regional"],
    )
    response = client.post(url("revision_edit", draft.pk), data)
    assert response.status_code == 302 and response["Location"] == url("revision_edit", draft.pk)
    draft.refresh_from_db()
    assert draft.mandate == "A sharper mandate."
    assert set(draft.regions.all()) == {p_terms["africa"], p_terms["europe"]}
    assert draft.levels == ["regional"]


def test_a_save_that_changes_nothing_writes_nothing(client, draft, focal_point):
    client.force_login(focal_point)
    version = draft.version
    response = client.post(url("revision_edit", draft.pk), draft_data(draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == version


def test_two_people_saving_from_the_same_version_the_second_is_shown_both_and_loses_nothing(
    client, draft, focal_point, p_alternate
):
    opened = draft_data(draft)
    client.force_login(focal_point)
    client.post(url("revision_edit", draft.pk), {**opened, "mandate": "Focal point's mandate."})
    client.force_login(p_alternate)
    response = client.post(
        url("revision_edit", draft.pk),
        {**opened, "once": token(), "mandate": "Alternate's mandate."},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    # What they typed is still in the form; what the other saved is beside it.
    assert re.search(r"<textarea[^>]*name=\"mandate\"[^>]*>\s*Alternate&#x27;s mandate.", html)
    assert "Focal point&#x27;s mandate." in html
    draft.refresh_from_db()
    assert draft.mandate == "Focal point's mandate."
    # The form now carries the newer version: saving again is a deliberate choice.
    assert f'value="{draft.version}"' in html


def test_a_draft_submitted_while_someone_typed_keeps_their_text_on_the_page(
    client, draft, focal_point, p_alternate
):
    opened = draft_data(draft, mandate="Typed while a colleague submitted.")
    services.revision_submit(revision=draft, actor=focal_point)
    client.force_login(p_alternate)
    response = client.post(url("revision_edit", draft.pk), opened)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Typed while a colleague submitted." in html
    assert "can no longer be changed" in html
    draft.refresh_from_db()
    assert draft.state == Revision.State.SUBMITTED
    assert draft.mandate == "To protect children from trafficking."


@pytest.mark.parametrize(
    "bad",
    [
        {"contact_email": "not an email"},
        {"regions": ["99999999999999999999999"]},
        {"regions": ["abc"]},
        {"forms": ["-1"]},
        {"levels": ["galactic"]},
        {"version": "x"},
        {"version": str(2**70)},
        {"mandate": "x" * 10_001},
        {"expertise": "nul \x00 character"},
    ],
)
def test_bad_input_on_the_draft_is_a_message_and_changes_nothing(client, draft, focal_point, bad):
    client.force_login(focal_point)
    before = snapshot(draft)
    response = client.post(url("revision_edit", draft.pk), draft_data(draft, **bad))
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert snapshot(draft) == before


def test_a_retired_term_sent_anew_is_refused_on_the_form(client, draft, focal_point, p_terms):
    draft.forms.remove(p_terms["organs"])
    client.force_login(focal_point)
    before = snapshot(draft)
    response = client.post(
        url("revision_edit", draft.pk), draft_data(draft, forms=[p_terms["organs"].pk])
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert snapshot(draft) == before and p_terms["organs"] not in draft.forms.all()


def test_each_button_of_the_draft_page_saves_first_then_goes_on(client, draft, focal_point):
    client.force_login(focal_point)
    initiative = draft.initiatives.get()
    response = client.post(
        url("revision_edit", draft.pk),
        draft_data(draft, mandate="Saved on the way.", then=f"initiative-{initiative.pk}"),
    )
    assert response["Location"] == url("initiative_edit", initiative.pk)
    draft.refresh_from_db()
    assert draft.mandate == "Saved on the way."
    response = client.post(url("revision_edit", draft.pk), draft_data(draft, then="partnership"))
    assert response["Location"] == url("partnership_add", draft.pk)
    # An initiative of another revision is no place to go.
    other = Initiative.objects.exclude(revision=draft).get()
    response = client.post(
        url("revision_edit", draft.pk), draft_data(draft, then=f"initiative-{other.pk}")
    )
    assert response["Location"] == url("revision_edit", draft.pk)


# --- Initiatives and partnerships ----------------------------------------------------------------


def test_adding_changing_and_removing_an_initiative(client, draft, focal_point, p_terms):
    client.force_login(focal_point)
    page = client.get(url("initiative_add", draft.pk))
    assert page.status_code == 200 and inline_problems(page) == []
    response = client.post(
        url("initiative_add", draft.pk),
        {
            "version": draft.version,
            "once": token(),
            "title": "Child helplines",
            "start_year": "2024",
            "status": "ongoing",
            "regions": [p_terms["europe"].pk],
            "countries": ["FR", "DE"],
            "interventions": [p_terms["protection"].pk],
            "link": "example.org/helplines",
        },
    )
    assert response.status_code == 302
    added = draft.initiatives.get(title="Child helplines")
    assert added.link == "https://example.org/helplines"
    assert sorted(str(c) for c in added.countries) == ["DE", "FR"]
    draft.refresh_from_db()
    page = client.get(url("initiative_edit", added.pk))
    assert page.status_code == 200 and "Child helplines" in page.content.decode()
    response = client.post(
        url("initiative_edit", added.pk),
        {"version": draft.version, "once": token(), "title": "Helplines", "status": "past"},
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.title, added.status, list(added.regions.all())) == ("Helplines", "past", [])
    draft.refresh_from_db()
    remove = {"version": draft.version, "once": token()}
    asked = client.post(url("initiative_remove", added.pk), remove)
    assert asked.status_code == 200 and "Remove" in asked.content.decode()
    assert Initiative.objects.filter(pk=added.pk).exists()
    done = client.post(url("initiative_remove", added.pk), {**remove, "confirmed": "yes"})
    assert done.status_code == 302
    assert not Initiative.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"start_year": "2024", "end_year": "2020"},
        {"start_year": "99999"},
        {"countries": ["XX"]},
        {"status": "forever"},
        {"link": "javascript:alert(1)"},
    ],
)
def test_bad_input_on_an_initiative_is_a_message_and_changes_nothing(
    client, draft, focal_point, bad
):
    client.force_login(focal_point)
    before = snapshot(draft)
    response = client.post(
        url("initiative_add", draft.pk),
        {"version": draft.version, "once": token(), "title": "X", "status": "ongoing", **bad},
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert snapshot(draft) == before


def test_an_initiative_changed_from_a_stale_page_shows_what_is_saved_now(
    client, draft, focal_point, p_alternate
):
    initiative = draft.initiatives.get()
    opened_at = draft.version
    services.initiative_update(
        initiative=initiative, actor=p_alternate, expected_version=opened_at, partners="UNHCR"
    )
    client.force_login(focal_point)
    response = client.post(
        url("initiative_edit", initiative.pk),
        {
            "version": opened_at,
            "once": token(),
            "title": "Mine",
            "status": "past",
            "partners": "UNDP",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html and "UNHCR" in html and "UNDP" in html
    initiative.refresh_from_db()
    assert (initiative.title, initiative.partners) == ("Safe migration for children", "UNHCR")


def test_adding_changing_and_removing_a_partnership(client, draft, focal_point):
    client.force_login(focal_point)
    response = client.post(
        url("partnership_add", draft.pk),
        {"version": draft.version, "once": token(), "name": "Blue Heart", "role": "Co-lead"},
    )
    assert response.status_code == 302
    added = draft.partnerships.get(name="Blue Heart")
    draft.refresh_from_db()
    assert client.get(url("partnership_edit", added.pk)).status_code == 200
    client.post(
        url("partnership_edit", added.pk),
        {"version": draft.version, "once": token(), "name": "Blue Heart Campaign"},
    )
    added.refresh_from_db()
    assert added.name == "Blue Heart Campaign"
    draft.refresh_from_db()
    client.post(
        url("partnership_remove", added.pk),
        {"version": draft.version, "once": token(), "confirmed": "yes"},
    )
    assert not Partnership.objects.filter(pk=added.pk).exists()


# --- Submitting and the review -------------------------------------------------------------------


def test_submitting_asks_first(client, draft, focal_point):
    client.force_login(focal_point)
    form = {"version": draft.version, "once": token()}
    asked = client.post(url("revision_submit", draft.pk), form)
    assert asked.status_code == 200 and "Submit for review" in asked.content.decode()
    draft.refresh_from_db()
    assert draft.state == Revision.State.DRAFT
    done = client.post(url("revision_submit", draft.pk), {**form, "confirmed": "yes"})
    assert done["Location"] == url("revision_detail", draft.pk)
    draft.refresh_from_db()
    assert draft.state == Revision.State.SUBMITTED


@pytest.mark.parametrize("version", ["", "x", "0", str(2**70)])
def test_a_bad_version_on_a_button_is_a_message_and_changes_nothing(
    client, draft, focal_point, version
):
    client.force_login(focal_point)
    before = snapshot(draft)
    initiative = draft.initiatives.get()
    for address in (url("revision_submit", draft.pk), url("initiative_remove", initiative.pk)):
        response = client.post(address, {"version": version, "once": token(), "confirmed": "yes"})
        assert response.status_code == 302, address
    assert snapshot(draft) == before


def test_submitting_a_draft_changed_since_it_was_read_is_refused(
    client, draft, focal_point, p_alternate
):
    read_at = draft.version
    services.draft_update(
        revision=draft, actor=p_alternate, expected_version=read_at, expertise="Changed."
    )
    client.force_login(focal_point)
    response = client.post(
        url("revision_submit", draft.pk),
        {"version": read_at, "once": token(), "confirmed": "yes"},
        follow=True,
    )
    assert "nothing was submitted" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == Revision.State.DRAFT


def test_the_review_shows_the_changes_field_by_field(
    client, draft, focal_point, secretariat, p_terms
):
    services.draft_update(
        revision=draft,
        actor=focal_point,
        expected_version=draft.version,
        mandate="To protect every child from trafficking.",
        forms=[p_terms["sexual"], p_terms["labour"]],
        contact_email="new.contact@unicef.example",
    )
    services.partnership_add(revision=draft, actor=focal_point, name="Blue Heart")
    draft.refresh_from_db()
    services.revision_submit(revision=draft, actor=focal_point)
    client.force_login(secretariat)
    response = client.get(url("revision_detail", draft.pk))
    html = response.content.decode()
    assert response.status_code == 200 and inline_problems(response) == []
    # Words taken out and put in, each said in words for screen readers.
    assert (
        '<del><span class="visually-hidden">deleted: </span>children</del>'
        '<ins><span class="visually-hidden">inserted: </span>every child</ins>'
    ) in html
    assert re.search(r"<ins>Forced labour</ins>", html)
    assert re.search(r"<del>Organ removal</del>", html)
    assert re.search(r"<ins>Blue Heart</ins>", html)
    assert "new.contact@unicef.example" in html
    assert "Expertise" not in re.sub(r"(?s)<section id=\"revision-content\".*", "", html)
    assert url("revision_publish", draft.pk) in html and url("revision_return", draft.pk) in html


def test_publishing_asks_first_then_publishes(client, submitted, secretariat, p_published):
    client.force_login(secretariat)
    form = {"once": token()}
    asked = client.post(url("revision_publish", submitted.pk), form)
    assert asked.status_code == 200
    submitted.refresh_from_db()
    assert submitted.state == Revision.State.SUBMITTED
    client.post(url("revision_publish", submitted.pk), {**form, "confirmed": "yes"})
    submitted.refresh_from_db()
    p_published.refresh_from_db()
    assert (submitted.state, p_published.state) == ("published", "superseded")
    # Sent twice, acts once.
    again = client.post(url("revision_publish", submitted.pk), {**form, "confirmed": "yes"})
    assert again.status_code == 302


def test_returning_needs_a_comment_on_the_form(client, submitted, secretariat):
    client.force_login(secretariat)
    response = client.post(url("revision_return", submitted.pk), {"comment": " ", "once": token()})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == Revision.State.SUBMITTED
    response = client.post(
        url("revision_return", submitted.pk), {"comment": "Add 2025.", "once": token()}
    )
    assert response["Location"] == url("revision_detail", submitted.pk)
    submitted.refresh_from_db()
    assert (submitted.state, submitted.review_comment) == ("returned", "Add 2025.")


def test_the_history_lists_every_revision_to_the_organisation_and_published_ones_to_others(
    client, draft, focal_point, p_other_focal_point, observer, p_published
):
    client.force_login(focal_point)
    page = client.get(url("profile_history", "unicef")).content.decode()
    assert url("revision_detail", draft.pk) in page
    assert url("revision_detail", p_published.pk) in page
    for other in (p_other_focal_point, observer):
        client.force_login(other)
        page = client.get(url("profile_history", "unicef")).content.decode()
        assert url("revision_detail", draft.pk) not in page
        assert url("revision_detail", p_published.pk) in page


# --- Who may read and who may act ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["p_other_focal_point", "observer"])
def test_a_draft_and_its_review_comment_are_not_shown_outside_the_organisation(
    client, request, draft, who
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("revision_detail", draft.pk)).status_code == 404


def test_member_only_fields_never_reach_an_observer(
    client, p_published, observer, principal, p_other_focal_point
):
    client.force_login(observer)
    html = client.get(url("revision_detail", p_published.pk)).content.decode()
    assert "Child protection systems." in html
    assert "ana.contact@unicef.example" not in html and "Ana Contact" not in html
    for member in (principal, p_other_focal_point):
        client.force_login(member)
        html = client.get(url("revision_detail", p_published.pk)).content.decode()
        assert "ana.contact@unicef.example" in html


def _actions(draft: Revision) -> list[tuple[str, str, dict]]:
    initiative = draft.initiatives.get()
    partnership = draft.partnerships.get()
    item = {"version": draft.version, "confirmed": "yes", "title": "X", "name": "X"}
    return [
        (url("profile_edit", "unicef"), "post", {}),
        (url("revision_edit", draft.pk), "post", draft_data(draft, mandate="Hijacked.")),
        (url("initiative_add", draft.pk), "post", {**item, "status": "ongoing"}),
        (url("initiative_edit", initiative.pk), "post", {**item, "status": "ongoing"}),
        (url("initiative_remove", initiative.pk), "post", item),
        (url("partnership_add", draft.pk), "post", item),
        (url("partnership_edit", partnership.pk), "post", item),
        (url("partnership_remove", partnership.pk), "post", item),
        (url("revision_submit", draft.pk), "post", {"version": draft.version, "confirmed": "yes"}),
        (url("revision_publish", draft.pk), "post", {"confirmed": "yes"}),
        (url("revision_return", draft.pk), "post", {"comment": "No."}),
    ]


@pytest.mark.parametrize("who", ["p_other_focal_point", "principal", "observer", "anonymous"])
def test_every_mutating_view_is_refused_to_every_wrong_role(client, request, draft, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    before = snapshot(draft)
    for address, _method, data in _actions(draft):
        response = client.post(address, {**data, "once": token()})
        if who == "anonymous":
            assert response.status_code == 302 and "login" in response["Location"], address
        else:
            assert response.status_code in {403, 404}, address
    assert snapshot(draft) == before
    assert Revision.objects.filter(profile=draft.profile).count() == 2


def test_a_focal_point_neither_publishes_nor_returns(client, submitted, focal_point):
    client.force_login(focal_point)
    before = snapshot(submitted)
    for name, data in (
        ("revision_publish", {"confirmed": "yes"}),
        ("revision_return", {"comment": "x"}),
    ):
        response = client.post(url(name, submitted.pk), {**data, "once": token()})
        assert response.status_code == 403
    assert client.get(url("revision_return", submitted.pk)).status_code == 403
    assert snapshot(submitted) == before


def test_the_review_page_offers_each_role_only_its_own_buttons(
    client, submitted, focal_point, secretariat
):
    client.force_login(focal_point)
    html = client.get(url("revision_detail", submitted.pk)).content.decode()
    assert url("revision_publish", submitted.pk) not in html
    assert url("revision_submit", submitted.pk) not in html
    client.force_login(secretariat)
    html = client.get(url("revision_detail", submitted.pk)).content.decode()
    assert url("revision_publish", submitted.pk) in html


@pytest.mark.parametrize(
    "name", ["revision_submit", "revision_publish", "initiative_remove", "partnership_remove"]
)
def test_buttons_only_answer_a_post(client, draft, secretariat, name):
    client.force_login(secretariat)
    pk = {
        "initiative_remove": draft.initiatives.get().pk,
        "partnership_remove": draft.partnerships.get().pk,
    }.get(name, draft.pk)
    assert client.get(url(name, pk)).status_code == 405


def test_unknown_objects_are_404(client, secretariat):
    client.force_login(secretariat)
    for address in (
        url("revision_detail", 999999),
        url("revision_edit", 999999),
        url("initiative_edit", 999999),
        url("partnership_edit", 999999),
        url("profile_edit", "nobody"),
        url("profile_history", "nobody"),
        "/mapping/revisions/99999999999999999999999/",
    ):
        assert client.get(address).status_code == 404, address


# --- Pages stay fast -----------------------------------------------------------------------------


def _grow(revision: Revision, size: int) -> None:
    """`size` more initiatives (each with terms) and partnerships, and terms on the revision."""
    for n in range(size):
        region = factories.term(taxonomy="region", code=f"region-{size}-{n}")
        form = factories.term(taxonomy="form", code=f"form-{size}-{n}")
        revision.regions.add(region)
        revision.forms.add(form)
        initiative = Initiative.objects.create(
            revision=revision, title=f"Initiative {size}-{n}", position=10 + n, countries="FR"
        )
        initiative.regions.add(region)
        initiative.forms.add(form)
        Partnership.objects.create(revision=revision, name=f"Partnership {size}-{n}")


@pytest.mark.parametrize("size", [1, 12])
def test_the_edit_and_review_pages_queries_do_not_grow_with_items_and_terms(
    client, draft, focal_point, secretariat, django_assert_max_num_queries, size
):
    """Measured: 20 queries for the draft's page, 27 for the review (the revision and the
    published one, each with its terms, initiatives and partnerships), 10 for the history,
    with 1 or 12 initiatives, partnerships and terms of each kind."""
    _grow(draft, size)
    _grow(draft.profile.published, size)
    assert Term.objects.count() > size
    client.force_login(focal_point)
    with django_assert_max_num_queries(20):
        assert client.get(url("revision_edit", draft.pk)).status_code == 200
    services.revision_submit(revision=draft, actor=focal_point)
    client.force_login(secretariat)
    with django_assert_max_num_queries(27):
        assert client.get(url("revision_detail", draft.pk)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(url("profile_history", "unicef")).status_code == 200


def test_every_page_of_the_slice_is_clean_html_without_inline_script_or_style(
    client, draft, focal_point, secretariat
):
    client.force_login(focal_point)
    initiative, partnership = draft.initiatives.get(), draft.partnerships.get()
    pages = [
        url("revision_edit", draft.pk),
        url("revision_detail", draft.pk),
        url("initiative_add", draft.pk),
        url("initiative_edit", initiative.pk),
        url("partnership_add", draft.pk),
        url("partnership_edit", partnership.pk),
        url("profile_history", "unicef"),
    ]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        assert inline_problems(response) == [], address
    # A draft's page offers its editors the way to each of its items, and to submit it.
    html = client.get(url("revision_detail", draft.pk)).content.decode()
    for address in (
        url("initiative_edit", initiative.pk),
        url("partnership_edit", partnership.pk),
        url("initiative_add", draft.pk),
        url("revision_edit", draft.pk),
        url("revision_submit", draft.pk),
    ):
        assert address in html
    services.revision_submit(revision=draft, actor=focal_point)
    client.force_login(secretariat)
    response = client.get(url("revision_return", draft.pk))
    assert response.status_code == 200 and inline_problems(response) == []
    assert (
        url("initiative_edit", initiative.pk)
        not in client.get(url("revision_detail", draft.pk)).content.decode()
    )


def test_an_initiative_or_partnership_form_sent_twice_adds_once(client, draft, focal_point):
    client.force_login(focal_point)
    for name, data in (
        ("initiative_add", {"title": "Twice", "status": "ongoing"}),
        ("partnership_add", {"name": "Twice"}),
    ):
        form = {"version": draft.version, "once": token(), **data}
        first = client.post(url(name, draft.pk), form)
        second = client.post(url(name, draft.pk), form)
        assert first.status_code == second.status_code == 302
    assert draft.initiatives.filter(title="Twice").count() == 1
    assert draft.partnerships.filter(name="Twice").count() == 1


def test_a_return_sent_twice_returns_once(client, submitted, secretariat):
    client.force_login(secretariat)
    form = {"comment": "Add 2025.", "once": token()}
    client.post(url("revision_return", submitted.pk), form)
    again = client.post(url("revision_return", submitted.pk), form)
    assert again.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == Revision.State.RETURNED
