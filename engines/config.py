"""How one engine connection is described; read from the environment by the Django settings."""

from __future__ import annotations

from dataclasses import dataclass, field

ENGINE_KINDS = ("camunda7", "flowable")


@dataclass(frozen=True)
class EngineConfig:
    name: str
    base_url: str
    kind: str = "camunda7"
    username: str = ""
    password: str = field(default="", repr=False)
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ENGINE_KINDS:
            raise ValueError(
                f"engine {self.name!r}: unknown kind {self.kind!r} (known: {', '.join(ENGINE_KINDS)})"
            )
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"engine {self.name!r}: base URL must start with http:// or https://")

    @property
    def longest_request(self) -> float:
        """The longest one request stays in flight by these timeouts: waiting for a pooled connection
        and connecting (connect_timeout each), then sending and reading the answer (read_timeout each)."""
        return 2 * (self.connect_timeout + self.read_timeout)

    @property
    def title(self) -> str:
        return self.label or self.name
