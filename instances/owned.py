"""Actions on an object addressed under its parent in the URL (a task or job under its instance, a job
definition under its definition): the object is fetched and checked to belong to that parent before
anything is changed or audited, and the change is audited naming the parent."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.http import Http404

from audit.log import Outcome, audited
from cockpit.engines import EngineRequest
from engines.base import Capabilities, EngineClient


class HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=HasId)


@dataclass(frozen=True)
class Owned(Generic[T]):
    """One kind of object and its parent: how to fetch it, which parent it names, how it is audited."""

    noun: str  # "user task", as the refusal names it
    parent_noun: str  # "Process instance"
    target_type: str  # the audit log's target type
    parent_key: str  # the audit parameter that names the parent
    fetch: Callable[[EngineClient, str], T]
    parent_of: Callable[[T], str | None]
    offered: Callable[[Capabilities], bool] | None = None
    missing: str = ""  # why the engine offers none, when `offered` says so
    # What the audit log's reader knows it by (an instance's business key and process, an activity's
    # name), from the parent's id and the object; a failed look-up costs only what it would have told.
    facts: Callable[[EngineClient, str, T], dict[str, Any]] | None = None

    def get(self, request: EngineRequest, parent_id: str, object_id: str) -> T:
        """The object, only if it is one of the parent's in the URL: nothing is changed or audited on
        one of another parent addressed under this one."""
        if self.offered is not None and not self.offered(request.engine.capabilities):
            raise Http404(self.missing)
        found = self.fetch(request.engine, object_id)
        if self.parent_of(found) != parent_id:
            raise Http404(f"{self.parent_noun} {parent_id} has no {self.noun} {object_id}.")
        return found

    def audited(
        self,
        request: EngineRequest,
        parent_id: str,
        found: T,
        action: str,
        *,
        parameters: dict[str, Any] | None = None,
        old_value: Any = None,
        new_value: Any = None,
    ) -> AbstractContextManager[Outcome]:
        """The change, audited on the object with its parent named; the engine call goes inside."""
        facts = self.facts(request.engine, parent_id, found) if self.facts else {}
        return audited(
            user=request.user,
            engine=request.engine_name,
            action=action,
            target_type=self.target_type,
            target_id=found.id,
            parameters={self.parent_key: parent_id, **facts, **(parameters or {})},
            old_value=old_value,
            new_value=new_value,
        )
