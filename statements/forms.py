"""The statement forms. They check the shape of the input; the rules (who may lead, when comments
are open, what a paragraph may say) are the services'."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import IdsField
from coordination.models import Organisation
from statements.models import Comment, Paragraph, Statement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# A blank line (spaces allowed on it) ends a paragraph.
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def split_paragraphs(text: str) -> list[str]:
    """The typed text as paragraphs: split on blank lines, empty ones dropped."""
    parts = _BLANK_LINE.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    return [part.strip() for part in parts if part.strip()]


class StatementCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Statement.Kind.choices)
    title = forms.CharField(label=_("title"), max_length=300)
    lead_organisations = IdsField(
        label=_("lead organisations"),
        queryset=Organisation.objects.current().order_by("acronym"),
    )
    target_date = forms.DateField(label=_("target date"), required=False, widget=DATE)
    comment_deadline = forms.DateTimeField(
        label=_("comment deadline"),
        required=False,
        widget=LOCAL,
        help_text=_("Leave empty to keep the text a draft; comments are open until this time."),
    )
    text = forms.CharField(
        label=_("first text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Leave a blank line between paragraphs."),
    )

    def paragraphs(self) -> list[tuple[str | None, str, str]]:
        return [
            (None, Paragraph.Kind.PARAGRAPH, part)
            for part in split_paragraphs(self.cleaned_data["text"])
        ]


class _OnParagraph(forms.Form):
    """What every comment names: the version it was written on and the paragraph."""

    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    paragraph = forms.CharField(max_length=32, widget=forms.HiddenInput)
    quoted_passage = forms.CharField(label=_("quoted passage"), required=False)


class CommentForm(_OnParagraph):
    text = forms.CharField(label=_("comment"), widget=forms.Textarea)


class ProposalForm(_OnParagraph):
    proposed_text = forms.CharField(label=_("proposed text"), widget=forms.Textarea)
    text = forms.CharField(label=_("explanation"), required=False, widget=forms.Textarea)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("answer"),
        choices=[(value, label) for value, label in Comment.Status.choices if value != "open"],
    )
    reply = forms.CharField(label=_("reply"), required=False, widget=forms.Textarea)


class NoCommentsForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
