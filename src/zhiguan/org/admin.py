from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from zhiguan.org.models import ApiClient, ApiToken, Department, DepartmentChange, Role, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "duty_phone", "active", "jurisdiction"]
    list_filter = ["jurisdiction", "kind", "active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]


@admin.register(DepartmentChange)
class DepartmentChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "department", "kind", "actor", "reason"]
    list_filter = ["kind"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "data_scope", "builtin"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "jurisdiction", "department", "is_active"]
    list_filter = ["jurisdiction", "roles", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("智管", {"fields": ("full_name", "mobile", "jurisdiction", "department", "roles")}),
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jurisdiction", "active"]
    list_filter = ["kind", "jurisdiction"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "client", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash"]
