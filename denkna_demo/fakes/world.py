"""The state behind the fake platforms: accounts, posts, comments, injected faults, OAuth clients,
codes and tokens, and a record of what the clients did (requests per account, overlapping
requests, hides, replies, subscriptions).

Comments are the server's own record, `server.comments.PlatformComment` (frozen): an edit or a
hide replaces the record. What only a platform knows about a comment lives beside it: whether it
is deleted, its YouTube moderation status, its likes (Facebook ranks comments by them).

One `FakeWorld` can back several fake platform apps at once; each app renders it in the JSON
shapes of its platform (denkna_demo/fakes/{graph,youtube,mastodon}.py). Time for tokens and
codes is the world's clock: `advance(3601)` lets an hour-long access token expire.
"""

from __future__ import annotations

import itertools
import random
import secrets
import string
import time
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from server.comments import PlatformComment

FAULT_KINDS = frozenset({"rate_limit", "server_error", "slow", "truncated", "malformed",
                         "not_found"})
MODERATION = ("published", "heldForReview", "likelySpam", "rejected")
ACCESS_TOKEN_SECONDS = 3600  # Google access tokens and Meta short-lived user tokens
LONG_LIVED_SECONDS = 60 * 86400  # Meta long-lived user tokens
CODE_SECONDS = 600  # authorization codes


@dataclass
class FakeAccount:
    id: str
    platform: str
    token: str  # a token that works from the start (handed out without OAuth)
    name: str
    username: str
    linked_page: str | None = None  # Instagram: the Facebook Page it is linked to


@dataclass
class FakePost:
    id: str
    account_id: str
    text: str
    created_at: datetime
    reblog_of: str | None = None  # Mastodon: a boost of someone else's status
    spoiler_text: str = ""


@dataclass
class Fault:
    kind: str
    delay: float = 0.0  # slow: seconds before answering
    retry_after: float = 0.05  # rate_limit: what the platform says to wait
    code: int | None = None  # rate_limit on Graph: 4, 17, 32, 613, 80001
    path: str | None = None  # only requests whose path contains this


@dataclass
class FakeClient:
    """An OAuth client: a Meta app, a Google OAuth client, or an app registered on Mastodon."""

    platform: str
    client_id: str
    secret: str
    name: str = ""
    redirect_uris: tuple[str, ...] = ()  # empty: any (Meta and Google check their own lists)
    scopes: tuple[str, ...] = ()
    configs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Meta config_id → scopes
    instance: str = ""  # Mastodon: the instance it was registered on ("": known on any)


@dataclass
class FakeCode:
    client_id: str
    redirect_uri: str
    account_ids: tuple[str, ...]
    scopes: tuple[str, ...]
    issued_at: float
    offline: bool = False  # Google: access_type=offline
    code_challenge: str | None = None
    used: bool = False


@dataclass
class FakeGrant:
    """One token: `kind` is "account" (works for `account_ids`), "user" (a Meta user: sees
    the pages in `account_ids` through /me/accounts), "refresh" (Google) or "app" (Mastodon's
    `client_credentials`: the app itself, no account)."""

    token: str
    kind: str
    account_ids: tuple[str, ...]
    client_id: str = ""
    scopes: tuple[str, ...] = ()
    expires_at: float | None = None  # world time
    revoked: bool = False


@dataclass
class FakeWorld:
    latency: float = 0.0  # seconds every request takes (makes overlapping polls visible)
    usage_pct: float = 0.0  # Graph: reported in X-App-Usage on every answer when > 0
    ranked: bool = True  # Graph: comments come back ranked (by likes), whatever `order` says
    accounts: dict[str, FakeAccount] = field(default_factory=dict)
    posts: dict[str, FakePost] = field(default_factory=dict)
    comments: dict[str, PlatformComment] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    moderation: dict[str, str] = field(default_factory=dict)  # YouTube; absent = published
    likes: Counter[str] = field(default_factory=Counter)
    muted: dict[str, set[str]] = field(default_factory=dict)  # Mastodon: account → author ids
    mentions: dict[str, set[str]] = field(default_factory=dict)  # Mastodon: account → comments
    spoilers: dict[str, str] = field(default_factory=dict)  # Mastodon: comment → content warning
    subscriptions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # page → fields
    clients: dict[str, FakeClient] = field(default_factory=dict)
    codes: dict[str, FakeCode] = field(default_factory=dict)
    grants: dict[str, FakeGrant] = field(default_factory=dict)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    token_calls: Counter[str] = field(default_factory=Counter)  # grant_type → calls
    apps_registered: Counter[str] = field(default_factory=Counter)  # Mastodon: instance → apps
    active: Counter[str] = field(default_factory=Counter)
    overlaps: Counter[str] = field(default_factory=Counter)
    actions: list[tuple[str, str, Any]] = field(default_factory=list)
    offset: float = 0.0  # seconds the world's clock is ahead of the real one
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _clock: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(hours=1))

    # --- time ---

    def now(self) -> datetime:
        """Strictly increasing timestamps (whole seconds apart, as the platforms report them)."""
        self._clock = max(self._clock + timedelta(seconds=1),
                          datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30))
        return self._clock

    def time(self) -> float:
        """The world's clock for tokens and codes (unix seconds)."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the world's clock on: tokens and codes age, comments keep their times."""
        self.offset += seconds

    def _next(self) -> int:
        return next(self._ids)

    # --- building the world ---

    def add_account(self, platform: str, account_id: str | None = None, *, name: str = "",
                    username: str = "", token: str | None = None,
                    linked_page: str | None = None) -> FakeAccount:
        n = self._next()
        if account_id is None:
            account_id = {"youtube": "UC" + _rand(22), "mastodon": str(100000 + n)}.get(
                platform, str(17841400000000 + n) if platform == "instagram" else str(
                    1000000 + n))
        account = FakeAccount(id=account_id, platform=platform,
                              token=token or secrets.token_urlsafe(16),
                              name=name or f"School {n}", username=username or f"school{n}",
                              linked_page=linked_page)
        self.accounts[account_id] = account
        self.grants[account.token] = FakeGrant(account.token, "account", (account_id,))
        return account

    def add_post(self, account_id: str, text: str = "", post_id: str | None = None, *,
                 reblog_of: str | None = None, spoiler_text: str = "") -> FakePost:
        account = self.accounts[account_id]
        n = self._next()
        if post_id is None:
            post_id = {"facebook": f"{account_id}_{n}", "youtube": _rand(11)}.get(
                account.platform, str(900000000 + n) if account.platform != "mastodon"
                else str(110000000000000000 + n * 1000))
        post = FakePost(id=post_id, account_id=account_id, text=text, created_at=self.now(),
                        reblog_of=reblog_of, spoiler_text=spoiler_text)
        self.posts[post_id] = post
        return post

    def add_comment(self, post_id: str, text: str, *, author_id: str | None = "u1",
                    author_name: str | None = "Ouder", parent_id: str | None = None,
                    comment_id: str | None = None, moderation: str = "published",
                    likes: int = 0, spoiler_text: str = "") -> PlatformComment:
        post = self.posts[post_id]
        platform = self.accounts[post.account_id].platform
        n = self._next()
        if comment_id is None:
            comment_id = {"facebook": f"{post_id.split('_')[-1]}_{n}",
                          "youtube": "Ugz" + _rand(23),
                          "mastodon": str(110000000000000000 + n * 1000)}.get(
                platform, str(17900000000000000 + n))
        comment = PlatformComment(external_id=comment_id, post_id=post_id, parent_id=parent_id,
                                  author_id=author_id, author_name=author_name, text=text,
                                  created_at=self.now())
        self.comments[comment_id] = comment
        if likes:
            self.likes[comment_id] = likes
        if spoiler_text:
            self.spoilers[comment_id] = spoiler_text
        if moderation != "published":
            self.set_moderation(comment_id, moderation)
        return comment

    def add_mention(self, account_id: str, text: str, *, author_id: str = "vreemde",
                    author_name: str = "vreemde") -> PlatformComment:
        """Mastodon: someone names the account in a thread of their own (not a reply to it)."""
        stranger = self.accounts.get(author_id) or self.add_account(
            "mastodon", author_id, name=author_name, username=author_name)
        root = self.add_post(stranger.id, "Een draadje van iemand anders")
        comment = self.add_comment(root.id, text, author_id=author_id, author_name=author_name)
        self.mentions.setdefault(account_id, set()).add(comment.external_id)
        return comment

    def add_client(self, platform: str, client_id: str | None = None,
                   secret: str | None = None, **fields: Any) -> FakeClient:
        client = FakeClient(platform=platform, client_id=client_id or secrets.token_hex(8),
                            secret=secret or secrets.token_urlsafe(24), **fields)
        self.clients[client.client_id] = client
        return client

    # --- changing it ---

    def _replace(self, comment_id: str, **changes: Any) -> PlatformComment:
        self.comments[comment_id] = replace(self.comments[comment_id], **changes)
        return self.comments[comment_id]

    def edit(self, comment_id: str, text: str) -> None:
        self._replace(comment_id, text=text, edited_at=self.now())

    def delete(self, comment_id: str) -> None:
        self.deleted.add(comment_id)

    def set_hidden(self, comment_id: str, hidden: bool) -> None:
        self._replace(comment_id, hidden=hidden)

    def set_moderation(self, comment_id: str, status: str) -> None:
        """YouTube: published, heldForReview, likelySpam or rejected (not public)."""
        if status not in MODERATION:
            raise ValueError(f"unknown moderation status {status!r}")
        self.moderation[comment_id] = status
        self._replace(comment_id, hidden=status != "published")

    def rename_author(self, author_id: str, name: str) -> None:
        """A user changes their name (Instagram: their username): ids stay, names change."""
        for cid, c in list(self.comments.items()):
            if c.author_id == author_id:
                self._replace(cid, author_name=name)

    def mute(self, account_id: str, author_id: str) -> None:
        self.muted.setdefault(account_id, set()).add(author_id)

    def expire_token(self, account_id: str) -> None:
        """Every token that works for this account stops working (expired or revoked)."""
        for grant in self.grants.values():
            if account_id in grant.account_ids and grant.kind != "refresh":
                grant.revoked = True

    def revoke_refresh_tokens(self, account_id: str) -> None:
        """The user withdraws the app's access (Google: a revoked refresh token)."""
        for grant in self.grants.values():
            if account_id in grant.account_ids:
                grant.revoked = True

    def renew_token(self, account_id: str) -> str:
        account = self.accounts[account_id]
        account.token = secrets.token_urlsafe(16)
        self.grants[account.token] = FakeGrant(account.token, "account", (account_id,))
        return account.token

    def issue(self, kind: str, account_ids: tuple[str, ...], *, client_id: str = "",
              scopes: tuple[str, ...] = (), seconds: float | None = None) -> FakeGrant:
        grant = FakeGrant(token=secrets.token_urlsafe(24), kind=kind, account_ids=account_ids,
                          client_id=client_id, scopes=scopes,
                          expires_at=None if seconds is None else self.time() + seconds)
        self.grants[grant.token] = grant
        return grant

    def issue_code(self, client_id: str, redirect_uri: str, account_ids: tuple[str, ...],
                   scopes: tuple[str, ...], **extra: Any) -> str:
        code = secrets.token_urlsafe(18)
        self.codes[code] = FakeCode(client_id=client_id, redirect_uri=redirect_uri,
                                    account_ids=account_ids, scopes=scopes,
                                    issued_at=self.time(), **extra)
        return code

    def take_code(self, code: str, client_id: str, redirect_uri: str) -> FakeCode | None:
        """The code, once, if it is for this client and redirect URI and not expired."""
        found = self.codes.get(code)
        if (found is None or found.used or found.client_id != client_id
                or found.redirect_uri != redirect_uri
                or self.time() > found.issued_at + CODE_SECONDS):
            return None
        found.used = True
        return found

    def inject(self, account_id: str, kind: str, count: int = 1, **params: Any) -> None:
        """Queue `count` faults for the next requests of an account ("*": any account);
        `path="/context"` limits them to requests whose path contains it."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {sorted(FAULT_KINDS)}")
        queue = self.faults.setdefault(account_id, deque())
        queue.extend(Fault(kind=kind, **params) for _ in range(count))

    def forget_client(self, client_id: str) -> None:
        """The platform no longer knows this OAuth client (a Mastodon admin deleted the app, or
        the instance cleaned it up): its codes and tokens die with it, and the token endpoint
        and authorize answer `invalid_client` (401)."""
        self.clients.pop(client_id, None)
        for grant in self.grants.values():
            if grant.client_id == client_id:
                grant.revoked = True
        for code in self.codes.values():
            if code.client_id == client_id:
                code.used = True

    # --- reading it back ---

    def client_of(self, client_id: str, *platforms: str) -> FakeClient | None:
        """The OAuth client with this id, if it belongs to one of `platforms`."""
        client = self.clients.get(client_id)
        return client if client is not None and client.platform in platforms else None

    def grant_for(self, token: str | None) -> FakeGrant | None:
        """The grant of a working token (not revoked, not expired), else None."""
        grant = self.grants.get(token or "")
        if grant is None or grant.revoked or grant.kind == "refresh":
            return None
        if grant.expires_at is not None and self.time() >= grant.expires_at:
            return None
        return grant

    def account_for_token(self, token: str | None) -> FakeAccount | None:
        grant = self.grant_for(token)
        if grant is None or grant.kind != "account" or not grant.account_ids:
            return None
        return self.accounts.get(grant.account_ids[0])

    def take_fault(self, account_id: str, path: str = "") -> Fault | None:
        for key in (account_id, "*"):
            queue = self.faults.get(key)
            if not queue:
                continue
            for fault in list(queue):
                if fault.path is None or fault.path in path:
                    queue.remove(fault)
                    return fault
        return None

    def is_deleted(self, comment_id: str) -> bool:
        return comment_id in self.deleted

    def status(self, comment_id: str) -> str:
        return self.moderation.get(comment_id, "published")

    def posts_of(self, account_id: str) -> list[FakePost]:
        """Newest first, as the platforms list them."""
        posts = [p for p in self.posts.values() if p.account_id == account_id]
        return sorted(posts, key=lambda p: p.created_at, reverse=True)

    def comments_of_post(self, post_id: str, *, include_deleted: bool = False
                         ) -> list[PlatformComment]:
        """Chronological."""
        return [c for c in self.comments.values()
                if c.post_id == post_id and (include_deleted or c.external_id not in self.deleted)]

    def instagram_of(self, page_id: str) -> FakeAccount | None:
        return next((a for a in self.accounts.values()
                     if a.platform == "instagram" and a.linked_page == page_id), None)

    def published(self, account_id: str) -> set[str]:
        """Ids of every comment this account's posts ever had (deleted ones included)."""
        posts = {p.id for p in self.posts.values() if p.account_id == account_id}
        return {c.external_id for c in self.comments.values() if c.post_id in posts}


def _rand(n: int) -> str:
    alphabet = string.ascii_letters + string.digits + "_-"
    return "".join(random.choice(alphabet) for _ in range(n))
