"""Health, Prometheus metrics, and scoring off the event loop."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from server import keys
from tests.conftest import seed_database


async def test_health_needs_no_token_and_shows_details_to_admins_only(
    seeded: tuple[Any, Any]
) -> None:
    """Issue 17, finding 6: the model name and versions were shown to anyone."""
    cli, seed = seeded
    resp = await cli.get("/api/v1/health")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok"}
    for token in (seed.schools[0].tokens["staff"], seed.schools[0].tokens["leadership"],
                  seed.board_token, "dk_not-a-token"):
        resp = await cli.get("/api/v1/health", headers=seed.headers(token))
        assert resp.status == 200 and await resp.json() == {"status": "ok"}
    resp = await cli.get("/api/v1/health", headers=seed.headers(seed.admin_token))
    body = await resp.json()
    assert body["status"] == "ok" and body["database"] is True
    assert body["model"]["loaded"] is True and body["model"]["name"]
    assert body["version"]


async def test_metrics_count_requests_checks_and_ingest(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    staff = seed.headers(seed.schools[0].tokens["staff"])
    await cli.post("/api/v1/check", json={"text": "Jij bent een vieze kankerlijer"},
                   headers=staff)
    await cli.post("/api/v1/comments", headers=seed.headers(seed.schools[0].tokens["connector"]),
                   json={"account_id": seed.schools[0].account_id, "comments": [
                       {"external_id": "m1", "post_id": "p", "text": "hoi",
                        "created_at": "2026-11-20T10:00:00Z"}]})
    resp = await cli.get("/metrics", headers=seed.headers(seed.admin_token))
    assert resp.status == 200 and resp.content_type == "text/plain"
    text = await resp.text()
    assert 'denkna_checks_total{category="all"} 1' in text
    assert 'denkna_checks_total{category="bullying"} 1' in text
    assert 'denkna_ingest_comments_total{result="stored"} 1' in text
    assert 'route="/api/v1/check",status="200"' in text
    assert 'denkna_http_request_duration_seconds_bucket{route="/api/v1/check",le="+Inf"}' in text
    assert "kankerlijer" not in text


@pytest.mark.slow
async def test_a_slow_batch_does_not_block_other_requests(
    aiohttp_client: Any, app_factory: Any
) -> None:
    """With a scorer process, health answers while a big batch is still being scored."""
    app = app_factory(scoring={"workers": 1}, server={"body_limit_bytes": 20_000_000})
    cli = await aiohttp_client(app)
    assert app[keys.SCORER_POOL].info.kind == "process"
    seed = await seed_database(app[keys.DB])
    text = "Jij bent een vieze kankerlijer en ik weet waar je woont. " * 1700
    items = [{"id": str(i), "text": text[:100_000]} for i in range(6)]
    order: list[str] = []

    async def batch() -> None:
        resp = await cli.post("/api/v1/check/batch", json={"items": items},
                              headers=seed.headers(seed.schools[0].tokens["staff"]))
        assert resp.status == 200
        order.append("batch")

    task = asyncio.create_task(batch())
    await asyncio.sleep(0.5)  # the batch is in the scorer process by now
    resp = await cli.get("/api/v1/health")
    assert resp.status == 200
    order.append("health")
    await task
    assert order == ["health", "batch"]
