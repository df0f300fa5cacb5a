"""Camunda's JSON answers as the domain models: its camelCase keys become the models' field names.

The models know nothing of any engine's spelling; this is the one place that maps Camunda's. Keys the
model has no field for are passed on as they are (the models ignore them), nested models are mapped
by their own fields, and a few keys Camunda spells otherwise are named here.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

from engines.camunda7.variables import decode
from engines.camunda7.wire import camel
from engines.models import ActivityInstance, HistoricVariable, Incident, UserTask

M = TypeVar("M", bound=BaseModel)

# Keys that are not simply the camelCase of a field, per model: Camunda key -> field. Where both the
# usual key and one of these come, the usual key wins.
_OTHER_KEYS: dict[type[BaseModel], dict[str, str]] = {
    ActivityInstance: {"name": "activity_name"},
    UserTask: {"taskDefinitionKey": "activity_id"},
}


def parse(model: type[M], answer: Any) -> M:
    """One answer as the model; pydantic's ValidationError when it does not fit."""
    data = domain_keys(model, answer)
    if model is Incident and isinstance(data, dict) and data.get("incident_type") == "failedJob":
        # A failed job's incident names the job in its configuration.
        data.setdefault("job_id", data.get("configuration"))
    if model is HistoricVariable and isinstance(answer, dict):
        data["value"] = decode(answer)
    return model.model_validate(data)


def domain_keys(model: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    by_key, nested = _fields_of(model)
    others = _OTHER_KEYS.get(model, {})
    renamed: dict[str, Any] = {}
    for key, value in data.items():
        name = by_key.get(key)
        if name is None and key in others:
            name = others[key]
            if camel(name) in data:
                continue
        name = name or key
        inner = nested.get(name)
        if inner is not None:
            value = (
                [domain_keys(inner, v) for v in value]
                if isinstance(value, list)
                else domain_keys(inner, value)
            )
        renamed[name] = value
    return renamed


@cache
def _fields_of(model: type[BaseModel]) -> tuple[dict[str, str], dict[str, type[BaseModel]]]:
    """The model's fields by their Camunda key, and the model of each field that holds models."""
    by_key = {camel(name): name for name in model.model_fields}
    nested = {}
    for name, field in model.model_fields.items():
        inner = _model_in(field.annotation)
        if inner is not None:
            nested[name] = inner
    return by_key, nested


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None
