"""The flows every form shares: create once (a form submitted twice creates once), and edit with
a version check (on a conflict, both versions side by side and nothing written)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.forms import VersionedModelForm
from common.models import Submission
from common.versioning import ConflictError

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's validation errors on the form, by field where the service named one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _stored_value(instance: Model, name: str) -> Any:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return sorted(getattr(instance, name).all(), key=str)
    return getattr(instance, name)


def _compare(form: VersionedModelForm, current: Model) -> list[dict[str, Any]]:
    """Each field of the form: the value typed and the value saved meanwhile by someone else."""
    rows = []
    for name, yours in form.changes().items():
        theirs = _stored_value(current, name)
        if isinstance(theirs, list):
            yours = sorted(yours, key=str)
        rows.append(
            {
                "label": form.fields[name].label,
                "yours": ", ".join(map(str, yours)) if isinstance(theirs, list) else yours,
                "theirs": ", ".join(map(str, theirs)) if isinstance(theirs, list) else theirs,
                "differs": yours != theirs,
            }
        )
    return rows


def versioned_edit(
    request: HttpRequest,
    *,
    form_class: type[VersionedModelForm],
    instance: Model,
    save: Callable[..., Model],
    template: str,
    context: dict[str, Any],
    success_message: str | None = None,
    success_url: str | None = None,
) -> HttpResponse:
    """The edit flow shared by every versioned form: on a conflict, show both versions side by
    side and write nothing; the form then carries the newer version, so saving again is a
    deliberate choice to replace what the other person saved."""
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST, instance=instance)
        if form.is_valid():
            try:
                save(version=form.cleaned_data["version"], **form.changes())
            except ConflictError as error:
                current = error.current
                conflict = _compare(form, current)
                data = request.POST.copy()
                data["version"] = current.version  # type: ignore[attr-defined]
                form = form_class(data, instance=current)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Someone else saved changes while you were editing. Nothing was saved. "
                        "Compare the two versions below, then save again to keep yours."
                    ),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, success_message or _("Your changes were saved."))
                return redirect(success_url or instance.get_absolute_url())  # type: ignore[attr-defined]
    else:
        form = form_class(instance=instance)
    return render(request, template, {**context, "form": form, "conflict": conflict})


# The hidden field that carries a creating form's one-time token (the {% once_token %} tag).
ONCE_FIELD = "once"
# Tokens are kept this long: longer than anyone keeps a form open before submitting it again.
ONCE_KEPT = timedelta(days=2)

T = TypeVar("T")


class AlreadySubmitted(Exception):
    """This rendered form was submitted before; `url` is where the first submission led."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def _token(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(ONCE_FIELD, ""))
    except ValueError:
        return None


def previous_submission(request: HttpRequest) -> AlreadySubmitted | None:
    """The first submission of this rendered form, if it was saved already: checked before the
    form is validated, since the second submission of a saved form may no longer be valid
    (its name is taken now) and the person must see where the first one led, not an error."""
    token = _token(request)
    if token is None:
        return None
    first = Submission.objects.filter(token=token).values_list("url", flat=True).first()
    return None if first is None else AlreadySubmitted(first)


def once(request: HttpRequest, save: Callable[[], T], *, url: Callable[[T], str]) -> T:
    """Run `save` once per rendered form.

    The form's token is claimed in `save`'s own transaction: a failed save (a validation error)
    leaves it unclaimed, so the corrected form can be sent; a second submission of a saved form
    raises AlreadySubmitted instead of creating again. A POST without a token (a form that has
    none) is not protected.
    """
    token = _token(request)
    if token is None:
        return save()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Submission.objects.create(token=token)
        except IntegrityError:
            first = Submission.objects.filter(token=token).values_list("url", flat=True).first()
            raise AlreadySubmitted(first or "") from None
        saved = save()
        Submission.objects.filter(token=token).update(url=url(saved)[:500])
        Submission.objects.filter(at__lt=timezone.now() - ONCE_KEPT).delete()
    return saved


def already_submitted(request: HttpRequest, error: AlreadySubmitted, fallback: str) -> HttpResponse:
    """Where a form submitted a second time leads: where the first one did, saying so."""
    messages.info(request, _("This was saved already: the form was sent twice."))
    return redirect(error.url or fallback)


def submit_form(
    request: HttpRequest,
    *,
    form: BaseForm,
    save: Callable[[], Model],
    template: str,
    context: dict[str, Any],
    success_message: str | Callable[[Model], str],
    success_url: str | None = None,
) -> HttpResponse:
    """The create flow every form shares: on a valid POST, call the service; its validation
    errors go on the form, nothing is written; on success, say so and go to `success_url` (or
    the new object's page). Otherwise show the form (with its errors)."""
    if request.method == "POST" and (repeated := previous_submission(request)):
        return already_submitted(request, repeated, success_url or request.path)
    if request.method == "POST" and form.is_valid():
        try:
            saved = once(
                request,
                save,
                url=lambda saved: success_url or saved.get_absolute_url(),  # type: ignore[attr-defined]
            )
        except AlreadySubmitted as repeated:
            return already_submitted(request, repeated, success_url or request.path)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            message = success_message(saved) if callable(success_message) else success_message
            messages.success(request, message)
            return redirect(success_url or saved.get_absolute_url())  # type: ignore[attr-defined]
    return render(request, template, {**context, "form": form})


def form_errors(form: BaseForm) -> str:
    """A form's errors on one line, for a message on the page the form was posted from."""
    return "; ".join(str(error) for errors in form.errors.values() for error in errors)


def act_once(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    back: str,
    done: StrOrPromise,
    conflict: StrOrPromise,
) -> HttpResponse:
    """A button or small form posted from a page: run its service once per rendered form (a
    double click does it once) and go back to the page, where a refusal is a message: the
    service's reasons, or `conflict` when someone else changed the object meanwhile."""
    if repeated := previous_submission(request):
        return already_submitted(request, repeated, back)
    try:
        once(request, action, url=lambda _saved: back)
    except AlreadySubmitted as repeated:
        return already_submitted(request, repeated, back)
    except ConflictError:
        messages.error(request, conflict)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(back)


def posted(request: HttpRequest) -> QueryDict | None:
    """The data to bind a form to: what was posted (even nothing, so an empty post is told what
    is missing), or None to show the form unbound."""
    return request.POST if request.method == "POST" else None
