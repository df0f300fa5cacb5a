"""The roles users hold, as Django groups, and what each may do."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Perm(StrEnum):
    """Permission names as Django spells them ("app.codename")."""

    VIEW = "accounts.view_engine"
    EDIT_VARIABLES = "accounts.edit_variables"
    OPERATE = "accounts.operate_instances"
    VIEW_AUDIT = "accounts.view_audit_log"
    WORK_TASKS = "accounts.work_user_tasks"
    MANAGE_DEPLOYMENTS = "accounts.manage_deployments"

    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]


ROLES: dict[str, tuple[Perm, ...]] = {
    "Viewer": (Perm.VIEW, Perm.VIEW_AUDIT),
    "Support": (Perm.VIEW, Perm.VIEW_AUDIT, Perm.EDIT_VARIABLES, Perm.WORK_TASKS),
    "Operator": (Perm.VIEW, Perm.VIEW_AUDIT, Perm.EDIT_VARIABLES, Perm.OPERATE, Perm.WORK_TASKS),
    "Admin": (
        Perm.VIEW,
        Perm.VIEW_AUDIT,
        Perm.EDIT_VARIABLES,
        Perm.OPERATE,
        Perm.WORK_TASKS,
        Perm.MANAGE_DEPLOYMENTS,
    ),
}

# For the demo only (seed_demo_users refuses to run in production): user -> (role, password).
DEMO_USERS = {role.lower(): (role, f"{role.lower()}-demo") for role in ROLES}


def roles_with(perm: Perm) -> list[str]:
    return [role for role, perms in ROLES.items() if perm in perms]


def sync_roles(**_: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="accounts", codename__in=[p.codename for p in perms]
            )
        )
