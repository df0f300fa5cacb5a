from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: an audit log nobody can edit after the fact."""

    list_display = ("at", "username", "engine", "action", "target_id", "outcome")
    list_filter = ("engine", "outcome", "action")
    search_fields = ("username", "target_id", "action")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
