"""The comment records every part shares.

`PlatformComment` is a comment on an official account as it arrives: read by a connector,
pushed by a webhook, posted to `POST /api/v1/comments`, or held by a fake platform. Ingest
stores it; `StoredComment` is what ingest hands to the comment listeners afterwards.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class PlatformComment:
    """One comment or reply, the same shape for every platform."""

    external_id: str
    post_id: str
    text: str
    created_at: datetime
    parent_id: str | None = None
    author_id: str | None = None  # None: the platform did not say who wrote it (author unknown)
    author_name: str | None = None
    edited_at: datetime | None = None
    permalink: str | None = None
    hidden: bool = False
    author_role: str | None = None  # set by server.platforms.store from the school's roles

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["created_at"] = self.created_at.isoformat()
        out["edited_at"] = self.edited_at.isoformat() if self.edited_at else None
        return out


@dataclass(frozen=True)
class StoredComment:
    """A comment as stored and scored, passed to `app[keys.COMMENT_LISTENERS]`."""

    id: int
    school_id: int
    account_id: int
    thread_id: int
    platform: str
    external_id: str
    parent_external_id: str | None
    author_external_id: str | None
    author_role: str
    created_at: datetime
    scores: dict[str, float]
    flags: list[dict[str, Any]]
    max_severity: str | None
    flagged: bool
