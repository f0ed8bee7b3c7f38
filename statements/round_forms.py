"""The forms of endorsement rounds and of the statement's life. They check the shape of the input;
the rules (who answers, when, what a deadline may become) are the services'."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.dates import group_time_zone
from common.forms import IdsField
from common.urls import BIGGEST_ID
from coordination.models import Organisation, Person
from statements.models import Endorsement, EndorsementRound
from statements.rounds import ANSWERS_BY_PROCEDURE, Result

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _hidden_id() -> forms.IntegerField:
    """An id carried in a hidden field: bounded, so a tampered value is a form error, not a
    query."""
    return forms.IntegerField(min_value=1, max_value=BIGGEST_ID, widget=forms.HiddenInput)


class GroupDateTimeField(forms.DateTimeField):
    """A moment typed on the group's clock (the GROUP_TIME_ZONE setting), whatever the zone of
    the person typing: a deadline is one moment for every member, said in one zone. Pages show
    it in the reader's zone beside it."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(group_time_zone()):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value, timezone=group_time_zone())
        return value


class OnGroupClock(forms.Form):
    """A form whose moments are typed on the group's clock, and says which clock that is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = group_time_zone().key
        for field in self.fields.values():
            if isinstance(field, GroupDateTimeField):
                field.help_text = gettext("On the group's clock (%(zone)s).") % {"zone": zone}


def _future(value: datetime) -> datetime:
    if value <= timezone.now():
        raise forms.ValidationError(_("The deadline must be in the future."))
    return value


class RoundOpenForm(OnGroupClock):
    version = _hidden_id()
    procedure = forms.ChoiceField(
        label=_("procedure"),
        choices=EndorsementRound.Procedure.choices,
        widget=forms.RadioSelect,
        initial=EndorsementRound.Procedure.EXPLICIT,
    )
    deadline = GroupDateTimeField(label=_("deadline"))

    def clean_deadline(self) -> datetime:
        return _future(self.cleaned_data["deadline"])


class DeadlineForm(OnGroupClock):
    """A later deadline: a round's, or a comment period's."""

    deadline = GroupDateTimeField(label=_("new deadline"))

    def clean_deadline(self) -> datetime:
        return _future(self.cleaned_data["deadline"])


class CommentPeriodForm(DeadlineForm):
    deadline = GroupDateTimeField(label=_("comments until"))


class BoardFilterForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("every organisation")), *Result.choices],
    )


class RoundAnswerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    answer = forms.ChoiceField(label=_("answer"), widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("reservation, reason or objection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required for every answer but a plain endorsement; published with the text."),
    )

    def __init__(
        self,
        *args: Any,
        round: EndorsementRound,
        organisations: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        allowed = ANSWERS_BY_PROCEDURE[round.procedure]
        answer = self.fields["answer"]
        assert isinstance(answer, forms.ChoiceField)  # noqa: S101 - declared above
        # In the order of Endorsement.Answer: endorse first.
        answer.choices = [(v, label) for v, label in Endorsement.Answer.choices if v in allowed]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answer = data.get("answer")
        if answer and answer != Endorsement.Answer.ENDORSE and not data.get("text", "").strip():
            self.add_error("text", _("Say what the reservation, refusal or objection is."))
        return data


class AdoptForm(forms.Form):
    round = _hidden_id()
    endorsing = IdsField(
        label=_("endorsing organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Name the organisations that endorse the text.")},
    )

    def __init__(self, *args: Any, endorsed: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["endorsing"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        field.queryset = endorsed


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the statement's page."),
    )


class PublishForm(forms.Form):
    published_on = forms.DateField(label=_("published on"), widget=DATE)
    public_url = forms.URLField(
        label=_("public address"),
        required=False,
        assume_scheme="https",
        help_text=_("Where the statement is published, if elsewhere than here."),
    )


class ActingPrincipalForm(forms.Form):
    person = forms.ModelChoiceField(label=_("acting principal"), queryset=Person.objects.none())
    starts_on = forms.DateField(label=_("from"), widget=DATE)
    ends_on = forms.DateField(label=_("until (included)"), widget=DATE)

    def __init__(self, *args: Any, colleagues: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = colleagues
