"""The boundary every engine adapter implements; nothing above it knows the engine's wire format."""

from __future__ import annotations

from abc import ABC, abstractmethod

from engines.config import EngineConfig
from engines.models import EngineVersion


class EngineClient(ABC):
    config: EngineConfig

    @property
    def name(self) -> str:
        return self.config.name

    @abstractmethod
    def version(self) -> EngineVersion: ...

    @abstractmethod
    def close(self) -> None: ...
