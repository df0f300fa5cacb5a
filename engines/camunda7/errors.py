"""Camunda's error answers ({"type", "message", "code"}) as the dashboard's exceptions."""

from __future__ import annotations

import httpx

from engines.errors import EngineError, error_for_status

# Camunda's built-in exception codes worth a second try: the transaction was rolled
# back and repeating it may well succeed.
OPTIMISTIC_LOCKING_CODE = 1
DEADLOCK_CODE = 10000
RETRYABLE_CODES = frozenset({OPTIMISTIC_LOCKING_CODE, DEADLOCK_CODE})


def read_error(response: httpx.Response, engine: str) -> EngineError:
    exception_type, code = "", None
    message = response.reason_phrase or f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        body = None
        text = response.text.strip()
        if text and len(text) < 500:
            message = text
    if isinstance(body, dict):
        exception_type = str(body.get("type") or "")
        message = str(body.get("message") or message)
        raw_code = body.get("code")
        if isinstance(raw_code, int | float):
            code = int(raw_code)
    return error_for_status(
        response.status_code,
        message=message,
        engine=engine,
        exception_type=exception_type,
        code=code,
        conflict=exception_type.endswith("OptimisticLockingException") or code == OPTIMISTIC_LOCKING_CODE,
        retryable=code in RETRYABLE_CODES,
    )
