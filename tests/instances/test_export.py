"""Exports: a value a spreadsheet would run as a formula is written as text."""

import csv
import io
import json

import pytest

pytestmark = pytest.mark.django_db
INSTANCES = 30
FORMULAS = ['=HYPERLINK("http://evil.test","Click")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture
def formula_keys(on_demo, engine):
    """Business keys that a spreadsheet would read as formulas, on some instances of the engine."""
    ids = [
        row["id"]
        for row in on_demo.store.db().execute(
            "SELECT id FROM instance ORDER BY seq LIMIT ?", (len(FORMULAS),)
        )
    ]
    with on_demo.store.transaction() as db:
        for instance_id, key in zip(ids, FORMULAS, strict=True):
            db.execute("UPDATE instance SET business_key = ? WHERE id = ?", (key, instance_id))
    return dict(zip(ids, FORMULAS, strict=True))


def test_a_csv_export_writes_formula_like_cells_as_text(viewer_client, formula_keys):
    response = viewer_client.get("/e/demo/instances/export.csv")
    rows = {
        row["id"]: row for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    for instance_id, key in formula_keys.items():
        assert rows[instance_id]["businessKey"] == "'" + key
    ordinary = next(row for row in rows.values() if row["id"] not in formula_keys and row["businessKey"])
    assert not ordinary["businessKey"].startswith("'") and ordinary["definitionVersion"].isdigit()


def test_a_json_export_keeps_the_values_as_they_are(viewer_client, formula_keys):
    rows = json.loads(b"".join(viewer_client.get("/e/demo/instances/export.json").streaming_content))
    keys = {row["id"]: row["businessKey"] for row in rows}
    assert {instance_id: keys[instance_id] for instance_id in formula_keys} == formula_keys
