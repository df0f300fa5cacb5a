"""The list's filters as chips: each says its filter in words and links to the list without it, the
other filters kept (and the paging dropped: the shorter list starts at its first page)."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db
INSTANCES = 120


def chips(body: str) -> dict[str, dict[str, list[str]]]:
    found = re.findall(r'<li class="chip">([^<]*) <a href="([^"]*)" class="chip-remove"', body)
    return {unescape(words): parse_qs(urlsplit(unescape(href)).query) for words, href in found}


def test_each_chip_removes_its_own_filter_and_keeps_the_others(viewer_client, on_demo):
    params = {
        "definition_key": "loan", "with_incident": "on", "business_key_like": "LOAN-%", "offset": "50",
        "sort": "business_key", "instance_ids": "",
        "var_name": ["amount", "express", ""], "var_op": ["gt", "eq", "eq"],
        "var_type": ["number", "boolean", "string"], "var_value": ["100", "true", ""],
    }  # fmt: skip
    found = chips(viewer_client.get("/e/demo/instances/", params).content.decode())
    assert list(found) == [
        "Process: Loan application",
        "Business key like: LOAN-%",
        "With incidents",
        "Variable amount > 100",
        "Variable express = true",
    ]
    assert found["With incidents"] == {
        "definition_key": ["loan"], "business_key_like": ["LOAN-%"], "sort": ["business_key"],
        "var_name": ["amount", "express"], "var_op": ["gt", "eq"], "var_type": ["number", "boolean"],
        "var_value": ["100", "true"],
    }  # fmt: skip
    assert found["Variable amount > 100"] == {
        "definition_key": ["loan"], "with_incident": ["on"], "business_key_like": ["LOAN-%"],
        "sort": ["business_key"], "var_name": ["express"], "var_op": ["eq"], "var_type": ["boolean"],
        "var_value": ["true"],
    }  # fmt: skip


def test_the_finished_mode_has_the_same_chips(viewer_client, on_demo):
    body = viewer_client.get(
        "/e/demo/instances/finished/", {"definition_key": "order", "state": "completed"}
    ).content.decode()
    found = chips(body)
    assert list(found) == ["Process: Order to delivery", "State: Completed"]
    assert found["State: Completed"] == {"definition_key": ["order"]}
