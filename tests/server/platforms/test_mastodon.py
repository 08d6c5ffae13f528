"""The Mastodon connector against a fake instance: mutes, boosts, content warnings, a post that
disappears, mentions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.schedules.conftest import Monitored
from tests.server.platforms.polling import Outcome, poll, rows


async def test_muting_an_author_does_not_mark_their_replies_deleted(monitored: Monitored
                                                                   ) -> None:
    m = monitored
    account_id, fake = await m.add_account("mastodon")
    post = m.world.add_post(fake.id, "Morgen studiedag")
    troll = [m.world.add_comment(post.id, f"Wat een rotschool {i}", author_id="999")
             for i in range(3)]
    normal = m.world.add_comment(post.id, "Dank voor het laten weten", author_id="123")
    gone = m.world.add_comment(post.id, "Dit verwijder ik zo", author_id="124")
    await poll(m, account_id)
    from server.platforms.access import connector_for
    async with await connector_for(m.app, account_id) as conn:
        await conn.mute_author("999")  # what Denkna offers instead of hiding
    m.world.delete(gone.external_id)
    m.world.add_comment(post.id, "Nog een vraag: is de opvang open?", author_id="125")
    assert await poll(m, account_id) == [Outcome.OK]
    stored = await rows(m, account_id)
    assert all(stored[c.external_id].deleted_at is None for c in troll)
    assert stored[normal.external_id].deleted_at is None
    assert stored[gone.external_id].deleted_at is not None


async def test_boosts_of_others_are_not_read_as_own_posts(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("mastodon")
    stranger = m.world.add_account("mastodon", name="Gemeente")
    theirs = m.world.add_post(stranger.id, "Wegafsluiting bij de school")
    m.world.add_comment(theirs.id, "Reactie bij de gemeente", author_id="77")
    m.world.add_post(fake.id, "", reblog_of=theirs.id)
    own = m.world.add_post(fake.id, "Ons eigen bericht")
    mine = m.world.add_comment(own.id, "Reactie bij de school", author_id="78")
    await poll(m, account_id)
    assert set(await rows(m, account_id)) == {mine.external_id}


async def test_a_content_warning_is_scored_with_the_text(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("mastodon")
    post = m.world.add_post(fake.id, "Uitslag van de verkiezing")
    cw = m.world.add_comment(post.id, "Zie hierboven.", author_id="88",
                             spoiler_text="Die directeur is een kankerlijer")
    await poll(m, account_id)
    row = (await rows(m, account_id))[cw.external_id]
    assert "kankerlijer" in row.text and "Zie hierboven." in row.text
    assert row.flagged


async def test_a_post_that_disappears_mid_poll_does_not_fail_the_poll(monitored: Monitored
                                                                     ) -> None:
    m = monitored
    account_id, fake = await m.add_account("mastodon")
    posts = [m.world.add_post(fake.id, f"Bericht {i}") for i in range(3)]
    ids = {m.world.add_comment(p.id, "Reactie").external_id for p in posts}
    m.world.inject(fake.id, "not_found", path="/context")  # deleted between list and read
    assert await poll(m, account_id) == [Outcome.OK]
    assert await poll(m, account_id) == [Outcome.OK]
    assert set(await rows(m, account_id)) == ids


async def test_every_post_of_the_last_two_weeks_is_read(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("mastodon")
    posts = [m.world.add_post(fake.id, f"Toot {i}") for i in range(45)]
    oldest = m.world.add_comment(posts[0].id, "Reactie op de eerste toot")
    await poll(m, account_id)
    assert oldest.external_id in await rows(m, account_id)


async def test_mentions_reach_old_posts_and_other_threads(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("mastodon")
    old = m.world.add_post(fake.id, "Vorige maand: de nieuwe gymzaal")
    old.created_at = datetime.now(UTC) - timedelta(days=40)
    recent = m.world.add_post(fake.id, "Vandaag")
    m.world.add_comment(recent.id, "Eerste")
    await poll(m, account_id)  # notes where the mentions are
    late = m.world.add_comment(old.id, "Is de gymzaal nu eindelijk klaar?", author_id="61")
    elsewhere = m.world.add_mention(fake.id, "@school jullie juf is een sukkel",
                                    author_id="62", author_name="boze_ouder")
    await poll(m, account_id)
    stored = await rows(m, account_id)
    assert late.external_id in stored
    assert elsewhere.external_id in stored and stored[elsewhere.external_id].flagged
