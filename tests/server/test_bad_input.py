"""Bad input gets a 4xx with a JSON error body in Dutch — never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest


async def _error(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status == status, (resp.status, await resp.text())
    assert resp.content_type == "application/json"
    body = await resp.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("data", "ctype", "status", "code"),
    [
        (b'{"text": ', "application/json", 400, "invalid_json"),
        (b"\xff\xfe{}", "application/json", 400, "invalid_utf8"),
        (b'{"text": "hoi"}', "text/plain", 415, "unsupported_media_type"),
        (b'{"text": "hoi"}', "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'{"text": 5}', "application/json", 422, "validation_error"),
        (b'["text"]', "application/json", 422, "validation_error"),
        (b"null", "application/json", 422, "validation_error"),
        (b'{"text": "hoi", "extra": 1}', "application/json", 422, "validation_error"),
        (b'{"text": "hoi", "context": {"account_type": "school"}}', "application/json", 422,
         "validation_error"),
        (b'{"text": "\\ud800"}', "application/json", 422, "validation_error"),
        (b'{}', "application/json", 422, "validation_error"),
    ],
)
async def test_check_rejects_bad_bodies(
    seeded: tuple[Any, Any], data: bytes, ctype: str, status: int, code: str
) -> None:
    cli, seed = seeded
    headers = {**seed.headers(seed.schools[0].tokens["staff"]), "Content-Type": ctype}
    err = await _error(await cli.post("/api/v1/check", data=data, headers=headers), status)
    assert err["code"] == code


async def test_text_over_100000_characters(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    headers = seed.headers(seed.schools[0].tokens["staff"])
    ok = await cli.post("/api/v1/check", json={"text": "a" * 100_000}, headers=headers)
    assert ok.status == 200
    err = await _error(
        await cli.post("/api/v1/check", json={"text": "a" * 100_001}, headers=headers), 422
    )
    assert err["code"] == "text_too_long"
    assert "100.000" in err["message"]


async def test_body_over_the_limit_is_413_json(aiohttp_client: Any, app_factory: Any) -> None:
    from server import keys
    from tests.conftest import seed_database

    app = app_factory(server={"body_limit_bytes": 4096})
    cli = await aiohttp_client(app)
    seed = await seed_database(app[keys.DB])
    headers = seed.headers(seed.schools[0].tokens["staff"])
    err = await _error(await cli.post("/api/v1/check", json={"text": "x" * 5000},
                                      headers=headers), 413)
    assert err["code"] == "body_too_large"


async def test_unknown_route_and_method_are_json(seeded: tuple[Any, Any]) -> None:
    cli, _ = seeded
    assert (await _error(await cli.get("/api/v1/nope"), 404))["code"] == "not_found"
    assert (await _error(await cli.delete("/api/v1/health"), 405))["code"] == \
        "method_not_allowed"


@pytest.mark.parametrize("query", ["days=0", "days=abc", "days=367", "school_id=-1"])
async def test_bad_query_parameters(seeded: tuple[Any, Any], query: str) -> None:
    cli, seed = seeded
    resp = await cli.get(f"/api/v1/stats/nudges?{query}", headers=seed.headers(seed.board_token))
    assert (await _error(resp, 400))["code"] == "invalid_query"


async def test_bad_path_ids_are_404(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    lead = seed.headers(seed.schools[0].tokens["leadership"])
    for tid in ("abc", "0", "-5", "99999999999999999999999"):
        await _error(await cli.get(f"/api/v1/threads/{tid}", headers=lead), 404)


async def test_admin_errors_are_clear(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    admin = seed.headers(seed.admin_token)
    err = await _error(await cli.post("/api/v1/admin/users", json={"name": "A", "role": "staff"},
                                      headers=admin), 422)
    assert err["code"] == "school_required"
    err = await _error(await cli.post("/api/v1/admin/schools",
                                      json={"name": "Dubbel", "slug": "school-1"},
                                      headers=admin), 409)
    assert err["code"] == "school_exists"
    err = await _error(await cli.post("/api/v1/admin/tokens", json={"user_id": 9999},
                                      headers=admin), 404)
    assert err["code"] == "user_not_found"
    err = await _error(await cli.put("/api/v1/admin/schools/1/thresholds",
                                     json={"bullying": 2}, headers=admin), 422)
    assert err["code"] == "validation_error"


@pytest.mark.parametrize(
    "patch",
    [{"created_at": "0001-01-01T00:00:00+01:00"}, {"created_at": "gisteren"},
     {"external_id": "a\u0000b"}, {"text": None}],
)
async def test_ingest_rejects_implausible_comments(seeded: tuple[Any, Any], patch: dict) -> None:
    cli, seed = seeded
    school = seed.schools[0]
    comment = {"external_id": "x", "post_id": "p", "text": "hoi",
               "created_at": "2026-11-20T10:00:00Z", **patch}
    resp = await cli.post("/api/v1/comments", json={"account_id": school.account_id,
                                                    "comments": [comment]},
                          headers=seed.headers(school.tokens["connector"]))
    assert (await _error(resp, 422))["code"] == "validation_error"
