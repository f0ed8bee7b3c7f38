"""What every app checks of an uploaded file before it stores it: a type the group accepts, not
empty, not larger than the limit. Meeting documents and the files of an answer to a call for
inputs meet the same rules, set once in the settings (MEETING_DOCUMENT_EXTENSIONS,
MEETING_DOCUMENT_MAX_MB).

The type is read from the file's extension, never from what the browser claims: the stored
content type is the one the extension names, and downloads are served as attachments with
"X-Content-Type-Options: nosniff", so a file is never shown as a page of this site.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _


def check_upload(upload: UploadedFile[bytes], *, field: str = "file") -> str:
    """The type of an acceptable upload, or a ValidationError (on `field`) saying why it is
    refused. Reads nothing of the content but its size: call it before anything is stored."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in settings.MEETING_DOCUMENT_EXTENSIONS:
        raise ValidationError(
            {
                field: _("Files of this type cannot be attached. Accepted: %(types)s.")
                % {"types": ", ".join(sorted(settings.MEETING_DOCUMENT_EXTENSIONS))}
            }
        )
    limit = settings.MEETING_DOCUMENT_MAX_MB * 1024 * 1024
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                field: _("The file is larger than %(mb)s MB.")
                % {"mb": settings.MEETING_DOCUMENT_MAX_MB}
            }
        )
    if upload.size == 0:
        raise ValidationError({field: _("The file is empty.")})
    return mimetypes.guess_type(f"x{extension}")[0] or "application/octet-stream"


def original_name(upload: UploadedFile[bytes], *, default: str = "file") -> str:
    """The name the person's file had, as it can be offered back in a download: the last part of
    the path, printable characters only, at most 255 characters (Django's parser does the same to
    what a browser sends; a file made in code may not have been through it)."""
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    if name in {"", ".", ".."}:
        return default
    if len(name) > 255:
        # Keep the extension, which says what the file is.
        extension = PurePath(name).suffix[:16]
        name = name[: 255 - len(extension)] + extension
    return name
