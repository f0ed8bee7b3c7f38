"""The secretariat's pages for the group's taxonomies. Each view checks permission (403), fetches
what it acts on (404), validates, calls a service in mapping.taxonomies, and renders."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.confirm import confirmation, confirmed
from common.editing import act_once, posted, submit_form, versioned_edit
from common.http import AuthenticatedRequest
from common.permissions import require
from coordination.models import Person
from mapping import permissions, selectors, taxonomies
from mapping.models import Term
from mapping.taxonomy_forms import TermCreateForm, TermForm


def _terms_url(taxonomy: str) -> str:
    return reverse("mapping:taxonomy_terms", args=[taxonomy])


def _taxonomy_or_404(taxonomy: str) -> Term.Taxonomy:
    if taxonomy not in Term.Taxonomy.values:
        raise Http404
    return Term.Taxonomy(taxonomy)


def _term(request: AuthenticatedRequest[Person], pk: int) -> Term:
    require(permissions.can_edit_taxonomies(request.user))
    return get_object_or_404(Term, pk=pk)


def taxonomy_list(request: AuthenticatedRequest[Person]) -> HttpResponse:
    require(permissions.can_edit_taxonomies(request.user))
    sizes = selectors.taxonomy_sizes()
    return render(
        request,
        "mapping/taxonomy_list.html",
        {"taxonomies": [(taxonomy, *sizes[taxonomy.value]) for taxonomy in Term.Taxonomy]},
    )


def taxonomy_terms(request: AuthenticatedRequest[Person], taxonomy: str) -> HttpResponse:
    require(permissions.can_edit_taxonomies(request.user))
    chosen = _taxonomy_or_404(taxonomy)
    return render(
        request,
        "mapping/taxonomy_terms.html",
        {
            "taxonomy": chosen,
            "is_region": chosen == Term.Taxonomy.REGION,
            "rows": selectors.taxonomy_terms(chosen),
        },
    )


def term_create(request: AuthenticatedRequest[Person], taxonomy: str) -> HttpResponse:
    require(permissions.can_edit_taxonomies(request.user))
    chosen = _taxonomy_or_404(taxonomy)
    form = TermCreateForm(posted(request), instance=Term(taxonomy=chosen))
    return submit_form(
        request,
        form=form,
        save=lambda: taxonomies.term_create(actor=request.user, taxonomy=chosen, **form.changes()),
        template="mapping/taxonomy_term_form.html",
        context={"taxonomy": chosen},
        success_message=lambda term: _("“%(term)s” was added.") % {"term": str(term)},
        success_url=_terms_url(chosen),
    )


def term_edit(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    term = _term(request, pk)
    taxonomy = Term.Taxonomy(term.taxonomy)
    return versioned_edit(
        request,
        form_class=TermForm,
        instance=term,
        save=lambda **changes: taxonomies.term_update(term=term, actor=request.user, **changes),
        template="mapping/taxonomy_term_form.html",
        context={"taxonomy": taxonomy, "term": term},
        success_url=_terms_url(taxonomy),
    )


def _act(
    request: AuthenticatedRequest[Person],
    term: Term,
    service: Callable[..., object],
    *,
    done: str,
) -> HttpResponse:
    """A button of the taxonomy's page: run the term's `service` once and go back to the list,
    where a refusal is a message."""
    return act_once(
        request,
        lambda: service(term=term, actor=request.user),
        back=_terms_url(term.taxonomy),
        done=done,
        conflict=_("Someone else changed this term meanwhile; look again."),
    )


@require_POST
def term_retire(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    term = _term(request, pk)
    return _act(
        request,
        term,
        taxonomies.term_retire,
        done=_("“%(term)s” was retired: it is no longer offered, and what uses it keeps it.")
        % {"term": term.label},
    )


@require_POST
def term_restore(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    term = _term(request, pk)
    return _act(
        request,
        term,
        taxonomies.term_restore,
        done=_("“%(term)s” is offered again.") % {"term": term.label},
    )


@require_POST
def term_delete(request: AuthenticatedRequest[Person], pk: int) -> HttpResponse:
    term = _term(request, pk)
    back = _terms_url(term.taxonomy)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Delete “%(term)s”?") % {"term": term.label},
            consequences=[
                _("The term and its labels are deleted."),
                _(
                    "Nothing uses it today; if a profile chose it meanwhile, it is not deleted "
                    "and you are told so."
                ),
            ],
            action_label=_("Delete the term"),
            cancel_url=back,
        )
    return _act(
        request,
        term,
        taxonomies.term_delete,
        done=_("“%(term)s” was deleted.") % {"term": term.label},
    )
