"""The forms of announcements and calls for inputs: the shape of the input; the rules (who may
send, the deadline in the future, who may answer) are coordination.announcements'."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from common.dates import group_time_zone
from common.forms import IdsField
from coordination.announcements import DEFAULT_ROLES, ROLES
from coordination.models import Announcement, Organisation, Person


class CarriedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes that also read their values as one comma-separated field: the confirmation
    page (common.confirm) carries each field once, so the chosen values travel joined."""

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> Any:
        values = super().value_from_datadict(data, files, name)
        if isinstance(values, list) and len(values) == 1 and "," in values[0]:
            return [value for value in values[0].split(",") if value]
        return values


class GroupDateTimeField(forms.DateTimeField):
    """A moment typed on the group's clock: a deadline is one moment for every member."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(group_time_zone()):
            return super().to_python(value)


class AnnouncementForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Announcement.Kind.choices,
        initial=Announcement.Kind.ANNOUNCEMENT,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text; it is emailed as written."),
    )
    deadline = GroupDateTimeField(
        label=_("Deadline (calls for inputs only)"),
        required=False,
    )
    organisations = IdsField(
        label=_("Organisations"),
        queryset=Organisation.objects.current().order_by("acronym"),
        widget=CarriedCheckboxes,
    )
    roles = forms.MultipleChoiceField(
        label=_("Whom of each organisation"),
        choices=[(role.value, role.label) for role in ROLES],
        initial=[role.value for role in DEFAULT_ROLES],
        widget=CarriedCheckboxes,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].help_text = _(
            "On the group's clock (%(zone)s). A call for inputs takes answers until then."
        ) % {"zone": group_time_zone().key}
        if not self.is_bound:
            self.fields["organisations"].initial = list(
                Organisation.objects.current().values_list("pk", flat=True)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Announcement.Kind.CALL_FOR_INPUTS:
            deadline = data.get("deadline")
            if deadline is None and "deadline" not in self.errors:
                self.add_error("deadline", _("A call for inputs needs a deadline."))
            elif deadline is not None and deadline <= timezone.now():
                self.add_error("deadline", _("The deadline must be in the future."))
        return data

    def carried(self) -> dict[str, str]:
        """The fields as the confirmation page posts them back (each once, lists joined)."""
        data = self.cleaned_data
        deadline = data.get("deadline")
        return {
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "deadline": timezone.localtime(deadline, group_time_zone()).strftime("%Y-%m-%dT%H:%M")
            if deadline
            else "",
            "organisations": ",".join(str(o.pk) for o in data["organisations"]),
            "roles": ",".join(data["roles"]),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files chosen at once (none when not required); what they may be (type,
    size) is common.uploads' to say, in the service."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        chosen = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not chosen:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in chosen]


def files_field(*, required: bool) -> MultipleFileField:
    return MultipleFileField(
        label=_("Files"),
        required=required,
        error_messages={"required": _("Choose a file to attach.")},
        help_text=_(
            "Documents, spreadsheets, presentations or images; several may be chosen at once. "
            "Only the secretariat, the chairs and your organisation can download them."
        ),
    )


class WithFiles(forms.Form):
    """A form with the answer's files field, whose file picker offers the accepted types (the
    service still checks them: a browser may send anything)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].widget.attrs["accept"] = ",".join(
            sorted(settings.MEETING_DOCUMENT_EXTENSIONS)
        )


class InputForm(WithFiles):
    text = forms.CharField(
        label=_("Your organisation's answer"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    # Not "files": a form's `files` is what was uploaded.
    attachments = files_field(required=False)


class InputFilesForm(WithFiles):
    """Files added to an answer already written."""

    attachments = files_field(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # On the answer's page beside the answer's own form: ids of its own.
        kwargs.setdefault("auto_id", "add_%s")
        super().__init__(*args, **kwargs)


ROLE_LABELS = dict(Person.Role.choices)
