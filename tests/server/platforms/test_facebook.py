"""The Facebook connector against a fake Page that behaves like Meta's: ranked comments,
cursors that die with their comment, more posts than fit on one page."""

from __future__ import annotations

from tests.schedules.conftest import Monitored
from tests.server.platforms.polling import Outcome, poll, rows, state


async def test_a_comment_deleted_between_polls_does_not_stop_polling(monitored: Monitored
                                                                     ) -> None:
    m = monitored
    m.world.ranked = False  # time order: a saved cursor would point at the deleted comment
    account_id, fake = await m.add_account("facebook")
    post = m.world.add_post(fake.id, "Schoolreis naar de Efteling")
    first = [m.world.add_comment(post.id, f"Reactie {i}", author_id=f"u{i}") for i in range(12)]
    assert await poll(m, account_id) == [Outcome.OK]
    for c in first[-3:]:  # the last comments of each page a cursor could point at
        m.world.delete(c.external_id)
    m.world.delete(first[4].external_id)
    late = m.world.add_comment(post.id, "Hoe laat zijn de kinderen terug?")
    assert await poll(m, account_id, times=3) == [Outcome.OK] * 3
    stored = await rows(m, account_id)
    assert late.external_id in stored
    gone = {first[4].external_id, *(c.external_id for c in first[-3:])}
    assert {cid for cid, row in stored.items() if row.deleted_at is not None} == gone
    assert (await state(m, account_id)).consecutive_failures == 0


async def test_ranked_comments_are_all_read(monitored: Monitored) -> None:
    """Meta returns comments ranked (most liked first), whatever `order` asks."""
    m = monitored
    account_id, fake = await m.add_account("facebook")
    post = m.world.add_post(fake.id, "Open dag")
    for i in range(8):
        m.world.add_comment(post.id, f"Eerste ronde {i}")
    await poll(m, account_id)
    popular = m.world.add_comment(post.id, "Kunnen we ook op zaterdag komen?", likes=40)
    reply = m.world.add_comment(post.id, "Ja, van 10 tot 12.", parent_id=popular.external_id)
    await poll(m, account_id)
    stored = await rows(m, account_id)
    assert {popular.external_id, reply.external_id} <= set(stored)
    assert len(stored) == 10


async def test_every_post_of_the_last_two_weeks_is_read(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("facebook")
    posts = [m.world.add_post(fake.id, f"Bericht {i}") for i in range(40)]
    oldest = m.world.add_comment(posts[0].id, "Nog een vraag over het eerste bericht")
    await poll(m, account_id)
    assert oldest.external_id in await rows(m, account_id)


async def test_hides_and_edits_are_seen_without_webhooks(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("facebook")
    post = m.world.add_post(fake.id, "Sportdag")
    c = m.world.add_comment(post.id, "Leuk georganiseerd")
    other = m.world.add_comment(post.id, "Wat een sukkels daar")
    await poll(m, account_id)
    m.world.edit(c.external_id, "Leuk georganiseerd, maar te warm")
    m.world.set_hidden(other.external_id, True)  # hidden by a moderator on Facebook itself
    await poll(m, account_id, times=10)
    stored = await rows(m, account_id)
    assert stored[c.external_id].text == "Leuk georganiseerd, maar te warm"
    assert stored[other.external_id].hidden and stored[other.external_id].deleted_at is None
