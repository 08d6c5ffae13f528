"""The state behind the fake platforms: accounts, posts, comments, injected faults, and a record
of what the clients did (requests per account, overlapping requests, hides, replies).

One `FakeWorld` can back several fake platform apps at once; each app renders it in the JSON
shapes of its platform (server/platforms/fakes/{graph,youtube,mastodon}.py).
"""

from __future__ import annotations

import itertools
import random
import secrets
import string
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

FAULT_KINDS = frozenset({"rate_limit", "server_error", "slow", "truncated", "malformed"})


@dataclass
class FakeAccount:
    id: str
    platform: str
    token: str
    name: str
    username: str
    token_valid: bool = True


@dataclass
class FakePost:
    id: str
    account_id: str
    text: str
    created_at: datetime


@dataclass
class FakeComment:
    id: str
    post_id: str
    parent_id: str | None
    author_id: str | None
    author_name: str | None
    text: str
    created_at: datetime
    edited_at: datetime | None = None
    hidden: bool = False
    deleted: bool = False


@dataclass
class Fault:
    kind: str
    delay: float = 0.0  # slow: seconds before answering
    retry_after: float = 0.05  # rate_limit: what the platform says to wait
    code: int | None = None  # rate_limit on Graph: 4, 17, 32, 613, 80001


@dataclass
class FakeWorld:
    latency: float = 0.0  # seconds every request takes (makes overlapping polls visible)
    usage_pct: float = 0.0  # Graph: reported in X-App-Usage on every answer when > 0
    accounts: dict[str, FakeAccount] = field(default_factory=dict)
    posts: dict[str, FakePost] = field(default_factory=dict)
    comments: dict[str, FakeComment] = field(default_factory=dict)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    active: Counter[str] = field(default_factory=Counter)
    overlaps: Counter[str] = field(default_factory=Counter)
    actions: list[tuple[str, str, Any]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _clock: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(hours=1))

    # --- building the world ---

    def now(self) -> datetime:
        """Strictly increasing timestamps (whole seconds apart, as the platforms report them)."""
        self._clock = max(self._clock + timedelta(seconds=1),
                          datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30))
        return self._clock

    def _next(self) -> int:
        return next(self._ids)

    def add_account(self, platform: str, account_id: str | None = None, *, name: str = "",
                    username: str = "", token: str | None = None) -> FakeAccount:
        n = self._next()
        if account_id is None:
            account_id = {"youtube": "UC" + _rand(22), "mastodon": str(100000 + n)}.get(
                platform, str(17841400000000 + n) if platform == "instagram" else str(
                    1000000 + n))
        account = FakeAccount(id=account_id, platform=platform,
                              token=token or secrets.token_urlsafe(16),
                              name=name or f"School {n}", username=username or f"school{n}")
        self.accounts[account_id] = account
        return account

    def add_post(self, account_id: str, text: str = "", post_id: str | None = None) -> FakePost:
        account = self.accounts[account_id]
        n = self._next()
        if post_id is None:
            post_id = {"facebook": f"{account_id}_{n}", "youtube": _rand(11)}.get(
                account.platform, str(900000000 + n) if account.platform != "mastodon"
                else str(110000000000000000 + n * 1000))
        post = FakePost(id=post_id, account_id=account_id, text=text, created_at=self.now())
        self.posts[post_id] = post
        return post

    def add_comment(self, post_id: str, text: str, *, author_id: str | None = "u1",
                    author_name: str | None = "Ouder", parent_id: str | None = None,
                    comment_id: str | None = None) -> FakeComment:
        post = self.posts[post_id]
        platform = self.accounts[post.account_id].platform
        n = self._next()
        if comment_id is None:
            comment_id = {"facebook": f"{post_id.split('_')[-1]}_{n}",
                          "youtube": "Ugz" + _rand(23),
                          "mastodon": str(110000000000000000 + n * 1000)}.get(
                platform, str(17900000000000000 + n))
        comment = FakeComment(id=comment_id, post_id=post_id, parent_id=parent_id,
                              author_id=author_id, author_name=author_name, text=text,
                              created_at=self.now())
        self.comments[comment_id] = comment
        return comment

    def edit(self, comment_id: str, text: str) -> None:
        comment = self.comments[comment_id]
        comment.text, comment.edited_at = text, self.now()

    def delete(self, comment_id: str) -> None:
        self.comments[comment_id].deleted = True

    def expire_token(self, account_id: str) -> None:
        self.accounts[account_id].token_valid = False

    def renew_token(self, account_id: str) -> str:
        account = self.accounts[account_id]
        account.token, account.token_valid = secrets.token_urlsafe(16), True
        return account.token

    def inject(self, account_id: str, kind: str, count: int = 1, **params: Any) -> None:
        """Queue `count` faults for the next requests of an account ("*": any account)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {sorted(FAULT_KINDS)}")
        queue = self.faults.setdefault(account_id, deque())
        queue.extend(Fault(kind=kind, **params) for _ in range(count))

    # --- reading it back ---

    def account_for_token(self, token: str | None) -> FakeAccount | None:
        if not token:
            return None
        return next((a for a in self.accounts.values() if a.token == token), None)

    def take_fault(self, account_id: str) -> Fault | None:
        for key in (account_id, "*"):
            queue = self.faults.get(key)
            if queue:
                return queue.popleft()
        return None

    def posts_of(self, account_id: str) -> list[FakePost]:
        """Newest first, as the platforms list them."""
        posts = [p for p in self.posts.values() if p.account_id == account_id]
        return sorted(posts, key=lambda p: p.created_at, reverse=True)

    def comments_of_post(self, post_id: str, *, include_deleted: bool = False
                         ) -> list[FakeComment]:
        """Chronological."""
        return [c for c in self.comments.values()
                if c.post_id == post_id and (include_deleted or not c.deleted)]

    def published(self, account_id: str) -> set[str]:
        """Ids of every comment this account's posts ever had (deleted ones included)."""
        posts = {p.id for p in self.posts.values() if p.account_id == account_id}
        return {c.id for c in self.comments.values() if c.post_id in posts}


def _rand(n: int) -> str:
    alphabet = string.ascii_letters + string.digits + "_-"
    return "".join(random.choice(alphabet) for _ in range(n))
