"""The dashboard's domain, as the service layer hands it upward.

Models tolerate unknown extra fields and null in every optional field, so a newer
engine release or a fork adding fields never breaks a page.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DomainModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class EngineVersion(DomainModel):
    version: str
