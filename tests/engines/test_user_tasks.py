"""User tasks come with their candidates: the task list and each task's links, both as the spec has them."""

import httpx

from tests.contract import check_request, check_response, unknown_request_fields
from tests.engines.cases import TASK

LINKS = [
    {"userId": None, "groupId": "credit-officers", "type": "candidate"},
    {"userId": "peter", "groupId": None, "type": "candidate"},
]


def test_listing_an_instances_tasks_names_their_candidate_users_and_groups(engine, http):
    tasks = http.get("/task").respond(200, json=[TASK])
    links = http.get("/task/task-1/identity-links").respond(200, json=LINKS)

    [task] = engine.list_user_tasks("pi-1")

    assert (task.name, task.assignee, task.activity_id) == ("Review application", "mary", "review")
    assert task.candidate_groups == ("credit-officers",) and task.candidate_users == ("peter",)
    assert task.due is not None and task.follow_up is None
    assert dict(links.calls.last.request.url.params) == {"type": "candidate"}
    for route, body in ((tasks, [TASK]), (links, LINKS)):
        request = route.calls.last.request
        check_request(request)
        assert unknown_request_fields(request) == []
        check_response(request, httpx.Response(200, json=body))


def test_a_task_the_model_cannot_read_costs_its_row_and_asks_nothing_more(engine, http):
    http.get("/task").respond(200, json=[{"id": "task-1", "created": "yesterday"}])

    [task] = engine.list_user_tasks("pi-1")

    assert task.unreadable and task.id == "task-1"


def test_one_task_is_read_with_its_candidates(engine, http):
    http.get("/task/task-1").respond(200, json=TASK)
    http.get("/task/task-1/identity-links").respond(200, json=LINKS[:1])

    task = engine.get_user_task("task-1")

    assert task.candidate_groups == ("credit-officers",) and task.candidate_users == ()
