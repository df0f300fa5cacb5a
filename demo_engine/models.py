"""The demo's process models, and their BPMN 2.0 XML with diagram interchange.

Positions are given on a grid (column, row) and turned into coordinates here, so the
diagrams stay tidy without hand-placed numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from xml.sax.saxutils import quoteattr

COLUMN_WIDTH, ROW_HEIGHT, LEFT, TOP = 160, 130, 60, 60
SIZES = {
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "parallelGateway": (50, 50),
    "exclusiveGateway": (50, 50),
    "userTask": (100, 80),
    "serviceTask": (100, 80),
}


@dataclass(frozen=True)
class Node:
    id: str
    type: str
    name: str
    column: int
    row: int = 0
    # A service task that fails for some instances and raises an incident.
    fails: bool = False

    def box(self) -> tuple[int, int, int, int]:
        width, height = SIZES[self.type]
        centre_x = LEFT + self.column * COLUMN_WIDTH + 50
        centre_y = TOP + self.row * ROW_HEIGHT + 40
        return centre_x - width // 2, centre_y - height // 2, width, height


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str


@dataclass(frozen=True)
class ProcessModel:
    key: str
    name: str
    nodes: tuple[Node, ...]
    flows: tuple[Flow, ...]
    # Where seeded instances wait, with relative weights.
    waits: dict[str, int] = field(default_factory=dict)

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def to_xml(self) -> str:
        return _bpmn(self)


def _bpmn(model: ProcessModel) -> str:
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for flow in model.flows:
        outgoing.setdefault(flow.source, []).append(flow.id)
        incoming.setdefault(flow.target, []).append(flow.id)
    elements = []
    for node in model.nodes:
        inner = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in incoming.get(node.id, []))
        inner += "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing.get(node.id, []))
        extra = (
            ' camunda:asyncBefore="true" camunda:class="com.example.demo.Delegate"'
            if node.type == "serviceTask"
            else ""
        )
        elements.append(
            f'<bpmn:{node.type} id="{node.id}" name={quoteattr(node.name)}{extra}>{inner}</bpmn:{node.type}>'
        )
    for flow in model.flows:
        elements.append(
            f'<bpmn:sequenceFlow id="{flow.id}" sourceRef="{flow.source}" targetRef="{flow.target}" />'
        )
    shapes = []
    for node in model.nodes:
        x, y, w, h = node.box()
        shapes.append(
            f'<bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}">'
            f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>'
        )
    for flow in model.flows:
        sx, sy, sw, sh = model.node(flow.source).box()
        tx, ty, _, th = model.node(flow.target).box()
        start = (sx + sw, sy + sh // 2)
        end = (tx, ty + th // 2)
        points = (
            [start, end]
            if start[1] == end[1]
            else [start, (start[0] + 30, start[1]), (start[0] + 30, end[1]), end]
        )
        waypoints = "".join(f'<di:waypoint x="{px}" y="{py}" />' for px, py in points)
        shapes.append(
            f'<bpmndi:BPMNEdge id="{flow.id}_di" bpmnElement="{flow.id}">{waypoints}</bpmndi:BPMNEdge>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        f'id="defs_{model.key}" targetNamespace="http://bpmn.io/schema/bpmn">'
        f'<bpmn:process id="{model.key}" name={quoteattr(model.name)} isExecutable="true">'
        + "".join(elements)
        + "</bpmn:process>"
        f'<bpmndi:BPMNDiagram id="diagram_{model.key}"><bpmndi:BPMNPlane id="plane_{model.key}" bpmnElement="{model.key}">'
        + "".join(shapes)
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"
    )


def _line(*ids: str) -> tuple[Flow, ...]:
    return tuple(Flow(f"flow_{a}_{b}", a, b) for a, b in pairwise(ids))


ORDER = ProcessModel(
    key="order",
    name="Order to delivery",
    nodes=(
        Node("start", "startEvent", "Order received", 0),
        Node("check_stock", "userTask", "Check stock", 1),
        Node("split", "parallelGateway", "", 2),
        Node("pack", "userTask", "Pack goods", 3, 0),
        Node("charge", "serviceTask", "Charge card", 3, 1, fails=True),
        Node("join", "parallelGateway", "", 4),
        Node("ship", "userTask", "Ship goods", 5),
        Node("end", "endEvent", "Order delivered", 6),
    ),
    flows=_line("start", "check_stock", "split")
    + _line("split", "pack", "join")
    + _line("split", "charge", "join")
    + _line("join", "ship", "end"),
    waits={"check_stock": 3, "pack": 2, "charge": 2, "ship": 3},
)

LOAN = ProcessModel(
    key="loan",
    name="Loan application",
    nodes=(
        Node("start", "startEvent", "Application received", 0),
        Node("score", "serviceTask", "Score applicant", 1, fails=True),
        Node("review", "userTask", "Review application", 2),
        Node("decide", "exclusiveGateway", "Approved?", 3),
        Node("pay_out", "serviceTask", "Pay out", 4, 0),
        Node("reject", "userTask", "Send rejection", 4, 1),
        Node("end", "endEvent", "Done", 5),
    ),
    flows=_line("start", "score", "review", "decide")
    + _line("decide", "pay_out", "end")
    + (Flow("flow_decide_reject", "decide", "reject"), Flow("flow_reject_end", "reject", "end")),
    waits={"score": 2, "review": 4, "reject": 1},
)

MODELS = (ORDER, LOAN)
