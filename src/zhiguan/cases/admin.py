from django.contrib import admin

from zhiguan.cases.models import Case, RoutingRule


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through the workflow (services.perform)."""

    list_display = ("number", "status", "request_type", "channel", "warning_level", "created_at")
    list_filter = ("status", "warning_level", "channel")
    search_fields = ("number", "description")

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("key", "version", "name", "position", "current", "retired")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
