"""The Instagram connector against a fake professional account: authors by user id, every recent
media item."""

from __future__ import annotations

from tests.schedules.conftest import Monitored
from tests.server.platforms.polling import poll, rows


async def test_the_author_is_the_user_id_not_the_username(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("instagram")
    media = m.world.add_post(fake.id, "Foto's van het schoolfeest")
    first = m.world.add_comment(media.id, "Mooie foto's!", author_id="17841400999",
                                author_name="ouder_anna")
    await poll(m, account_id)
    m.world.rename_author("17841400999", "anna.de.vries")
    later = m.world.add_comment(media.id, "Wanneer komen de volgende?",
                                author_id="17841400999", author_name="anna.de.vries")
    await poll(m, account_id)
    stored = await rows(m, account_id)
    assert stored[first.external_id].author_external_id == "17841400999"
    assert stored[later.external_id].author_external_id == "17841400999"
    assert stored[later.external_id].author_name == "anna.de.vries"


async def test_every_media_item_of_the_last_two_weeks_is_read(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("instagram")
    media = [m.world.add_post(fake.id, f"Foto {i}") for i in range(40)]
    oldest = m.world.add_comment(media[0].id, "Een reactie op de eerste foto")
    await poll(m, account_id)
    assert oldest.external_id in await rows(m, account_id)


async def test_a_deleted_comment_is_recorded(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("instagram")
    media = m.world.add_post(fake.id, "Kerstmarkt")
    keep = m.world.add_comment(media.id, "Gezellig!")
    gone = m.world.add_comment(media.id, "Wat een waardeloze markt")
    await poll(m, account_id)
    m.world.delete(gone.external_id)
    await poll(m, account_id)
    stored = await rows(m, account_id)
    assert stored[gone.external_id].deleted_at is not None
    assert stored[keep.external_id].deleted_at is None
