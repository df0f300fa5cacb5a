"""What a BPMN 2.0 definition says about its activities and sequence flows, read from its XML.

BPMN is the standard every engine deploys, so this reader serves every adapter. It reads only
structure (no DI, no extensions): the flow nodes with their names, types and enclosing
subprocesses, and the sequence flows between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
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
            elif kind not in NOT_NODES and element.get("id"):
                model.nodes[element.get("id")] = FlowNode(
                    id=element.get("id"),
                    name=element.get("name") or "",
                    type=kind,
                    parent=parent,
                    multi_instance=element.find(f"{BPMN}multiInstanceLoopCharacteristics") is not None,
                )
                if kind in SCOPES:
                    read(element, element.get("id"))

    read(process, None)
    return model
