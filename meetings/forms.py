from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import IdsField, VersionedModelForm, narrow_choices
from coordination.models import ChairTerm, Organisation
from coordination.selectors import assignable_people, chair_terms
from meetings.models import ActionItem, AgendaItem, Invitation, Meeting, Series
from meetings.series import SERIES_FIELDS
from meetings.services import AGENDA_FIELDS, MEETING_FIELDS
from statements.models import Statement
from workplans.models import PriorityArea, WorkItem
from workplans.selectors import open_priority_areas

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WallClockField(forms.DateTimeField):
    """A date and time as typed, with no zone yet: the form places it at the venue. (Django's
    own field would first read it in the viewer's zone, and refuse an hour that the viewer's
    clocks skip at a change of daylight-saving time.)"""

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):
            parsed = super().to_python(value)
        return parsed.replace(tzinfo=None) if parsed is not None else None

    def prepare_value(self, value: Any) -> Any:
        return (
            value.replace(tzinfo=None)
            if isinstance(value, datetime) and timezone.is_aware(value)
            else value
        )


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(VersionedModelForm):
    """Times are typed in the venue's time zone, whoever types them."""

    online_link = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = list(MEETING_FIELDS)
        field_classes = {
            "starts_at": WallClockField,
            "ends_at": WallClockField,
            "rsvp_deadline": WallClockField,
        }
        widgets = {
            "starts_at": LOCAL,
            "ends_at": LOCAL,
            "rsvp_deadline": LOCAL,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "starts_at": _("In the venue's time zone."),
            "ends_at": _("In the venue's time zone."),
            "rsvp_deadline": _("In the venue's time zone. Optional."),
        }

    TIMES = ("starts_at", "ends_at", "rsvp_deadline")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = bool(self.instance.pk)
        host = self.fields["host_organisation"]
        if isinstance(host, forms.ModelChoiceField):
            host.queryset = Organisation.objects.current()
        if self.instance.pk:
            # Show the stored (UTC) times as the venue's wall-clock times.
            for name in self.TIMES:
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = timezone.localtime(value, self.instance.zone).replace(
                        tzinfo=None
                    )

    def clean(self) -> dict[str, Any]:
        """Read the typed times as wall-clock times at the venue."""
        cleaned = super().clean() or {}
        zone_name = cleaned.get("time_zone")
        try:
            zone = zoneinfo.ZoneInfo(zone_name) if zone_name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            # Without the venue's zone the typed times mean nothing: leave them out, so that the
            # model's checks never compare a naive time with a stored one.
            for name in self.TIMES:
                cleaned.pop(name, None)
            if "time_zone" not in self.errors:
                self.add_error("time_zone", _("Choose the venue's time zone."))
            return cleaned
        for name in self.TIMES:
            value: datetime | None = cleaned.get(name)
            if value is not None and timezone.is_naive(value):
                cleaned[name] = value.replace(tzinfo=zone)
        return cleaned


class SeriesForm(VersionedModelForm):
    """A recurring meeting: its first meeting (typed in the venue's time zone, as for one
    meeting), how long each lasts and how it repeats. Changing "this and the following" meetings
    uses the same form, from that meeting (the kind stays)."""

    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=24 * 60, initial=90
    )
    field_order = ["kind", "title", "description", "starts_at", "minutes", "time_zone"]

    class Meta:
        model = Series
        fields = [f for f in SERIES_FIELDS if f != "duration"]
        field_classes = {"starts_at": WallClockField}
        widgets = {
            "starts_at": LOCAL,
            "until": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"starts_at": _("first meeting starts")}
        help_texts = {
            "starts_at": _(
                "In the venue's time zone. The series repeats on this weekday or date, at this "
                "time there, whatever the season."
            ),
        }

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = bool(self.instance.pk)
        host = self.fields["host_organisation"]
        if isinstance(host, forms.ModelChoiceField):
            host.queryset = Organisation.objects.current()
        if meeting is not None:
            # From this meeting on: the kind stays, the series starts again here.
            del self.fields["kind"]
            self.fields["starts_at"].label = _("From")
            self.fields["starts_at"].help_text = _(
                "Where the series puts this meeting, in the venue's time zone. A new time here "
                "moves this meeting and the following ones."
            )
            self.initial["starts_at"] = timezone.localtime(
                meeting.recurrence_id or meeting.starts_at, self.instance.zone
            ).replace(tzinfo=None)
        elif self.instance.pk:
            self.initial["starts_at"] = self.instance.local_starts_at.replace(tzinfo=None)
        if self.instance.pk:
            self.initial["minutes"] = int(self.instance.duration.total_seconds() // 60)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        zone_name = cleaned.get("time_zone")
        try:
            zone = zoneinfo.ZoneInfo(zone_name) if zone_name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        starts_at: datetime | None = cleaned.get("starts_at")
        if zone is None:
            cleaned.pop("starts_at", None)
            if "time_zone" not in self.errors:
                self.add_error("time_zone", _("Choose the venue's time zone."))
        elif starts_at is not None and timezone.is_naive(starts_at):
            cleaned["starts_at"] = starts_at.replace(tzinfo=zone)
        # The model's checks (after this) need the duration, which the form asks in minutes.
        if cleaned.get("minutes"):
            self.instance.duration = timedelta(minutes=cleaned["minutes"])
        return cleaned

    def changes(self) -> dict[str, Any]:
        changes = {name: self.cleaned_data[name] for name in self.fields if name in SERIES_FIELDS}
        return changes | {"duration": timedelta(minutes=self.cleaned_data["minutes"])}


class InviteesForm(forms.Form):
    organisations = IdsField(
        label=_("Invited organisations"),
        queryset=Organisation.objects.current(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class RSVPForm(forms.ModelForm):
    # The answer's time when the form was shown: a colleague's answer since is not overwritten.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Invitation
        fields = ["response", "attendees"]
        widgets = {"response": forms.RadioSelect, "attendees": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        response = self.fields["response"]
        if isinstance(response, forms.ChoiceField):
            response.choices = [
                c for c in Invitation.Response.choices if c[0] != Invitation.Response.NO_ANSWER
            ]
        if self.instance.pk and not self.is_bound:
            self.initial["seen"] = (
                self.instance.answered_at.isoformat() if self.instance.answered_at else ""
            )


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = list(AGENDA_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        narrow_choices(
            self,
            presenter_organisation=Organisation.objects.current(),
            presenter=assignable_people(),
        )
        work_item = self.fields["work_item"]
        if isinstance(work_item, forms.ModelChoiceField):
            horizon = timezone.localdate() + timedelta(days=365)
            work_item.queryset = (
                WorkItem.objects.open()
                .filter(due_on__lte=horizon)
                .select_related("lead_organisation")
                .order_by("title")
            )
            work_item.help_text = _("Open items due within a year, or overdue.")
        statement = self.fields["statement"]
        if isinstance(statement, forms.ModelChoiceField):
            statement.queryset = Statement.objects.filter(withdrawn_at__isnull=True).order_by(
                "title"
            )
            statement.help_text = _("The statement discussed or put to the meeting, if any.")


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CirculateForm(forms.Form):
    approval_due_on = forms.DateField(label=_("Approval due on"), widget=DATE)


class TermChoiceField(forms.ModelChoiceField):
    """A choice of chair terms, each named with its chairs."""

    def label_from_instance(self, obj: ChairTerm) -> str:
        chairs = ", ".join(organisation.acronym for organisation in obj.organisations.all())
        return f"{obj} ({chairs})"


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    # The principals endorse incoming chairs at a meeting: the decision says which term.
    endorses_term = TermChoiceField(
        label=_("Endorses the chair term"),
        queryset=ChairTerm.objects.none(),
        required=False,
        empty_label=_("(no chair term)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        narrow_choices(self, endorses_term=chair_terms())  # newest first


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "owner_organisation", "owner", "due_on"]
        widgets = {"due_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        narrow_choices(
            self, owner_organisation=Organisation.objects.current(), owner=assignable_people()
        )


class PriorityAreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PriorityArea) -> str:
        return f"{obj.plan.title} — {obj.title}"


class ToWorkItemForm(forms.Form):
    priority_area = PriorityAreaChoiceField(
        label=_("Priority area of the work plan"),
        queryset=open_priority_areas(),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("The file's name if left empty."),
    )
    file = forms.FileField(label=_("File"))
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = meeting.agenda_items.all()
