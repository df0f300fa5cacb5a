"""The audit log in /admin/, read-only; and users and roles there, with every change written to it:
who, what, before and after.

The admin's own history (LogEntry) only says which fields changed; a role given or a password reset
belongs in the same audit log as everything done to the engines.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest

from audit.log import audited
from audit.models import AuditEntry

# Compared, never written down.
_SECRET = "password"


def _permissions(permissions) -> list[str]:
    return sorted(
        f"{p.content_type.app_label}.{p.codename}" for p in permissions.select_related("content_type")
    )


def user_state(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "active": user.is_active,
        "staff": user.is_staff,
        "superuser": user.is_superuser,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "permissions": _permissions(user.user_permissions.all()),
        _SECRET: user.password,
    }


def role_state(group: Group) -> dict[str, Any]:
    return {"name": group.name, "permissions": _permissions(group.permissions.all())}


class AuditedAdmin:
    """Mixed into a ModelAdmin: the object is read as it was when the admin loads it, and each
    addition, change and deletion the admin logs is audited with the state before and after."""

    target_type = ""
    state = staticmethod(lambda obj: {})

    def get_object(self, request: HttpRequest, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            request._audit_before = self.state(obj)
        return obj

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, obj, "create", None, _shown(self.state(obj)))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        before = getattr(request, "_audit_before", {})
        after = self.state(obj)
        changed = sorted(name for name in after if before.get(name) != after[name])
        if changed == [_SECRET]:
            self._audit(request, obj, "password_change", None, None)
        elif changed:
            shown = [name for name in changed if name != _SECRET]
            self._audit(
                request, obj, "change",
                {name: before.get(name) for name in shown}, {name: after[name] for name in shown},
                changed=changed,
            )  # fmt: skip
        return entry

    def log_deletions(self, request, queryset):
        # Called before the deletion, so each object can still be read.
        for obj in queryset:
            self._audit(request, obj, "delete", _shown(self.state(obj)), None)
        return super().log_deletions(request, queryset)

    def _audit(self, request, obj, verb: str, old, new, *, changed: list[str] | None = None) -> None:
        with audited(
            user=request.user,
            engine="",
            action=f"{self.target_type}.{verb}",
            target_type=self.target_type,
            target_id=str(obj),
            parameters={"changed": changed} if changed else {},
            old_value=old,
            new_value=new,
        ):
            pass  # the admin has saved it already: the entry records what it did


def _shown(state: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in state.items() if name != _SECRET}


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    target_type = "user"
    state = staticmethod(user_state)


@admin.register(Group)
class AuditedRoleAdmin(AuditedAdmin, GroupAdmin):
    target_type = "role"
    state = staticmethod(role_state)


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
