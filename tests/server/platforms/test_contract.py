"""One contract for all four connectors, each against its fake platform."""

from __future__ import annotations

import pytest

from server.comments import PlatformComment
from server.platforms.base import AuthExpired, NotSupported
from tests.server.platforms.conftest import Env


def _by_id(items: list[PlatformComment]) -> dict[str, PlatformComment]:
    return {c.external_id: c for c in items}


async def _drain(env: Env, cursor: dict | None) -> tuple[dict[str, PlatformComment], dict]:
    items, cursor = await env.connector.list_new(cursor)
    return _by_id(items), cursor


async def test_lists_comments_and_replies_once_per_cursor(env: Env) -> None:
    world = env.world
    post = world.add_post(env.account.id, "Welkom op de open dag!")
    top = world.add_comment(post.id, "Leuk, we komen zeker!", author_name="Ouder A")
    reply = world.add_comment(post.id, "Wij ook", parent_id=top.external_id, author_id="u2",
                              author_name="Ouder B")
    got, cursor = await _drain(env, None)
    assert set(got) == {top.external_id, reply.external_id}
    assert got[top.external_id].text == "Leuk, we komen zeker!"
    assert got[top.external_id].post_id == post.id and got[top.external_id].parent_id is None
    assert got[reply.external_id].parent_id == top.external_id
    assert got[reply.external_id].created_at >= got[top.external_id].created_at
    again, cursor = await _drain(env, cursor)
    assert again == {}, "an unchanged account yields nothing new"
    late = world.add_comment(post.id, "Hoe laat begint het?")
    got, cursor = await _drain(env, cursor)
    assert late.external_id in got
    assert got[late.external_id].text == "Hoe laat begint het?"


async def test_follows_pages(env: Env) -> None:
    post = env.world.add_post(env.account.id, "Schoolreis")
    ids = {env.world.add_comment(post.id, f"reactie {i}").external_id for i in range(13)}
    tops = list(ids)
    ids |= {env.world.add_comment(post.id, f"antwoord {i}", parent_id=tops[0]).external_id
            for i in range(7)}
    got, _ = await _drain(env, None)
    assert set(got) == ids


async def test_skips_and_counts_malformed_items(env: Env) -> None:
    post = env.world.add_post(env.account.id, "Sportdag")
    good = env.world.add_comment(post.id, "Top georganiseerd")
    env.world.inject("*", "malformed", count=3)
    got, _ = await _drain(env, None)
    assert good.external_id in got
    assert env.connector.skipped_malformed >= 3


@pytest.mark.parametrize("fault", ["rate_limit", "server_error", "truncated"])
async def test_retries_through_faults(env: Env, fault: str) -> None:
    post = env.world.add_post(env.account.id, "Kerstviering")
    ids = {env.world.add_comment(post.id, f"Fijne feestdagen {i}").external_id
           for i in range(8)}
    env.world.inject(env.account.id, fault, count=3)
    got, _ = await _drain(env, None)
    assert set(got) == ids
    assert not env.world.faults[env.account.id], "the faults were really served"


async def test_times_out_slow_answers_and_retries(env: Env) -> None:
    post = env.world.add_post(env.account.id, "Ouderavond")
    c = env.world.add_comment(post.id, "Duidelijk verhaal")
    connector = env.connect(retry_timeout=0.2)
    env.world.inject(env.account.id, "slow", count=1, delay=0.5)
    try:
        items, _ = await connector.list_new(None)
    finally:
        await connector.close()
    assert c.external_id in _by_id(items)


async def test_expired_token_raises_auth_expired(env: Env) -> None:
    env.world.add_post(env.account.id, "Rapportavond")
    env.world.expire_token(env.account.id)
    with pytest.raises(AuthExpired):
        await env.connector.list_new(None)


async def test_reply_as_the_account(env: Env) -> None:
    post = env.world.add_post(env.account.id, "Nieuws")
    top = env.world.add_comment(post.id, "Waarom is de school dicht?")
    new_id = await env.connector.post_reply(top.external_id, "Vanwege een studiedag, zie de brief.")
    assert new_id in env.world.comments
    created = env.world.comments[new_id]
    assert created.parent_id == top.external_id and created.author_id == env.account.id
    got, _ = await _drain(env, None)
    assert got[new_id].author_id in (env.account.id, env.account.username)


async def test_statement_under_the_post(env: Env) -> None:
    post = env.world.add_post(env.account.id, "Nieuws")
    env.world.add_comment(post.id, "Eerste")
    new_id = await env.connector.post_reply(post.id, "Verklaring van de schoolleiding.")
    assert env.world.comments[new_id].post_id == post.id
    assert env.world.comments[new_id].parent_id is None


async def test_hide_or_offer_mute(env: Env) -> None:
    post = env.world.add_post(env.account.id, "Nieuws")
    bad = env.world.add_comment(post.id, "Wat een rotschool", author_id="troll1")
    if env.connector.capabilities.hide:
        await env.connector.hide(bad.external_id, True)
        assert env.world.comments[bad.external_id].hidden
        got, _ = await _drain(env, None)
        assert got[bad.external_id].hidden
        await env.connector.hide(bad.external_id, False)
        assert not env.world.comments[bad.external_id].hidden
    else:
        with pytest.raises(NotSupported):
            await env.connector.hide(bad.external_id, True)
        assert env.connector.capabilities.mute_author
        await env.connector.mute_author("troll1")
        assert ("mute", "troll1", None) in env.world.actions


async def test_delete_when_supported(env: Env) -> None:
    post = env.world.add_post(env.account.id, "Nieuws")
    bad = env.world.add_comment(post.id, "spam spam")
    if not env.connector.capabilities.delete:
        with pytest.raises(NotSupported):
            await env.connector.delete(bad.external_id)
        return
    await env.connector.delete(bad.external_id)
    if env.account.platform == "youtube":  # only its author may delete it: rejected instead
        assert not env.world.is_deleted(bad.external_id)
        assert env.world.status(bad.external_id) == "rejected"
    else:
        assert env.world.is_deleted(bad.external_id)
    got, _ = await _drain(env, None)
    assert bad.external_id not in got


async def test_edits_are_seen_by_polling(env: Env) -> None:
    """YouTube and Mastodon show edits at once; Meta moves nothing on an edit, so its connectors
    see edits at their periodic sweep (every 10 polls), besides the webhooks."""
    post = env.world.add_post(env.account.id, "Nieuws")
    c = env.world.add_comment(post.id, "eerste versie")
    _, cursor = await _drain(env, None)
    env.world.edit(c.external_id, "tweede versie")
    polls = 0
    while polls < 10:
        polls += 1
        got, cursor = await _drain(env, cursor)
        if c.external_id in got:
            break
    assert got[c.external_id].text == "tweede versie"
    if env.account.platform in ("youtube", "mastodon"):
        assert polls == 1 and got[c.external_id].edited_at is not None


async def test_facebook_author_may_be_unknown() -> None:
    from denkna_demo.fakes import FakePlatformServer, FakeWorld
    from server.platforms.facebook import FacebookConnector
    world = FakeWorld()
    account = world.add_account("facebook")
    post = world.add_post(account.id, "Nieuws")
    c = world.add_comment(post.id, "anoniem", author_id=None, author_name=None)
    async with FakePlatformServer(world, "facebook") as server:
        conn = FacebookConnector(account_external_id=account.id, token=account.token,
                                 account_settings={"base_url": server.url})
        async with conn:
            items, _ = await conn.list_new(None)
    assert items[0].external_id == c.external_id and items[0].author_id is None


def test_mastodon_html_to_text() -> None:
    from server.platforms.mastodon import html_to_text
    assert html_to_text("<p>Hoi &amp; welkom<br />juf</p><p>tot <a href='x'>morgen</a></p>") == (
        "Hoi & welkom\njuf\n\ntot morgen")


async def test_mastodon_follows_the_link_header() -> None:
    from denkna_demo.fakes import FakePlatformServer, FakeWorld
    from server.platforms.mastodon import MastodonConnector
    world = FakeWorld()
    account = world.add_account("mastodon")
    posts = [world.add_post(account.id, f"toot {i}") for i in range(45)]
    ids = {world.add_comment(p.id, "reactie").external_id for p in posts}
    async with FakePlatformServer(world, "mastodon") as server:
        conn = MastodonConnector(account_external_id=account.id, token=account.token,
                                 account_settings={"base_url": server.url, "max_posts": 60})
        async with conn:
            items, _ = await conn.list_new(None)
    assert {c.external_id for c in items} == ids


async def test_a_deletion_plus_a_new_reply_is_not_missed(env: Env) -> None:
    post = env.world.add_post(env.account.id, "Nieuws")
    top = env.world.add_comment(post.id, "eerste")
    old = env.world.add_comment(post.id, "oud antwoord", parent_id=top.external_id)
    _, cursor = await _drain(env, None)
    env.world.delete(old.external_id)
    new = env.world.add_comment(post.id, "nieuw antwoord", parent_id=top.external_id)
    found: set[str] = set()
    for _ in range(10):  # Instagram finds it at its periodic full sweep
        got, cursor = await _drain(env, cursor)
        found |= set(got)
        if new.external_id in found:
            break
    assert new.external_id in found
