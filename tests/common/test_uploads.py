"""The checks every upload meets before it is stored: its type by its extension, not empty, not
larger than the limit; and the person's file name as a download may offer it back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common.uploads import check_upload, original_name


def refusal(upload: SimpleUploadedFile, **options: str) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, **options)
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Agenda v2.pdf", "application/pdf"),
        ("NOTES.TXT", "text/plain"),
        ("figures.csv", "text/csv"),
    ],
)
def test_an_accepted_file_gets_the_type_its_extension_names(name, expected):
    # What the browser claims is not believed: the extension decides.
    assert check_upload(SimpleUploadedFile(name, b"content", "text/html")) == expected


@pytest.mark.parametrize("name", ["run.exe", "page.html", "image.svg", "no-extension", "pdf"])
def test_a_file_of_another_type_is_refused_with_the_accepted_types(name):
    errors = refusal(SimpleUploadedFile(name, b"MZ"))
    assert list(errors) == ["file"]
    assert "Files of this type cannot be attached. Accepted: .csv, .doc" in errors["file"][0]


def test_an_empty_file_is_refused():
    assert refusal(SimpleUploadedFile("empty.pdf", b"")) == {"file": ["The file is empty."]}


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_is_not(settings):
    settings.MEETING_DOCUMENT_MAX_MB = 1
    at_limit = SimpleUploadedFile("big.pdf", b"x" * (1024 * 1024))
    assert check_upload(at_limit) == "application/pdf"
    over = SimpleUploadedFile("big.pdf", b"x" * (1024 * 1024 + 1))
    assert refusal(over) == {"file": ["The file is larger than 1 MB."]}


def test_the_accepted_types_come_from_the_settings(settings):
    settings.MEETING_DOCUMENT_EXTENSIONS = {".md"}
    assert refusal(SimpleUploadedFile("a.pdf", b"%PDF")) == {
        "file": ["Files of this type cannot be attached. Accepted: .md."]
    }
    assert check_upload(SimpleUploadedFile("a.md", b"# Notes"))


def test_the_reason_is_said_on_the_field_the_caller_names():
    assert list(refusal(SimpleUploadedFile("run.exe", b"MZ"), field="attachments")) == [
        "attachments"
    ]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Highlights 2026.pdf", "Highlights 2026.pdf"),
        ("C:\\Users\\me\\Desktop\\note.txt", "note.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("bad\nname\u0000.pdf", "badname.pdf"),
        ("..", "file"),
        ("", "file"),
    ],
)
def test_the_original_name_is_the_last_part_printable(given, kept):
    assert original_name(named(given)) == kept


def test_a_long_original_name_keeps_its_extension():
    name = original_name(named("a" * 400 + ".pdf"))
    assert len(name) == 255 and name.endswith("a.pdf")


def named(name: str) -> SimpleUploadedFile:
    """An upload whose name is as given, as a file made in code may have it: the name setter of
    Django's uploaded files would clean part of it."""
    upload = SimpleUploadedFile("x.pdf", b"x")
    vars(upload)["_name"] = name  # past the setter, which would clean it
    return upload
