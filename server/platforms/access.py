"""`connector_for(app, account_id)`: a ready connector for one stored account (grant decrypted,
platform settings and per-account overrides applied, the monitor's HTTP session shared).

    async with await connector_for(app, account_id) as conn:
        reply_id = await conn.post_reply(post_or_comment_id, text)

An access token that expires (Google's last an hour) is renewed from the stored refresh token
shortly before it does, and again when the platform says it expired; the new one is stored
(encrypted) for the next poll. `reply_poster(app)` is `connector_for` as the
`app[keys.REPLY_POSTER]` hook the dashboard uses to place a leadership statement under a post.
"""

from __future__ import annotations

import time

from aiohttp import web

from server import keys
from server.platforms.base import AuthExpired, Connector, load_settings
from server.platforms.credentials import Grant, load_grant, store_grant
from server.platforms.oauth import REFRESH_MARGIN, client_for, google_refresh
from server.platforms.registry import connector_class
from server.storage.models import Account, Thread


async def connector_for(app: web.Application, account_id: int) -> Connector:
    """Raises LookupError (no such account) or CredentialError (no usable token)."""
    async with app[keys.DB].session() as s:
        account = await s.get(Account, account_id)
        if account is None:
            raise LookupError(f"account {account_id} bestaat niet")
        grant = await load_grant(s, app[keys.SECRET_KEY], account_id)
    return await build_connector(app, account, grant)


async def build_connector(app: web.Application, account: Account, grant: Grant,
                          now: float | None = None) -> Connector:
    """A connector for `account` with `grant`; renews the access token first when it expires
    within REFRESH_MARGIN (AuthExpired when the refresh token no longer works)."""
    monitor = app[keys.MONITOR]
    overrides = {**monitor.settings.platforms.get(account.platform, {}),
                 **(account.settings or {}).get("api", {})}
    settings = load_settings(account.platform, overrides)
    current = grant
    refresh = None
    if grant.refresh_token:
        client = client_for(monitor.settings.platforms, account.platform)

        async def refresh() -> str:
            nonlocal current
            if client is None:
                raise AuthExpired("geen OAuth-client ingesteld om het token te vernieuwen")
            current = await google_refresh(monitor.session(), settings, client, current)
            async with app[keys.DB].session() as s:
                await store_grant(s, app[keys.SECRET_KEY], account.id, current)
            return current.access_token

        if grant.expires_within(REFRESH_MARGIN, time.time() if now is None else now):
            await refresh()
    cls = connector_class(account.platform)
    return cls(account_external_id=account.external_id, token=current.access_token,
               settings=settings, session=monitor.session(), account_settings=account.settings,
               refresh=refresh)


def reply_poster(app: web.Application) -> keys.ReplyPoster:
    async def post(account: Account, thread: Thread, text: str) -> str:
        async with await connector_for(app, account.id) as connector:
            return await connector.post_reply(thread.external_post_id, text)

    return post
