"""Read-only admin: every change goes through the services (rules, pinyin, path names, audit),
and nothing is ever deleted, because old cases must keep their category."""

from django.contrib import admin
from django.http import HttpRequest

from zhiguan.taxonomy.models import Category, DeadlineProfile


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(_ReadOnly):
    list_display = ["code", "path_name", "level", "priority", "default_lead_department", "retired_at"]
    list_filter = ["jurisdiction", "level", "priority"]
    search_fields = ["code", "name", "path_name", "pinyin_initials"]
    list_select_related = ["default_lead_department"]


@admin.register(DeadlineProfile)
class DeadlineProfileAdmin(_ReadOnly):
    list_display = ["code", "name", "accept_hours", "handle_days", "callback_days", "active", "jurisdiction"]
    list_filter = ["jurisdiction", "active"]
