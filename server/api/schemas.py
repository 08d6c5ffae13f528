"""Request bodies of API v1 (pydantic, extra=forbid). Texts are capped at 100,000 characters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from server.api.body import MAX_ID, Str, Strict

MAX_TEXT = 100_000
# quick: rules and the small model (milliseconds; while typing); deep: adds the encoder
# (tens of milliseconds; when posting, when the panel opens). Answers say the mode used.
Mode = Literal["quick", "deep"]
MODE_DESCRIPTION = ("quick: regels en het kleine model (milliseconden), voor tijdens het typen; "
                    "deep (standaard): met de encoder erbij (tientallen milliseconden), voor het "
                    "plaatsen. Zolang de diepe controle niet beschikbaar is, wordt snel "
                    "gecontroleerd; het antwoord noemt in `mode` wat er gebruikt is.")
Category = Literal["bullying", "discrimination", "personal_data", "profanity", "protocol"]
Role = Literal["staff", "leadership", "board", "admin", "connector"]
Name = Str
Text = Str


class CheckContext(Strict):
    platform: Str | None = Field(None, max_length=40)
    host: Str | None = Field(None, max_length=253)
    account_type: Literal["official", "private", "unknown"] = "unknown"
    reply_to: Str | None = Field(None, max_length=MAX_TEXT)


class CheckRequest(Strict):
    text: Text = Field(max_length=MAX_TEXT)
    context: CheckContext | None = None
    locale: Literal["nl", "en"] = "nl"
    mode: Mode = Field("deep", description=MODE_DESCRIPTION)


class BatchItem(Strict):
    id: Str = Field(max_length=200)
    text: Text = Field(max_length=MAX_TEXT)
    context: CheckContext | None = None


class BatchRequest(Strict):
    items: list[BatchItem] = Field(min_length=1, max_length=100)
    locale: Literal["nl", "en"] = "nl"
    mode: Mode = Field("deep", description=MODE_DESCRIPTION)


class OutcomeRequest(Strict):
    categories: list[Category] = Field(max_length=5)
    outcome: Literal["changed", "cancelled", "posted_anyway", "shown"]


class IngestComment(Strict):
    external_id: Str = Field(min_length=1, max_length=200)
    post_id: Str = Field(min_length=1, max_length=200)
    parent_id: Str | None = Field(None, max_length=200)
    author_id: Str | None = Field(None, max_length=200)
    author_name: Str | None = Field(None, max_length=200)
    text: Text = Field(max_length=MAX_TEXT)
    created_at: datetime
    permalink: Str | None = Field(None, max_length=1000)

    @field_validator("created_at")
    @classmethod
    def _plausible_time(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if not 1990 <= value.year <= 2200:
            raise ValueError("ligt niet tussen 1990 en 2200")
        return value.astimezone(UTC)


class IngestRequest(Strict):
    account_id: int = Field(ge=1, le=MAX_ID)
    comments: list[IngestComment] = Field(max_length=500)


class SchoolCreate(Strict):
    name: Name = Field(min_length=1, max_length=200)
    slug: Str | None = Field(None, min_length=1, max_length=100, pattern=r"^[a-z0-9-]+$")


class UserCreate(Strict):
    name: Name = Field(min_length=1, max_length=200)
    role: Role
    school_id: int | None = Field(None, ge=1, le=MAX_ID)
    email: Str | None = Field(None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")


class TokenCreate(Strict):
    user_id: int = Field(ge=1, le=MAX_ID)
    label: Str | None = Field(None, max_length=200)


class ThresholdsUpdate(Strict):
    bullying: float | None = Field(None, ge=0, le=1)
    discrimination: float | None = Field(None, ge=0, le=1)
    personal_data: float | None = Field(None, ge=0, le=1)
    profanity: float | None = Field(None, ge=0, le=1)
    protocol: float | None = Field(None, ge=0, le=1)


class AccountCreate(Strict):
    school_id: int = Field(ge=1, le=MAX_ID)
    platform: Literal["facebook", "instagram", "youtube", "mastodon", "other"]
    external_id: Str = Field(min_length=1, max_length=200)
    name: Name = Field(min_length=1, max_length=200)
    official: bool = True
    settings: dict[str, Any] = Field(default_factory=dict)
