"""Request types the views of every app annotate."""

from __future__ import annotations

from typing import Generic, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

UserT = TypeVar("UserT", bound=AbstractBaseUser)


class AuthenticatedRequest(HttpRequest, Generic[UserT]):
    """A request whose user is logged in: every page but the few marked @login_not_required
    (settings.MIDDLEWARE has LoginRequiredMiddleware). Views say which user model they read:
    `AuthenticatedRequest[Person]`."""

    user: UserT  # type: ignore[assignment]  # narrower than HttpRequest's user, by the middleware
