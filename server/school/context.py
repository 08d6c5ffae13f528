"""What the server knows of a school when it scores or answers for it: its protocol (to cite
the school's own articles) and its consent list (passed into scoring as data). Cached per
process for a few seconds (like the thresholds), dropped at once when the school changes them
here; other instances see a change within TTL seconds."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from aiohttp import web

from classifiers.document import Context
from classifiers.personal_data.consent import ConsentList
from server import keys
from server.school import consent_store, protocol
from server.school.protocol import SchoolProtocol

TTL = 10.0


@dataclass(frozen=True)
class SchoolContext:
    protocol: SchoolProtocol
    consent: ConsentList

    def context_for(self, text: str, ctx: Context | None) -> Context:
        """The scoring context of `text` with the listed pupils it may name (only those)."""
        named = self.consent.relevant(text)
        ctx = ctx or Context()
        return replace(ctx, named_pupils=named) if named else ctx


CACHE = web.AppKey("school_context_cache", dict)


def empty() -> SchoolContext:
    """For requests without a school (admin, board): the default protocol, no list."""
    return SchoolContext(SchoolProtocol.defaults(""), ConsentList(()))


async def school_context(app: web.Application, school_id: int | None) -> SchoolContext:
    if school_id is None:
        return empty()
    cache = app.get(CACHE, {})  # an app without the school feature: no caching
    hit = cache.get(school_id)
    now = time.monotonic()
    if hit and now - hit[0] < TTL:
        return hit[2]
    async with app[keys.DB].session() as s:
        proto = await protocol.load(s, school_id)
        # the list itself is read again only when another import replaced it
        info = await consent_store.summary(s, school_id)
        version = info.get("at") if info else None
        if hit and hit[1] == version:
            consent = hit[2].consent
        else:
            consent = await consent_store.consent_list(s, school_id)
    value = SchoolContext(proto, consent)
    cache[school_id] = (now, version, value)
    return value


def forget(app: web.Application, school_id: int) -> None:
    if CACHE in app:
        app[CACHE].pop(school_id, None)
