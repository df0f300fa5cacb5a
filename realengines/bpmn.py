"""The demo engine's models made executable on a real engine of each family.

One source: demo_engine.models draws the diagrams; this adds only what a real engine needs to run
them (the delegate, a retry cycle that raises an incident on the first failure, the gateway's
conditions, the call activity's variables) and, for Flowable, its own extension namespace.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from demo_engine.models import MODELS, ProcessModel

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
FLOWABLE = "http://flowable.org/bpmn"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NAMESPACES = {
    "bpmn": BPMN,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": CAMUNDA,
    "flowable": FLOWABLE,
    "xsi": XSI,
}
for _prefix, _uri in NAMESPACES.items():
    ElementTree.register_namespace(_prefix, _uri)

DELEGATE = "com.example.demo.Delegate"
# Which way the loan's "Approved?" gateway goes: the variable the review task is completed with.
CONDITIONS = {"flow_decide_sign": "${approved}", "flow_decide_reject": "${!approved}"}
RETRY_CYCLE = "R1/PT0S"


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def executable_xml(model: ProcessModel, family: str) -> str:
    """The model's BPMN for a real engine.

    family: 'camunda' (Camunda 7, Operaton, CIB seven: the camunda namespace) or 'flowable'.
    """
    ns = FLOWABLE if family == "flowable" else CAMUNDA
    root = ElementTree.fromstring(model.to_xml())
    for element in root.iter():
        _strip_camunda(element)
        tag = element.tag.split("}")[1]
        if tag == "process" and ns == CAMUNDA:
            # Camunda 7.20+ refuses a process without one (history cleanup needs it).
            element.set(_q(ns, "historyTimeToLive"), "P30D")
        elif tag == "serviceTask":
            element.set(_q(ns, "async" if ns == FLOWABLE else "asyncBefore"), "true")
            element.set(_q(ns, "class"), DELEGATE)
            _extension(element).append(_text(ns, "failedJobRetryTimeCycle", RETRY_CYCLE))
        elif tag == "userTask":
            element.set(_q(ns, "assignee"), "demo")
        elif tag == "callActivity" and ns == CAMUNDA:
            # The called credit check gets its caller's variables and business key, as in the demo data.
            extensions = _extension(element)
            extensions.append(ElementTree.Element(_q(ns, "in"), {"variables": "all"}))
            extensions.append(
                ElementTree.Element(_q(ns, "in"), {"businessKey": "#{execution.processBusinessKey}"})
            )
        elif tag == "callActivity":
            element.set(_q(ns, "inheritBusinessKey"), "true")
            element.set(_q(ns, "inheritVariables"), "true")
        elif tag == "sequenceFlow" and element.get("id") in CONDITIONS:
            condition = ElementTree.SubElement(
                element, _q(BPMN, "conditionExpression"), {_q(XSI, "type"): "bpmn:tFormalExpression"}
            )
            condition.text = CONDITIONS[element.get("id")]
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True)


def _strip_camunda(element: ElementTree.Element) -> None:
    # The demo engine's own camunda: attributes are set again here per family (the multi-instance
    # collection goes: the models give a cardinality, and no instance has a "signers" list).
    for name in [name for name in element.attrib if name.startswith(f"{{{CAMUNDA}}}")]:
        del element.attrib[name]


def _extension(element: ElementTree.Element) -> ElementTree.Element:
    # extensionElements comes first among a flow element's children (BPMN's schema order).
    found = element.find(_q(BPMN, "extensionElements"))
    if found is None:
        found = ElementTree.Element(_q(BPMN, "extensionElements"))
        element.insert(0, found)
    return found


def _text(namespace: str, name: str, text: str) -> ElementTree.Element:
    element = ElementTree.Element(_q(namespace, name))
    element.text = text
    return element


def deployments() -> list[tuple[str | None, dict[str, ProcessModel]]]:
    """What each real engine gets deployed, in order: (tenant, models) per deployment.

    Order to delivery twice (versions 1 and 2), loan application with its credit check, and the
    tenant acme's copy of both (a call activity resolves its called process in its own tenant).
    """
    order, loan, credit = MODELS["order"], MODELS["loan"], MODELS["credit-check"]
    return [
        (None, {"order": order, "credit-check": credit, "loan": loan}),
        (None, {"order": order}),
        ("acme", {"credit-check": credit, "loan": loan}),
    ]
