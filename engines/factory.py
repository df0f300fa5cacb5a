"""Build the client for a configured engine, by its kind."""

from __future__ import annotations

import httpx

from engines.base import EngineClient
from engines.config import EngineConfig


def build_client(config: EngineConfig, *, http: httpx.Client | None = None) -> EngineClient:
    if config.kind == "camunda7":
        from engines.camunda7.client import Camunda7Client

        return Camunda7Client(config, http=http)
    if config.kind == "flowable":
        from engines.flowable.client import FlowableClient

        return FlowableClient(config, http=http)
    raise ValueError(f"no client for engine kind {config.kind!r}")
