"""Admin pages for the calendar. Saves go through the services (audit, validation, cache version)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from zhiguan.errors import DomainError
from zhiguan.org.permissions import Actor
from zhiguan.workdays import services
from zhiguan.workdays.calendar import parse_periods
from zhiguan.workdays.models import HolidayOverride, OfficeHours, YearTable


def _actor(request: HttpRequest) -> Actor:
    actor = Actor.for_user(request.user)  # type: ignore[arg-type]
    if actor is None:
        raise PermissionDenied("This account belongs to no jurisdiction.")
    return actor


class JurisdictionAdmin(admin.ModelAdmin):
    """Shows and edits only the rows of the signed-in person's jurisdiction."""

    exclude = ["jurisdiction"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .filter(jurisdiction_id=getattr(request.user, "jurisdiction_id", None))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return getattr(request.user, "jurisdiction_id", None) is not None and super().has_add_permission(
            request
        )


class OfficeHoursForm(forms.ModelForm):
    class Meta:
        model = OfficeHours
        fields = ["periods"]

    def clean_periods(self) -> Any:
        try:
            parse_periods(self.cleaned_data["periods"])
        except DomainError as exc:
            raise ValidationError(str(exc.message)) from exc
        return self.cleaned_data["periods"]


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(JurisdictionAdmin):
    list_display = ["date", "kind", "name", "note", "updated_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]

    def save_model(self, request: HttpRequest, obj: HolidayOverride, form: Any, change: bool) -> None:
        if change and "date" in form.changed_data:
            services.remove_override(actor=_actor(request), day=form.initial["date"])
        saved = services.set_override(
            actor=_actor(request), day=obj.date, kind=obj.kind, name=obj.name, note=obj.note
        )
        obj.pk, obj.jurisdiction_id = saved.pk, saved.jurisdiction_id

    def delete_model(self, request: HttpRequest, obj: HolidayOverride) -> None:
        services.remove_override(actor=_actor(request), day=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(YearTable)
class YearTableAdmin(JurisdictionAdmin):
    list_display = ["year", "declared_by", "declared_at", "note"]
    exclude = ["jurisdiction", "declared_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        base = super().get_form(request, obj, change, **kwargs)

        class YearTableForm(base):  # type: ignore[misc, valid-type]
            # Declaring is the write itself: run it at validation time so a refusal shows on the form.
            def clean(self) -> Any:
                data = super().clean()
                if not self.errors:
                    try:
                        self.instance = services.declare_year_complete(
                            actor=_actor(request), year=data["year"], note=data.get("note", "")
                        )
                    except DomainError as exc:
                        raise ValidationError(str(exc.message)) from exc
                return data

        return YearTableForm

    def save_model(self, request: HttpRequest, obj: YearTable, form: Any, change: bool) -> None:
        """Already declared by the form's clean()."""

    def delete_model(self, request: HttpRequest, obj: YearTable) -> None:
        services.withdraw_year_declaration(actor=_actor(request), year=obj.year)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(OfficeHours)
class OfficeHoursAdmin(JurisdictionAdmin):
    form = OfficeHoursForm
    list_display = ["__str__", "updated_at"]

    def save_model(self, request: HttpRequest, obj: OfficeHours, form: Any, change: bool) -> None:
        saved = services.set_office_hours(actor=_actor(request), periods=obj.periods)
        obj.pk, obj.jurisdiction_id = saved.pk, saved.jurisdiction_id

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
