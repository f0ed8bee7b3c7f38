"""Every change to the group's taxonomies goes through these functions: the secretariat's
permission, validation, the version check, the audit row (auditlog, same transaction).

A term that any revision or initiative uses (a draft, a superseded revision: every revision is
kept) is never deleted, since deleting it would silently take it out of what cites it: it is
retired, no longer offered for new choices, and can be restored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import acting_as
from common.permissions import require
from common.versioning import reject_unknown, save_versioned
from coordination.models import Person
from mapping import permissions, selectors
from mapping.models import Term

# What may be set on a term, in the order the form shows it. The code is set when the term is
# created and never changed: the overview's addresses name terms by it (`?form=labour`), so a
# shared link keeps meaning the same term.
TERM_FIELDS = ("label_en", "label_fr", "label_es", "m49_code", "countries", "position")
# Only regions map to the UN M49 regions and to countries.
REGION_ONLY_FIELDS = ("m49_code", "countries")


def _check_region_fields(taxonomy: str, fields: dict[str, Any]) -> None:
    if taxonomy != Term.Taxonomy.REGION:
        given = [name for name in REGION_ONLY_FIELDS if fields.get(name)]
        if given:
            raise ValidationError(
                {name: _("Only a region has a UN M49 code and countries.") for name in given}
            )
    m49_code = fields.get("m49_code") or ""
    if m49_code and not re.fullmatch(r"[0-9]{3}", m49_code):
        raise ValidationError(
            {"m49_code": _("A UN M49 code is three digits, such as 002 for Africa.")}
        )


@transaction.atomic
def term_create(
    *,
    actor: Person,
    taxonomy: str,
    code: str,
    label_en: str,
    label_fr: str = "",
    label_es: str = "",
    m49_code: str = "",
    countries: Iterable[str] = (),
    position: int | None = None,
) -> Term:
    """Add a term at the end of its taxonomy (or at `position`)."""
    require(permissions.can_edit_taxonomies(actor))
    if taxonomy not in Term.Taxonomy.values:
        raise ValidationError({"taxonomy": _("There is no such taxonomy.")})
    countries = list(countries)
    _check_region_fields(taxonomy, {"m49_code": m49_code, "countries": countries})
    if Term.objects.filter(taxonomy=taxonomy, code=code).exists():
        raise ValidationError({"code": _("Another term of this taxonomy has this code.")})
    if position is None:
        last = (
            Term.objects.filter(taxonomy=taxonomy)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        position = 1 if last is None else last + 1
    term = Term(
        taxonomy=taxonomy,
        code=code,
        label_en=label_en,
        label_fr=label_fr,
        label_es=label_es,
        m49_code=m49_code,
        # A multiple CountryField takes a list of codes (the stubs see its text column).
        countries=countries,  # type: ignore[misc]
        position=position,
    )
    term.full_clean()
    try:
        # The unique constraint is the guard when two people add the same code at once.
        with transaction.atomic(), acting_as(actor):
            term.save()
    except IntegrityError:
        raise ValidationError({"code": _("Another term of this taxonomy has this code.")}) from None
    return term


@transaction.atomic
def term_update(*, term: Term, actor: Person, version: int, **changes: Any) -> Term:
    """Change a term's labels, position or (a region's) M49 code and countries, if nobody else
    saved it since `version` (ConflictError otherwise)."""
    require(permissions.can_edit_taxonomies(actor))
    reject_unknown(changes, TERM_FIELDS)
    _check_region_fields(term.taxonomy, changes)
    with acting_as(actor):
        return save_versioned(term, expected_version=version, changes=changes)


def _locked(term: Term) -> Term:
    """The term's row, locked until the end of the transaction: two secretariat members
    retiring, restoring or deleting it at once act one after the other, each on what the other
    left."""
    return Term.objects.select_for_update().get(pk=term.pk)


def _set_retired(term: Term, actor: Person, *, retire: bool, already: str) -> Term:
    """Retire the term (`retire`) or offer it again; `already` is the refusal when it is so
    already."""
    require(permissions.can_edit_taxonomies(actor))
    current = _locked(term)
    if current.is_retired == retire:
        raise ValidationError(already)
    current.retired_at = timezone.now() if retire else None
    with acting_as(actor):
        current.save(update_fields=["retired_at"])
    return current


@transaction.atomic
def term_retire(*, term: Term, actor: Person) -> Term:
    """Stop offering the term for new choices; what chose it keeps it."""
    return _set_retired(term, actor, retire=True, already=_("This term was retired already."))


@transaction.atomic
def term_restore(*, term: Term, actor: Person) -> Term:
    """Offer a retired term again."""
    return _set_retired(term, actor, retire=False, already=_("This term is not retired."))


@transaction.atomic
def term_delete(*, term: Term, actor: Person) -> None:
    """Delete a term nothing uses; a term in use is refused, with the advice to retire it."""
    require(permissions.can_edit_taxonomies(actor))
    # The lock also holds off a revision choosing the term meanwhile: adding the link row needs
    # a key-share lock on the term's row (PostgreSQL), so it waits and then finds the term gone
    # (an error for that save) rather than the link being deleted with the term, unnoticed.
    current = _locked(term)
    if selectors.term_in_use(current):
        raise ValidationError(
            _(
                "“%(term)s” is used by a profile or an initiative, so it cannot be deleted. "
                "Retire it instead: it will no longer be offered, and what uses it keeps it."
            )
            % {"term": current.label}
        )
    with acting_as(actor):
        current.delete()
