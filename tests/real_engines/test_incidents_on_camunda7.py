"""The incident list's groups on real Camunda 7.24, where a call activity's incident has no message."""

import re

import pytest

pytestmark = [pytest.mark.django_db]


def test_the_groups_add_up_to_every_incident_including_those_without_a_message(
    on_camunda7, camunda7_client, client_as
):
    body = client_as("Viewer").get("/e/demo/incidents/", {"group": "on"}).content.decode()
    rows = re.findall(r"<td><strong>(\d+)</strong></td>\s*<td><a [^>]*>([^<]+)</a>", body)
    counts = {message: int(count) for count, message in rows}
    assert counts.get("(no message)"), "Camunda's incidents at the call activity have no message"
    assert sum(int(count) for count, _ in rows) == camunda7_client.count_incidents()
