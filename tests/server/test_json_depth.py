"""Deeply nested JSON (issue 17, finding 3): 400 with the API's JSON error body, never a 500,
on /api/v1/check, /api/v1/comments and every other route that takes a body."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from server.json_limits import MAX_DEPTH, too_deep


def nested(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


async def _too_deep(resp: Any) -> None:
    assert resp.status == 400, (resp.status, await resp.text())
    assert resp.content_type == "application/json"
    body = await resp.json()
    assert body["error"]["code"] == "json_too_deep"
    assert "te diep genest" in body["error"]["message"]


@pytest.mark.parametrize("levels", [1_000, 100_000])
async def test_deep_context_on_check_is_a_400(seeded: tuple[Any, Any], levels: int) -> None:
    cli, seed = seeded
    data = '{"text": "hoi", "context": ' + nested(levels) + "}"
    resp = await cli.post("/api/v1/check", data=data, headers={
        **seed.headers(seed.schools[0].tokens["staff"]), "Content-Type": "application/json"})
    await _too_deep(resp)


async def test_deep_context_on_batch_and_comments_is_a_400(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    staff = {**seed.headers(seed.schools[0].tokens["staff"]), "Content-Type": "application/json"}
    batch = '{"items": [{"id": "1", "text": "hoi", "context": ' + nested(1_000) + "}]}"
    await _too_deep(await cli.post("/api/v1/check/batch", data=batch, headers=staff))
    connector = {**seed.headers(seed.schools[0].tokens["connector"]),
                 "Content-Type": "application/json"}
    comments = (f'{{"account_id": {seed.schools[0].account_id}, "comments": [{{'
                '"external_id": "x", "post_id": "p", "text": "hoi", '
                f'"created_at": "2026-01-01T10:00:00Z", "context": {nested(1_000)}}}]}}')
    await _too_deep(await cli.post("/api/v1/comments", data=comments, headers=connector))


async def test_a_nesting_the_api_uses_still_works(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    resp = await cli.post("/api/v1/check", json={
        "text": "hoi", "context": {"platform": "instagram", "account_type": "official"}},
        headers=seed.headers(seed.schools[0].tokens["staff"]))
    assert resp.status == 200


async def test_no_route_answers_deep_json_with_a_500(seeded: tuple[Any, Any]) -> None:
    """Every POST/PUT route of the app, as admin, with a 1,000-level body: never a 5xx (routes
    without a body may do their work), JSON on the API. Covers the routes that read the body
    themselves (report, alerts, steps, password, webhooks) as well as those through read_json."""
    cli, seed = seeded
    admin = {**seed.headers(seed.admin_token), "Content-Type": "application/json"}
    body = nested(1_000)
    tried = 0
    for resource in cli.app.router.resources():
        path = re.sub(r"\{[^}]+\}", "1", resource.canonical)
        if path.startswith("/dashboard"):
            continue  # forms, not JSON
        for route in resource:
            if route.method not in ("POST", "PUT", "PATCH"):
                continue
            resp = await cli.request(route.method, path, data=body, headers=admin)
            tried += 1
            assert resp.status < 500, (route.method, path, resp.status, await resp.text())
            if path.startswith("/api/"):
                assert resp.content_type == "application/json", (route.method, path)
                if resp.status == 400:
                    assert "error" in await resp.json()
    assert tried >= 15


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert not too_deep(json.dumps({"text": "[" * 5_000 + "{" * 5_000}))
    assert not too_deep(json.dumps({"text": '\\"[[[' * 50}))
    assert too_deep(nested(MAX_DEPTH + 1))
    assert not too_deep(nested(MAX_DEPTH))
    assert too_deep("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
