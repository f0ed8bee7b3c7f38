"""The light markup a paragraph may carry: emphasis, strong emphasis and links, nothing else.

A paragraph's text is stored already cleaned (`clean`, with nh3, on save): any other tag is
dropped, its text kept, and a link keeps only an http(s) or mailto address. Pages show it with
`as_html`, which cleans it again (text written before this rule, or straight into the database,
is never trusted). The diff and the comments' quoted passages work on `plain` text, so that a
reader compares words, not tags; the documents (PDF, DOCX) read `runs`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = frozenset({"em", "strong", "a"})
ATTRIBUTES = {"a": frozenset({"href"})}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# A "<" that opens no allowed tag ("a<b", "<today>"): typed as text, and kept as text. nh3 alone
# would take it for an unknown tag and drop it with what follows.
_NOT_A_TAG = re.compile(rf"<(?!/?(?:{'|'.join(sorted(TAGS))})(?=[\s>/]))", re.IGNORECASE)


def _listed_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "rel":
        return value  # the link_rel nh3 adds itself
    return value if attribute in ATTRIBUTES.get(tag, ()) else None


def clean(text: str) -> str:
    """The text with only the allowed markup, runs of white space made one space."""
    cleaned = nh3.clean(
        _NOT_A_TAG.sub("&lt;", " ".join(text.split())),
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        # nh3 keeps some attributes on every tag ("title", "lang"): only those listed stay.
        attribute_filter=_listed_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # Removing a tag can leave two spaces side by side: collapse again.
    return " ".join(cleaned.split())


def as_html(text: str) -> SafeString:
    """The stored text, safe to put in a page."""
    return mark_safe(clean(text))  # nh3 leaves only the allowed tags, attributes and schemes


@dataclass(frozen=True)
class Run:
    """A piece of text with its emphasis (a DOCX run, a PDF span)."""

    text: str
    italic: bool = False
    bold: bool = False
    href: str = ""


class _Runs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[Run] = []
        self._italic = 0
        self._bold = 0
        self._href: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "em":
            self._italic += 1
        elif tag == "strong":
            self._bold += 1
        elif tag == "a":
            self._href.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "em":
            self._italic = max(0, self._italic - 1)
        elif tag == "strong":
            self._bold = max(0, self._bold - 1)
        elif tag == "a" and self._href:
            self._href.pop()

    def handle_data(self, data: str) -> None:
        if data:
            self.runs.append(
                Run(
                    text=data,
                    italic=self._italic > 0,
                    bold=self._bold > 0,
                    href=self._href[-1] if self._href else "",
                )
            )


def runs(text: str) -> list[Run]:
    """The cleaned text as runs of plain text with their emphasis and link."""
    parser = _Runs()
    parser.feed(clean(text))
    parser.close()
    return parser.runs


def plain(text: str) -> str:
    """The words only: every tag removed, entities read (what a diff or a quote compares)."""
    return "".join(run.text for run in runs(text))
