"""The two modes through the server: `mode` on /check and /check/batch (default deep), deep
answered quick while the deep pool loads or when its encoder file is missing or unusable,
comments from official accounts scored deep, and `model.deep` in /health.

The deep pool runs the test judge (tests/deep_judge.py): it flags CONTEMPT, which quick does
not, so a flag in the answer shows which pool scored it."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from server import keys
from server.app import create_app
from server.storage.models import Comment
from tests.conftest import Seed, seed_database
from tests.deep_judge import CONTEMPT, JUDGE_NAME, DeepTestScorer

NEUTRAL = "Morgen is de ouderavond om 19:30 in de aula."

Make = Callable[..., Any]
TEST_JUDGE = DeepTestScorer()


@pytest.fixture
def make_app(settings: Any) -> Make:
    """`make_app(deep_scorer=..., **scoring)`: the real app with deep switched on (a thread)."""

    def make(deep_scorer: Callable[[], Any] | None = TEST_JUDGE, **scoring: Any) -> Any:
        data = settings.model_dump()
        data["scoring"].update({"deep": True, "deep_workers": 0, **scoring})
        return create_app(type(settings).model_validate(data), deep_scorer=deep_scorer)

    return make


async def _client(aiohttp_client: Any, app: Any, wait: bool = True) -> tuple[Any, Seed]:
    cli = await aiohttp_client(app)
    if wait:
        await asyncio.wait_for(app[keys.SCORER_POOL].wait_deep(), 60)
    return cli, await seed_database(app[keys.DB])


def _staff(seed: Seed) -> dict[str, str]:
    return seed.headers(seed.schools[0].tokens["staff"])


def _admin(seed: Seed) -> dict[str, str]:
    return seed.headers(seed.admin_token)  # /health shows the model to admins only


def _bullying(body: dict[str, Any]) -> bool:
    return any(f["category"] == "bullying" for f in body["flags"])


async def test_deep_is_the_default_and_quick_can_be_asked_for(
    aiohttp_client: Any, make_app: Make
) -> None:
    cli, seed = await _client(aiohttp_client, make_app())
    resp = await cli.post("/api/v1/check", json={"text": CONTEMPT}, headers=_staff(seed))
    assert resp.status == 200
    deep = await resp.json()
    assert deep["mode"] == "deep" and _bullying(deep), deep
    assert JUDGE_NAME in deep["model"]
    assert deep["advice"]["level"] != "ok"

    resp = await cli.post("/api/v1/check", json={"text": CONTEMPT, "mode": "quick"},
                          headers=_staff(seed))
    quick = await resp.json()
    assert quick["mode"] == "quick" and not _bullying(quick), quick
    assert JUDGE_NAME not in quick["model"]


@pytest.mark.parametrize("mode", ["slow", "DEEP", "", None, 1, ["deep"]])
async def test_a_bad_mode_is_a_json_error_naming_the_field(
    aiohttp_client: Any, make_app: Make, mode: Any
) -> None:
    cli, seed = await _client(aiohttp_client, make_app(), wait=False)
    for path, body in (("/api/v1/check", {"text": NEUTRAL, "mode": mode}),
                       ("/api/v1/check/batch", {"items": [{"id": "1", "text": NEUTRAL}],
                                                "mode": mode})):
        resp = await cli.post(path, json=body, headers=_staff(seed))
        assert resp.status == 422, path
        error = (await resp.json())["error"]
        assert error["code"] == "validation_error"
        assert error["details"][0]["field"] == "mode"
        assert "mode" in error["message"] and "toegestane waarde" in error["message"]


async def test_batch_takes_one_mode_for_all_items(aiohttp_client: Any, make_app: Make) -> None:
    cli, seed = await _client(aiohttp_client, make_app())
    items = [{"id": "a", "text": CONTEMPT}, {"id": "b", "text": NEUTRAL}]
    resp = await cli.post("/api/v1/check/batch", json={"items": items}, headers=_staff(seed))
    assert resp.status == 200
    deep = (await resp.json())["results"]
    assert [r["mode"] for r in deep] == ["deep", "deep"]
    assert _bullying(deep[0]) and deep[1]["flags"] == []
    resp = await cli.post("/api/v1/check/batch", json={"items": items, "mode": "quick"},
                          headers=_staff(seed))
    quick = (await resp.json())["results"]
    assert [r["id"] for r in quick] == ["a", "b"]
    assert [r["mode"] for r in quick] == ["quick", "quick"]
    assert not _bullying(quick[0])


async def test_while_deep_loads_health_and_checks_answer_at_once_as_quick(
    aiohttp_client: Any, make_app: Make
) -> None:
    gate = threading.Event()
    app = make_app(DeepTestScorer(gate=gate))
    try:
        cli, seed = await _client(aiohttp_client, app, wait=False)
        health = await cli.get("/api/v1/health", headers=_admin(seed))
        assert health.status == 200
        body = await health.json()
        assert body["status"] == "ok" and body["model"]["deep"] == {"status": "loading"}
        for mode in ("deep", "quick"):
            resp = await asyncio.wait_for(
                cli.post("/api/v1/check", json={"text": CONTEMPT, "mode": mode},
                         headers=_staff(seed)), 10)
            answer = await resp.json()
            assert resp.status == 200 and answer["mode"] == "quick", answer
            assert not _bullying(answer)
        resp = await cli.post("/api/v1/check/batch", json={"items": [
            {"id": "1", "text": CONTEMPT}]}, headers=_staff(seed))
        assert (await resp.json())["results"][0]["mode"] == "quick"
    finally:
        gate.set()
    await asyncio.wait_for(app[keys.SCORER_POOL].wait_deep(), 60)
    health = await (await cli.get("/api/v1/health", headers=_admin(seed))).json()
    assert health["model"]["deep"]["status"] == "loaded"
    assert JUDGE_NAME in health["model"]["deep"]["name"]
    resp = await cli.post("/api/v1/check", json={"text": CONTEMPT}, headers=_staff(seed))
    answer = await resp.json()
    assert answer["mode"] == "deep" and _bullying(answer)


@pytest.mark.parametrize("problem", ["missing", "corrupt"])
async def test_without_a_usable_encoder_file_deep_answers_quick_and_the_log_names_it(
    aiohttp_client: Any, make_app: Make, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    problem: str,
) -> None:
    caplog.set_level(logging.WARNING)
    path = tmp_path / "denkna-e5.safetensors"
    if problem == "corrupt":
        path.write_bytes(b"dit is geen safetensors-bestand" * 10)
    cli, seed = await _client(aiohttp_client,
                              make_app(deep_scorer=None, encoder_path=str(path)))
    resp = await cli.post("/api/v1/check", json={"text": NEUTRAL}, headers=_staff(seed))
    assert resp.status == 200 and (await resp.json())["mode"] == "quick"
    resp = await cli.post("/api/v1/check/batch", json={"items": [{"id": "1", "text": NEUTRAL}]},
                          headers=_staff(seed))
    assert (await resp.json())["results"][0]["mode"] == "quick"
    health = await cli.get("/api/v1/health", headers=_admin(seed))
    assert health.status == 200  # quick checks work: the server is not degraded
    deep = (await health.json())["model"]["deep"]
    assert deep["status"] == "unavailable" and str(path) in deep["reason"]
    warnings = [r for r in caplog.records
                if r.levelno >= logging.WARNING and str(path) in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    message = warnings[0].getMessage()
    assert "Diepe controle niet beschikbaar" in message
    assert ("ontbreekt" if problem == "missing" else "onleesbaar") in message


async def test_deep_switched_off_says_why_in_health(aiohttp_client: Any, app_factory: Any
                                                    ) -> None:
    cli, seed = await _client(aiohttp_client, app_factory(scoring={"deep": False}), wait=False)
    deep = (await (await cli.get("/api/v1/health", headers=_admin(seed))).json())["model"]["deep"]
    assert deep["status"] == "unavailable" and "scoring.deep" in deep["reason"]


async def test_comments_of_official_accounts_are_scored_deep(
    aiohttp_client: Any, make_app: Make
) -> None:
    app = make_app()
    cli, seed = await _client(aiohttp_client, app)
    school = seed.schools[0]
    resp = await cli.post("/api/v1/comments", headers=seed.headers(school.tokens["connector"]),
                          json={"account_id": school.account_id, "comments": [
                              {"external_id": "d1", "post_id": "p1", "text": CONTEMPT,
                               "created_at": "2026-11-20T10:00:00Z"},
                              {"external_id": "d2", "post_id": "p1", "text": NEUTRAL,
                               "created_at": "2026-11-20T10:01:00Z"}]})
    assert resp.status == 200, await resp.text()
    async with app[keys.DB].session() as s:
        rows = {c.external_id: c for c in (await s.execute(select(Comment))).scalars()}
    assert rows["d1"].flagged and rows["d1"].flags[0]["subtype"] == "encoder"
    assert not rows["d2"].flagged
    metrics = await (await cli.get("/metrics", headers=seed.headers(seed.admin_token))).text()
    assert ('denkna_scored_texts_total{source="comments",requested="deep",used="deep"} 2'
            in metrics)


async def test_metrics_count_deep_checks_answered_quick(aiohttp_client: Any, make_app: Make,
                                                        tmp_path: Path) -> None:
    cli, seed = await _client(aiohttp_client, make_app(
        deep_scorer=None, encoder_path=str(tmp_path / "ontbreekt.safetensors")))
    await cli.post("/api/v1/check", json={"text": NEUTRAL}, headers=_staff(seed))
    await cli.post("/api/v1/check", json={"text": NEUTRAL, "mode": "quick"},
                   headers=_staff(seed))
    metrics = await (await cli.get("/metrics", headers=seed.headers(seed.admin_token))).text()
    assert 'denkna_scored_texts_total{source="check",requested="deep",used="quick"} 1' in metrics
    assert 'denkna_scored_texts_total{source="check",requested="quick",used="quick"} 1' in metrics


async def test_openapi_documents_the_mode(client: Any) -> None:
    spec = await (await client.get("/api/v1/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    for name in ("CheckRequest", "BatchRequest"):
        mode = schemas[name]["properties"]["mode"]
        assert mode["enum"] == ["quick", "deep"] and mode["default"] == "deep"
        assert "deep" in mode["description"]
    answer = spec["paths"]["/api/v1/check"]["post"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert "mode" in answer["required"] and answer["properties"]["mode"]["enum"] == [
        "quick", "deep"]
    health = spec["paths"]["/api/v1/health"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert health["properties"]["model"]["properties"]["deep"]["properties"]["status"][
        "enum"] == ["loaded", "loading", "unavailable"]
