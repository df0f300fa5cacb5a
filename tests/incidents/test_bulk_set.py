"""A bulk action on everything matching acts on exactly the incidents the list shows, for every filter,
and its confirmation says which filter that is."""

import json
import re

import pytest

from batches.kinds import incident_ids
from batches.models import Operation
from incidents import groups

pytestmark = pytest.mark.django_db
INSTANCES = 300


def shown_ids(body: str) -> set[str]:
    return set(re.findall(r'name="incident_ids" value="([^"]+)"', body))


@pytest.fixture(autouse=True)
def some_annotated(on_demo, engine):
    """Some incidents of every kind carry an annotation; the annotation filter must tell them apart."""
    marked = [i.id for i in engine.list_incidents(limit=200)[::4]]
    for incident_id in marked:
        engine.set_incident_annotation(incident_id, "looked at")
    yield marked
    for incident_id in marked:
        engine.clear_incident_annotation(incident_id)


def acted_on(client, engine, filters: dict, **bulk) -> tuple[str, set[str]]:
    """The confirmation's text, and the incidents the operation it starts then works on."""
    listed = "&".join(f"{k}={v}" for k, v in filters.items())
    data = {"action": "annotate", "scope": "all", "filter": listed, **bulk}
    confirmation = client.post("/e/demo/incidents/bulk/", data).content.decode()
    client.post("/e/demo/incidents/bulk/", {**data, "annotation": "bulk", "confirm": "yes"})
    operation = Operation.objects.latest("pk")
    Operation.objects.all().delete()
    return confirmation, set(incident_ids(engine, operation.parameters))


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        ({}, "All open incidents"),
        ({"incident_type": "failedJob"}, "Type &#x27;failedJob&#x27;"),
        ({"message": "declined"}, "Message like &#x27;%declined%&#x27;"),
        (
            {"exact_message": "Card declined: insufficient funds"},
            "Message &#x27;Card declined: insufficient funds&#x27;",
        ),
        ({"process": "order"}, "Process Order to delivery"),
        ({"activity_id": "charge"}, "At activity &#x27;charge&#x27;"),
        (
            lambda engine: (
                {"definition_id": engine.get_latest_definition("order").id},
                "Process Order to delivery version 2",
            ),
            None,
        ),
        ({"annotated": "yes"}, "Annotated"),
        ({"annotated": "no"}, "Not annotated"),
        ({"annotated": "no", "process": "order"}, "Process Order to delivery, not annotated"),
    ],
)  # fmt: skip
def test_everything_matching_is_exactly_what_the_list_shows(operator_client, engine, filters, words):
    if callable(filters):  # filters naming things of this engine
        filters, words = filters(engine)
    listed = operator_client.get("/e/demo/incidents/", {**filters, "limit": 200}).content.decode()
    shown = shown_ids(listed)
    assert shown and f"{len(shown)} matching" in listed
    confirmation, acted = acted_on(operator_client, engine, filters)
    assert f"Annotate incidents: {len(shown)} incident" in confirmation
    assert f"Acts on the incidents matching: <strong>{words}</strong>" in confirmation
    assert acted == shown


def test_a_groups_bulk_action_keeps_the_lists_annotation_filter(operator_client, engine, some_annotated):
    body = operator_client.get("/e/demo/incidents/", {"group": "on", "annotated": "no"}).content.decode()
    group_filter = json.loads(
        re.search(r'name="group_filter" value="([^"]+)"', body).group(1).replace("&quot;", '"')
    )
    everyone = {i.id for i in engine.list_incidents(limit=200, **group_filter)}
    looked_at = sorted(everyone)[0]
    engine.set_incident_annotation(looked_at, "looked at")  # one of the group is annotated now
    some_annotated.append(looked_at)
    body = operator_client.get("/e/demo/incidents/", {"group": "on", "annotated": "no"}).content.decode()
    escaped = re.escape(json.dumps(group_filter).replace('"', "&quot;"))
    shown = re.search(
        rf"<td><strong>(\d+)</strong></td>(?:(?!</tr>).)*?value=\"{escaped}\"", body, re.S
    ).group(1)
    confirmation, acted = acted_on(
        operator_client,
        engine,
        {"annotated": "no", "group": "on"},
        scope="group",
        group_filter=json.dumps(group_filter),
    )
    assert f"Annotate incidents: {shown} incident" in confirmation
    assert acted == everyone - set(some_annotated) and len(acted) == int(shown)


def test_an_annotation_filter_over_more_than_the_scan_is_refused_in_bulk(
    operator_client, engine, monkeypatch
):
    monkeypatch.setattr(groups, "PAGE", 5)
    monkeypatch.setattr(groups, "SCAN", 10)
    data = {
        "action": "annotate",
        "scope": "all",
        "filter": "annotated=no",
        "annotation": "x",
        "confirm": "yes",
    }
    response = operator_client.post("/e/demo/incidents/bulk/", data)
    assert "narrow the filter" in response.content.decode() and not Operation.objects.exists()
