"""The one way to write the audit log: wrap the engine call in `audited(...)`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from audit.models import AuditEntry
from engines.errors import EngineError


@dataclass
class Outcome:
    """What the block tells the log: the engine's answer and, where known only afterwards, values."""

    engine_response: Any = None
    new_value: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The engine took the request, yet the action did not do what it was for (a retried job failed again).
    failed: bool = False


@contextmanager
def audited(
    *,
    user: AbstractBaseUser | AnonymousUser,
    engine: str,
    action: str,
    target_type: str = "",
    target_id: str = "",
    parameters: dict[str, Any] | None = None,
    old_value: Any = None,
    new_value: Any = None,
) -> Iterator[Outcome]:
    """Record the action whatever happens: succeeded with the engine's answer, or failed with its error.

    The error is re-raised, so the caller still shows it to the user.
    """
    outcome = Outcome(new_value=new_value)
    entry = AuditEntry(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        engine=engine,
        action=action,
        target_type=target_type,
        target_id=storable(str(target_id)),
        parameters=storable(parameters or {}),
        old_value=storable(old_value),
    )
    try:
        yield outcome
    except Exception as error:
        entry.outcome = AuditEntry.Outcome.FAILED
        entry.engine_response = (
            error.as_dict()
            if isinstance(error, EngineError)
            else {"error": type(error).__name__, "message": str(error)}
        )
        entry.engine_response = storable(entry.engine_response)
        entry.new_value = storable(outcome.new_value)
        entry.save()
        raise
    entry.outcome = AuditEntry.Outcome.FAILED if outcome.failed else AuditEntry.Outcome.SUCCEEDED
    entry.engine_response = storable(outcome.engine_response)
    entry.new_value = storable(outcome.new_value)
    if outcome.extra:
        entry.parameters = {**entry.parameters, **storable(outcome.extra)}
    entry.save()


# PostgreSQL stores no NUL character in text or jsonb, nor an unpaired surrogate: the attempt is
# recorded all the same, with each one shown as a visible mark.
NUL_MARK = "\u2400"  # SYMBOL FOR NULL


def storable(value: Any) -> Any:
    """The value with what no database can store replaced by a mark; everything else as it is."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", NUL_MARK)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {storable(key) if isinstance(key, str) else key: storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value
