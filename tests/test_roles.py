from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.permissions import requires
from accounts.roles import ROLES, Perm

pytestmark = pytest.mark.django_db

EXPECTED = {
    "Viewer": {Perm.VIEW, Perm.VIEW_AUDIT},
    "Support": {Perm.VIEW, Perm.VIEW_AUDIT, Perm.EDIT_VARIABLES, Perm.WORK_TASKS},
    "Operator": {Perm.VIEW, Perm.VIEW_AUDIT, Perm.EDIT_VARIABLES, Perm.OPERATE, Perm.WORK_TASKS},
    "Admin": {
        Perm.VIEW,
        Perm.VIEW_AUDIT,
        Perm.EDIT_VARIABLES,
        Perm.OPERATE,
        Perm.WORK_TASKS,
        Perm.MANAGE_DEPLOYMENTS,
    },
}


def test_migrate_creates_a_group_per_role_with_its_permissions():
    for role, perms in EXPECTED.items():
        group = Group.objects.get(name=role)
        assert {f"accounts.{p.codename}" for p in group.permissions.all()} == set(perms)
    assert set(ROLES) == set(EXPECTED)


@pytest.mark.parametrize("perm", list(Perm))
def test_the_permission_decorator_lets_in_exactly_the_roles_holding_the_permission(make_user, role, perm):
    view = requires(perm)(lambda request: HttpResponse("done"))
    request = RequestFactory().post("/")
    request.user = make_user(role)
    if perm in EXPECTED[role]:
        assert view(request).status_code == 200
    else:
        with pytest.raises(PermissionDenied, match="needs one of the roles"):
            view(request)


def test_a_user_without_a_role_sees_no_engine_data(client_as):
    client = client_as(None)
    assert client.get("/e/demo/").status_code == 403
    assert client.get("/audit/").status_code == 403
    assert client.get("/health/").status_code == 403


def test_demo_users_come_with_their_roles(settings):
    settings.DEBUG = True
    call_command("seed_demo_users", stdout=StringIO())
    user = authenticate(
        RequestFactory().post("/accounts/login/"), username="support", password="support-demo"
    )
    assert user is not None
    assert user.has_perm(Perm.EDIT_VARIABLES) and not user.has_perm(Perm.OPERATE)


def test_demo_users_are_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing"):
        call_command("seed_demo_users")
