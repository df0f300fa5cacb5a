"""What a BPMN 2.0 definition says about its activities and sequence flows, read from its XML.

BPMN is the standard every engine deploys, so this reader serves every adapter. It reads only
structure (no DI): the flow nodes with their names, types and enclosing subprocesses, and the
sequence flows between them, and what a call activity calls; of the engine extensions only what decides
where a token waits (an asynchronous continuation, an external task), since the modification preview
needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
EVENT_DEFINITIONS = ("timer", "message", "signal", "conditional", "error", "escalation", "terminate",
                     "compensate", "link", "cancel")  # fmt: skip
SCOPES = {"subProcess", "transaction", "adHocSubProcess"}
NOT_NODES = {
    "sequenceFlow", "laneSet", "lane", "textAnnotation", "association", "dataObject",
    "dataObjectReference", "dataStoreReference", "documentation", "extensionElements",
    "ioSpecification", "property", "incoming", "outgoing", "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics", "conditionExpression", "timerEventDefinition", "messageEventDefinition",
    "errorEventDefinition", "signalEventDefinition", "escalationEventDefinition",
    "terminateEventDefinition", "compensateEventDefinition", "conditionalEventDefinition",
    "linkEventDefinition", "cancelEventDefinition", "group", "category",
}  # fmt: skip


class BpmnError(ValueError):
    """The XML is not a BPMN definition this reader understands."""


@dataclass(frozen=True)
class FlowNode:
    id: str
    name: str
    type: str  # the BPMN element name: userTask, serviceTask, exclusiveGateway, subProcess, …
    parent: str | None  # the enclosing subprocess's id; None on the process level
    multi_instance: bool = False
    sequential: bool = False  # a sequential multi-instance: one inner instance at a time
    cardinality: int | None = None  # a multi-instance's inner instances, when the XML says a number
    async_before: bool = False  # a token waits in a job before the activity (a transition instance)
    external: bool = False  # an external task: waits for a worker
    event: str = ""  # the event definition (timer, message, terminate, …), "" for none
    called_element: str = ""  # what a call activity calls: a process key, or an expression

    @property
    def calls_by_key(self) -> str:
        """The process key a call activity names outright ("" for none, or for an expression)."""
        named = self.called_element.strip()
        return "" if "${" in named or "#{" in named else named

    @property
    def title(self) -> str:
        return self.name or self.id

    @property
    def is_scope(self) -> bool:
        return self.type in SCOPES


@dataclass(frozen=True)
class SequenceFlow:
    id: str
    name: str
    source: str
    target: str


@dataclass(frozen=True)
class BpmnModel:
    process_id: str
    nodes: dict[str, FlowNode] = field(default_factory=dict)
    flows: dict[str, SequenceFlow] = field(default_factory=dict)

    def outgoing(self, node_id: str) -> list[SequenceFlow]:
        return [flow for flow in self.flows.values() if flow.source == node_id]

    def incoming(self, node_id: str) -> list[SequenceFlow]:
        return [flow for flow in self.flows.values() if flow.target == node_id]

    def start_of(self, scope: str | None) -> FlowNode | None:
        """The none start event of a subprocess (or of the process, for None)."""
        return next(
            (n for n in self.nodes.values() if n.type == "startEvent" and n.parent == scope and not n.event),
            None,
        )

    def scopes_of(self, node_id: str) -> list[str]:
        """The subprocesses enclosing a node, innermost first."""
        chain = []
        parent = self.nodes[node_id].parent if node_id in self.nodes else None
        while parent:
            chain.append(parent)
            parent = self.nodes[parent].parent
        return chain

    def title(self, node_id: str) -> str:
        node = self.nodes.get(node_id)
        return node.title if node else node_id


def parse_model(xml: str, process_id: str | None = None) -> BpmnModel:
    """The (first, or named) executable process of a BPMN document."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise BpmnError(f"the definition's XML does not parse: {error}") from None
    processes = root.findall(f"{BPMN}process")
    if process_id:
        processes = [p for p in processes if p.get("id") == process_id] or processes
    if not processes:
        raise BpmnError("the definition has no BPMN process")
    process = processes[0]
    model = BpmnModel(process_id=process.get("id") or "")

    def read(container: ElementTree.Element, parent: str | None) -> None:
        for element in container:
            if not element.tag.startswith(BPMN):
                continue
            kind = element.tag[len(BPMN) :]
            if kind == "sequenceFlow":
                model.flows[element.get("id", "")] = SequenceFlow(
                    id=element.get("id", ""),
                    name=element.get("name") or "",
                    source=element.get("sourceRef", ""),
                    target=element.get("targetRef", ""),
                )
            elif kind not in NOT_NODES and (node_id := element.get("id")):
                loop = element.find(f"{BPMN}multiInstanceLoopCharacteristics")
                model.nodes[node_id] = FlowNode(
                    id=node_id,
                    name=element.get("name") or "",
                    type=kind,
                    parent=parent,
                    multi_instance=loop is not None,
                    sequential=loop is not None and _true(loop.get("isSequential")),
                    cardinality=_cardinality(loop),
                    async_before=_true(element.get(f"{CAMUNDA}asyncBefore"))
                    or _true(element.get(f"{CAMUNDA}async")),
                    external=element.get(f"{CAMUNDA}type") == "external",
                    event=_event_of(element),
                    called_element=element.get("calledElement") or "",
                )
                if kind in SCOPES:
                    read(element, element.get("id"))

    try:
        read(process, None)
    except RecursionError:
        raise BpmnError("the definition's subprocesses are nested too deeply to read") from None
    return model


def _event_of(element: ElementTree.Element) -> str:
    found = (e for e in EVENT_DEFINITIONS if element.find(f"{BPMN}{e}EventDefinition") is not None)
    return next(found, "")


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _cardinality(loop: ElementTree.Element | None) -> int | None:
    text = loop.findtext(f"{BPMN}loopCardinality") if loop is not None else None
    try:
        return int((text or "").strip())
    except ValueError:
        return None  # an expression: only the engine knows
