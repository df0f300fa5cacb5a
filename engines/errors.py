"""One exception hierarchy for everything an engine call can end in.

Each error carries the engine's own message, fit to show a user as it is.
"""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Anything that went wrong speaking to an engine."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        engine: str = "",
        status: int | None = None,
        exception_type: str = "",
        code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.engine = engine
        self.status = status
        self.exception_type = exception_type
        self.code = code

    @property
    def title(self) -> str:
        return "The engine reported an error"

    def as_dict(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "status": self.status,
            "type": self.exception_type,
            "code": self.code,
            "message": self.message,
        }


class EngineUnavailable(EngineError):
    """The engine could not be reached at all (refused, DNS, TLS, reset)."""

    retryable = True

    @property
    def title(self) -> str:
        return "The engine is unreachable"


class EngineTimeout(EngineError):
    """The engine did not answer in time."""

    @property
    def title(self) -> str:
        return "The engine did not answer in time"


class EngineResponseError(EngineError):
    """The engine answered with an error status."""


class UnreadableAnswer(EngineError):
    """The engine answered, but with something the dashboard's models cannot read (a null id, say)."""

    @property
    def title(self) -> str:
        return "The engine's answer could not be read"


class InvalidRequest(EngineResponseError):
    """400: the engine refused the request as invalid; repeating it cannot help."""


class AuthenticationFailed(EngineResponseError):
    """401: the engine refused our credentials."""

    @property
    def title(self) -> str:
        return "The engine refused the dashboard's credentials"


class Forbidden(EngineResponseError):
    """403: the engine's authorization denied the operation."""

    @property
    def title(self) -> str:
        return "The engine denied the operation"


class NotFound(EngineResponseError):
    """404: no such resource on the engine."""

    @property
    def title(self) -> str:
        return "Not found on the engine"


class EngineServerError(EngineResponseError):
    """500 and friends: the engine failed while processing the request. Retryable when the adapter
    knows the engine rolled it back for a reason that may well be gone on a second try."""

    def __init__(self, message: str, *, retryable: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retryable = retryable


class OptimisticLockingConflict(EngineServerError):
    """Someone else changed the same data at the same time; the change was rolled back."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, retryable=True, **kwargs)

    @property
    def title(self) -> str:
        return "The data changed meanwhile on the engine"


def error_for_status(
    status: int,
    *,
    message: str,
    engine: str,
    exception_type: str = "",
    code: int | None = None,
    conflict: bool = False,
    retryable: bool = False,
) -> EngineResponseError:
    """Our exception for an HTTP status and what the adapter read from the engine's error: its own
    type and code, whether it says the data changed meanwhile (conflict) and whether a second try
    may succeed (retryable)."""
    kwargs: dict[str, Any] = {
        "engine": engine,
        "status": status,
        "exception_type": exception_type,
        "code": code,
    }
    if status == 400:
        return InvalidRequest(message, **kwargs)
    if status == 401:
        return AuthenticationFailed(message, **kwargs)
    if status == 403:
        return Forbidden(message, **kwargs)
    if status == 404:
        return NotFound(message, **kwargs)
    if conflict:
        return OptimisticLockingConflict(message, **kwargs)
    if status >= 500:
        return EngineServerError(message, retryable=retryable, **kwargs)
    return EngineResponseError(message, **kwargs)


class Unsupported(EngineError):
    """The engine has no way to do this at all (its capability flag is off, so no page offers it);
    the message names what is missing."""

    @property
    def title(self) -> str:
        return "This engine cannot do this"


class UnaddressableName(InvalidRequest):
    """An id or name that no engine URL can carry ('.', '..', empty): refused before anything is sent,
    since a dot segment would be collapsed on the way and reach another endpoint."""

    @property
    def title(self) -> str:
        return "This cannot be addressed on the engine"
