"""Parsing tolerates nulls in optional fields, missing fields and fields a newer engine adds."""

import pytest
from pydantic import BaseModel

from engines import models

MODELS = [
    m
    for m in vars(models).values()
    if isinstance(m, type) and issubclass(m, BaseModel) and m not in (BaseModel, models.DomainModel)
]


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_only_the_id_is_needed_and_nulls_and_unknown_fields_are_fine(model):
    required = {name for name, f in model.model_fields.items() if f.is_required()}
    assert required <= {"id", "version"}
    payload = {name: "x" for name in required}
    nulls = {(f.alias or name): None for name, f in model.model_fields.items() if not f.is_required()}
    parsed = model.model_validate({**payload, **nulls, "someFieldOfANewerEngine": {"a": 1}})
    assert not hasattr(parsed, "someFieldOfANewerEngine")
