"""Word diffs of plain text, for people to read: what was taken out in <del>, what was put in in
<ins>, each led by a visually hidden word for screen readers, so that a change is told in text
and not by colour alone. Statements diff their paragraphs with it, the mapping resource the text
fields of a profile."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Words, runs of punctuation, runs of space: a changed comma does not mark its whole word.
_TOKENS = re.compile(r"\w+|[^\w\s]+|\s+")


def marked(tag: str, label: str, text: str) -> str:
    """`text` escaped inside <tag>, led by `label` hidden from sight but read aloud."""
    return f'<{tag}><span class="visually-hidden">{escape(label)} </span>{escape(text)}</{tag}>'


def inserted(text: str) -> str:
    return marked("ins", _("inserted:"), text)


def deleted(text: str) -> str:
    return marked("del", _("deleted:"), text)


def word_diff(old: str, new: str) -> SafeString:
    """`new`, with the words taken out of `old` in <del> and those put in in <ins>.

    Both are plain text (a caller with markup passes its words only): everything is escaped, so
    no tag of theirs reaches the page."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        if operation == "equal":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(deleted(removed))
        if added:
            parts.append(inserted(added))
    # Every piece of text above went through escape(); only our own tags are left unescaped.
    return mark_safe("".join(parts))
