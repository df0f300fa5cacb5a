"""Changes to users and roles made in /admin/ are in the audit log: who did what, before and after."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-long-password-42"


@pytest.fixture
def admin_client(client, make_user):
    boss = make_user("Admin", username="boss")
    boss.is_staff = boss.is_superuser = True
    boss.save()
    client.force_login(boss)
    return client


def _change_form(client, user) -> dict:
    """What the admin's change form would post as it stands (its fields as filled in)."""
    page = client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in ("submit", "button")):
            continue
        if kind and kind.group(1) == "checkbox" and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = (
            value.group(1) if value else ("on" if kind and kind.group(1) == "checkbox" else "")
        )
    for select in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        data[select[0]] = re.findall(r'<option value="([^"]+)"[^>]*selected', select[1])
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_creating_a_user_in_the_admin_is_audited(admin_client):
    response = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "carol",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="user.create")
    assert (entry.username, entry.target_type, entry.target_id) == ("boss", "user", "carol")
    assert entry.new_value["username"] == "carol" and "password" not in entry.new_value
    assert entry.outcome == AuditEntry.Outcome.SUCCEEDED


def test_giving_a_user_a_role_in_the_admin_is_audited_with_the_roles_before_and_after(
    admin_client, make_user
):
    alice = make_user("Viewer", username="alice")
    data = _change_form(admin_client, alice)
    data["groups"] = [str(Group.objects.get(name="Operator").pk)]
    data["is_staff"] = "on"
    response = admin_client.post(f"/admin/auth/user/{alice.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="user.change")
    assert (entry.username, entry.target_id) == ("boss", "alice")
    assert entry.old_value == {"roles": ["Viewer"], "staff": False}
    assert entry.new_value == {"roles": ["Operator"], "staff": True}


def test_changing_a_password_in_the_admin_is_audited_without_the_password(admin_client, make_user):
    alice = make_user("Viewer", username="alice")
    response = admin_client.post(
        f"/admin/auth/user/{alice.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="user.password_change")
    assert (entry.username, entry.target_id) == ("boss", "alice")
    logged = str(entry.parameters) + str(entry.old_value) + str(entry.new_value)
    assert (
        NEW_PASSWORD not in logged
        and "pbkdf2" not in logged
        and User.objects.get(pk=alice.pk).password not in logged
    )


def test_deleting_a_user_in_the_admin_is_audited(admin_client, make_user):
    alice = make_user("Support", username="alice")
    response = admin_client.post(f"/admin/auth/user/{alice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.delete")
    assert (entry.username, entry.target_id) == ("boss", "alice")
    assert entry.old_value["roles"] == ["Support"]


def test_changing_what_a_role_may_do_in_the_admin_is_audited(admin_client):
    viewer = Group.objects.get(name="Viewer")
    operate = Permission.objects.get(codename="operate_instances")
    permissions = [str(p.pk) for p in viewer.permissions.all()] + [str(operate.pk)]
    response = admin_client.post(
        f"/admin/auth/group/{viewer.pk}/change/", {"name": "Viewer", "permissions": permissions}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="role.change")
    assert (entry.username, entry.target_type, entry.target_id) == ("boss", "role", "Viewer")
    assert "accounts.operate_instances" not in entry.old_value["permissions"]
    assert "accounts.operate_instances" in entry.new_value["permissions"]


def test_deleting_users_with_the_admins_bulk_action_audits_each(admin_client, make_user):
    users = [make_user("Viewer", username=name) for name in ("u1", "u2")]
    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [str(u.pk) for u in users], "post": "yes"},
    )
    assert response.status_code == 302
    assert sorted(AuditEntry.objects.filter(action="user.delete").values_list("target_id", flat=True)) == [
        "u1",
        "u2",
    ]
