"""The editor of a statement's text: one block per paragraph, carrying its key, and the buttons
that add, split, move and remove paragraphs without JavaScript.

The buttons change what the editor sent and show it again; nothing is saved until "Save as
version N" (services.version_save). The editor's state is therefore all in the form: a row per
paragraph, with the key it had in the version the editor started from ("" for a new one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from statements import markup
from statements.forms import split_paragraphs
from statements.models import KEY_LENGTH, Paragraph

if TYPE_CHECKING:
    from collections.abc import Sequence

    from statements.selectors import DiffRow

# More paragraphs than any statement has; the bound keeps a forged form from making thousands.
MAX_PARAGRAPHS = 400
MAX_TEXT = 20_000
DATABASE_INT = 2**31 - 1

# Shown escaped: the tags in it are examples to type, not markup of the page.
MARKUP_HELP = gettext_lazy(
    "Light markup is allowed: <em>emphasis</em>, <strong>strong emphasis</strong> and links, "
    '<a href="https://…">text of the link</a>. Nothing else is taken as markup: any other '
    "“<” stays as you typed it."
)
SPLIT_HELP = gettext_lazy("To split a paragraph, leave a blank line where it should split.")


class ParagraphForm(forms.Form):
    key = forms.CharField(required=False, max_length=KEY_LENGTH, widget=forms.HiddenInput)
    # On the merge page: the key a paragraph had before the other version removed it.
    was = forms.CharField(required=False, max_length=KEY_LENGTH, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Paragraph.Kind.choices)
    # Not required: a paragraph just added is empty until it is written; saving an empty one is
    # refused by the service, with its position.
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "markup-help"}),
    )


ParagraphFormSet = forms.formset_factory(
    ParagraphForm,
    extra=0,
    max_num=MAX_PARAGRAPHS,
    validate_max=True,
    absolute_max=MAX_PARAGRAPHS,
)
PREFIX = "p"


class VersionForm(forms.Form):
    """What the whole text carries: the version it started from, and a note for the version."""

    based_on = forms.IntegerField(min_value=0, max_value=DATABASE_INT, widget=forms.HiddenInput)
    # On the merge page: the version the editor first started from (what "their" changes are
    # measured against).
    merge_base = forms.IntegerField(
        required=False, min_value=0, max_value=DATABASE_INT, widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=gettext_lazy("Note on this version (optional)"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("What changed and why, for the version list."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        base, based_on = data.get("merge_base"), data.get("based_on")
        if base is not None and based_on is not None and base > based_on:
            raise forms.ValidationError(_("The form is damaged: open the editor again."))
        return data


# --- The rows of the editor ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One paragraph as the editor holds it."""

    key: str  # "" for a new paragraph
    kind: str
    text: str
    was: str = ""

    def as_initial(self) -> dict[str, str]:
        return {"key": self.key, "was": self.was, "kind": self.kind, "text": self.text}

    def as_input(self) -> tuple[str | None, str, str]:
        """What services.version_save takes."""
        return (self.key or None, self.kind, self.text)


def rows_of(formset: forms.BaseFormSet[ParagraphForm]) -> list[Row]:
    """The rows of a valid formset, in order (a form a forged count added, empty, is skipped)."""
    return [
        Row(
            key=form.cleaned_data["key"],
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            was=form.cleaned_data["was"],
        )
        for form in formset.forms
        if form.cleaned_data
    ]


def formset_for(rows: Sequence[Row]) -> forms.BaseFormSet[ParagraphForm]:
    return ParagraphFormSet(initial=[row.as_initial() for row in rows], prefix=PREFIX)


def _split(row: Row) -> list[Row]:
    """A row split at its blank lines: the first part keeps the key (and with it the comments),
    the later parts are new paragraphs; a heading's later parts are paragraphs."""
    parts = split_paragraphs(row.text)
    if len(parts) < 2:
        return [row]
    later = Paragraph.Kind.PARAGRAPH if row.kind == Paragraph.Kind.HEADING else row.kind
    return [replace(row, text=parts[0])] + [
        Row(key="", kind=later, text=part) for part in parts[1:]
    ]


def split_on_blank_lines(rows: Sequence[Row]) -> list[Row]:
    """What saving makes of the rows: each split at the blank lines typed in it."""
    return [part for row in rows for part in _split(row)]


# An escaped "<" that, unescaped, would open an allowed tag stays escaped: it was typed as text.
_TEXT_LT = re.compile(
    rf"&lt;(?!/?(?:{'|'.join(sorted(markup.TAGS))})(?:[\s/]|&gt;))", re.IGNORECASE
)
_TEXT_AMP = re.compile(r"&amp;(?!#?\w+;)")


def editable(stored: str) -> str:
    """The stored text as the editor shows it: the stored markup, with the entities the cleaner
    wrote for "&", ">" and a "<" that opens no tag turned back into those characters, so that
    "R&D" is not shown as "R&amp;D". Saving it again stores the same text."""
    text = _TEXT_LT.sub("<", stored)
    text = text.replace("&gt;", ">")
    # "&amp;" before what reads as an entity stays, or "&amp;lt;" would come back as "<".
    return _TEXT_AMP.sub("&", text)


# --- The buttons ---------------------------------------------------------------------------------


class Action(StrEnum):
    ADD = "add"  # a new paragraph after this one
    SPLIT = "split"
    UP = "up"
    DOWN = "down"
    REMOVE = "remove"
    APPEND = "append"  # a new paragraph at the end (the only way in when none is left)


@dataclass(frozen=True)
class Op:
    action: Action
    index: int  # the row the button belongs to (0 for APPEND)


def parse_op(value: str | None) -> Op | None:
    """The button pressed: "split-3" is the split button of the fourth row. None is the save
    button (or a form sent by Enter, which is what a browser does with the first button: save).
    Raises ValueError for anything else."""
    if not value or value == "save":
        return None
    name, _dash, index = value.partition("-")
    if name == Action.APPEND and not index:
        return Op(Action.APPEND, 0)
    if name not in {action.value for action in Action} or name == Action.APPEND:
        raise ValueError(value)
    if not (index.isascii() and index.isdigit()):
        raise ValueError(value)
    return Op(Action(name), int(index))


def apply(op: Op, rows: Sequence[Row]) -> tuple[list[Row], str]:
    """The rows with the button's change made, and what to tell the editor.

    Raises ValueError for a button of a row the form has not got (a forged form)."""
    changed = list(rows)
    if op.action is Action.APPEND:
        if len(changed) >= MAX_PARAGRAPHS:
            return changed, _("A text has at most %(count)s paragraphs.") % {
                "count": MAX_PARAGRAPHS
            }
        changed.append(Row(key="", kind=Paragraph.Kind.PARAGRAPH, text=""))
        return changed, _("An empty paragraph was added at the end: write it.")
    if not 0 <= op.index < len(changed):
        raise ValueError(op)
    row, number = changed[op.index], op.index + 1
    if op.action is Action.ADD:
        if len(changed) >= MAX_PARAGRAPHS:
            return changed, _("A text has at most %(count)s paragraphs.") % {
                "count": MAX_PARAGRAPHS
            }
        kind = Paragraph.Kind.PARAGRAPH if row.kind == Paragraph.Kind.HEADING else row.kind
        changed.insert(op.index + 1, Row(key="", kind=kind, text=""))
        return changed, _("An empty paragraph was added after paragraph %(number)s: write it.") % {
            "number": number
        }
    if op.action is Action.SPLIT:
        parts = _split(row)
        if len(parts) == 1:
            return changed, _(
                "Paragraph %(number)s has no blank line to split at. Leave a blank line (press "
                "Enter twice) where it should split, then press “Split here” again."
            ) % {"number": number}
        changed[op.index : op.index + 1] = parts
        return changed, _(
            "Paragraph %(number)s was split in %(count)s; the first part keeps its comments."
        ) % {"number": number, "count": len(parts)}
    if op.action is Action.REMOVE:
        del changed[op.index]
        return changed, _(
            "Paragraph %(number)s was taken out. Nothing is saved until you save the version."
        ) % {"number": number}
    target = op.index - 1 if op.action is Action.UP else op.index + 1
    if not 0 <= target < len(changed):
        return changed, _("Paragraph %(number)s cannot move further.") % {"number": number}
    changed[op.index], changed[target] = changed[target], changed[op.index]
    return changed, _("Paragraph %(number)s is now paragraph %(target)s.") % {
        "number": number,
        "target": target + 1,
    }


# --- The merge page ------------------------------------------------------------------------------


def _same_text(typed: str, stored: str) -> bool:
    """Whether the editor left a stored text as it was shown to them (white space aside)."""
    return typed.split() == editable(stored).split()


def merge(base: Sequence[Paragraph], theirs: Sequence[Paragraph], mine: Sequence[Row]) -> list[Row]:
    """The editor's text merged with a version saved since they started from `base`.

    Paragraph by paragraph (by key):

    - what the editor changed is kept as they typed it, whatever the other version did to it;
      nothing the editor typed is lost;
    - what only the other version changed is taken from it (text and kind separately), so that
      saving the merge does not undo the other person's work;
    - a paragraph the other version removed but the editor kept stays, as a new paragraph
      (its key is gone from the latest version), `was` naming the key it had;
    - a paragraph the other version added comes in after the paragraph that preceded it there
      (first, if none did);
    - a paragraph the editor removed stays removed; the page lists what the other version has
      of it.
    """
    base_by_key = {p.key: p for p in base}
    theirs_by_key = {p.key: p for p in theirs}
    merged: list[Row] = []
    for row in mine:
        before = base_by_key.get(row.key)
        now = theirs_by_key.get(row.key)
        if before is None:
            merged.append(row)  # new in the editor's text (or a key the service will refuse)
        elif now is None:
            merged.append(Row(key="", kind=row.kind, text=row.text, was=row.key))
        else:
            text = row.text if not _same_text(row.text, before.text) else editable(now.text)
            kind = row.kind if row.kind != before.kind else now.kind
            merged.append(Row(key=row.key, kind=kind, text=text))
    present = {row.key for row in merged if row.key}
    added_after: dict[str, list[Row]] = {}
    anchor = ""
    for paragraph in theirs:
        if paragraph.key in present:
            anchor = paragraph.key
        elif paragraph.key not in base_by_key:
            added = Row(key=paragraph.key, kind=paragraph.kind, text=editable(paragraph.text))
            added_after.setdefault(anchor, []).append(added)
    result = list(added_after.get("", []))
    for row in merged:
        result.append(row)
        if row.key:
            result.extend(added_after.get(row.key, []))
    return result


class Situation(StrEnum):
    """How a row of the merge page stands against the latest version."""

    NEW = "new"  # a paragraph the editor added
    KEPT_REMOVED = "kept_removed"  # removed in the latest version, kept by the editor
    UNCHANGED = "unchanged"  # the latest version did not change it
    THEIRS = "theirs"  # changed (or added) in the latest version; the row has their text
    BOTH = "both"  # changed in the latest version, and the row differs from it


@dataclass(frozen=True)
class Compared:
    situation: Situation
    theirs: DiffRow | None  # the latest version's paragraph, its changes since the base marked


def compare(rows: Sequence[Row], changes: Sequence[DiffRow]) -> list[Compared]:
    """Each row of the merge page beside the latest version's paragraph of the same key."""
    by_key = {change.key: change for change in changes}
    compared = []
    for row in rows:
        theirs = by_key.get(row.key or row.was)
        if theirs is None:
            compared.append(Compared(Situation.NEW, None))
        elif not row.key or theirs.change == "removed":
            compared.append(Compared(Situation.KEPT_REMOVED, theirs))
        elif theirs.change == "unchanged":
            compared.append(Compared(Situation.UNCHANGED, theirs))
        elif _same_text(row.text, theirs.new_text) and row.kind == theirs.kind:
            compared.append(Compared(Situation.THEIRS, theirs))
        else:
            compared.append(Compared(Situation.BOTH, theirs))
    return compared


def left_out(rows: Sequence[Row], changes: Sequence[DiffRow]) -> list[DiffRow]:
    """The latest version's paragraphs that the rows do not have (the editor removed them)."""
    keys = {row.key for row in rows if row.key}
    return [c for c in changes if c.change != "removed" and c.key not in keys]
