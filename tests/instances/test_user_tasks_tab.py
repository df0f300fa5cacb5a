"""The user tasks tab: each open task with its assignee, candidates and dates; Support and Operator
set or clear the assignee and add or remove candidate groups, audited; nobody else sees or reaches that."""

import pytest

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
INSTANCES = 120


def tab_of(instance_id: str) -> str:
    return f"/e/demo/instances/{instance_id}/tasks/"


def test_the_tab_lists_the_task_with_its_activity_assignee_candidates_and_dates(
    on_demo, engine, fresh, client_as
):
    instance = fresh(process_definition_key="loan", activity_ids=("review",))
    [task] = engine.list_user_tasks(instance.id)

    page = client_as("Viewer").get(tab_of(instance.id)).content.decode()

    assert ">User tasks</a>" in page and "<td><bdi>Review application</bdi></td>" in page
    assert '<bdi class="candidate-group">credit-officers</bdi>' in page and "<bdi>peter</bdi>" in page
    assert str(task.due.year) in page and ">Due</th>" in page and ">Follow-up</th>" in page


@pytest.mark.parametrize("role", ["Viewer"])
def test_a_viewer_sees_no_control_and_is_refused_on_a_direct_request(on_demo, engine, fresh, client_as, role):
    instance = fresh(process_definition_key="loan", activity_ids=("review",))
    [task] = engine.list_user_tasks(instance.id)
    client = client_as(role)

    page = client.get(tab_of(instance.id)).content.decode()
    assert "Set assignee" not in page and "Add candidate group" not in page and "Remove" not in page

    base = f"/e/demo/instances/{instance.id}/tasks/{task.id}"
    assert client.post(f"{base}/assignee/", {"assignee": "mallory"}).status_code == 403
    assert client.post(f"{base}/candidate-groups/add/", {"group": "crooks"}).status_code == 403
    after = engine.get_user_task(task.id)
    assert (after.assignee, after.candidate_groups) == (task.assignee, task.candidate_groups)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ["Support", "Operator"])
def test_support_and_operators_assign_and_clear_audited_with_old_and_new(
    on_demo, engine, fresh, client_as, role
):
    instance = fresh(process_definition_key="loan", activity_ids=("review",))
    [task] = engine.list_user_tasks(instance.id)
    client = client_as(role)
    url = f"/e/demo/instances/{instance.id}/tasks/{task.id}/assignee/"

    answer = client.post(url, {"assignee": "anna"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-panel")
    assert "Review application given to anna." in answer.content.decode()
    assert engine.get_user_task(task.id).assignee == "anna"
    entry = AuditEntry.objects.get(action="task.assign", target_id=task.id)
    assert (entry.old_value, entry.new_value, entry.outcome) == (task.assignee, "anna", "succeeded")

    client.post(url, {"assignee": ""}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-panel")
    assert engine.get_user_task(task.id).assignee is None
    cleared = AuditEntry.objects.get(action="task.unassign", target_id=task.id)
    assert (cleared.old_value, cleared.new_value) == ("anna", None)


def test_adding_and_removing_a_candidate_group_is_audited_with_the_groups_before_and_after(
    on_demo, engine, fresh, client_as
):
    instance = fresh(process_definition_key="loan", activity_ids=("review",))
    [task] = engine.list_user_tasks(instance.id)
    client = client_as("Support")
    base = f"/e/demo/instances/{instance.id}/tasks/{task.id}/candidate-groups"

    client.post(f"{base}/add/", {"group": "managers"})
    client.post(f"{base}/remove/", {"group": "credit-officers"})

    assert engine.get_user_task(task.id).candidate_groups == ("managers",)
    added = AuditEntry.objects.get(action="task.candidate_group.add")
    removed = AuditEntry.objects.get(action="task.candidate_group.remove")
    assert (added.old_value, added.new_value) == (["credit-officers"], ["credit-officers", "managers"])
    assert (removed.old_value, removed.new_value) == (["credit-officers", "managers"], ["managers"])


def test_a_group_with_a_space_is_refused_next_to_the_field_and_nothing_changes(
    on_demo, engine, fresh, client_as
):
    instance = fresh(process_definition_key="loan", activity_ids=("review",))
    [task] = engine.list_user_tasks(instance.id)
    url = f"/e/demo/instances/{instance.id}/tasks/{task.id}/candidate-groups/add/"

    answer = client_as("Operator").post(
        url, {"group": "credit officers"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-panel"
    )

    assert answer.status_code == 422
    assert (
        '<span class="field-error" role="alert">An id has no spaces in it.</span>' in answer.content.decode()
    )
    assert engine.get_user_task(task.id).candidate_groups == task.candidate_groups
    assert not AuditEntry.objects.exists()


def test_a_task_of_another_instance_is_not_found_under_this_one(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="loan", activity_ids=("review",))
    other = fresh(process_definition_key="loan", activity_ids=("review",))
    [task] = engine.list_user_tasks(other.id)

    answer = client_as("Operator").post(
        f"/e/demo/instances/{instance.id}/tasks/{task.id}/assignee/", {"assignee": "mallory"}
    )

    assert answer.status_code == 404
    assert engine.get_user_task(task.id).assignee == task.assignee
    assert not AuditEntry.objects.exists()


def test_a_task_that_is_gone_shows_the_engines_message(on_demo, fresh, client_as):
    instance = fresh(process_definition_key="loan", activity_ids=("review",))
    answer = client_as("Operator").post(
        f"/e/demo/instances/{instance.id}/tasks/gone/assignee/",
        {"assignee": "anna"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="tab-panel",
    )
    assert answer.status_code in (200, 404) and "No matching task with id gone" in answer.content.decode()


def test_the_diagram_counts_the_open_user_tasks_per_activity(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="loan", activity_ids=("sign",))

    state = client_as("Viewer").get(f"/e/demo/instances/{instance.id}/diagram.json").json()

    assert state["tasks"] == {"sign": 3}


def test_a_task_change_is_audited_with_its_instances_business_key_and_process(
    on_demo, engine, fresh, client_as
):
    # The audit log's Instance filter and sentence read them.
    instance = fresh(process_definition_key="loan", activity_ids=("review",))
    [task] = engine.list_user_tasks(instance.id)
    client_as("Operator").post(
        f"/e/demo/instances/{instance.id}/tasks/{task.id}/assignee/", {"assignee": "anna"}
    )
    entry = AuditEntry.objects.get(action="task.assign")
    assert entry.parameters["process_instance_id"] == instance.id
    assert entry.parameters["business_key"] == instance.business_key
    assert entry.parameters["process_name"] == "Loan application"


def test_a_task_without_assignee_or_candidates_says_nobody_can_pick_it_up(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order", activity_ids=("check_stock",))
    [task] = engine.list_user_tasks(instance.id)
    client = client_as("Operator")
    base = f"/e/demo/instances/{instance.id}/tasks/{task.id}"
    client.post(f"{base}/candidate-groups/remove/", {"group": "warehouse"})
    client.post(f"{base}/assignee/", {"assignee": ""})
    after = engine.get_user_task(task.id)
    assert (after.assignee, after.candidate_users, after.candidate_groups) == (None, (), ())

    page = client.get(tab_of(instance.id)).content.decode()
    assert "no assignee and no candidates: nobody can pick it up" in page
    assert "waiting for a candidate" not in page
