"""HTTP to one engine: a pooled client, explicit timeouts, auth, retries; the adapter reads errors."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from engines.config import EngineConfig
from engines.errors import (
    EngineError,
    EngineTimeout,
    EngineUnavailable,
    error_for_status,
)

USER_AGENT = "engine-cockpit/0.1"
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_MAX_ATTEMPTS = 3
_BACKOFF_SECONDS = (0.1, 0.4)

# Connection-level failures after which the engine may never have seen the request.
_CONNECTION_FAILURES = (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError)


def query_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Query parameters as REST APIs commonly read them: true/false, comma lists, no Nones."""
    spelled: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            spelled[key] = "true" if value else "false"
        elif isinstance(value, list | tuple | set | frozenset):
            spelled[key] = ",".join(str(v) for v in value)
        else:
            spelled[key] = str(value)
    return spelled


def plain_error(response: httpx.Response, engine: str) -> EngineError:
    """An error answer read by its status alone, its text as the message (for an adapter that has no
    error format of its own to read)."""
    text = response.text.strip()
    message = text if text and len(text) < 500 else response.reason_phrase or f"HTTP {response.status_code}"
    return error_for_status(response.status_code, message=message, engine=engine)


class Transport:
    """One pooled httpx.Client per engine and process; safe to share between threads."""

    def __init__(
        self,
        config: EngineConfig,
        *,
        http: httpx.Client | None = None,
        read_error: Callable[[httpx.Response, str], EngineError] = plain_error,
    ) -> None:
        """read_error turns an error answer into our exception, as the engine spells its errors."""
        self.config = config
        self.read_error = read_error
        auth = httpx.BasicAuth(config.username, config.password) if config.username else None
        self.http = http or httpx.Client(
            base_url=config.base_url,
            auth=auth,
            timeout=httpx.Timeout(
                config.read_timeout, connect=config.connect_timeout, pool=config.connect_timeout
            ),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    def close(self) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        safe_to_repeat: bool | None = None,
        accept: str | None = None,
    ) -> httpx.Response:
        """Send one request, retrying only what is safe to repeat, and map failures.

        safe_to_repeat defaults to the method's idempotency; a POST that only reads (a
        query) passes True. accept replaces the JSON Accept header (text and binary answers).
        """
        repeatable = method in _IDEMPOTENT if safe_to_repeat is None else safe_to_repeat
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send_once(method, path, params=params, json=json, files=files, accept=accept)
            except EngineError as error:
                if not (repeatable and error.retryable and attempt < _MAX_ATTEMPTS):
                    raise
                time.sleep(_BACKOFF_SECONDS[attempt - 1])

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """The parsed JSON body, or None for an empty (204) answer."""
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise EngineError(
                f"{method} {path}: the engine answered with something that is not JSON",
                engine=self.config.name,
                status=response.status_code,
            ) from None

    def _send_once(
        self, method: str, path: str, *, params: Any, json: Any, files: Any, accept: str | None = None
    ) -> httpx.Response:
        name = self.config.name
        headers = {"Accept": accept} if accept else None
        try:
            response = self.http.request(
                method, path, params=query_params(params), json=json, files=files, headers=headers
            )
        except httpx.TimeoutException as error:
            what = "connect" if isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout) else "answer"
            limit = self.config.connect_timeout if what == "connect" else self.config.read_timeout
            raise EngineTimeout(
                f"{self.config.title} did not {what} within {limit:g} s ({method} {path})",
                engine=name,
            ) from None
        except _CONNECTION_FAILURES as error:
            raise EngineUnavailable(
                f"{self.config.title} at {self.config.base_url} is unreachable: {error}",
                engine=name,
            ) from None
        except httpx.HTTPError as error:
            raise EngineUnavailable(f"{self.config.title}: {error}", engine=name) from None
        if response.is_error:
            raise self.read_error(response, name)
        return response
