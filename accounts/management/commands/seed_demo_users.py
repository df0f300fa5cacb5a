"""Creates one user per role with a known password, for the demo only."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import DEMO_USERS


class Command(BaseCommand):
    help = "Create demo users viewer, support, operator and admin with known passwords (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo users have known passwords; refusing with DJANGO_DEBUG off.")
        User = get_user_model()
        for username, (role, password) in DEMO_USERS.items():
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_staff = user.is_superuser = role == "Admin"
            user.save()
            user.groups.set([Group.objects.get(name=role)])
        # The passwords are printed once, by the demo when it is up (scripts/demo.py), not here as well.
        self.stdout.write(f"Demo users ready: {', '.join(DEMO_USERS)}.")
