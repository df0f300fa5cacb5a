"""What a definition calls: the list on its page, the links on its diagram and the instance's, the way
back up to the caller (only where the caller really calls it), and what is shown when the engine
cannot tell or fails."""

import html
import re
from dataclasses import replace
from urllib.parse import quote

import pytest

from engines.camunda7.client import CAPABILITIES, Camunda7Client
from engines.errors import EngineError
from engines.queries import ProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 120


def page_of(client, definition_id: str, **params) -> str:
    return html.unescape(client.get(f"/e/demo/processes/{definition_id}/", params).content.decode())


def test_the_loan_page_lists_the_credit_check_it_calls_with_its_calling_activity(engine, viewer_client):
    loan, credit_check = engine.get_latest_definition("loan"), engine.get_latest_definition("credit-check")
    page = page_of(viewer_client, loan.id)
    section = page.split('id="called-definitions-heading"')[1].split("</section>")[0]
    link = f'href="/e/demo/processes/{credit_check.id}/?called_by={quote(loan.id)}">'
    assert re.search(re.escape(link) + r"(<bdi>)?Credit check(</bdi>)?</a>", section)
    assert (
        re.search(r"<code>(<bdi>)?credit-check(</bdi>)?</code>", section)
        and "<td>Check credit</td>" in section
    )


def test_a_process_that_calls_nothing_says_so(engine, viewer_client):
    page = page_of(viewer_client, engine.get_latest_definition("order").id)
    assert "This process calls no other definition" in page


def test_the_called_definition_links_back_to_its_caller_only_where_the_caller_calls_it(engine, viewer_client):
    loan, credit_check = engine.get_latest_definition("loan"), engine.get_latest_definition("credit-check")
    order = engine.get_latest_definition("order")
    page = page_of(viewer_client, credit_check.id, called_by=loan.id)
    called_by = page.split("<dt>Called by</dt>")[1].split("</dd>")[0]
    assert f'href="/e/demo/processes/{loan.id}/"' in called_by
    assert re.search(r">(<bdi>)?Loan application(</bdi>)? v1</a>", called_by)
    assert "at Check credit" in page
    for not_a_caller in (order.id, "no-such-definition"):
        assert "Called by" not in page_of(viewer_client, credit_check.id, called_by=not_a_caller)


def test_the_definitions_diagram_links_its_call_activity_to_the_definition_it_calls(engine, viewer_client):
    loan, credit_check = engine.get_latest_definition("loan"), engine.get_latest_definition("credit-check")
    state = viewer_client.get(f"/e/demo/processes/{loan.id}/activities.json").json()
    assert state["links"] == {
        "credit_check": {
            "href": f"/e/demo/processes/{credit_check.id}/?called_by={quote(loan.id)}",
            "text": "called definition",
        }
    }


def test_the_instances_diagram_links_its_call_activity_to_the_instance_it_called(engine, viewer_client):
    [loan] = engine.list_instances(ProcessInstanceQuery(activity_ids=("credit_check",)), limit=1)
    [called] = engine.list_instances(ProcessInstanceQuery(super_process_instance=loan.id))
    state = viewer_client.get(f"/e/demo/instances/{loan.id}/diagram.json").json()
    assert state["links"] == {
        "credit_check": {"href": f"/e/demo/instances/{called.id}/", "text": "called instance"}
    }


def test_an_engine_that_cannot_tell_what_a_process_calls_says_so_in_place(engine, viewer_client, monkeypatch):
    unable = replace(CAPABILITIES, called_definitions=False)
    monkeypatch.setattr(Camunda7Client, "capabilities", property(lambda self: unable))
    monkeypatch.setattr(Camunda7Client, "called_definitions", lambda *a: pytest.fail("asked anyway"))
    loan = engine.get_latest_definition("loan")
    page = page_of(viewer_client, loan.id)
    assert "This engine does not tell which definitions a process calls" in page
    assert viewer_client.get(f"/e/demo/processes/{loan.id}/activities.json").json()["links"] == {}


def test_a_failing_answer_costs_the_section_not_the_page_nor_the_badges(engine, viewer_client, monkeypatch):
    def broken(self, definition_id):
        raise EngineError("Called definitions are not available", engine="demo", status=500)

    monkeypatch.setattr(Camunda7Client, "called_definitions", broken)
    loan = engine.get_latest_definition("loan")
    response = viewer_client.get(f"/e/demo/processes/{loan.id}/")
    assert response.status_code == 200
    assert "Called definitions are not available" in response.content.decode()
    state = viewer_client.get(f"/e/demo/processes/{loan.id}/activities.json").json()
    assert state["links"] == {} and state["active"]
