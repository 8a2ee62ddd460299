"""The processing report's schema (docs/design.md). Unknown extra keys are ignored, missing ones refused."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ReportMetadata(BaseModel):
    model_config = ConfigDict(extra="ignore")

    size_bytes: int = Field(ge=0)
    mime_type: str | None
    width: int | None = Field(ge=0)
    height: int | None = Field(ge=0)
    orientation: int | None = Field(ge=1, le=8)
    taken_at: datetime | None
    camera_make: str | None = Field(max_length=100)
    camera_model: str | None = Field(max_length=100)


class ReportThumbnail(BaseModel):
    model_config = ConfigDict(extra="ignore")

    size: int = Field(gt=0, le=10000)
    key: str = Field(max_length=255)
    content_type: str = Field(max_length=32)
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    size_bytes: int = Field(gt=0)


class ProcessingReport(BaseModel):
    model_config = ConfigDict(extra="ignore")

    bucket: str
    key: str = Field(max_length=255)
    status: Literal["ready", "failed"]
    reason: str | None = Field(max_length=2000)
    metadata: ReportMetadata
    thumbnails: list[ReportThumbnail] = Field(max_length=8)


class WebhookAnswer(BaseModel):
    status: Literal["ok"]
