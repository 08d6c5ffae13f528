"""Meta webhooks through the real app: handshake, signatures, idempotent storage."""

from __future__ import annotations

import json

from sqlalchemy import select

from server import keys
from server.platforms.webhooks import sign
from server.storage.models import Comment
from tests.schedules.conftest import Monitored

SECRET = "app-geheim"


def feed(page_id: str, verb: str, comment_id: str, message: str = "", post: str = "p_1",
         parent: str | None = None, time: int = 1_732_280_000) -> dict:
    value = {"item": "comment", "verb": verb, "comment_id": comment_id, "post_id": post,
             "parent_id": parent or post, "message": message, "created_time": time,
             "from": {"id": "ouder-7", "name": "Ouder Zeven"}}
    return {"object": "page", "entry": [{"id": page_id, "time": time + 60,
                                         "changes": [{"field": "feed", "value": value}]}]}


async def _post(m: Monitored, payload: dict | bytes, secret: str | None = SECRET,
                header: str | None = None):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Hub-Signature-256"] = header
    elif secret is not None:
        headers["X-Hub-Signature-256"] = sign(secret, raw)
    return await m.client.post("/webhooks/meta", data=raw, headers=headers)


async def _comments(m: Monitored) -> dict[str, Comment]:
    async with m.app[keys.DB].session() as s:
        return {c.external_id: c for c in (await s.execute(select(Comment))).scalars()}


async def test_verification_handshake(monitored: Monitored) -> None:
    ok = await monitored.client.get("/webhooks/meta", params={
        "hub.mode": "subscribe", "hub.verify_token": "verifieer-mij",
        "hub.challenge": "1158201444"})
    assert ok.status == 200 and await ok.text() == "1158201444"
    bad = await monitored.client.get("/webhooks/meta", params={
        "hub.mode": "subscribe", "hub.verify_token": "fout", "hub.challenge": "1"})
    assert bad.status == 403
    assert (await bad.json())["error"]["code"] == "verification_failed"


async def test_valid_signature_stored_once_even_when_replayed(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("facebook")
    payload = feed(fake.id, "add", "p_1_100", "Waarom is er geen gym vandaag?")
    for _ in range(3):  # Meta retries deliveries
        resp = await _post(m, payload)
        assert resp.status == 200, await resp.text()
    stored = await _comments(m)
    assert list(stored) == ["p_1_100"]
    assert stored["p_1_100"].account_id == account_id
    assert stored["p_1_100"].author_external_id == "ouder-7"
    assert stored["p_1_100"].parent_external_id is None


async def test_invalid_signature_is_401_and_stores_nothing(monitored: Monitored) -> None:
    m = monitored
    _, fake = await m.add_account("facebook")
    payload = feed(fake.id, "add", "p_1_200", "hallo")
    for resp in (await _post(m, payload, secret="verkeerd-geheim"),
                 await _post(m, payload, secret=None),
                 await _post(m, payload, header="sha256=" + "0" * 64),
                 await _post(m, json.dumps(payload).encode() + b" ",
                             header=sign(SECRET, json.dumps(payload).encode()))):
        assert resp.status == 401
        assert (await resp.json())["error"]["code"] == "invalid_signature"
    assert await _comments(m) == {}


async def test_signed_garbage_is_a_clear_400(monitored: Monitored) -> None:
    resp = await _post(monitored, b'{"object": "page", "entry": [')
    assert resp.status == 400
    assert (await resp.json())["error"]["code"] == "invalid_json"


async def test_edit_hide_and_remove(monitored: Monitored) -> None:
    m = monitored
    _, fake = await m.add_account("facebook")
    await _post(m, feed(fake.id, "add", "p_1_300", "Mooie foto's"))
    await _post(m, feed(fake.id, "add", "p_1_301", "Dank!", parent="p_1_300"))
    await _post(m, feed(fake.id, "edited", "p_1_300", "Mooie foto's, kankerschool"))
    await _post(m, feed(fake.id, "hide", "p_1_301"))
    await _post(m, feed(fake.id, "remove", "p_1_301"))
    stored = await _comments(m)
    assert stored["p_1_300"].text == "Mooie foto's, kankerschool"
    assert stored["p_1_300"].edited_at is not None
    assert stored["p_1_301"].parent_external_id == "p_1_300"
    assert stored["p_1_301"].hidden and stored["p_1_301"].deleted_at is not None


async def test_instagram_comment(monitored: Monitored) -> None:
    m = monitored
    _, fake = await m.add_account("instagram")
    payload = {"object": "instagram", "entry": [{"id": fake.id, "time": 1_732_280_000, "changes": [
        {"field": "comments", "value": {"id": "1790001", "text": "Top!",
                                        "from": {"id": "42", "username": "ouder_42"},
                                        "media": {"id": "9001", "media_product_type": "FEED"}}},
        {"field": "comments", "value": {"id": 5, "text": ["fout"]}}]}]}
    resp = await _post(m, payload)
    assert resp.status == 200
    assert (await resp.json())["skipped"] == 1
    stored = await _comments(m)
    assert list(stored) == ["1790001"]
    # keyed by the Instagram user id: a username can change
    assert stored["1790001"].author_external_id == "42"
    assert stored["1790001"].author_name == "ouder_42"


async def test_webhook_routes_are_in_the_openapi_document(monitored: Monitored) -> None:
    resp = await monitored.client.get("/api/v1/openapi.json")
    spec = await resp.json()
    assert "post" in spec["paths"]["/webhooks/meta"]
    assert "/api/v1/accounts/{id}/health" in spec["paths"]


async def test_oversized_fields_never_break_storage(monitored: Monitored) -> None:
    m = monitored
    _, fake = await m.add_account("facebook")
    payload = feed(fake.id, "add", "x" * 500, "te lange id")
    resp = await _post(m, payload)
    assert resp.status == 200 and (await resp.json())["skipped"] == 1
    payload = feed(fake.id, "add", "p_1_900", "lange naam")
    payload["entry"][0]["changes"][0]["value"]["from"]["name"] = "N" * 5000
    resp = await _post(m, payload)
    assert resp.status == 200
    stored = await _comments(m)
    assert list(stored) == ["p_1_900"] and len(stored["p_1_900"].author_name) == 200
