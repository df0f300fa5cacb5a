"""Run independent engine calls at the same time: a page waits for its slowest call, not the sum."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

# Engine calls spend their time waiting on the network, so threads are the right tool;
# one shared pool per process bounds how hard a busy web process can hit the engines.
_POOL = ThreadPoolExecutor(max_workers=32, thread_name_prefix="engine-fan-out")


@dataclass(frozen=True)
class Failed:
    """Stands in for a result whose call raised, when the caller asked to keep going."""

    error: Exception


def fan_out(calls: Mapping[str, Callable[[], Any]], *, keep_failures: bool = False) -> dict[str, Any]:
    """Run each call concurrently and return their results under the same keys.

    By default the first failure (in the order given) is raised once every call has
    finished; with keep_failures=True a failed call's result is a `Failed`, so a page
    can show what did arrive.
    """
    if len(calls) == 1:
        ((key, call),) = calls.items()
        try:
            return {key: call()}
        except Exception as error:
            if keep_failures:
                return {key: Failed(error)}
            raise
    futures = {key: _POOL.submit(contextvars.copy_context().run, call) for key, call in calls.items()}
    results: dict[str, Any] = {}
    first_error: Exception | None = None
    for key, future in futures.items():
        try:
            results[key] = future.result()
        except Exception as error:
            results[key] = Failed(error)
            first_error = first_error or error
    if first_error is not None and not keep_failures:
        raise first_error
    return results
