"""The demo's process models, and their BPMN 2.0 XML with diagram interchange.

Positions are given on a grid (column, row) and turned into coordinates here, so the
diagrams stay tidy without hand-placed numbers. An embedded subprocess is drawn around
the nodes it contains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from xml.sax.saxutils import quoteattr

COLUMN_WIDTH, ROW_HEIGHT, LEFT, TOP, SUBPROCESS_PADDING = 160, 130, 60, 60, 30
SIZES = {
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "intermediateCatchEvent": (36, 36),
    "parallelGateway": (50, 50),
    "exclusiveGateway": (50, 50),
    "userTask": (100, 80),
    "serviceTask": (100, 80),
    "callActivity": (100, 80),
}
# How the engine names activity types in activity instance trees and history.
ACTIVITY_TYPES = {"intermediateCatchEvent": "intermediateTimer", "startEvent": "startEvent"}
MULTI_INSTANCE_BODY = "#multiInstanceBody"


@dataclass(frozen=True)
class Node:
    id: str
    type: str
    name: str
    column: int = 0
    row: int = 0
    # The embedded subprocess this node lives in (None: the process itself).
    parent: str | None = None
    # A service task that fails for some instances and raises an incident.
    fails: bool = False
    # callActivity: the key of the process it calls.
    called: str | None = None
    # Parallel multi-instance: this many inner instances.
    instances: int = 0

    @property
    def activity_type(self) -> str:
        return ACTIVITY_TYPES.get(self.type, self.type)

    @property
    def is_scope(self) -> bool:
        """Whether the engine gives it child activity instances of its own."""
        return self.type == "subProcess"

    @property
    def waits(self) -> bool:
        """Whether a token stops here until something (a person, a job, a called process) moves it on."""
        return self.type in ("userTask", "serviceTask", "intermediateCatchEvent", "callActivity")


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

    @cached_property
    def _nodes(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes}

    def node(self, node_id: str) -> Node:
        return self._nodes[node_id]

    def find(self, node_id: str) -> Node | None:
        return self._nodes.get(node_id)

    def flow(self, flow_id: str) -> Flow | None:
        return next((f for f in self.flows if f.id == flow_id), None)

    def outgoing(self, node_id: str) -> list[Flow]:
        return [f for f in self.flows if f.source == node_id]

    def incoming(self, node_id: str) -> list[Flow]:
        return [f for f in self.flows if f.target == node_id]

    def start_of(self, scope: str | None) -> Node:
        return next(n for n in self.nodes if n.type == "startEvent" and n.parent == scope)

    def scopes_of(self, node_id: str) -> list[str]:
        """The embedded subprocesses around a node, outermost first."""
        chain, parent = [], self.node(node_id).parent
        while parent:
            chain.insert(0, parent)
            parent = self.node(parent).parent
        return chain

    def box(self, node: Node) -> tuple[int, int, int, int]:
        if node.type == "subProcess":
            boxes = [self.box(child) for child in self.nodes if child.parent == node.id]
            left = min(x for x, _, _, _ in boxes) - SUBPROCESS_PADDING
            top = min(y for _, y, _, _ in boxes) - SUBPROCESS_PADDING
            right = max(x + w for x, _, w, _ in boxes) + SUBPROCESS_PADDING
            bottom = max(y + h for _, y, _, h in boxes) + SUBPROCESS_PADDING
            return left, top, right - left, bottom - top
        width, height = SIZES[node.type]
        centre_x = LEFT + node.column * COLUMN_WIDTH + 50
        centre_y = TOP + node.row * ROW_HEIGHT + 40
        return centre_x - width // 2, centre_y - height // 2, width, height

    def to_xml(self) -> str:
        return _bpmn(self)


def _element(model: ProcessModel, node: Node, incoming, outgoing) -> str:
    inner = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in incoming.get(node.id, []))
    inner += "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing.get(node.id, []))
    attributes = ""
    if node.type == "serviceTask":
        attributes = ' camunda:asyncBefore="true" camunda:class="com.example.demo.Delegate"'
    elif node.type == "callActivity":
        attributes = f' calledElement="{node.called}"'
    elif node.type == "userTask":
        attributes = ' camunda:assignee="demo"'
    if node.instances:
        inner += (
            '<bpmn:multiInstanceLoopCharacteristics camunda:collection="signers" camunda:elementVariable="signer">'
            f"<bpmn:loopCardinality>{node.instances}</bpmn:loopCardinality>"
            "</bpmn:multiInstanceLoopCharacteristics>"
        )
    if node.type == "intermediateCatchEvent":
        inner += "<bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>"
    if node.type == "subProcess":
        inner += "".join(
            _element(model, child, incoming, outgoing) for child in model.nodes if child.parent == node.id
        )
        inner += "".join(
            f'<bpmn:sequenceFlow id="{f.id}" sourceRef="{f.source}" targetRef="{f.target}" />'
            for f in model.flows
            if model.node(f.source).parent == node.id
        )
    return f"<bpmn:{node.type} id={quoteattr(node.id)} name={quoteattr(node.name)}{attributes}>{inner}</bpmn:{node.type}>"


def _bpmn(model: ProcessModel) -> str:
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for flow in model.flows:
        outgoing.setdefault(flow.source, []).append(flow.id)
        incoming.setdefault(flow.target, []).append(flow.id)
    elements = [_element(model, node, incoming, outgoing) for node in model.nodes if node.parent is None]
    elements += [
        f'<bpmn:sequenceFlow id="{f.id}" sourceRef="{f.source}" targetRef="{f.target}" />'
        for f in model.flows
        if model.node(f.source).parent is None
    ]
    shapes = []
    for node in model.nodes:
        x, y, w, h = model.box(node)
        expanded = ' isExpanded="true"' if node.type == "subProcess" else ""
        shapes.append(
            f'<bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{expanded}>'
            f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>'
        )
    for flow in model.flows:
        sx, sy, sw, sh = model.box(model.node(flow.source))
        tx, ty, _, th = model.box(model.node(flow.target))
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
        Node("shipping", "subProcess", "Shipping"),
        Node("ship_start", "startEvent", "Ready to ship", 5, parent="shipping"),
        Node("ship", "userTask", "Ship goods", 6, parent="shipping"),
        Node("await_delivery", "intermediateCatchEvent", "Delivery confirmed", 7, parent="shipping"),
        Node("ship_end", "endEvent", "Shipped", 8, parent="shipping"),
        Node("end", "endEvent", "Order delivered", 10),
    ),
    flows=_line("start", "check_stock", "split")
    + _line("split", "pack", "join")
    + _line("split", "charge", "join")
    + _line("join", "shipping", "end")
    + _line("ship_start", "ship", "await_delivery", "ship_end"),
    waits={"check_stock": 3, "pack+charge": 3, "ship": 2, "await_delivery": 1},
)

LOAN = ProcessModel(
    key="loan",
    name="Loan application",
    nodes=(
        Node("start", "startEvent", "Application received", 0),
        Node("credit_check", "callActivity", "Check credit", 1, called="credit-check"),
        Node("review", "userTask", "Review application", 2),
        Node("decide", "exclusiveGateway", "Approved?", 3),
        Node("sign", "userTask", "Collect signatures", 4, 0, instances=3),
        Node("cooling_off", "intermediateCatchEvent", "Cooling-off period over", 5, 0),
        Node("pay_out", "serviceTask", "Pay out", 6, 0, fails=True),
        Node("reject", "userTask", "Send rejection", 4, 1),
        Node("end", "endEvent", "Done", 7),
    ),
    flows=_line("start", "credit_check", "review", "decide")
    + _line("decide", "sign", "cooling_off", "pay_out", "end")
    + (Flow("flow_decide_reject", "decide", "reject"), Flow("flow_reject_end", "reject", "end")),
    waits={"credit_check": 3, "review": 3, "sign": 2, "cooling_off": 1, "pay_out": 2, "reject": 1},
)

CREDIT_CHECK = ProcessModel(
    key="credit-check",
    name="Credit check",
    nodes=(
        Node("start", "startEvent", "Check requested", 0),
        Node("score", "serviceTask", "Score applicant", 1, fails=True),
        Node("assess", "userTask", "Assess risk", 2),
        Node("end", "endEvent", "Checked", 3),
    ),
    flows=_line("start", "score", "assess", "end"),
    waits={"score": 1, "assess": 1},
)

MODELS = {model.key: model for model in (ORDER, LOAN, CREDIT_CHECK)}
