"""The yardstick for list pages: Django's own admin changelist of the same work items, with the
same columns, filters, search and page size as the item list (mounted by bench/urls.py only; the
application itself has no admin for work items)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from workplans.models import WorkItem


class BenchAdminSite(admin.AdminSite):
    site_url = None

    def has_permission(self, request: HttpRequest) -> bool:
        # Any active person: the benchmark's focal point is not staff.
        return bool(request.user.is_active)


class WorkItemAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "priority_area",
        "lead_organisation",
        "owner",
        "due_on",
        "status",
        "percent_complete",
    )
    list_filter = ("status", "lead_organisation", "priority_area", "owner")
    list_select_related = ("priority_area", "lead_organisation", "owner")
    search_fields = ("title",)
    list_per_page = 50
    ordering = ("due_on", "pk")
    show_full_result_count = False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


site = BenchAdminSite(name="bench_admin")
site.register(WorkItem, WorkItemAdmin)
