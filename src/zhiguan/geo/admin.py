from django.contrib import admin

from zhiguan.geo.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "area_m2", "source_crs", "active", "jurisdiction"]
    list_filter = ["jurisdiction", "level", "active", "source_crs"]
    search_fields = ["name", "code"]
    # Boundaries change only through the audited import; the admin shows, never edits, geometry.
    exclude = ["boundary"]
    readonly_fields = [
        "centroid_lng",
        "centroid_lat",
        "area_m2",
        "source_crs",
        "source",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["parent", "jurisdiction"]
