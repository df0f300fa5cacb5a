from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.roles import sync_roles

        # Roles are code, not data someone has to remember to create: every migrate
        # brings the groups and their permissions in line with accounts.roles.
        post_migrate.connect(sync_roles, sender=self)
