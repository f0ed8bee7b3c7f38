"""The kernel's one table: the forms already submitted (common.editing.once)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A creating form, rendered once with its own token, that was submitted.

    The unique token is the check: a double click, or going back and submitting again, tries to
    insert the same token, and only the first insert wins (the second waits for the first's
    transaction, then meets the constraint).
    """

    token = models.UUIDField(unique=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Where the first submission led: the second goes there too.
    url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return str(self.token)
