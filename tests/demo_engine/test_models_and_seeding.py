"""The demo's process models are drawable BPMN, and its data is the same for the same seed."""

import tempfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from demo_engine import seeding
from demo_engine.models import MODELS
from demo_engine.store import Store

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
}


@pytest.mark.parametrize("key", sorted(MODELS))
def test_every_element_has_its_diagram_shape_and_nested_ones_lie_inside_their_subprocess(key):
    model = MODELS[key]
    root = ElementTree.fromstring(model.to_xml().split("\n", 1)[1])
    process = root.find("bpmn:process", NS)
    elements = {e.get("id") for e in process.iter() if e.get("id") and e is not process}
    shapes = {s.get("bpmnElement"): s for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{NS['bpmndi']}}}BPMNEdge")}
    assert elements == set(shapes) | edges
    for node in model.nodes:
        if node.parent:
            inner = shapes[node.id].find("dc:Bounds", NS).attrib
            outer = shapes[node.parent].find("dc:Bounds", NS).attrib
            assert float(outer["x"]) < float(inner["x"]) and float(inner["x"]) + float(
                inner["width"]
            ) < float(outer["x"]) + float(outer["width"])
    assert all(flow.source in {n.id for n in model.nodes} for flow in model.flows)


def test_the_models_have_what_the_demo_promises():
    types = {node.type for model in MODELS.values() for node in model.nodes}
    assert {"subProcess", "callActivity", "intermediateCatchEvent", "parallelGateway", "userTask"} <= types
    assert any(node.instances for node in MODELS["loan"].nodes)
    assert MODELS["loan"].node("credit_check").called == "credit-check"


def _snapshot(seed: int) -> list:
    with tempfile.TemporaryDirectory(prefix="demo-engine-seed-") as folder:
        store = Store(Path(folder) / "engine.sqlite3")
        seeding.seed(store, instances=200, seed=seed)
        db = store.db()
        snapshot = [
            [tuple(row) for row in db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
            for table in ("instance", "activity_instance", "job", "incident", "variable", "history_instance")
        ]
        db.close()
        return snapshot


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = _snapshot(3)
    assert _snapshot(3) == first
    assert _snapshot(4) != first
