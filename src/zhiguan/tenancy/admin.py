from django.contrib import admin

from zhiguan.tenancy.models import Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active", "created_at"]
    search_fields = ["code", "name"]
