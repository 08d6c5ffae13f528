"""Cross-school isolation: a school's leadership sees only its own threads, comments and
counters; the board sees every school but cannot change anything."""

from __future__ import annotations

from typing import Any


async def _ingest(cli: Any, seed: Any, n: int, text: str) -> None:
    school = seed.schools[n]
    body = {"account_id": school.account_id, "comments": [
        {"external_id": f"s{n}-c1", "post_id": f"s{n}-post", "text": text,
         "created_at": "2026-11-20T10:00:00Z"}]}
    resp = await cli.post("/api/v1/comments", json=body,
                          headers=seed.headers(school.tokens["connector"]))
    assert resp.status == 200


async def test_threads_are_per_school(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    await _ingest(cli, seed, 0, "Reactie bij school 1")
    await _ingest(cli, seed, 1, "Reactie bij school 2")
    lead1 = seed.headers(seed.schools[0].tokens["leadership"])
    lead2 = seed.headers(seed.schools[1].tokens["leadership"])
    t1 = (await (await cli.get("/api/v1/threads", headers=lead1)).json())["threads"]
    t2 = (await (await cli.get("/api/v1/threads", headers=lead2)).json())["threads"]
    assert [t["school_id"] for t in t1] == [seed.schools[0].id]
    assert [t["school_id"] for t in t2] == [seed.schools[1].id]
    # leadership of school 2 cannot open school 1's thread, even with school_id in the query
    resp = await cli.get(f"/api/v1/threads/{t1[0]['id']}", headers=lead2)
    assert resp.status == 404
    assert "school 1" not in await resp.text()
    forced = await cli.get(f"/api/v1/threads?school_id={seed.schools[0].id}", headers=lead2)
    assert [t["school_id"] for t in (await forced.json())["threads"]] == [seed.schools[1].id]
    # the board sees both, read-only
    board = seed.headers(seed.board_token)
    both = (await (await cli.get("/api/v1/threads", headers=board)).json())["threads"]
    assert {t["school_id"] for t in both} == {seed.schools[0].id, seed.schools[1].id}
    assert (await cli.get(f"/api/v1/threads/{t1[0]['id']}", headers=board)).status == 200
    resp = await cli.post("/api/v1/admin/schools", json={"name": "X"}, headers=board)
    assert resp.status == 403


async def test_nudge_stats_are_per_school(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    s1 = seed.headers(seed.schools[0].tokens["staff"])
    await cli.post("/api/v1/check", json={"text": "hoi"}, headers=s1)
    lead2 = seed.headers(seed.schools[1].tokens["leadership"])
    resp = await cli.get(f"/api/v1/stats/nudges?school_id={seed.schools[0].id}", headers=lead2)
    assert resp.status == 404
    assert (await (await cli.get("/api/v1/stats/nudges", headers=lead2)).json())["rows"] == []
    board = seed.headers(seed.board_token)
    rows = (await (await cli.get("/api/v1/stats/nudges", headers=board)).json())["rows"]
    assert {r["school_id"] for r in rows} == {seed.schools[0].id}
