"""An audit entry as a person reads it: what was sent, the value before → after, the engine's answer.

Text is shown as the text it is (never as a Python repr), yes/no for flags, a variable as its value
and type, a file by name, type, size and hash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from audit.models import AuditEntry

NOTHING = "none"

# What each action did, as a sentence's verb: "{name}" is the variable's, the target follows.
ACTIONS = {
    "variable.create": "added the variable {name} on",
    "variable.update": "changed {name} on",
    "variable.overwrite": "changed {name}, saving over a value changed meanwhile, on",
    "variable.delete": "deleted the variable {name} on",
    "instance.suspend": "suspended",
    "instance.activate": "activated",
    "instance.delete": "deleted",
    "instance.modify": "modified",
    "incident.retry": "retried the incidents of",
    "incident.annotate": "annotated",
    "definition.suspend": "suspended the process",
    "definition.activate": "activated the process",
    "instances.migrate": "migrated instances to",
    "instances.restart": "restarted instances of",
    "batch.suspend": "suspended",
    "batch.activate": "activated",
    "batch.delete": "deleted",
    "operation.retry_failed": "ran the failed part again of",
    "task.assign": "assigned the task {task} on",
    "task.unassign": "cleared the assignee of the task {task} on",
    "task.candidate_group.add": "let the group {group} pick up the task {task} on",
    "task.candidate_group.remove": "no longer let the group {group} pick up the task {task} on",
    "external_task.retries": "set the retries of the external task of topic {topic} on",
    "external_task.unlock": "unlocked the external task of topic {topic} on",
    "job.execute": "ran a job now on",
    "job.due_date": "set a job's due date on",
    "job.recalculate_due_date": "recalculated a job's due date on",
    "job_definition.suspend": "suspended the jobs of",
    "job_definition.activate": "activated the jobs of",
    "job_definition.priority": "set the priority of the jobs of",
    "job_definition.retry_failed_jobs": "retried the failed jobs of",
    "deployment.delete": "deleted the deployment",
    "user.create": "created the user",
    "user.change": "changed the user",
    "user.delete": "deleted the user",
    "user.password_change": "changed the password of",
    "role.create": "created the role",
    "role.change": "changed the role",
    "role.delete": "deleted the role",
}

# The filter's choices: an action, or a family of them (every operation), by what a person calls it.
ACTION_CHOICES = [
    ("variable.", "changed, added or deleted a variable"),
    ("instance.modify", "modified an instance"),
    ("instance.suspend", "suspended an instance"),
    ("instance.activate", "activated an instance"),
    ("instance.delete", "deleted an instance"),
    ("incident.", "retried or annotated an incident"),
    ("definition.", "suspended or activated a process"),
    ("instances.", "migrated or restarted instances"),
    ("operation.", "started, ended or retried an operation"),
    ("batch.", "suspended, activated or deleted a batch"),
    ("task.", "assigned a user task or changed who may pick it up"),
    ("external_task.", "set retries of or unlocked an external task"),
    ("job.", "ran a job or changed its due date"),
    ("job_definition.", "suspended, activated, prioritised or retried a job definition"),
    ("deployment.", "deleted a deployment"),
    ("user.", "changed a user"),
    ("role.", "changed a role"),
]

TARGET_WORDS = {
    "incident": "incident",
    "batch": "batch",
    "operation": "operation",
    "process_definition": "",
    "deployment": "",
    "job_definition": "job definition",
}
# Targets that live inside one instance: the sentence names the instance they belong to.
INSIDE_AN_INSTANCE = {"user_task", "external_task", "job"}


# Characters of each value in an entry's sentence; its details hold the values whole.
SENTENCE_VALUE = 120


@dataclass(frozen=True)
class Said:
    """An entry as one sentence: who did what to which target, and the value before → after."""

    who: str
    what: str
    target: str
    change: str


def said(entry: AuditEntry) -> Said:
    parameters = entry.parameters or {}
    return Said(
        who=entry.username or "The dashboard",  # a user name as it is: names are not capitalised
        what=action_words(entry.action, parameters),
        target=target_words(entry),
        change=change_words(entry.old_value, entry.new_value, at_most=SENTENCE_VALUE),
    )


def action_words(action: str, parameters: dict[str, Any]) -> str:
    words = ACTIONS.get(action)
    if words is None and action.startswith("operation."):
        kind, _, ended = action.removeprefix("operation.").partition(".")
        # By its kind's name: the kinds' labels live in batches, which itself writes to this log.
        words = f"{'ended' if ended else 'started'} the operation “{_label(kind)}”:"
    if words is None:
        return _label(action.replace(".", " "))
    return words.format(
        name=shown(parameters.get("name", "a variable")),
        task=shown(parameters.get("task", "")),
        group=shown(parameters.get("group", "")),
        topic=shown(parameters.get("topic", "")),
    ).replace("  ", " ")


def target_words(entry: AuditEntry) -> str:
    """The target by the names people know: an instance's business key and process, else its id."""
    parameters = entry.parameters or {}
    if entry.target_type == "process_instance":
        return _instance_words(entry.target_id, parameters)
    if entry.target_type in INSIDE_AN_INSTANCE and parameters.get("process_instance_id"):
        return _instance_words(str(parameters["process_instance_id"]), parameters)
    if entry.target_type == "job_definition" and parameters.get("activity"):
        return f"{parameters['activity']} ({entry.target_id})"
    if entry.target_type == "operation":
        return f"#{entry.target_id}"
    if entry.target_type == "process_definition" and parameters.get("definition"):
        return str(parameters["definition"])  # its name and version, as the page that did it said
    kind = TARGET_WORDS.get(entry.target_type, "")
    return f"{kind} {entry.target_id}".strip()


def _instance_words(instance_id: str, parameters: dict[str, Any]) -> str:
    key, process = parameters.get("business_key"), parameters.get("process_name")
    named = str(key) if key else f"instance {instance_id}"
    return f"{named} ({process})" if process else named


def change_words(old: Any, new: Any, *, at_most: int | None = None) -> str:
    """Before → after as values: a variable's type is named only where it changed; each value cut
    to at_most characters, so a long one never hides the other."""

    def cut(text: str) -> str:
        if at_most is None or len(text) <= at_most:
            return text
        kept = text[: at_most - 1]
        # Between words where there are words; an unbroken token (an id, Base64) is cut where it must be.
        words = kept.rsplit(" ", 1)[0] if " " in kept[at_most // 2 :] else kept
        return words.rstrip() + "…"

    if old is None and new is None:
        return ""
    if old is None:
        return cut(value_words(new))
    if new is None:
        return f"was {cut(value_words(old))}"
    if _is_typed(old) and _is_typed(new) and old.get("type") != new.get("type"):
        return f"{cut(_typed(old))} → {cut(_typed(new))}"
    return f"{cut(value_words(old))} → {cut(value_words(new))}"


def value_words(value: Any) -> str:
    """A value as its text: a typed variable without its type, a file by its name."""
    if _is_typed(value) and "filename" not in value:
        text = "null" if value.get("value") is None else str(value["value"])
        return text + ("…" if value.get("truncated") else "")
    return shown(value)


def _is_typed(value: Any) -> bool:
    return isinstance(value, dict) and "type" in value and ("value" in value or "filename" in value)


def details(entry: AuditEntry) -> list[tuple[str, str]]:
    """(label, text) lines for the entry's values, in the order a reader asks about them."""
    lines = [(_label(name), shown(value)) for name, value in (entry.parameters or {}).items()]
    old, new = entry.old_value, entry.new_value
    if old is not None and new is not None:
        lines.append(("Value", f"{shown(old)} → {shown(new)}"))
    elif new is not None:
        lines.append(("Value", f"{NOTHING} → {shown(new)}"))
    elif old is not None:
        lines.append(("Value before", shown(old)))
    lines += _answer(entry.engine_response)
    return lines


def _answer(response: Any) -> list[tuple[str, str]]:
    if response is None:
        return []
    if isinstance(response, dict) and "message" in response:
        said = [
            str(response[key]) for key in ("status", "type", "code") if response.get(key) not in (None, "")
        ]
        lines = [("Engine's answer", shown(response["message"]))]
        if said:
            lines.append(("Engine's error", ", ".join(said)))
        return lines
    if isinstance(response, dict):
        return [(f"Engine's answer: {_label(key)}", shown(value)) for key, value in response.items()]
    return [("Engine's answer", shown(response))]


def shown(value: Any) -> str:
    if value is None:
        return NOTHING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)
    if _is_typed(value):
        return _typed(value)
    if isinstance(value, list) and all(not isinstance(item, dict | list) for item in value):
        return ", ".join(shown(item) for item in value) or NOTHING
    if isinstance(value, dict) and all(not isinstance(item, dict | list) for item in value.values()):
        return "; ".join(f"{_label(key)} {shown(item)}" for key, item in value.items()) or NOTHING
    # Deeper structures (a modification plan): JSON, which a reader of the engine's API knows.
    return json.dumps(value, ensure_ascii=False, indent=1)


def _typed(value: dict) -> str:
    """A variable as audit_value keeps it: {type, value} or a file's {type, filename, ...}."""
    kind = value.get("type", "")
    if "filename" in value:
        facts = [kind, value.get("mimetype") or ""]
        if value.get("size") is not None:
            facts.append(f"{value['size']:,} bytes")
        if value.get("sha256"):
            facts.append(f"sha256 {value['sha256'][:8]}…")
        return f"{value.get('filename') or 'unnamed'} ({', '.join(f for f in facts if f)})"
    text = NOTHING if value.get("value") is None else str(value["value"])
    if value.get("truncated"):
        text += "…"
    return f"{text} ({kind})"


def _label(name: str) -> str:
    return str(name).replace("_", " ")
