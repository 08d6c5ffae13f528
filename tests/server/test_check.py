"""POST /api/v1/check and friends: the scoring contract, advice, counters — never the text."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from server import keys
from server.storage.models import Counter

NASTY = "Jij bent een vieze kankerhoer, ga dood"
NEUTRAL = "Morgen is de ouderavond om 19:30 in de aula."


async def test_check_returns_the_scoring_contract(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    headers = seed.headers(seed.schools[0].tokens["staff"])
    resp = await cli.post("/api/v1/check", json={"text": NEUTRAL}, headers=headers)
    assert resp.status == 200
    body = await resp.json()
    assert set(body["scores"]) == {"bullying", "discrimination", "personal_data", "profanity",
                                   "protocol"}
    assert body["flags"] == []
    assert body["advice"]["level"] == "ok"
    assert body["advice"]["summary"] == "Geen problemen gevonden."


async def test_nasty_draft_is_flagged_with_dutch_advice(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    headers = seed.headers(seed.schools[0].tokens["staff"])
    resp = await cli.post(
        "/api/v1/check",
        json={"text": NASTY, "context": {"account_type": "official", "platform": "facebook"}},
        headers=headers,
    )
    assert resp.status == 200
    body = await resp.json()
    cats = {f["category"] for f in body["flags"]}
    assert "bullying" in cats, body
    for f in body["flags"]:
        for span in f["spans"]:
            assert 0 <= span["start"] < span["end"] <= len(NASTY)
    assert body["advice"]["level"] in ("caution", "stop")
    assert "pesten" in body["advice"]["summary"]
    assert any("officieel account" in n for n in body["advice"]["notes"])


async def test_english_locale(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    resp = await cli.post("/api/v1/check", json={"text": NEUTRAL, "locale": "en"},
                          headers=seed.headers(seed.schools[0].tokens["staff"]))
    assert (await resp.json())["advice"]["summary"] == "No problems found."


async def test_batch_answers_in_order(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    items = [{"id": "a", "text": NEUTRAL}, {"id": "b", "text": NASTY}]
    resp = await cli.post("/api/v1/check/batch", json={"items": items},
                          headers=seed.headers(seed.schools[0].tokens["staff"]))
    assert resp.status == 200
    results = (await resp.json())["results"]
    assert [r["id"] for r in results] == ["a", "b"]
    assert results[0]["flags"] == [] and results[1]["flags"]


async def test_batch_over_100_items_is_refused(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    items = [{"id": str(i), "text": "hoi"} for i in range(101)]
    resp = await cli.post("/api/v1/check/batch", json={"items": items},
                          headers=seed.headers(seed.schools[0].tokens["staff"]))
    assert resp.status == 422
    assert (await resp.json())["error"]["code"] == "validation_error"


async def test_counters_and_nudge_stats(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    staff = seed.headers(seed.schools[0].tokens["staff"])
    await cli.post("/api/v1/check", json={"text": NASTY}, headers=staff)
    await cli.post("/api/v1/check", json={"text": NEUTRAL}, headers=staff)
    resp = await cli.post("/api/v1/check/outcome",
                          json={"categories": ["bullying"], "outcome": "changed"}, headers=staff)
    assert resp.status == 200
    resp = await cli.get("/api/v1/stats/nudges?days=7",
                         headers=seed.headers(seed.schools[0].tokens["leadership"]))
    assert resp.status == 200
    rows = (await resp.json())["rows"]
    counts = {(r["category"], r["event"]): r["count"] for r in rows}
    assert counts[("all", "checked")] == 2
    assert counts[("bullying", "flagged")] == 1
    assert counts[("bullying", "changed")] == 1
    # the other school's leadership sees none of it
    resp = await cli.get("/api/v1/stats/nudges",
                         headers=seed.headers(seed.schools[1].tokens["leadership"]))
    assert (await resp.json())["rows"] == []
    # the database has counters only (no text column exists for drafts)
    async with cli.app[keys.DB].session() as s:
        stored = (await s.execute(select(Counter))).scalars().all()
    assert {c.school_id for c in stored} == {seed.schools[0].id}


async def test_school_threshold_changes_what_is_flagged(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    staff = seed.headers(seed.schools[0].tokens["staff"])
    body = await (await cli.post("/api/v1/check", json={"text": NASTY}, headers=staff)).json()
    assert any(f["category"] == "bullying" for f in body["flags"])
    resp = await cli.put(f"/api/v1/admin/schools/{seed.schools[0].id}/thresholds",
                         json={"bullying": 1.0}, headers=seed.headers(seed.admin_token))
    assert resp.status == 200
    assert (await resp.json())["thresholds"]["bullying"] == 1.0
    body = await (await cli.post("/api/v1/check", json={"text": NASTY}, headers=staff)).json()
    if body["scores"]["bullying"] < 1.0:
        assert not any(f["category"] == "bullying" for f in body["flags"])
    # the other school keeps its defaults
    other = seed.headers(seed.schools[1].tokens["staff"])
    body = await (await cli.post("/api/v1/check", json={"text": NASTY}, headers=other)).json()
    assert any(f["category"] == "bullying" for f in body["flags"])


async def test_concurrent_checks_each_get_their_own_judgement(seeded: tuple[Any, Any]) -> None:
    """Checks arriving together are scored in one micro-batch; answers must not mix up."""
    import asyncio

    cli, seed = seeded
    staff = seed.headers(seed.schools[0].tokens["staff"])
    texts = [NASTY if i % 3 == 0 else f"{NEUTRAL} ({i})" for i in range(24)]

    async def one(text: str) -> dict[str, Any]:
        resp = await cli.post("/api/v1/check", json={"text": text}, headers=staff)
        assert resp.status == 200
        return await resp.json()

    results = await asyncio.gather(*(one(t) for t in texts))
    for text, body in zip(texts, results, strict=True):
        assert bool(body["flags"]) == (text == NASTY), text


async def test_disclaimer_rule_only_for_private_accounts(seeded: tuple[Any, Any]) -> None:
    """The classifier alone decides the disclaimer rule (staff_protocol data): a private
    account gets the flag with the disclaimer added, an official or unknown one none."""
    cli, seed = seeded
    headers = seed.headers(seed.schools[0].tokens["staff"])
    opinion = "Ik vind het nieuwe beleid van onze school echt belachelijk."
    subtypes = {}
    for account_type in ("private", "official", "unknown"):
        resp = await cli.post("/api/v1/check", headers=headers, json={
            "text": opinion, "context": {"account_type": account_type}})
        assert resp.status == 200
        body = await resp.json()
        subtypes[account_type] = [f["subtype"] for f in body["flags"]
                                  if f["category"] == "protocol"]
        if account_type == "private":
            assert body["flags"][0]["suggestion"].startswith(opinion)
    assert subtypes == {"private": ["missing_disclaimer"], "official": [], "unknown": []}
