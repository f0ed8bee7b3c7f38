"""Files of an answer to a call for inputs: attached when answering or later while the call is
open, by whoever may answer for the organisation; downloaded only by those who may read the
answer; removed after a confirmation; listed on the board and in the export. A refused file is
told, answers 4xx and leaves no row and no file on disk."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse

from coordination import announcements
from coordination.models import Announcement, Input, InputFile
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=7)
PDF = b"%PDF-1.4 highlights"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def ilo_focal(other_organisation):
    return factories.PersonFactory(organisation=other_organisation, email="focal.ilo@example.org")


@pytest.fixture
def call(secretariat, organisation, other_organisation):
    return announcements.announcement_send(
        actor=secretariat,
        title="Highlights for the annual report",
        body="Three highlights, please.",
        kind=Announcement.Kind.CALL_FOR_INPUTS,
        deadline=DEADLINE,
        organisations=[organisation, other_organisation],
        roles=list(announcements.DEFAULT_ROLES),
    )


def pdf(name: str = "Highlights 2026.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def answer_url(call, organisation) -> str:
    return reverse("coordination:announcement_answer", args=[call.pk, organisation.slug])


def add_url(call, organisation) -> str:
    return reverse("coordination:announcement_files_add", args=[call.pk, organisation.slug])


def remove_url(record: InputFile) -> str:
    return reverse("coordination:announcement_file_remove", args=[record.pk])


def answered(call, organisation, actor, *files) -> Input:
    return announcements.input_save(
        announcement=call, organisation=organisation, actor=actor, text="Ours", files=files
    )


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


# --- The round trip ------------------------------------------------------------------------------


def test_files_sent_with_the_answer_are_kept_and_downloaded_as_they_were(
    client, media, call, focal_point, secretariat, organisation
):
    client.force_login(focal_point)
    response = client.post(
        answer_url(call, organisation),
        {
            "once": str(uuid.uuid4()),
            "text": "Our highlights",
            "attachments": [pdf(), SimpleUploadedFile("figures.csv", b"a,b\n1,2\n")],
        },
    )
    assert response.status_code == 302
    answer = Input.objects.get()
    first, second = answer.files.order_by("pk")
    assert (first.name, first.size, first.content_type, first.uploaded_by) == (
        "Highlights 2026.pdf",
        len(PDF),
        "application/pdf",
        focal_point,
    )
    assert second.content_type == "text/csv"
    # Under the call's own folder, each file in a folder of its own.
    assert first.file.name.startswith(f"inputs/{call.pk}/")
    assert len(stored_files(media)) == 2

    for reader in (focal_point, secretariat):
        client.force_login(reader)
        response = client.get(first.get_absolute_url())
        assert response.status_code == 200
        assert downloaded(response) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="Highlights 2026.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_name_in_any_script_is_offered_back_as_it_was(
    client, media, call, focal_point, organisation
):
    record = answered(call, organisation, focal_point, pdf("Résumé «2026».pdf")).files.get()
    client.force_login(focal_point)
    response = client.get(record.get_absolute_url())
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''R%C3%A9sum%C3%A9%20%C2%AB2026%C2%BB.pdf"
    )


def test_the_file_picker_offers_the_accepted_types(client, call, focal_point, organisation):
    answered(call, organisation, focal_point)
    client.force_login(focal_point)
    page = client.get(answer_url(call, organisation)).content.decode()
    assert 'accept=".csv,.doc,.docx,' in page and "multiple" in page


def test_files_are_added_later_while_the_call_is_open_and_the_text_keeps_them(
    client, media, call, focal_point, organisation
):
    answered(call, organisation, focal_point, pdf())
    client.force_login(focal_point)
    page = client.get(answer_url(call, organisation)).content.decode()
    assert "Highlights 2026.pdf" in page and add_url(call, organisation) in page
    response = client.post(
        add_url(call, organisation),
        {"once": str(uuid.uuid4()), "attachments": [pdf("Annex.pdf"), pdf("Annex 2.pdf")]},
        follow=True,
    )
    assert "2 files were added to the answer." in response.content.decode()
    # Changing the text later keeps the files.
    client.post(answer_url(call, organisation), {"text": "Changed"})
    answer = Input.objects.get()
    assert answer.text == "Changed"
    assert sorted(answer.files.values_list("name", flat=True)) == [
        "Annex 2.pdf",
        "Annex.pdf",
        "Highlights 2026.pdf",
    ]
    assert len(stored_files(media)) == 3


def test_the_secretariat_adds_files_on_an_organisations_behalf(
    client, media, call, secretariat, other_organisation
):
    answered(call, other_organisation, secretariat)
    client.force_login(secretariat)
    assert client.post(add_url(call, other_organisation), {"attachments": pdf()}).status_code == 302
    assert InputFile.objects.get().uploaded_by == secretariat


def test_the_same_files_form_sent_twice_adds_once(client, media, call, focal_point, organisation):
    answered(call, organisation, focal_point)
    client.force_login(focal_point)
    token = str(uuid.uuid4())
    client.post(add_url(call, organisation), {"once": token, "attachments": pdf()})
    again = client.post(add_url(call, organisation), {"once": token, "attachments": pdf()})
    assert again.status_code == 302
    assert InputFile.objects.count() == 1 and len(stored_files(media)) == 1


# --- Refused files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("run.exe", b"MZ"), "Files of this type cannot be attached"),
        (lambda: SimpleUploadedFile("page.html", b"<script>"), "cannot be attached"),
        (lambda: pdf(content=b"x" * (1024 * 1024 + 1)), "The file is larger than 1 MB."),
        (lambda: pdf(content=b""), "The submitted file is empty."),
    ],
)
def test_a_refused_file_is_told_and_nothing_is_stored(
    client, media, settings, call, focal_point, organisation, upload, message
):
    settings.MEETING_DOCUMENT_MAX_MB = 1
    client.force_login(focal_point)
    # With the answer: neither the answer nor the good file next to the refused one is kept.
    response = client.post(
        answer_url(call, organisation), {"text": "Ours", "attachments": [pdf(), upload()]}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Input.objects.exists()
    # Later, on an answer already written.
    answered(call, organisation, focal_point)
    response = client.post(add_url(call, organisation), {"attachments": [pdf(), upload()]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InputFile.objects.exists() and stored_files(media) == []


def test_adding_no_file_is_told(client, media, call, focal_point, organisation):
    answered(call, organisation, focal_point)
    client.force_login(focal_point)
    response = client.post(add_url(call, organisation), {"once": str(uuid.uuid4())})
    assert response.status_code == 400
    assert "Choose a file to attach." in response.content.decode()
    assert not InputFile.objects.exists()


def test_files_need_the_answer_written_first(client, media, call, focal_point, organisation):
    client.force_login(focal_point)
    response = client.post(add_url(call, organisation), {"attachments": pdf()})
    assert response.status_code == 400
    assert "Write your organisation&#x27;s answer first" in response.content.decode()
    assert not InputFile.objects.exists() and stored_files(media) == []


def test_no_file_is_added_after_the_deadline(client, media, call, focal_point, organisation):
    answered(call, organisation, focal_point)
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        client.force_login(focal_point)
        later = client.post(add_url(call, organisation), {"attachments": pdf()})
        with_text = client.post(
            answer_url(call, organisation), {"text": "Late", "attachments": pdf()}
        )
        page = client.get(answer_url(call, organisation)).content.decode()
    for response in (later, with_text):
        assert response.status_code == 400
        assert "The deadline has passed: answers are closed." in response.content.decode()
    # The closed call's page offers no way to add one.
    assert add_url(call, organisation) not in page
    assert not InputFile.objects.exists() and stored_files(media) == []


def test_an_answer_carries_a_limited_number_of_files(
    client, media, monkeypatch, call, focal_point, organisation
):
    monkeypatch.setattr(announcements, "MAX_FILES_PER_INPUT", 2)
    answered(call, organisation, focal_point, pdf("one.pdf"))
    client.force_login(focal_point)
    response = client.post(
        add_url(call, organisation), {"attachments": [pdf("two.pdf"), pdf("three.pdf")]}
    )
    assert response.status_code == 400
    assert "An answer carries at most 2 files." in response.content.decode()
    assert InputFile.objects.count() == 1 and len(stored_files(media)) == 1


def test_a_failed_database_write_leaves_no_file_on_disk(
    media, monkeypatch, call, focal_point, organisation
):
    answer = answered(call, organisation, focal_point)
    saved = InputFile.save

    def save_then_fail(self, *args, **kwargs):
        if self.name == "second.pdf":
            raise DatabaseError("the disk of the database is full")
        return saved(self, *args, **kwargs)

    monkeypatch.setattr(InputFile, "save", save_then_fail)
    for attempt in (
        lambda: announcements.input_files_add(
            announcement=call,
            organisation=organisation,
            actor=focal_point,
            files=[pdf("first.pdf"), pdf("second.pdf")],
        ),
        lambda: answered(call, organisation, focal_point, pdf("first.pdf"), pdf("second.pdf")),
    ):
        with pytest.raises(DatabaseError):
            attempt()
        assert not answer.files.exists()
        assert stored_files(media) == []


# --- Who may --------------------------------------------------------------------------------------


def test_nobody_adds_files_to_another_organisations_answer(
    client, media, call, focal_point, ilo_focal, principal, observer, organisation
):
    answered(call, organisation, focal_point)
    for person, status in ((ilo_focal, 403), (principal, 403), (observer, 404)):
        client.force_login(person)
        response = client.post(add_url(call, organisation), {"attachments": pdf()})
        assert response.status_code == status, person
        with_text = client.post(
            answer_url(call, organisation), {"text": "Not ours", "attachments": pdf()}
        )
        assert with_text.status_code == status, person
    with pytest.raises(PermissionDenied):
        announcements.input_files_add(
            announcement=call, organisation=organisation, actor=ilo_focal, files=[pdf()]
        )
    assert not InputFile.objects.exists() and stored_files(media) == []
    assert Input.objects.get().text == "Ours"


def test_a_file_is_downloaded_only_by_those_who_may_read_the_answer(
    client, media, call, secretariat, focal_point, ilo_focal, principal, observer, organisation
):
    record = answered(call, organisation, focal_point, pdf()).files.get()
    chair = factories.PersonFactory(organisation=factories.OrganisationFactory(acronym="OSCE"))
    factories.ChairTermFactory(
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), organisations=[chair.organisation]
    )
    outsider = factories.PersonFactory(organisation=factories.OrganisationFactory(acronym="OUT"))
    for person in (secretariat, chair, focal_point):
        client.force_login(person)
        assert client.get(record.get_absolute_url()).status_code == 200, person
    # Another asked organisation, the organisation's principal (who does not answer), an
    # observer, an organisation not asked: the file does not exist for them.
    for person in (ilo_focal, principal, observer, outsider):
        client.force_login(person)
        assert client.get(record.get_absolute_url()).status_code == 404, person
    client.logout()
    assert client.get(record.get_absolute_url()).status_code == 302
    client.force_login(secretariat)
    missing = reverse("coordination:announcement_file", args=[record.pk + 1000])
    assert client.get(missing).status_code == 404


def test_a_file_missing_from_storage_is_not_found(client, media, call, focal_point, organisation):
    record = answered(call, organisation, focal_point, pdf()).files.get()
    record.file.storage.delete(record.file.name)
    client.force_login(focal_point)
    assert client.get(record.get_absolute_url()).status_code == 404


# --- Removing ------------------------------------------------------------------------------------


def test_removing_a_file_asks_first_then_removes_the_row_and_the_file(
    client, media, call, focal_point, organisation, django_capture_on_commit_callbacks
):
    record = answered(call, organisation, focal_point, pdf(), pdf("Annex.pdf")).files.first()
    client.force_login(focal_point)
    page = client.get(answer_url(call, organisation)).content.decode()
    assert remove_url(record) in page
    asked = client.post(remove_url(record))
    assert asked.status_code == 200
    assert "common/confirm.html" in [t.name for t in asked.templates]
    assert "The file is taken off the answer of UNICEF" in asked.content.decode()
    assert InputFile.objects.count() == 2 and len(stored_files(media)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(remove_url(record), {"confirmed": "yes"}, follow=True)
    assert "was removed" in removed.content.decode()
    assert list(InputFile.objects.values_list("name", flat=True)) == ["Annex.pdf"]
    assert [path.name for path in stored_files(media)] == ["Annex.pdf"]


def test_nobody_removes_a_file_of_another_organisations_answer(
    client,
    media,
    call,
    focal_point,
    ilo_focal,
    principal,
    observer,
    organisation,
    django_capture_on_commit_callbacks,
):
    record = answered(call, organisation, focal_point, pdf()).files.get()
    for person, status in ((ilo_focal, 403), (principal, 403), (observer, 404)):
        client.force_login(person)
        for data in ({}, {"confirmed": "yes"}):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(remove_url(record), data)
            assert response.status_code == status, person
            assert "common/confirm.html" not in [t.name for t in response.templates]
    with pytest.raises(PermissionDenied):
        announcements.input_file_remove(input_file=record, actor=ilo_focal)
    assert InputFile.objects.filter(pk=record.pk).exists() and len(stored_files(media)) == 1


def test_no_file_is_removed_after_the_deadline(
    client, media, call, focal_point, organisation, django_capture_on_commit_callbacks
):
    record = answered(call, organisation, focal_point, pdf()).files.get()
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        client.force_login(focal_point)
        page = client.get(answer_url(call, organisation)).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(remove_url(record), {"confirmed": "yes"})
        with pytest.raises(ValidationError):
            announcements.input_file_remove(input_file=record, actor=focal_point)
    assert remove_url(record) not in page
    assert response.status_code == 400
    assert "The deadline has passed: answers are closed." in response.content.decode()
    assert InputFile.objects.filter(pk=record.pk).exists() and len(stored_files(media)) == 1


# --- The board and the export --------------------------------------------------------------------


def test_the_board_and_the_export_list_each_organisations_files(
    client, media, call, secretariat, focal_point, ilo_focal, organisation, other_organisation
):
    first, second = answered(call, organisation, focal_point, pdf(), pdf("Annex.pdf")).files.all()
    answered(call, other_organisation, ilo_focal)
    client.force_login(secretariat)
    page = client.get(call.get_absolute_url()).content.decode()
    assert first.get_absolute_url() in page and second.get_absolute_url() in page
    assert "Highlights 2026.pdf" in page and "19\xa0bytes" in page

    response = client.get(reverse("coordination:announcement_export", args=[call.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Files"
    by_acronym = {row[1]: row for row in rows[1:]}
    assert by_acronym["UNICEF"][-1] == (
        f"Highlights 2026.pdf http://testserver/announcements/files/{first.pk}/\n"
        f"Annex.pdf http://testserver/announcements/files/{second.pk}/"
    )
    assert by_acronym["ILO"][-1] == ""

    # An organisation sees its own files on the call's page, and not another's.
    client.force_login(focal_point)
    assert first.get_absolute_url() in client.get(call.get_absolute_url()).content.decode()
    client.force_login(ilo_focal)
    assert first.get_absolute_url() not in client.get(call.get_absolute_url()).content.decode()


def board_queries(client, person, call, django_assert_max_num_queries) -> int:
    client.force_login(person)
    client.get(call.get_absolute_url())  # the session and caches, once
    with django_assert_max_num_queries(20) as queries:
        assert client.get(call.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_board_queries_do_not_grow_with_the_files(
    client, media, secretariat, call, organisation, django_assert_max_num_queries
):
    many = [factories.OrganisationFactory() for _ in range(6)]
    large = announcements.announcement_send(
        actor=secretariat,
        title="Another call",
        body="Files, please.",
        kind=Announcement.Kind.CALL_FOR_INPUTS,
        deadline=DEADLINE,
        organisations=[organisation, *many],
        roles=list(announcements.DEFAULT_ROLES),
    )
    for member in many:
        answerer = factories.PersonFactory(organisation=member)
        answered(large, member, answerer, pdf("one.pdf"), pdf("two.pdf"))
    assert board_queries(client, secretariat, call, django_assert_max_num_queries) == (
        board_queries(client, secretariat, large, django_assert_max_num_queries)
    )
