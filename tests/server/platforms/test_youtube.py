"""The YouTube connector against a fake channel that behaves like the Data API: comments held
for review, rejected comments, deletions, the daily quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.schedules.conftest import Monitored
from tests.server.platforms.polling import Outcome, poll, rows, state


async def test_held_for_review_and_likely_spam_comments_are_scored(monitored: Monitored
                                                                  ) -> None:
    m = monitored
    account_id, fake = await m.add_account("youtube")
    video = m.world.add_post(fake.id, "Musical groep 8")
    public = m.world.add_comment(video.id, "Prachtig gezongen!")
    held = m.world.add_comment(video.id, "Die juf is echt een kankerwijf",
                               moderation="heldForReview")
    spam = m.world.add_comment(video.id, "Jij bent zo lelijk, ga dood", moderation="likelySpam")
    await poll(m, account_id)
    stored = await rows(m, account_id)
    assert {public.external_id, held.external_id, spam.external_id} <= set(stored)
    for cid in (held.external_id, spam.external_id):
        assert stored[cid].hidden, "not public on YouTube"
        assert stored[cid].flagged and max(stored[cid].scores.values()) > 0.5
    assert not stored[public.external_id].hidden


async def test_a_rejected_comment_is_hidden_not_deleted(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("youtube")
    video = m.world.add_post(fake.id, "Sportdag")
    rude = m.world.add_comment(video.id, "Wat een loser is die meester")
    other = m.world.add_comment(video.id, "Ook een rotopmerking", author_id="UCander")
    keep = m.world.add_comment(video.id, "Leuk filmpje")
    await poll(m, account_id)
    m.world.set_moderation(rude.external_id, "rejected")  # by the school, in YouTube Studio
    async with await _connector(m, account_id) as conn:  # by Denkna: not the channel's own
        await conn.delete(other.external_id)
    assert m.world.status(other.external_id) == "rejected"
    await poll(m, account_id)
    stored = await rows(m, account_id)
    for cid in (rude.external_id, other.external_id):
        assert stored[cid].hidden and stored[cid].deleted_at is None
    assert not stored[keep.external_id].hidden


async def test_deleted_comments_and_replies_are_recorded(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("youtube")
    video = m.world.add_post(fake.id, "Kerstviering")
    top = m.world.add_comment(video.id, "Mooi!")
    replies = [m.world.add_comment(video.id, f"Antwoord {i}", parent_id=top.external_id)
               for i in range(3)]
    gone_top = m.world.add_comment(video.id, "Dit haal ik zo weg")
    await poll(m, account_id)
    m.world.delete(replies[1].external_id)
    m.world.delete(gone_top.external_id)
    await poll(m, account_id)
    stored = await rows(m, account_id)
    deleted = {cid for cid, row in stored.items() if row.deleted_at is not None}
    assert deleted == {replies[1].external_id, gone_top.external_id}
    assert not any(row.hidden for row in stored.values())


async def test_quota_waits_until_midnight_pacific_time(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("youtube")
    m.world.add_comment(m.world.add_post(fake.id, "Nieuws").id, "hoi")
    m.world.inject(fake.id, "rate_limit", code=403)
    assert await poll(m, account_id) == [Outcome.RATE_LIMITED]
    pacific = ZoneInfo("America/Los_Angeles")
    local = datetime.now(UTC).astimezone(pacific)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                tzinfo=pacific)
    wait = (await state(m, account_id)).next_attempt_at - datetime.now(UTC)
    until = midnight - local
    assert until - timedelta(seconds=5) <= wait <= until * 1.25 + timedelta(seconds=5)


async def _connector(m: Monitored, account_id: int):
    from server.platforms.access import connector_for

    return await connector_for(m.app, account_id)
