from django.db import models


class Cockpit(models.Model):
    """Holds the dashboard's permissions; it has no table of its own."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_engine", "Can view process data of the engines"),
            ("edit_variables", "Can change process variables"),
            (
                "operate_instances",
                "Can suspend, delete, modify and retry process instances and run batches",
            ),
            ("view_audit_log", "Can read the audit log"),
            ("work_user_tasks", "Can assign user tasks and change who may pick them up"),
            ("manage_deployments", "Can delete deployments (and the instances of their definitions)"),
        ]

    def __str__(self) -> str:
        return "permissions"
