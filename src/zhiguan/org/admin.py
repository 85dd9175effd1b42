from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from zhiguan.org.models import ApiClient, ApiToken, Department, DepartmentChange, GridDuty, Role, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "duty_phone", "active", "jurisdiction"]
    list_filter = ["jurisdiction", "kind", "active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]


class DepartmentChangeKindFilter(admin.SimpleListFilter):
    # The kinds are stored as codes; the filter offers them in the reader's words.
    title = _("Kind")
    parameter_name = "kind"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return list(DepartmentChange.KINDS.items())

    def queryset(self, request: Any, queryset: Any) -> Any:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(DepartmentChange)
class DepartmentChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "department", "kind_label", "actor", "reason"]
    list_filter = [DepartmentChangeKindFilter]
    exclude = ["kind"]
    readonly_fields = ["kind_label"]

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
    # Django's groups and permissions are left out: roles decide what a person may do
    # (zhiguan.org.permissions), and Django's permission names exist in English only.
    fieldsets = (
        *(
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in ("groups", "user_permissions")]})
            for name, opts in BaseUserAdmin.fieldsets or ()
        ),
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


@admin.register(GridDuty)
class GridDutyAdmin(admin.ModelAdmin):
    list_display = ["area", "person", "since", "until", "jurisdiction"]
    list_filter = ["jurisdiction", "until"]
    search_fields = ["area__name", "area__code", "person__full_name", "person__username"]
    raw_id_fields = ["area", "person"]
    fields = ["area", "person"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        # Duties change through `org.duty.set_grid_duty` (history and audit), not by editing a row.
        return False

    def save_model(self, request: Any, obj: GridDuty, form: Any, change: bool) -> None:
        # Adding a duty here is the same write as the API's: the previous one ended, audited.
        from zhiguan.org.duty import set_grid_duty
        from zhiguan.org.permissions import Actor

        actor = Actor.for_user(request.user)
        if actor is None:
            raise PermissionDenied
        saved = set_grid_duty(actor=actor, grid_id=obj.area_id, person_id=obj.person_id)
        if saved is not None:
            obj.pk = saved.pk
