from django.contrib import admin

from zhiguan.notifications.models import CitizenNotice, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent to whom, when, and what the gateway answered."""

    list_display = ("created_at", "jurisdiction", "purpose", "phone", "status", "attempts", "sent_at")
    list_filter = ("status", "purpose", "jurisdiction")
    search_fields = ("phone", "text")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CitizenNotice)
class CitizenNoticeAdmin(admin.ModelAdmin):
    """Notices to citizens, read-only: which case, which channel, in which state."""

    list_display = ("created_at", "jurisdiction", "case_number", "purpose", "channel", "status", "attempts")
    list_filter = ("status", "purpose", "channel", "jurisdiction")
    search_fields = ("case_number", "key")
    readonly_fields = [f.name for f in CitizenNotice._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
