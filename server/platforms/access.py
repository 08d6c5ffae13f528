"""`connector_for(app, account_id)`: a ready connector for one stored account (token decrypted,
platform settings and per-account overrides applied, the monitor's HTTP session shared).

    async with await connector_for(app, account_id) as conn:
        reply_id = await conn.post_reply(post_or_comment_id, text)

`reply_poster(app)` is that, as the `app[keys.REPLY_POSTER]` hook the dashboard uses to place
a leadership statement under a post.
"""

from __future__ import annotations

from aiohttp import web

from server import keys
from server.platforms.base import Connector, load_settings
from server.platforms.credentials import load_token
from server.platforms.registry import connector_class
from server.storage.models import Account, Thread


async def connector_for(app: web.Application, account_id: int) -> Connector:
    """Raises LookupError (no such account) or CredentialError (no usable token)."""
    async with app[keys.DB].session() as s:
        account = await s.get(Account, account_id)
        if account is None:
            raise LookupError(f"account {account_id} bestaat niet")
        token = await load_token(s, app[keys.SECRET_KEY], account_id)
    monitor = app[keys.MONITOR]
    overrides = {**monitor.settings.platforms.get(account.platform, {}),
                 **(account.settings or {}).get("api", {})}
    cls = connector_class(account.platform)
    return cls(account_external_id=account.external_id, token=token,
               settings=load_settings(account.platform, overrides),
               session=monitor.session(), account_settings=account.settings)


def reply_poster(app: web.Application) -> keys.ReplyPoster:
    async def post(account: Account, thread: Thread, text: str) -> str:
        async with await connector_for(app, account.id) as connector:
            return await connector.post_reply(thread.external_post_id, text)

    return post
