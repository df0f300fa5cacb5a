"""Camunda 7 engine-rest adapter."""

from __future__ import annotations

import httpx

from engines.base import EngineClient
from engines.config import EngineConfig
from engines.models import EngineVersion
from engines.transport import Transport


class Camunda7Client(EngineClient):
    def __init__(self, config: EngineConfig, *, http: httpx.Client | None = None) -> None:
        self.config = config
        self.transport = Transport(config, http=http)

    def close(self) -> None:
        self.transport.close()

    def version(self) -> EngineVersion:
        # GET /version
        return EngineVersion.model_validate(self.transport.json("GET", "/version"))
